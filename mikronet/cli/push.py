"""``mikronet trust | render | plan | push | facts | backup``: fleet runs from the terminal.

A thin shell over :class:`~mikronet.ops.fleet.Fleet`: parse the flags, select, ask when a change
reaches more than one school, run with the right output observer, print the summary, set the exit
status (0 fine, 1 some routers failed, 2 bad input, 3 ``plan --exit-code`` found changes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import click

from mikronet.cli.completion import complete_router
from mikronet.cli.main import get_app
from mikronet.cli.options import (
    FleetFlags,
    fleet_options,
    json_option,
    limit_option,
    templates_option,
    yes_option,
)
from mikronet.cli.output import echo, print_summary, print_table, progress_for
from mikronet.clock import for_people_text
from mikronet.errors import InputError
from mikronet.secret import REDACTOR

__all__ = ["backup", "facts", "plan", "push", "render", "tls_enroll", "trust"]


def _fleet(ctx: click.Context, templates: Path | None = None) -> Any:
    from mikronet.inventory import load_inventory
    from mikronet.ops.fleet import Fleet
    from mikronet.render import find_template_dir

    inventory = load_inventory(get_app(ctx).inventory_path)
    folder = find_template_dir(inventory, templates)  # beside the inventory, also for an installed mikronet
    return Fleet(inventory, templates=folder, command=["mikronet", *sys.argv[1:]])


@contextlib.contextmanager
def _interrupts(fleet: Any) -> Iterator[None]:
    """Ctrl-C once: no new router starts, routers in flight end safely. Twice: leave now, saying when
    each router in flight will be restored by its armed revert."""

    def handler(signum: int, frame: Any) -> None:
        if not fleet.interrupt.is_set():
            fleet.interrupt.request()
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


def _json(ctx: click.Context, local: bool) -> bool:
    app = get_app(ctx)
    app.json_output = app.json_output or local
    return app.json_output


def _run(ctx: click.Context, fleet: Any, operation: str, routers: list[Any], flags: FleetFlags | None,
         as_json: bool, call: Callable[..., Any], *, show_plan: bool = False) -> Any:
    observer = progress_for(len(routers), json_output=as_json, show_plan=show_plan)
    policy = flags.policy() if flags is not None else {}
    if flags is not None and flags.now and not as_json:
        echo("--now: maintenance windows are ignored for this run", err=True)
    with _interrupts(fleet):
        run = call(routers, on_event=observer, **policy)
    print_summary(run, json_output=as_json, operation=operation)
    return run


def _status(run: Any) -> int:
    from mikronet.runner.results import exit_status

    return 1 if run.interrupted else exit_status(run.results)


def _confirm(routers: list[Any], yes: bool, what: str) -> None:
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


@click.command()
@click.argument("pattern", required=False, shell_complete=complete_router)
@limit_option
@yes_option
@click.option("--replace", is_flag=True, help="Re-pin routers whose identity changed (only after a replacement).")
@json_option
@fleet_options
@click.pass_context
def trust(ctx: click.Context, pattern: str | None, limit: str | None, yes: bool, replace: bool, json_local: bool,
          flags: FleetFlags) -> None:
    """Show the SSH host keys and TLS certificates of the routers PATTERN (or --limit) selects, and pin them.

    Trust on first use is explicit: without --yes the fingerprints are shown and you are asked once;
    with --yes every router selected is pinned. A router whose identity differs from its pin is
    refused unless --replace is given.
    """
    from mikronet.ops.identity import pins_of
    from mikronet.runner.results import Status

    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    if pattern and limit:
        raise click.UsageError("give the routers either as PATTERN or with --limit, not both")
    routers = fleet.select(pattern or limit)
    ask = not yes and not as_json and sys.stdin.isatty()
    run = _run(ctx, fleet, "trust", routers, flags, as_json,
               lambda rs, **kw: fleet.trust(rs, pin=yes, replace_changed=replace, **kw))
    shown = [r for r in run.results if r.status is Status.PLANNED]
    if not as_json:
        for result in run.results:
            for line in result.details.get("lines", []):
                echo(f"{result.router}: {line}")
        pinned = sum(1 for r in run.results if r.status is Status.CHANGED)
        if pinned:
            echo(f"pinned {pinned} router(s) in {fleet.trust_store.path}")
    if shown and ask and click.confirm(f"Pin these {len(shown)} router(s)?", default=False, err=True):
        store = fleet.trust_store
        for result in shown:
            for pin in pins_of(result):
                store.record(pin)
        echo(f"pinned {len(shown)} router(s) in {store.path}")
    elif shown and not yes:
        echo(f"{len(shown)} router(s) not pinned: re-run with --yes to pin them", err=True)
    ctx.exit(_status(run))


@click.command("tls-enroll")
@click.argument("pattern", required=False, shell_complete=complete_router)
@limit_option
@click.option("--check", is_flag=True, help="Say which routers would be enrolled; change nothing.")
@yes_option
@json_option
@fleet_options
@click.pass_context
def tls_enroll(ctx: click.Context, pattern: str | None, limit: str | None, check: bool, yes: bool,
               json_local: bool, flags: FleetFlags) -> None:
    """Move routers off plain API: over their pinned SSH session, give each a certificate, turn api-ssl
    on with it, and pin it. Routers that were on `api` are switched to `api-ssl` in the inventory."""
    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    routers = fleet.select(pattern or limit)
    if not check:
        _confirm(routers, yes, "Enrol for api-ssl")
    run = _run(ctx, fleet, "tls-enroll", routers, flags, as_json,
               lambda rs, **kw: fleet.tls_enroll(rs, check=check, **kw))
    ctx.exit(_status(run))


@click.command()
@click.argument("router_id", required=False, shell_complete=complete_router)
@templates_option
@click.option("--check", "check_only", is_flag=True,
              help="Render and parse the template of every selected router; print only problems.")
@limit_option
@click.pass_context
def render(ctx: click.Context, router_id: str | None, templates: Path | None, check_only: bool,
           limit: str | None) -> None:
    """Print ROUTER's rendered template (secrets shown as ***), or check many with --check.

    Nothing is sent to any router. --check reports every router whose template does not render,
    does not parse, or names a menu or property its RouterOS version does not have (template, line,
    router) and exits 2 if there is one.
    """
    from mikronet.inventory import load_inventory, resolve_secrets, select
    from mikronet.ops.push import Pusher
    from mikronet.render import Renderer, check_lines, check_render, find_template_dir
    from mikronet.transport import TrustStore

    if not check_only and router_id is None:
        raise click.UsageError("name a ROUTER, or use --check")
    inventory = load_inventory(get_app(ctx).inventory_path)
    routers = select(inventory, router_id if router_id is not None else limit)
    renderer = Renderer(find_template_dir(inventory, templates))
    if check_only:  # the push's own render (values revealed, encodings checked); identical failures once
        pusher = Pusher(renderer, TrustStore(inventory.known_hosts))
        result = check_render(resolve_secrets(routers), renderer, check=pusher.render_one)
        for line in check_lines(result):
            echo(line, err=True)
        echo(result.summary())
        ctx.exit(2 if result.problems else 0)
    click.echo(REDACTOR.redact(renderer.render_router(routers[0])), nl=False)  # masked: nothing to resolve


@click.command()
@limit_option
@templates_option
@click.option("--exit-code", is_flag=True, help="Exit 3 when any router would change (drift checks from cron).")
@json_option
@fleet_options
@click.pass_context
def plan(ctx: click.Context, limit: str | None, templates: Path | None, exit_code: bool, json_local: bool,
         flags: FleetFlags) -> None:
    """Show what a push would change on the selected routers (reads only)."""
    from mikronet.runner.results import Status

    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx, templates)
    routers = fleet.select(limit)
    run = _run(ctx, fleet, "plan", routers, flags, as_json, fleet.plan, show_plan=flags.diff)
    status = _status(run)
    if status == 0 and exit_code and any(r.status in (Status.PLANNED, Status.REVERT_PENDING) for r in run.results):
        status = 3
    ctx.exit(status)


@click.command()
@limit_option
@templates_option
@click.option("--check", is_flag=True, help="Only show the plan (same as `mikronet plan`).")
@click.option("--revert-after", type=float, default=60.0, show_default=True,
              help="Seconds the router waits for verification before restoring its backup.")
@yes_option
@json_option
@fleet_options
@click.pass_context
def push(ctx: click.Context, limit: str | None, templates: Path | None, check: bool, revert_after: float,
         yes: bool, json_local: bool, flags: FleetFlags) -> None:
    """Bring the selected routers to their templates: plan, back up, arm revert, apply, verify."""
    from dataclasses import replace

    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx, templates)
    fleet.push_options = replace(fleet.push_options, revert_after=revert_after)
    routers = fleet.select(limit)
    if check:
        run = _run(ctx, fleet, "plan", routers, flags, as_json, fleet.plan, show_plan=flags.diff)
        ctx.exit(_status(run))
    rendered = fleet.pusher().render(routers)  # a template error stops here, before the question and any router
    _confirm(routers, yes, "Push to")
    run = _run(ctx, fleet, "push", routers, flags, as_json, partial(fleet.push, rendered=rendered),
               show_plan=flags.diff)
    ctx.exit(_status(run))


@click.command()
@limit_option
@json_option
@fleet_options
@click.pass_context
def facts(ctx: click.Context, limit: str | None, json_local: bool, flags: FleetFlags) -> None:
    """What every selected router is and runs: model, serial, RouterOS, firmware, storage, packages."""
    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    routers = fleet.select(limit)
    run = _run(ctx, fleet, "facts", routers, flags, as_json, fleet.facts)
    if not as_json:
        _facts_table([r for r in run.results if "facts" in r.details])
    ctx.exit(_status(run))


def _facts_table(results: list[Any]) -> None:
    columns = ("router", "model", "version", "channel", "firmware", "arch", "uptime", "free")
    rows = []
    for result in results:
        f = result.details["facts"]
        firmware = f.get("firmware_current") or "-"
        if f.get("firmware_upgrade") and f.get("firmware_upgrade") != f.get("firmware_current"):
            firmware += f" → {f['firmware_upgrade']}"
        free = f.get("free_hdd_bytes")
        rows.append((result.router, f.get("model") or "-", f.get("version") or "-", f.get("channel") or "-",
                     firmware, f.get("architecture") or "-", _uptime(f.get("uptime_s")),
                     f"{free / 1048576:.1f} MiB" if isinstance(free, int) else "-"))
    if rows:
        print_table(columns, rows)


def _uptime(seconds: Any) -> str:
    if not isinstance(seconds, int):
        return "-"
    days, rest = divmod(seconds, 86400)
    return f"{days}d{rest // 3600:02d}h" if days else f"{rest // 3600}h{rest % 3600 // 60:02d}m"


@click.command()
@limit_option
@json_option
@fleet_options
@click.pass_context
def backup(ctx: click.Context, limit: str | None, json_local: bool, flags: FleetFlags) -> None:
    """Commit every selected router's export to the backup history beside the inventory."""
    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    routers = fleet.select(limit)
    run = _run(ctx, fleet, "backup", routers, flags, as_json, fleet.backup)
    if not as_json:
        echo(f"backups: {fleet.backups.root}", dim=True)
    ctx.exit(_status(run))

