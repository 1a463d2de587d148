"""``mikronet demo``: a rollout rehearsed end to end on a simulated fleet of the sample inventory.

It starts a simulated router for every router of the sample, then: pins every identity; plans;
pushes in waves behind a canary chosen by coverage, with three routers faulted so that the stop
threshold ends the run; mends them and resumes the run, which repeats nothing already done; shows
that a plan then finds nothing to change; measures the pilot schools' bandwidth, upgrades their
routers and measures again; records a consultation; and writes the programme-progress and
upgrade-audit reports as HTML.
Nothing outside this machine is contacted.
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
from mikronet.cli.sim import require_simulator
from mikronet.secret import REDACTOR

__all__ = ["demo"]

FAULTS = {"refuse": 0, "wrong-password": 1, "hang": 2}  # kind -> which router of the fleet's non-canary routers


def _say(text: str = "", **style: Any) -> None:
    click.secho(REDACTOR.redact(text), **style)


def _step(number: int, title: str) -> None:
    _say()
    _say(f"── {number}. {title}", bold=True)


def _summary(run: Any) -> None:
    from mikronet.cli.output import print_summary

    print_summary(run, json_output=False, operation="demo")


@click.command()
@click.option("--keep", is_flag=True, help="Keep the simulated fleet's folder (inventory, pins, backups, ledger).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("demo-run"), show_default=True,
              help="Where the reports are written.")
@click.pass_context
def demo(ctx: click.Context, keep: bool, out: Path) -> None:
    """Rehearse a rollout on a simulated fleet: trust, canary, waves, a stop, a resume, an upgrade, reports."""
    require_simulator("demo")
    from mikronet.cli.output import Lines
    from mikronet.inventory import load_inventory, select
    from mikronet.ledger import open_ledger
    from mikronet.ops.fleet import Fleet
    from mikronet.ops.push import PushOptions
    from mikronet.ops.upgrade import UpgradeOptions, UpgradeTarget
    from mikronet.reports import write_demo_reports
    from mikronet.runner import RolloutPolicy, cover
    from mikronet.sim.device import DeviceOptions
    from mikronet.sim.fleet import SimFleet
    from mikronet.sim.runtime import FleetOptions

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # a client hanging up mid-reply is part of the show
    if not os.environ.get("MIKRONET_PASSWORD"):
        os.environ["MIKRONET_PASSWORD"] = "demo-" + secrets.token_hex(8)
        _say("MIKRONET_PASSWORD is not set: the simulated routers get a generated one for this run.", dim=True)
    for name in ("MIKRONET_WIFI_PASSPHRASE", "MIKRONET_RADIUS_SECRET"):  # the sample's access points' secrets
        os.environ.setdefault(name, "demo-" + secrets.token_hex(8))
    os.environ.setdefault("MIKRONET_TECHNICIAN", "Demo Tehniķe")
    source = load_inventory(get_app(ctx).inventory_path)
    started = time.monotonic()

    _step(1, f"Inventory: {len(source.schools)} schools, {len(source.routers)} routers, "
             f"{len(source.municipalities)} municipalities (fictional schools, real municipality names)")
    workdir = Path(tempfile.mkdtemp(prefix="mikronet-demo-"))
    options = FleetOptions(device=DeviceOptions(boot_time=0.6, install_boot_time=1.2))
    with SimFleet(source, directory=workdir / "fleet", options=options) as sim:
        _say(f"{len(sim.router_ids)} simulated RouterOS routers on 127.x loopback addresses "
             f"(started in {time.monotonic() - started:.1f} s); their inventory: {sim.inventory_path}")
        inventory = load_inventory(sim.inventory_path)
        ledger = open_ledger(None, base_dir=inventory.trust_dir)
        lines = Lines(show_plan=False, failures_only=True)
        fleet = Fleet(inventory, policy=RolloutPolicy(forks=50, ignore_windows=True, retries=0), ledger=ledger,
                      push_options=PushOptions(revert_after=20, timeout=3.0, come_back_within=20),
                      observers=[lines], command=["mikronet", "demo"])
        _say("Maintenance windows are ignored in the rehearsal (as with --now); a real run waits for them.", dim=True)

        _step(2, "Pin every router's SSH host key and TLS certificate (mikronet trust --yes)")
        _summary(fleet.trust(pin=True, forks=100))

        _step(3, "Plan the whole fleet (nothing is changed)")
        planned = fleet.plan(forks=100)
        _summary(planned)

        canary = {r.id for r in cover(fleet.select(None))}
        others = [r.id for r in fleet.select(None) if r.id not in canary]
        faulted = {kind: others[10 + 7 * index] for kind, index in FAULTS.items()}
        for kind, router_id in faulted.items():
            sim.set_fault(router_id, kind)
        _step(4, f"Push in waves: the canary covers every model, architecture, RouterOS version and transport "
                 f"({len(canary)} routers), then 10 %, 30 %, the rest; at most 2 failures. "
                 f"Faulted on purpose: {', '.join(f'{r} ({k})' for k, r in faulted.items())}")
        pushed = fleet.push(waves="cover,10%,30%,rest", max_fail="2")
        _summary(pushed)

        _step(5, "The technician mends the three routers; --resume repeats nothing already done")
        for kind, router_id in faulted.items():
            sim.set_fault(router_id, kind, on=False)
        resumed = fleet.push(resume=True, forks=50)
        _summary(resumed)
        again = fleet.plan(forks=100)
        _say(f"A plan of the whole fleet now: {again.counts()}", fg="green" if not again.failed else "red")

        pilot = fleet.select("group:pilot")
        _step(6, f"Measure the pilot schools' bandwidth before their improvement ({len(pilot)} routers)")
        _summary(fleet.measure(pilot, server="192.0.2.10", seconds=3, forks=50))

        _step(7, f"Upgrade the pilot schools' {len(pilot)} routers to RouterOS 7.16.2 and their firmware, "
                 "canary first (routers already there are ok)")
        upgraded = fleet.upgrade(pilot, target=UpgradeTarget(version="7.16.2", campaign="demo-7.16.2"),
                                 options=UpgradeOptions(first_check=0.5, poll=0.3, come_back_within=20),
                                 canary="cover", waves="cover,rest")
        _summary(upgraded)

        _step(8, "Measure them again; record a consultation at one of the schools")
        measured = fleet.measure(pilot, server="192.0.2.10", seconds=3, forks=50)
        for result in measured.results[:5]:
            if result.notes:
                _say(f"  {result.router}: {result.notes[0]}", dim=True)
        school = select(inventory, "group:pilot")[0].school
        ledger.append(school=school.id, kind="consultation", technician=fleet.technician or "demo",
                      details={"note": f"Konsultācija ar {school.name} IT atbildīgo par Wi-Fi pārklājumu"})
        _say(f"The ledger holds {ledger.count()} events; its chain verifies: {ledger.verify().ok}")

        _step(9, "Reports for the ministry (Latvian), as self-contained HTML")
        out.mkdir(parents=True, exist_ok=True)
        for path in write_demo_reports(inventory, ledger, out, lang="lv"):
            _say(f"  {path.resolve()}")
        failed = [r for r in resumed.results if r.status.is_failure]
        ledger.close()
    _say()
    _say(f"Done in {time.monotonic() - started:.1f} s; the simulated routers are stopped.", bold=True)
    if keep:
        _say(f"Kept: {workdir}")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    ctx.exit(1 if failed else 0)
