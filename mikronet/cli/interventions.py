"""``mikronet upgrade | swap | add-device | restore | history | measure``: work at the schools.

Each changes routers through the fleet runner (waves, canary, threshold, Ctrl-C) or the inventory,
and each writes what it did to the ledger beside the inventory (``--ledger URL`` for a shared one).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import click

from mikronet.cli.main import get_app
from mikronet.cli.options import FleetFlags, fleet_options, json_option, limit_option, yes_option
from mikronet.cli.output import echo
from mikronet.clock import for_people

__all__ = ["add_device", "history", "measure", "restore", "swap", "upgrade"]


def open_fleet_ledger(ctx: click.Context, fleet: Any) -> Any:
    """The ledger a command records into: ``--ledger URL``, else the SQLite file beside the inventory."""
    from mikronet.ledger import categories_of, open_ledger

    return open_ledger(get_app(ctx).ledger_url, base_dir=fleet.inventory.trust_dir,
                       categories=categories_of(fleet.inventory))


@click.command()
@limit_option
@click.option("--version", "version", default=None, metavar="V", help="Target RouterOS version, e.g. 7.16.2.")
@click.option("--channel", type=click.Choice(["long-term", "stable", "testing", "development"]), default=None,
              help="Or: the newest release of this channel.")
@click.option("--firmware", is_flag=True, help="Also upgrade the RouterBOARD firmware (a second restart).")
@click.option("--campaign", default=None, help="A name for this campaign in the ledger and reports.")
@click.option("--check", is_flag=True, help="Say what would happen to each router; change nothing.")
@click.option("--first-check", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="Seconds after a restart before the first attempt to reach the router.")
@click.option("--come-back-within", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Seconds a restarting router may take to answer again before it counts as lost.")
@yes_option
@json_option
@fleet_options
@click.pass_context
def upgrade(ctx: click.Context, limit: str | None, version: str | None, channel: str | None, firmware: bool,
            campaign: str | None, check: bool, first_check: float, come_back_within: float, yes: bool,
            json_local: bool, flags: FleetFlags) -> None:
    """Upgrade RouterOS (and firmware) on the selected routers, in waves, with a backup first.

    Give --version V or --channel C. A RouterOS 6 router going to 7 goes through the last 6.49
    long-term release first. Routers already on the target are ok. Every router's outcome, with the
    versions and firmware before and after, goes into the ledger.
    """
    from mikronet.cli.push import _confirm, _fleet, _json, _run, _status
    from mikronet.ops.upgrade import UpgradeOptions, UpgradeTarget

    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    name = campaign or f"{datetime.now(UTC):%Y-%m-%d}-{version or channel}"
    target = UpgradeTarget(version=version, channel=channel, firmware=firmware, campaign=name)
    options = UpgradeOptions(first_check=first_check, come_back_within=come_back_within)
    routers = fleet.select(limit)
    if not check:
        _confirm(routers, yes, f"Upgrade to {version or channel}")
        fleet.ledger = open_fleet_ledger(ctx, fleet)
    run = _run(ctx, fleet, "upgrade", routers, flags, as_json,
               lambda rs, **kw: fleet.upgrade(rs, target=target, check=check, options=options, **kw))
    if check and not as_json:
        for result in run.results:
            plan = result.details.get("plan")
            if plan:
                echo(f"{result.router}: {plan}")
    ctx.exit(_status(run))



def _one_router(fleet: Any, router_id: str) -> Any:
    from mikronet.errors import SelectionError

    routers = fleet.select(router_id)
    if len(routers) != 1:
        raise SelectionError(f"{router_id!r} selects {len(routers)} routers; name exactly one")
    return routers[0]


@click.command()
@click.argument("router_id")
@click.option("--to", "revision", default=None, metavar="REV", help="A commit of the router's backup history.")
@click.option("--before", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]), default=None,
              help="The newest export committed before this moment (local time).")
@click.option("--check", is_flag=True, help="Show what the restore would change; change nothing.")
@yes_option
@json_option
@click.pass_context
def restore(ctx: click.Context, router_id: str, revision: str | None, before: datetime | None, check: bool,
            yes: bool, json_local: bool) -> None:
    """Bring ROUTER back to a stored export through the push's safe path (backup, revert, verify).

    By default: the export taken before its last change. Everything added since is removed.
    """
    from mikronet.cli.push import _fleet, _json, _run, _status

    if revision and before:
        raise click.UsageError("give --to or --before, not both")
    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    router = _one_router(fleet, router_id)
    when = before.astimezone() if before is not None else None
    if not check:
        fleet.ledger = open_fleet_ledger(ctx, fleet)
    run = _run(ctx, fleet, "restore", [router], None, as_json,
               lambda rs, **kw: fleet.restore(rs[0], to=revision, before=when, check=check, **kw),
               show_plan=check)
    result = run.results[0]
    if not as_json and result.details.get("restored"):
        echo(f"{router.id}: to {result.details['revision'][:10]} ({result.details['restored']}, "
             f"{result.details['restored_time']})", dim=True)
    ctx.exit(_status(run))


@click.command()
@click.argument("router_id")
@click.option("--no-changes", is_flag=True, help="Leave out what each backup commit changed.")
@json_option
@click.pass_context
def history(ctx: click.Context, router_id: str, no_changes: bool, json_local: bool) -> None:
    """What happened to ROUTER: ledger events and backup commits, newest first, who and what changed."""
    import json

    from mikronet.cli.push import _fleet, _json
    from mikronet.ops.history import router_history

    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    router = _one_router(fleet, router_id)
    entries = router_history(router.id, backups=fleet.backups, ledger=open_fleet_ledger(ctx, fleet),
                             with_changes=not no_changes)
    if as_json:
        echo(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
        return
    if not entries:
        echo(f"{router.id}: nothing recorded yet")
    for entry in entries:
        echo(f"{for_people(entry.time)}  {entry.who:<20} {entry.source:<8} {entry.what}  {entry.detail}".rstrip(),
             bold=entry.source == "ledger")
        for line in entry.changes:
            echo(f"    {line}", fg="green" if line.startswith("+") else "red")


@click.command()
@limit_option
@click.option("--server", default=None, help="The bandwidth test server (default: the router's "
              "bandwidth_test_server variable).")
@click.option("--seconds", type=click.IntRange(1, 60), default=10, show_default=True)
@json_option
@fleet_options
@click.pass_context
def measure(ctx: click.Context, limit: str | None, server: str | None, seconds: int, json_local: bool,
            flags: FleetFlags) -> None:
    """Measure each selected school's bandwidth with RouterOS's bandwidth test; record it in the ledger."""
    from mikronet.cli.push import _fleet, _json, _run, _status

    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    routers = fleet.select(limit)
    fleet.ledger = open_fleet_ledger(ctx, fleet)
    run = _run(ctx, fleet, "measure", routers, flags, as_json,
               lambda rs, **kw: fleet.measure(rs, server=server, seconds=seconds, **kw))
    if not as_json:
        for result in run.results:
            if result.status.name == "OK":
                echo(f"{result.router}: {result.notes[0] if result.notes else ''}")
    ctx.exit(_status(run))


@click.command()
@click.argument("router_id")
@click.option("--new-serial", required=True, help="The serial number of the device now in its place.")
@click.option("--new-model", default=None, help="Its model, if it differs (product name, board name or model).")
@click.option("--provision", is_flag=True, help="Push the template (for the new model) and what the old router "
              "had beyond it, from its last backup.")
@yes_option
@json_option
@click.pass_context
def swap(ctx: click.Context, router_id: str, new_serial: str, new_model: str | None, provision: bool, yes: bool,
         json_local: bool) -> None:
    """Record that ROUTER was replaced: new serial and model in the inventory (comments kept), the new
    device's SSH host key and TLS certificate pinned, the swap in the ledger."""
    import json

    from mikronet.cli.output import print_result
    from mikronet.cli.push import _fleet, _json
    from mikronet.inventory.reference import canonical_model
    from mikronet.ops.swap import plan_swap

    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    router = _one_router(fleet, router_id)
    model = (canonical_model(new_model) or new_model) if new_model else None
    plan = plan_swap(fleet.inventory, router, new_serial, model, store=fleet.trust_store)
    if not as_json:
        for line in plan.describe():
            echo(line)
    if not yes:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            from mikronet.errors import InputError

            raise InputError("refusing to re-pin a router without --yes: there is no terminal to ask")
        if not click.confirm("Record the swap and pin the new device?", default=False, err=True):
            raise click.Abort()
    fleet.ledger = open_fleet_ledger(ctx, fleet)
    result = fleet.swap(plan, provision=provision)
    if as_json:
        echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print_result(result, show_plan=False)
    ctx.exit(1 if result.status.is_failure else 0)


@click.command("add-device")
@click.argument("school_id")
@click.option("--name", required=True, help="The router's name at the school (gw, ap2 …).")
@click.option("--host", required=True)
@click.option("--model", required=True, help="Product name, board name or model string.")
@click.option("--serial", required=True)
@click.option("--routeros", default=None, help="The RouterOS version it runs.")
@click.option("--template", default=None)
@click.option("--transport", type=click.Choice(["api-ssl", "ssh", "api"]), default=None)
@click.option("--no-pin", is_flag=True, help="Do not pin its identity now.")
@click.option("--provision", is_flag=True, help="Push its template once it is added.")
@json_option
@click.pass_context
def add_device(ctx: click.Context, school_id: str, name: str, host: str, model: str, serial: str,
               routeros: str | None, template: str | None, transport: str | None, no_pin: bool, provision: bool,
               json_local: bool) -> None:
    """Add a MikroTīkls device at SCHOOL: into the inventory, pinned, in the ledger as an additional device."""
    import json

    from mikronet.cli.output import print_result
    from mikronet.cli.push import _fleet, _json
    from mikronet.inventory.reference import canonical_model

    as_json = _json(ctx, json_local)
    fleet = _fleet(ctx)
    given = {"host": host, "model": canonical_model(model) or model, "serial": serial, "routeros": routeros,
             "template": template, "transport": transport}
    fields = {k: v for k, v in given.items() if v is not None}
    fleet.ledger = open_fleet_ledger(ctx, fleet)
    result = fleet.add_device(school_id, name, pin=not no_pin, provision=provision, **fields)
    if as_json:
        echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print_result(result, show_plan=False)
    ctx.exit(1 if result.status.is_failure else 0)
