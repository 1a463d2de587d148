"""``mikronet upgrade | swap | add-device | restore | history | measure``: work at the schools.

Each runs a task (:mod:`mikronet.ops.tasks`) through the fleet runner (waves, canary, threshold,
Ctrl-C); the fleet's observers write the ledger (``--ledger URL`` for a shared one), the fleet state
and the run record.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from mikronet.cli.options import FleetFlags, fleet_options, json_option, limit_option, yes_option
from mikronet.cli.output import echo
from mikronet.cli.root import confirm, exit_status, one_router, open_fleet, open_ledger, run_task, wants_json
from mikronet.clock import for_people

__all__ = ["add_device", "history", "measure", "restore", "swap", "upgrade"]


@click.command()
@limit_option
@click.option("--version", "version", default=None, metavar="V", help="Target RouterOS version, e.g. 7.16.2.")
@click.option("--channel", type=click.Choice(["long-term", "stable", "testing", "development"]), default=None,
              help="Or: the newest release of this channel.")
@click.option("--firmware", is_flag=True, help="Also upgrade the RouterBOARD firmware (a second restart).")
@click.option("--campaign", default=None, help="A name for this campaign in the ledger and reports.")
@click.option("--check", is_flag=True, help="Say what would happen to each router; change nothing.")
@click.option("--first-check", type=click.FloatRange(min=0), default=None,
              help="Seconds after a restart before the first attempt to reach the router, then polls with "
                   "growing waits [default: the inventory's restart_s, else 3].")
@click.option("--come-back-within", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Seconds a restarting router may take to answer again before it counts as lost.")
@yes_option
@json_option
@fleet_options
@click.pass_context
def upgrade(ctx: click.Context, limit: str | None, version: str | None, channel: str | None, firmware: bool,
            campaign: str | None, check: bool, first_check: float | None, come_back_within: float, yes: bool,
            json_local: bool, flags: FleetFlags) -> None:
    """Upgrade RouterOS (and firmware) on the selected routers, in waves, with a backup first.

    Give --version V or --channel C. A RouterOS 6 router going to 7 goes through the last 6.49
    long-term release first. Routers already on the target are ok. Every router's outcome, with the
    versions and firmware before and after, goes into the ledger.
    """
    from mikronet.ops.tasks import Upgrade
    from mikronet.ops.upgrade import UpgradeOptions, UpgradeTarget

    as_json = wants_json(ctx, json_local)
    fleet = open_fleet(ctx)
    name = campaign or f"{datetime.now(UTC):%Y-%m-%d}-{version or channel}"
    target = UpgradeTarget(version=version, channel=channel, firmware=firmware, campaign=name)
    options = UpgradeOptions(first_check=first_check, come_back_within=come_back_within)
    routers = fleet.select(limit)
    if not check:
        confirm(routers, yes, f"Upgrade to {version or channel}")
    # --check: each planned router's line names its restarts and the version it ends on
    run = run_task(fleet, Upgrade(target, options, check=check), routers, flags, as_json)
    ctx.exit(exit_status(run))


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
    from mikronet.ops.tasks import Restore

    if revision and before:
        raise click.UsageError("give --to or --before, not both")
    as_json = wants_json(ctx, json_local)
    fleet = open_fleet(ctx)
    router = one_router(fleet, router_id)
    when = before.astimezone() if before is not None else None
    run = run_task(fleet, Restore(to=revision, before=when, check=check), [router], None, as_json, show_plan=check)
    result = run.results[0]
    if not as_json and result.details.get("restored"):
        echo(f"{router.id}: to {result.details['revision'][:10]} ({result.details['restored']}, "
             f"{result.details['restored_time']})", dim=True)
    ctx.exit(exit_status(run))


@click.command()
@click.argument("router_id")
@click.option("--no-changes", is_flag=True, help="Leave out what each backup commit changed.")
@json_option
@click.pass_context
def history(ctx: click.Context, router_id: str, no_changes: bool, json_local: bool) -> None:
    """What happened to ROUTER: ledger events and backup commits, newest first, who and what changed."""
    import json

    from mikronet.ops.history import router_history

    as_json = wants_json(ctx, json_local)
    fleet = open_fleet(ctx)
    router = one_router(fleet, router_id)
    entries = router_history(router.id, backups=fleet.backups, ledger=open_ledger(ctx),
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
    from mikronet.ops.tasks import Measure

    as_json = wants_json(ctx, json_local)
    fleet = open_fleet(ctx)
    routers = fleet.select(limit)
    run = run_task(fleet, Measure(server=server, seconds=seconds), routers, flags, as_json)
    if not as_json:
        for result in run.results:
            if result.status.name == "OK":
                echo(f"{result.router}: {result.notes[0] if result.notes else ''}")
    ctx.exit(exit_status(run))


@click.command()
@click.argument("router_id")
@click.option("--new-serial", required=True, help="The serial number of the device now in its place.")
@click.option("--new-model", default=None, help="Its model, if it differs (product name, board name or model).")
@click.option("--provision", is_flag=True, help="Push the template (for the new model) and what the old router "
              "had beyond it, from its last backup.")
@click.option("-y", "--yes", is_flag=True, help="Record the swap and pin the new device without asking. Needed "
              "for every swap run without a terminal: re-pinning a router's identity is never done unasked.")
@json_option
@click.pass_context
def swap(ctx: click.Context, router_id: str, new_serial: str, new_model: str | None, provision: bool, yes: bool,
         json_local: bool) -> None:
    """Record that ROUTER was replaced: new serial and model in the inventory (comments kept), the new
    device's SSH host key and TLS certificate pinned, the swap in the ledger."""
    from mikronet.hardware import canonical_model
    from mikronet.ops.swap import plan_swap
    from mikronet.ops.tasks import Swap

    as_json = wants_json(ctx, json_local)
    fleet = open_fleet(ctx)
    router = one_router(fleet, router_id)
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
    run = run_task(fleet, Swap(plan, provision=provision), [router], None, as_json)
    ctx.exit(exit_status(run))


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
    from mikronet.hardware import canonical_model
    from mikronet.inventory.edit import add_router
    from mikronet.ops.tasks import AddDevice

    as_json = wants_json(ctx, json_local)
    fleet = open_fleet(ctx)
    given = {"host": host, "model": canonical_model(model) or model, "serial": serial, "routeros": routeros,
             "template": template, "transport": transport}
    add_router(fleet.inventory, school_id, name, **{k: v for k, v in given.items() if v is not None})
    fresh = fleet.reloaded()
    router = one_router(fresh, f"{school_id}/{name}")
    run = run_task(fresh, AddDevice(pin=not no_pin, provision=provision), [router], None, as_json)
    ctx.exit(exit_status(run))
