"""`mikronet sim swap` puts a factory-fresh device in a running fleet, so that a physical replacement
and `swap --provision` can be rehearsed end to end on the simulated fleet."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mikronet.cli.main import cli
from mikronet.inventory import load_inventory
from mikronet.ledger import open_ledger
from mikronet.ops.fleet import Fleet
from mikronet.ops.push import PushOptions
from mikronet.ops.swap import plan_swap
from mikronet.ops.tasks import Plan, Swap
from mikronet.runner.results import Status
from mikronet.sim.daemon import remove_state, write_state
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.requests import serve_requests
from mikronet.sim.runtime import FleetOptions

from .conftest import ENV, PASSWORD, fleet_inventory, pin_all

FAST = PushOptions(revert_after=10, come_back_within=10, poll_every=0.2)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimFleet, Path]]:
    """A fleet serving its mailbox as `sim run` does."""
    root = tmp_path_factory.mktemp("simswap")
    (root / "inventory.yaml").write_text(fleet_inventory(1, 2, transports=("api-ssl",)), encoding="utf-8")
    directory = root / "sim"
    stop = threading.Event()
    with SimFleet(root / "inventory.yaml", directory=directory,
                  options=FleetOptions(device=DeviceOptions(boot_time=0.3)), environ=ENV) as fleet:
        write_state(directory, "ready", fleet.endpoints)

        def serve() -> None:
            while not stop.wait(0.05):
                serve_requests(fleet, directory)

        server = threading.Thread(target=serve)
        server.start()
        try:
            yield fleet, directory
        finally:
            stop.set()
            server.join()
            remove_state(directory)


def test_sim_swap_then_swap_provision(running: tuple[SimFleet, Path], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fleet, directory = running
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load_inventory(fleet.inventory_path)
    pin_all(inventory)
    router_id = inventory.routers[0].id
    old_tls = fleet.tls_fingerprint(router_id)
    runner = CliRunner()
    result = runner.invoke(cli, ["sim", "swap", router_id, "--model", "hAP ac²", "--serial", "HAP0000042",
                                 "--dir", str(directory)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{router_id}: replaced by a factory-fresh hAP ac² (RBD52G-5HacD2HnD), serial HAP0000042" in result.output
    assert fleet.tls_fingerprint(router_id) not in (None, old_tls)

    work = Fleet(inventory, push_options=FAST, ledger=open_ledger(None, base_dir=tmp_path), command=["pytest"])
    plan = plan_swap(inventory, work.select(router_id)[0], "HAP0000042", "RBD52G-5HacD2HnD", store=work.trust_store)
    swapped = work.run(Swap(plan, provision=True), [plan.router]).results[0]
    assert swapped.status is Status.CHANGED, (swapped.status, swapped.error)
    assert work.reloaded().run(Plan(), router_id).results[0].status is Status.OK


def test_sim_swap_refuses_what_it_cannot_do(running: tuple[SimFleet, Path], tmp_path: Path) -> None:
    _, directory = running
    runner = CliRunner()
    bad = runner.invoke(cli, ["sim", "swap", "LV-0001/r0", "--model", "hAP turbo", "--serial", "X1",
                              "--dir", str(directory)])
    assert bad.exit_code == 2 and "'hAP turbo' is not a known model" in bad.output
    missing = runner.invoke(cli, ["sim", "swap", "LV-0009/gw", "--model", "hAP ac²", "--serial", "X1",
                                  "--dir", str(directory)])
    assert missing.exit_code == 2 and "no simulated router 'LV-0009/gw'" in missing.output
    idle = runner.invoke(cli, ["sim", "swap", "LV-0001/r0", "--model", "hAP ac²", "--serial", "X1",
                               "--dir", str(tmp_path)])
    assert idle.exit_code == 2 and "no simulated fleet is running" in idle.output
