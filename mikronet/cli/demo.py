"""``mikronet demo``: a rollout rehearsed end to end on a simulated fleet of the sample inventory.

It starts a simulated router for every router of the sample, then: pins every identity; plans;
pushes in waves behind a canary chosen by coverage, with three routers faulted so that the stop
threshold ends the run; mends them and resumes the run, which repeats nothing already done; shows
that a plan then finds nothing to change; measures the pilot schools' bandwidth and assesses them
(the old hAP lite on a 300 Mbit/s line gets a planned equipment replacement); upgrades their routers
(maintenance: it does not count); replaces the hAP lite in the simulated fleet and records the swap
with provisioning; measures again; records a consultation marked as the programme's; and writes the
programme-progress, upgrade-audit and assessment reports as HTML. The progress report counts the
school whose planned replacement was done, with its bandwidth before and after.
Nothing outside this machine is contacted.

With ``--dir DIR`` (``make demo`` gives ``.sim/demo``) the run's data stays in DIR, the previous
demo's data there replaced, and the demo ends with the commands that open the web dashboard on it.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import secrets
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from mikronet.cli.main import get_app
from mikronet.cli.sim import require_simulator
from mikronet.errors import InputError
from mikronet.secret import REDACTOR

__all__ = ["MARKER", "demo", "fresh_folder"]

FAULTS = {"refuse": 0, "wrong-password": 1, "hang": 2}  # kind -> which router of the fleet's non-canary routers
MARKER = ".mikronet-demo"
"""The file that marks a folder as a demo's own, which the next demo with ``--dir`` there may replace."""
WEB_EXTRA_MODULES = ("starlette", "uvicorn", "argon2")


def fresh_folder(directory: Path) -> Path:
    """``directory``, empty but for the marker, as an absolute path: created if missing; a previous
    demo's folder (one holding :data:`MARKER`) is removed first. Any other folder that is not empty is
    refused (:class:`InputError`, exit status 2) so that no one's files are deleted."""
    if directory.exists() and not directory.is_dir():
        raise InputError(f"--dir {directory}: not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        if not (directory / MARKER).is_file():
            raise InputError(f"--dir {directory}: the folder is not empty and is not a previous demo's (it has no "
                             f"{MARKER}); name another folder, or empty this one")
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("This folder holds a `mikronet demo` run; the next `mikronet demo --dir` here "
                                    "replaces it.\n", encoding="utf-8")
    return directory.resolve()


def _shown(path: Path) -> str:
    """``path`` as a person types it here: relative to the current folder when inside it, quoted if need be."""
    try:
        text = str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        text = str(path)
    return shlex.quote(text)


def _program() -> str:
    """How to run this mikronet again from the same shell: ``mikronet`` when that is what PATH finds,
    else the path it was started by (``.venv/bin/mikronet`` after ``make demo``), else this Python's
    ``-m mikronet``."""
    started = Path(sys.argv[0])
    on_path = shutil.which("mikronet")
    if started.name == "mikronet" and started.is_file():
        if on_path is not None and Path(on_path).resolve() == started.resolve():
            return "mikronet"
        return _shown(started.absolute())
    return "mikronet" if on_path is not None else f"{shlex.quote(sys.executable)} -m mikronet"


def _dashboard_commands(inventory: Path) -> None:
    """The last lines: the commands that open the dashboard on this run's data (no password in them)."""
    missing = [name for name in WEB_EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        _say("The dashboard needs the web extra, which is not installed: pip install 'mikronet[web]'", dim=True)
    program = f"{_program()} -i {_shown(inventory)}"
    _say("The web dashboard on this run's data (the ledger, the fleet state, the rollouts; the password is asked for):")
    _say(f"  {program} user add ministrija --role ministry")
    _say(f"  {program} serve")
    _say("  then open http://127.0.0.1:8080/ and log in as ministrija")


def _say(text: str = "", **style: Any) -> None:
    click.secho(REDACTOR.redact(text), **style)


def _step(number: int, title: str) -> None:
    _say()
    _say(f"── {number}. {title}", bold=True)


def _summary(run: Any) -> None:
    from mikronet.cli.output import print_summary

    print_summary(run, json_output=False, operation="demo", resume_hint=False)  # the demo resumes by itself


@click.command()
@click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Keep the run's data here (inventory, pins, backups, ledger, fleet state, runs, reports) for the "
                   "dashboard, replacing a previous demo's; ends with the commands that serve it. "
                   "[default: a temporary folder, removed at the end]")
@click.option("--keep", is_flag=True, help="Keep the temporary folder (without --dir).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where the reports are written. [default: DIR/reports with --dir, else demo-run]")
@click.pass_context
def demo(ctx: click.Context, directory: Path | None, keep: bool, out: Path | None) -> None:
    """Rehearse a rollout on a simulated fleet: trust, canary, waves, a stop, a resume, an upgrade, reports."""
    require_simulator("demo")
    from mikronet.cli.main import main
    from mikronet.cli.output import Lines
    from mikronet.cli.root import open_fleet, open_ledger
    from mikronet.inventory import load_inventory
    from mikronet.ops.push import PushOptions
    from mikronet.ops.tasks import Measure, Plan, Push, Trust, Upgrade
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
    workdir: Path | None = None  # the temporary folder, without --dir
    if directory is not None:
        fleet_dir = fresh_folder(directory)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="mikronet-demo-"))
        fleet_dir = workdir / "fleet"
    if out is None:
        out = fleet_dir / "reports" if directory is not None else Path("demo-run")

    _step(1, f"Inventory: {len(source.schools)} schools, {len(source.routers)} routers, "
             f"{len(source.municipalities)} municipalities (fictional schools, real municipality names)")
    options = FleetOptions(device=DeviceOptions(boot_time=0.6, install_boot_time=1.2))
    with SimFleet(source, directory=fleet_dir, options=options) as sim:
        _say(f"{len(sim.router_ids)} simulated RouterOS routers on 127.x loopback addresses "
             f"(started in {time.monotonic() - started:.1f} s); their inventory: {sim.inventory_path}")
        app = get_app(ctx)  # from here on, the commands work on the simulated fleet's inventory
        app.inventory_path, app.extra = sim.inventory_path, {}
        fleet = open_fleet(ctx)  # as every command builds it: the ledger, the state and the run records beside it
        fleet.policy = RolloutPolicy(forks=50, ignore_windows=True, retries=0)
        fleet.push_options = PushOptions(revert_after=20, timeout=3.0, come_back_within=20)
        fleet.observers = [Lines(show_plan=False, failures_only=True)]
        fleet.command = ["mikronet", "demo"]
        ledger = open_ledger(ctx)
        _say("Maintenance windows are ignored in the rehearsal (as with --now); a real run waits for them.", dim=True)

        _step(2, "Pin every router's SSH host key and TLS certificate (mikronet trust --yes)")
        wide = replace(fleet.policy, forks=100)
        _summary(fleet.run(Trust(pin=True), None, wide))

        _step(3, "Plan the whole fleet (nothing is changed)")
        planned = fleet.run(Plan(), None, wide)
        _summary(planned)

        canary = {r.id for r in cover(fleet.select(None))}
        others = [r.id for r in fleet.select(None) if r.id not in canary]
        faulted = {kind: others[10 + 7 * index] for kind, index in FAULTS.items()}
        for kind, router_id in faulted.items():
            sim.set_fault(router_id, kind)
        _step(4, f"Push in waves: the canary covers every model, architecture, RouterOS version and transport "
                 f"({len(canary)} routers), then 10 %, 30 %, the rest; at most 2 failures. "
                 f"Faulted on purpose: {', '.join(f'{r} ({k})' for k, r in faulted.items())}")
        pushed = fleet.run(Push(), None, replace(fleet.policy, waves=("cover", "10%", "30%", "rest"), max_fail="2"))
        _summary(pushed)

        _step(5, "The technician mends the three routers; --resume repeats nothing already done")
        for kind, router_id in faulted.items():
            sim.set_fault(router_id, kind, on=False)
        resumed = fleet.run(Push(), None, resume=True)
        _summary(resumed)
        again = fleet.run(Plan(), None, wide)
        _say(f"A plan of the whole fleet now: {again.counts()}", fg="green" if not again.failed else "red")

        pilot = fleet.select("group:pilot")
        _step(6, f"Measure the pilot schools' bandwidth before their improvement ({len(pilot)} routers)")
        _summary(fleet.run(Measure(server="192.0.2.10", seconds=3), pilot))

        def cli(*args: str) -> None:  # a command as the technician types it, on the simulated fleet
            _say(f"$ mikronet {' '.join(args)}", dim=True)
            main(["-i", str(sim.inventory_path), *(["--ledger", app.ledger_url] if app.ledger_url else []), *args])

        pilot_schools = list({r.school.id: r.school for r in pilot}.values())
        _step(7, "Assess the pilot schools: measured against contracted, what each router carries, RouterOS "
                 "support; accepted findings become the schools' plans")
        cli("assess", "--limit", "group:pilot", "--plan")
        fleet = fleet.reloaded()
        plans = {s.id: s.planned_categories for s in fleet.inventory.schools if s.id in {p.id for p in pilot_schools}}

        _step(8, f"Upgrade the pilot schools' {len(pilot)} routers to RouterOS 7.16.2 and their firmware, "
                 "canary first (routers already there are ok); maintenance, not a school's improvement")
        upgraded = fleet.run(Upgrade(UpgradeTarget(version="7.16.2", campaign="demo-7.16.2"),
                                     UpgradeOptions(first_check=0.5, poll=0.3, come_back_within=20)),
                             pilot, replace(fleet.policy, canary="cover", waves=("cover", "rest")))
        _summary(upgraded)

        replace_at = next((school for school, categories in plans.items()
                           if "equipment-replacement" in categories), None)
        if replace_at is not None:
            old = fleet.inventory.routers_of(replace_at)[0]
            _step(9, f"Replace {old.id}'s {old.model} by an RB5009 (mikronet sim swap), then record and provision "
                     "it (mikronet swap --provision): the new device is checked before the swap counts")
            sim.replace(old.id, "HE10DEMO0149", "RB5009UG+S+")
            cli("swap", old.id, "--new-serial", "HE10DEMO0149", "--new-model", "RB5009UG+S+", "--provision", "--yes")
            fleet = fleet.reloaded()
            pilot = fleet.select("group:pilot")

        _step(10, "Measure them again; record a consultation the technician marks as the programme's")
        # The record keeps times to the second, and a simulated swap and measurement can share one; a
        # measurement of the same second as the swap is not "after" it, so the report would show no change.
        time.sleep(1.05 - time.time() % 1.0)
        measured = fleet.run(Measure(server="192.0.2.10", seconds=3), pilot)
        for result in measured.results[:5]:
            if result.notes:
                _say(f"  {result.router}: {result.notes[0]}", dim=True)
        school = next(s for s in pilot_schools if s.id != replace_at)
        cli("--programme", "consultation", "record", school.id, "--kind", "consultation", "--note",
            f"Konsultācija ar {school.name} IT atbildīgo par Wi-Fi pārklājumu")
        _say(f"The ledger holds {ledger.count()} events; its chain verifies: {ledger.verify().ok}")

        _step(11, "Reports for the ministry (Latvian), as self-contained HTML")
        out.mkdir(parents=True, exist_ok=True)
        for path in write_demo_reports(fleet.inventory, ledger, out, lang="lv"):
            _say(f"  {path.resolve()}")
        failed = [r for r in resumed.results if r.status.is_failure]
        fleet.close()
    _say()
    _say(f"Done in {time.monotonic() - started:.1f} s; the simulated routers are stopped.", bold=True)
    if workdir is not None and not keep:
        shutil.rmtree(workdir, ignore_errors=True)
        _say("To look at this run in the web dashboard: `mikronet demo --dir .sim/demo` keeps its data there "
             "and ends with the commands that serve it.", dim=True)
    else:
        _say(f"Kept: {_shown(fleet_dir)}")
        _dashboard_commands(fleet_dir / "inventory.yaml")
    ctx.exit(1 if failed else 0)
