"""Pinning 200 routers at once, with forks 50 and two processes enrolling at the same time: afterwards
every router's pin is the certificate and host key it presents (none lost to a concurrent write)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from mikronet.inventory import Router, load_inventory
from mikronet.ops.fleet import Fleet
from mikronet.ops.tasks import Trust
from mikronet.runner import RolloutPolicy
from mikronet.runner.results import Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import TrustStore, fetch_identity

from .conftest import ENV, PASSWORD, fleet_inventory

MIKRONET = str(Path(sys.executable).with_name("mikronet"))


@pytest.fixture(scope="module")
def two_hundred(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("pins")
    (root / "inventory.yaml").write_text(fleet_inventory(100, 2, transports=("api-ssl",)), encoding="utf-8")
    with SimFleet(root / "inventory.yaml", directory=root / "sim",
                  options=FleetOptions(device=DeviceOptions(boot_time=0.3)), environ=ENV) as running:
        yield running


def _presented(routers: list[Router]) -> dict[str, Any]:
    with ThreadPoolExecutor(50) as pool:
        return dict(zip((r.id for r in routers), pool.map(fetch_identity, routers), strict=True))


@pytest.mark.slow
def test_200_routers_pinned_and_enrolled_at_once_keep_every_pin(
    two_hundred: SimFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load_inventory(two_hundred.inventory_path)
    fleet = Fleet(inventory, command=["pytest"], record=False)
    trusted = fleet.run(Trust(pin=True), None, RolloutPolicy(forks=50))
    assert all(r.status is Status.CHANGED for r in trusted.results), [(r.router, r.error) for r in trusted.results]

    env = {**os.environ, **ENV, "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    halves = ("municipality=Rīga", "municipality=Cēsu*")
    processes = [subprocess.Popen([MIKRONET, "-i", str(two_hundred.inventory_path), "tls-enroll", "--yes",
                                   "--forks", "50", "--limit", half], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for half in halves]
    outputs = [process.communicate(timeout=240) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs

    store = TrustStore(inventory.known_hosts)
    routers = fleet.select(None)
    presented = _presented(routers)
    wrong = []
    for router in routers:
        shown = presented[router.id]
        assert shown.tls is not None and shown.ssh is not None
        if store.tls_fingerprint(router.id) != shown.tls.value or store.ssh_key(router.id) != shown.ssh:
            wrong.append(router.id)
    assert wrong == []
    assert all(r.status is Status.OK for r in fleet.run(Trust(), None, RolloutPolicy(forks=50)).results)
