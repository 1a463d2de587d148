"""Two technicians on two machines, one PostgreSQL ledger: each works on their own schools
(``--limit``) from their own checkout of the inventory, both at once, and each then sees the
other's interventions in ``ledger list``. The commands run as real processes, as on two laptops."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from fleet.conftest import ENV, PASSWORD, fleet_inventory
from support.fleet import PinnedFleet, pin_all

from mikronet.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[2]


def checkout(pinned: PinnedFleet, folder: Path) -> Path:
    """A technician's own copy of the inventory (and its pins) on their machine."""
    shutil.copytree(pinned.inventory_path.parent, folder, ignore=shutil.ignore_patterns("known_hosts", "*.pid"))
    inventory = folder / pinned.inventory_path.name
    pin_all(load_inventory(inventory))
    return inventory


def mikronet(inventory: Path, technician: str, ledger: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT), "MIKRONET_TECHNICIAN": technician}
    return subprocess.run([sys.executable, "-m", "mikronet", "-i", str(inventory), "--ledger", ledger, *args],
                          capture_output=True, text=True, env=env, timeout=180, check=False)


def test_two_technicians_see_each_others_events_and_state(start_pinned_fleet: Callable[..., PinnedFleet],
                                                pg_schema_url: str, tmp_path: Path) -> None:
    pinned = start_pinned_fleet(fleet_inventory(2, 1, transports=("api",)), environ=ENV)
    machines = {
        "Anna Bērziņa": (checkout(pinned, tmp_path / "anna"), "LV-0001"),
        "Jānis Kalniņš": (checkout(pinned, tmp_path / "janis"), "LV-0002"),
    }
    done: dict[str, list[subprocess.CompletedProcess[str]]] = {}
    start = threading.Barrier(len(machines))

    def work(technician: str) -> None:
        inventory, school = machines[technician]
        start.wait(60)
        done[technician] = [
            mikronet(inventory, technician, pg_schema_url, "measure", "--limit", school, "--server", "192.0.2.1",
                     "--seconds", "1"),
            mikronet(inventory, technician, pg_schema_url, "record", school, "--note", f"pārbaude pie {school}"),
            mikronet(inventory, technician, pg_schema_url, "facts", "--limit", school),
        ]

    threads = [threading.Thread(target=work, args=(name,)) for name in machines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for technician, runs in done.items():
        for run in runs:
            assert run.returncode == 0, (technician, run.args[-6:], run.stderr)
    assert len(done) == 2

    for technician, (inventory, _) in machines.items():
        listed = mikronet(inventory, technician, pg_schema_url, "ledger", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        events = json.loads(listed.stdout)
        seen = {(e["technician"], e["school"], e["kind"]) for e in events}
        assert seen == {
            ("Anna Bērziņa", "LV-0001", "measure"), ("Anna Bērziņa", "LV-0001", "consultation"),
            ("Jānis Kalniņš", "LV-0002", "measure"), ("Jānis Kalniņš", "LV-0002", "consultation"),
        }, seen
        assert len(events) == 4
        verified = mikronet(inventory, technician, pg_schema_url, "ledger", "verify")
        assert verified.returncode == 0, verified.stderr  # one chain, though written from two machines
        state = mikronet(inventory, technician, pg_schema_url, "state", "--json")
        assert state.returncode == 0, state.stderr
        rows = {row["router"]: row for row in map(json.loads, state.stdout.splitlines())}
        for router in ("LV-0001/r0", "LV-0002/r0"):  # each technician's facts, in the other's state too
            assert rows[router]["routeros"] and rows[router]["serial"] and rows[router]["seen_at"], rows[router]
    for _, runs in done.items():
        for run in runs:
            assert PASSWORD not in run.stdout + run.stderr
