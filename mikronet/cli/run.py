"""``mikronet run PLAYBOOK``: a playbook's steps, each a fleet run, with one rollout strategy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from mikronet.cli.main import get_app
from mikronet.cli.options import json_option, limit_option, yes_option
from mikronet.cli.output import echo, print_summary, progress_for
from mikronet.cli.root import confirm, interrupts, open_fleet, wants_json

__all__ = ["run"]


def find_playbook(name: str, inventory_path: Path) -> Path:
    """A playbook by path, or by name in ``playbooks/`` beside the inventory or in the project."""
    given = Path(name)
    if given.is_file():
        return given
    base = inventory_path if inventory_path.is_dir() else inventory_path.parent
    for folder in (base / "playbooks", base.parent / "playbooks", Path("playbooks")):
        for candidate in (folder / name, folder / f"{name}.yaml", folder / f"{name}.yml"):
            if candidate.is_file():
                return candidate
    return given  # load_playbook names it in its error


@click.command()
@click.argument("playbook")
@limit_option
@click.option("--check", is_flag=True, help="Every push step only plans.")
@yes_option
@json_option
@click.pass_context
def run(ctx: click.Context, playbook: str, limit: str | None, check: bool, yes: bool, json_local: bool) -> None:
    """Run PLAYBOOK (a file, or a name in playbooks/): its steps in order, each across the fleet."""
    from mikronet.ops.tasks import Push
    from mikronet.playbook import load_playbook, playbook_routers, run_playbook

    as_json = wants_json(ctx, json_local)
    book = load_playbook(find_playbook(playbook, get_app(ctx).inventory_path))
    fleet = open_fleet(ctx)
    routers = playbook_routers(book, fleet, limit)
    if not check and any(step.operation == "push" for step in book.steps):
        fleet.prepare(Push(), routers)  # a template error stops here, before the question and any router
        confirm(routers, yes, "Run the playbook's push on")
    if not as_json:
        echo(f"playbook {book.name}: {len(book.steps)} step(s) over {len(routers)} router(s)", bold=True)

    def on_step(step: Any, result: Any) -> None:
        if not as_json:
            echo(f"── {step.operation}{' ' + step.template if step.template else ''}", bold=True)
        print_summary(result, json_output=as_json, operation=step.operation)

    observer = progress_for(len(routers), json_output=as_json, show_plan=False)
    with interrupts(fleet):
        done = run_playbook(book, fleet, limit=limit, check=check, on_event=observer, on_step=on_step)
    failed = any(r.failed or r.interrupted for _, r in done)
    if len(done) < len(book.steps) and not as_json:
        echo(f"stopped after step {len(done)} of {len(book.steps)}", fg="red")
    ctx.exit(1 if failed or len(done) < len(book.steps) else 0)
