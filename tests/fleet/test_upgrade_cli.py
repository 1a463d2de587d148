"""`upgrade` from the command line: what --check promises, and how long it waits for a simulated router."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.errors import InventoryError
from mikronet.inventory import Inventory, load_inventory, resolve_secrets
from mikronet.ops.upgrade import UpgradeOptions, Upgrader, UpgradeTarget
from mikronet.runner.results import Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import TrustStore, connect

from .conftest import ENV, PASSWORD, load, pin_all

pytestmark = pytest.mark.timeout(120)

BOOT_S = 0.4
ROUTERS = (("7.16.2", "RB750Gr3"), ("6.49.18", "RB750Gr3"), ("7.18.2", "RB750Gr3"), ("7.14.3", "RB750Gr3"))


@pytest.fixture(scope="module")
def small_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimFleet, Inventory]]:
    root = tmp_path_factory.mktemp("upgrade-cli")
    lines = ["defaults: {transport: api, username: mikronet, password: {env: MIKRONET_PASSWORD}, "
             "template: school-gateway, restart_s: 90}", "schools:"]
    for n, (version, model) in enumerate(ROUTERS, start=1):
        lines.append(f'  - {{id: LV-{8000 + n}, name: "Skola {n} ā", municipality: Rīga, '
                     f"connection: {{type: optical, contracted_mbps: 100}}, vars: {{lan_subnet: 10.8.{n}.0/24}}, "
                     f"routers: [{{name: gw, host: 10.8.0.{n}, model: {model}, serial: W{n:05d}, "
                     f"routeros: {version}}}]}}")
    (root / "inventory.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    options = FleetOptions(device=DeviceOptions(boot_time=BOOT_S, install_boot_time=2 * BOOT_S))
    with SimFleet(root / "inventory.yaml", directory=root / "sim", options=options, environ=ENV) as fleet:
        inventory = load(fleet)
        pin_all(inventory)
        yield fleet, inventory


def test_upgrade_check_gives_one_line_per_router_naming_each_restart_and_the_final_version(
    small_fleet: tuple[SimFleet, Inventory], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, _ = small_fleet
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    code = main(["-i", str(sim.inventory_path), "upgrade", "--version", "7.18.2", "--firmware", "--check",
                 "--limit", "LV-8001/gw,LV-8002/gw"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    lines = {router: [line for line in out if line.startswith(router)] for router in ("LV-8001/gw", "LV-8002/gw")}
    assert all(len(found) == 1 for found in lines.values()), out
    assert "no changes" not in "\n".join(out)
    assert lines["LV-8001/gw"] == ["LV-8001/gw: planned: 7.16.2 → 7.18.2 (packages fetched, restart 1) → "
                                   "RouterBOARD firmware (restart 2); ends on 7.18.2 after 2 restarts"]
    v6 = lines["LV-8002/gw"][0]
    assert v6.startswith("LV-8002/gw: planned: 6.49.18 → the last 6.49 long-term release first (restart 1;")
    assert "7.18.2 (packages fetched, restart 2) → RouterBOARD firmware (restart 3)" in v6
    assert v6.endswith("; ends on 7.18.2 after 3 restarts")


def test_the_simulated_fleets_inventory_carries_its_boot_time_for_every_router(
    small_fleet: tuple[SimFleet, Inventory], capsys: pytest.CaptureFixture[str]
) -> None:
    sim, inventory = small_fleet
    assert {router.restart_s for router in inventory.routers} == {BOOT_S}  # not the source's 90 s
    assert main(["-i", str(sim.inventory_path), "inventory", "show", "LV-8001/gw"]) == 0
    shown = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("restart_s")]
    assert shown and shown[0][:2] == ["restart_s", str(BOOT_S)]


def test_a_restart_time_that_is_not_a_positive_number_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text(
        "defaults: {username: u, password: {env: P}, template: t, restart_s: -3}\nschools: []\n", encoding="utf-8")
    with pytest.raises(InventoryError) as info:
        load_inventory(tmp_path / "inventory.yaml")
    assert info.value.line == 1 and "restart_s" in str(info.value)


def test_an_upgrade_first_looks_for_a_simulated_router_after_its_boot_time_then_polls_with_growing_waits(
    small_fleet: tuple[SimFleet, Inventory], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, inventory = small_fleet
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    router = resolve_secrets([r for r in inventory.routers if r.id == "LV-8004/gw"])[0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    trust = TrustStore(inventory.known_hosts)
    upgrader = Upgrader(lambda r: connect(r, trust), UpgradeTarget(version="7.16.2"),
                        options=UpgradeOptions(come_back_within=30), sleep=sleep)
    result = upgrader.upgrade(router)
    assert result.status is Status.CHANGED, (result.error, result.cause)
    assert waits[0] == BOOT_S  # the inventory's restart_s, not a RouterBOARD's 30 s
    # after each restart (the install, then the firmware's): the boot time, then polls from half of it
    # up, each wait half as long again as the one before
    for earlier, later in itertools.pairwise(waits):
        assert later in (BOOT_S, BOOT_S / 2) or later == pytest.approx(earlier * 1.5), waits
    assert waits.count(BOOT_S) == 2 and max(waits) < 1.0
