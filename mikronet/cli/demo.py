"""``mikronet demo``: the main job, rehearsed end to end on simulated routers.

It starts a simulated router for every router of the sample inventory, then for a handful of
schools: pins their identities, shows the plan, pushes, shows that a second push changes nothing,
changes one router by hand and shows that the plan finds exactly that, and rehearses a lockout that
the router reverts by itself. Nothing outside this machine is contacted.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from mikronet.cli.main import get_app
from mikronet.secret import REDACTOR

__all__ = ["demo"]

DEFAULT_LIMIT = "group:pilot"


def _say(text: str = "", **style: Any) -> None:
    click.secho(REDACTOR.redact(text), **style)


def _step(number: int, title: str) -> None:
    _say()
    _say(f"── {number}. {title}", bold=True)


@click.command()
@click.option("-l", "--limit", default=DEFAULT_LIMIT, show_default=True, help="Routers to rehearse on.")
@click.option("--keep", is_flag=True, help="Keep the simulated fleet's folder (inventory, pins, backups).")
@click.pass_context
def demo(ctx: click.Context, limit: str, keep: bool) -> None:
    """Rehearse plan → push → no-op push → drift → lockout revert on a simulated fleet."""
    from mikronet.cli.output import print_result as _print_result
    from mikronet.inventory import load_inventory, resolve_secrets, select
    from mikronet.ops.backup import BackupStore
    from mikronet.ops.push import Pusher, PushOptions
    from mikronet.ops.result import Status
    from mikronet.render import Renderer
    from mikronet.sim.device import DeviceOptions
    from mikronet.sim.fleet import SimFleet
    from mikronet.sim.runtime import FleetOptions
    from mikronet.transport import Command, TrustStore, connect, fetch_identity

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # a client hanging up mid-reply is part of the show
    if not os.environ.get("MIKRONET_PASSWORD"):
        os.environ["MIKRONET_PASSWORD"] = "demo-" + secrets.token_hex(8)
        _say("MIKRONET_PASSWORD is not set: the simulated routers get a generated one for this run.", dim=True)
    for name in ("MIKRONET_WIFI_PASSPHRASE", "MIKRONET_RADIUS_SECRET"):  # the sample's access points' secrets
        os.environ.setdefault(name, "demo-" + secrets.token_hex(8))
    source = load_inventory(get_app(ctx).inventory_path)
    chosen = {r.id for r in select(source, limit)}

    _step(1, f"Inventory: {len(source.schools)} schools, {len(source.routers)} routers, "
             f"{len(source.municipalities)} municipalities (fictional schools, real municipality names)")
    workdir = Path(tempfile.mkdtemp(prefix="mikronet-demo-"))
    started = time.monotonic()
    options = FleetOptions(device=DeviceOptions(boot_time=1.0, install_boot_time=2.0))
    with SimFleet(source, directory=workdir, options=options) as fleet:
        _say(f"{len(fleet.router_ids)} simulated RouterOS routers listening on 127.x loopback addresses "
             f"(started in {time.monotonic() - started:.1f} s); their inventory: {fleet.inventory_path}")
        inventory = load_inventory(fleet.inventory_path)
        routers = resolve_secrets([r for r in inventory.routers if r.id in chosen])
        trust = TrustStore(inventory.known_hosts)
        backups = BackupStore(workdir / "backups")
        pusher = Pusher(Renderer(), trust, backups, options=PushOptions(revert_after=3.0, come_back_within=30.0))

        _step(2, f"Pin the identities of {len(routers)} routers (mikronet trust)")
        for router in routers:
            presented = fetch_identity(router)
            for pin in (presented.ssh, presented.tls):
                if pin is not None:
                    trust.record(pin)
            _say(f"{router.id:<12} {router.transport:<8} " + "; ".join(presented.describe()), dim=True)

        desired = pusher.render(routers)
        _step(3, "Plan (nothing is changed)")
        for index, d in enumerate(desired):
            _print_result(pusher.plan(d), show_plan=index == 0)

        _step(4, "Push: back up, arm the revert, apply, verify over a fresh session, disarm")
        pushed = [pusher.push(d) for d in desired]
        for result in pushed:
            _print_result(result, show_plan=False)
            _say(f"    {result.round_trips} round trips, {result.timings.get('verify', 0):.2f} s", dim=True)

        _step(5, "Push again: nothing to change")
        for result in (pusher.push(d) for d in desired):
            _print_result(result, show_plan=False)

        target = next((d for d in desired if d.router.transport != "ssh"), desired[0])
        _step(6, f"Someone changes {target.router.id} by hand; the plan shows exactly that")
        with connect(target.router, trust) as session:
            rows = session.print("/queue/simple", "?=name=school-internet", proplist=[".id"])
            session.call(Command("/queue/simple", "set", {".id": str(rows[0][".id"]), "max-limit": "1M/1M"}))
        _print_result(pusher.plan(target), show_plan=True)
        _print_result(pusher.push(target), show_plan=False)

        _step(7, f"Lockout rehearsal: a template that closes the API on {target.router.id}")
        lockout_dir = workdir / "lockout-templates"
        lockout_dir.mkdir()
        (lockout_dir / "lockout.rsc.j2").write_text("/ip service\nset api disabled=yes\nset api-ssl disabled=yes\n",
                                                      encoding="utf-8")
        locked = type(target.router)(**{**target.router.__dict__, "template": "lockout"})
        lockout = Pusher(Renderer(lockout_dir), trust, backups, options=pusher.options)
        result = lockout.push(lockout.render([locked])[0])
        _print_result(result, show_plan=False)
        if result.status is Status.REVERTED:
            _say("    the router restored its backup by itself; its configuration is the one backed up", fg="green")

        _step(8, f"Backups: a git commit before and after every change ({backups.root})")
        for line in backups.history(target.router.id):
            _say(f"    {line}", dim=True)
        _say(f"    what the push of step 6 changed on {target.router.id}:")
        for line in _changed_lines(backups.last_change(target.router.id)):
            _say(f"      {line}", fg="green" if line.startswith("+") else "red")
        failed = [r for r in pushed if r.status.is_failure]
    _say()
    _say(f"Done in {time.monotonic() - started:.1f} s; the simulated routers are stopped.", bold=True)
    if keep:
        _say(f"Kept: {workdir}")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    ctx.exit(1 if failed or result.status is not Status.REVERTED else 0)


def _changed_lines(patch: str) -> list[str]:
    """The added and removed lines of a unified diff, without its headers and the export's date line."""
    return [line for line in patch.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---", "+# ", "-# "))]
