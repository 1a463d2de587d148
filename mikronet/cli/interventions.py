"""``mikronet upgrade | swap | add-device | restore | history | measure``: work at the schools.

Each changes routers through the fleet runner (waves, canary, threshold, Ctrl-C) or the inventory,
and each writes what it did to the ledger beside the inventory (``--ledger URL`` for a shared one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from mikronet.cli.main import get_app
from mikronet.cli.options import FleetFlags, fleet_options, json_option, limit_option, yes_option
from mikronet.cli.output import echo

__all__ = ["upgrade"]


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

