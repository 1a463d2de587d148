"""An upgrade campaign's wall time against its bound: 600 simulated routers, a 30 s restart.

The simulated fleet runs in a process of its own; every restart (the install's, and the firmware's
second one) takes ``--reboot`` seconds. One router is upgraded alone first: its time is "restart plus
the per-router work". Then the campaign runs over the rest in waves (the canary by coverage, 10 %, the
rest) with enough forks for a whole wave at once. The bound is the number of waves × that one
router's time; the campaign's wall time divided by it should be ≤ 1.1.

    .venv/bin/python bench/bench_upgrade.py [--routers 600] [--reboot 30]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-Pa55"
MODELS = ("RB750Gr3", "RB5009UG+S+")


def write_inventory(path: Path, routers: int) -> None:
    lines = ["defaults: {transport: api-ssl, username: mikronet, password: {env: MIKRONET_PASSWORD},"
             " template: school-gateway}", "schools:"]
    for n in range(routers):
        lines.append(f'  - {{id: LV-{n + 1:04d}, name: "Skola {n + 1}", municipality: Rīga, '
                     f"connection: {{type: optical, contracted_mbps: 100}}, "
                     f"vars: {{lan_subnet: 10.{100 + n // 250}.{n % 250}.0/24}}, "
                     f"routers: [{{name: gw, host: 10.2.{n // 250}.{n % 250 + 1}, model: {MODELS[n % 2]}, "
                     f"serial: U{n:06d}, routeros: 7.14.3}}]}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def serve(source: str, folder: str, reboot: float, ready: multiprocessing.synchronize.Event,
          stop: multiprocessing.synchronize.Event) -> None:
    """The simulated fleet, in its own process, until told to stop."""
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    from mikronet.sim.device import DeviceOptions
    from mikronet.sim.fleet import SimFleet
    from mikronet.sim.runtime import FleetOptions

    options = FleetOptions(ssh=False, device=DeviceOptions(boot_time=reboot, install_boot_time=reboot))
    with SimFleet(Path(source), directory=Path(folder), options=options,
                  environ={"MIKRONET_PASSWORD": PASSWORD}):
        ready.set()
        stop.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routers", type=int, default=600)
    parser.add_argument("--reboot", type=float, default=30.0)
    args = parser.parse_args()
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    os.environ["MIKRONET_PASSWORD"] = PASSWORD
    os.environ.setdefault("MIKRONET_TECHNICIAN", "bench")

    from mikronet.inventory import load_inventory
    from mikronet.ops.fleet import Fleet
    from mikronet.ops.tasks import Trust, Upgrade
    from mikronet.ops.upgrade import UpgradeOptions, UpgradeTarget
    from mikronet.runner import RolloutPolicy, plan_waves

    work = Path(tempfile.mkdtemp(prefix="mikronet-bench-upgrade-"))
    write_inventory(work / "inventory.yaml", args.routers + 1)
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    fleet_process = context.Process(target=serve, args=(str(work / "inventory.yaml"), str(work / "sim"),
                                                        args.reboot, ready, stop))
    fleet_process.start()
    try:
        if not ready.wait(300):
            raise SystemExit("the simulated fleet did not start")
        inventory = load_inventory(work / "sim" / "inventory.yaml")
        fleet = Fleet(inventory, policy=RolloutPolicy(forks=1000, retries=0), record=False)
        everyone = fleet.select(None)
        assert not fleet.run(Trust(pin=True), everyone).failed
        options = UpgradeOptions(first_check=args.reboot, poll=1.0, poll_max=3.0,
                                 come_back_within=args.reboot * 4)
        target = UpgradeTarget(version="7.16.2", campaign="bench")
        t0 = time.perf_counter()
        alone = fleet.run(Upgrade(target, options), everyone[:1]).results[0]
        one = time.perf_counter() - t0
        assert alone.status.name == "CHANGED", alone
        rest = everyone[1:]
        waves = ("cover", "10%", "rest")
        count = len(plan_waves(rest, waves))
        t0 = time.perf_counter()
        run = fleet.run(Upgrade(target, options), rest, replace(fleet.policy, waves=waves))
        wall = time.perf_counter() - t0
        bound = count * one
        print(f"{len(rest)} routers, restart {args.reboot:g} s; one router alone: {one:.1f} s "
              f"(two restarts: the install's and the firmware's, and the work)")
        print(f"campaign: {count} waves, {wall:.1f} s; bound = {count} × {one:.1f} = {bound:.1f} s → "
              f"wall/bound = {wall / bound:.3f} (target ≤ 1.1); {run.counts()}")
    finally:
        stop.set()
        fleet_process.join(60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
