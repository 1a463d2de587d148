"""The CLI's composition root: one place that builds what every command works with.

:func:`open_fleet` opens the inventory, the templates, the ledger (``--ledger URL``, else
``ledger.sqlite`` beside the inventory), the backups and the trust store from the global options
(``-i``, ``--ledger``, ``--technician``, ``--programme``) and hands a command one
:class:`~mikronet.ops.fleet.Fleet`; the ledger is closed when the command ends. :func:`run_task`
runs a task with the output observer, the rollout flags and Ctrl-C handling every fleet command
shares. No command opens a ledger or builds a fleet by itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mikronet.cli.main import get_app
from mikronet.cli.output import echo, print_summary, progress_for
from mikronet.clock import for_people_text
from mikronet.errors import InputError, SelectionError

if TYPE_CHECKING:
    from mikronet.cli.options import FleetFlags
    from mikronet.inventory import Inventory, Router
    from mikronet.ledger import Ledger
    from mikronet.ops.fleet import Fleet, Task
    from mikronet.runner import RunResult

__all__ = ["confirm", "exit_status", "interrupts", "load", "one_router", "open_fleet", "open_ledger", "run_task",
           "wants_json"]


def load(ctx: click.Context) -> Inventory:
    """The inventory ``-i`` names (checked; every error names its file and line)."""
    from mikronet.inventory import load_inventory

    app = get_app(ctx)
    if "inventory" not in app.extra:
        app.extra["inventory"] = load_inventory(app.inventory_path)
    inventory: Inventory = app.extra["inventory"]
    return inventory


def open_ledger(ctx: click.Context, inventory: Inventory | None = None, *, create: bool = True) -> Ledger:
    """The ledger of this invocation (``--ledger URL``, else beside the inventory), opened once and
    closed when the command ends (``create=False``: a SQLite file that does not exist is an error)."""
    from mikronet.ledger import categories_of
    from mikronet.ledger import open_ledger as open_at

    app = get_app(ctx)
    ledger: Ledger | None = app.extra.get("ledger")
    if ledger is None:
        inventory = inventory or load(ctx)
        ledger = open_at(app.ledger_url, base_dir=inventory.trust_dir, categories=categories_of(inventory),
                         create=create)
        app.extra["ledger"] = ledger
        ctx.find_root().call_on_close(ledger.close)
    return ledger


def read_ledger(ctx: click.Context, inventory: Inventory | None = None) -> Ledger | None:
    """The ledger for a command that only reads it: ``None`` while the inventory's own has not been created
    (nothing recorded yet), so that reading creates nothing. ``--ledger URL`` must name one that exists."""
    from mikronet.ledger import default_ledger_url, sqlite_path

    app = get_app(ctx)
    if app.ledger_url is None and app.extra.get("ledger") is None:
        inventory = inventory or load(ctx)
        path = sqlite_path(default_ledger_url(inventory.trust_dir))
        if path is not None and not path.exists():
            return None
    return open_ledger(ctx, inventory, create=False)


def open_fleet(ctx: click.Context, templates: Path | None = None) -> Fleet:
    """The fleet every command works on, built from the global options."""
    from mikronet.ops.fleet import Fleet
    from mikronet.render import find_template_dir

    app = get_app(ctx)
    inventory = load(ctx)
    folder = find_template_dir(inventory, templates)  # beside the inventory, also for an installed mikronet
    return Fleet(inventory, templates=folder, command=["mikronet", *sys.argv[1:]], technician=app.technician,
                 ledger_opener=lambda: open_ledger(ctx, inventory), programme=app.programme)


def wants_json(ctx: click.Context, local: bool) -> bool:
    """Whether output is JSON (the global ``--json`` or the command's own)."""
    app = get_app(ctx)
    app.json_output = app.json_output or local
    return app.json_output


def one_router(fleet: Fleet, router_id: str) -> Router:
    """The one router the ROUTER argument names; a wrong id is reported as the argument, with "did you mean"."""
    import difflib

    known = [r.id for r in fleet.inventory.routers]
    schools = {s.id for s in fleet.inventory.schools}
    if router_id not in known and router_id not in schools and not set(router_id) & set("*?["):
        close = difflib.get_close_matches(router_id, known, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise SelectionError(f"ROUTER {router_id!r}: no such router{hint}")
    routers = fleet.select(router_id)
    if len(routers) != 1:
        raise SelectionError(f"{router_id!r} selects {len(routers)} routers; name exactly one")
    return routers[0]


@contextlib.contextmanager
def interrupts(fleet: Fleet) -> Iterator[None]:
    """Ctrl-C once: no new router starts, routers in flight end safely. Twice: leave now, saying when
    each router in flight will be restored by its armed revert."""
    assert fleet.interrupt is not None
    interrupt = fleet.interrupt

    def handler(signum: int, frame: Any) -> None:
        if not interrupt.is_set():
            interrupt.request()
            echo("stopping: no new router starts; routers in flight finish safely "
                 "(a push being applied loads its backup now). Ctrl-C again to leave at once.", err=True)
            return
        runner = fleet.runner
        for router_id, (phase, revert_at) in sorted((runner.phases if runner else {}).items()):
            when = (f"its armed revert restores it at {for_people_text(revert_at)}" if revert_at
                    else "nothing is armed on it")
            echo(f"{router_id}: left in its {phase} phase; {when}", err=True)
        echo("left at once; the run record holds every router finished so far", err=True)
        sys.stdout.flush()
        os._exit(130)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def confirm(routers: Sequence[Router], yes: bool, what: str) -> None:
    """Ask before a change that reaches more than one school; refuse without a terminal or --yes."""
    schools = {r.school.id for r in routers}
    if yes or len(schools) <= 1:
        return
    municipalities = {r.school.municipality for r in routers}
    question = (f"{what} {len(routers)} routers at {len(schools)} schools in {len(municipalities)} "
                f"municipalities?")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError(f"refusing to {what.lower()} {len(routers)} routers at {len(schools)} schools without "
                         "--yes: there is no terminal to ask")
    if not click.confirm(question, default=False, err=True):
        raise click.Abort()


def run_task(fleet: Fleet, task: Task, routers: Sequence[Router], flags: FleetFlags | None, as_json: bool, *,
             show_plan: bool = False) -> RunResult:
    """Run ``task`` with the output observer, the rollout flags and Ctrl-C handling; print the summary."""
    observer = progress_for(len(routers), json_output=as_json, show_plan=show_plan)
    policy = flags.rollout(fleet.policy) if flags is not None else fleet.policy
    if flags is not None and flags.now and not as_json:
        echo("--now: maintenance windows are ignored for this run", err=True)
    with interrupts(fleet):
        run = fleet.run(task, routers, policy, resume=flags.resume_from() if flags is not None else None,
                        on_event=observer)
    print_summary(run, json_output=as_json, operation=task.name)
    return run


def exit_status(run: RunResult) -> int:
    """0 fine, 1 some routers failed (or the run was interrupted)."""
    from mikronet.runner.results import exit_status as of_results

    return 1 if run.interrupted else of_results(run.results)
