"""A swap checks the device: the old router still answering is refused ("this is the same device"),
a device whose facts report another serial or model is not recorded as swapped, and `facts` flags
any router that is not the device the inventory names (status mismatch)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mikronet.errors import InputError
from mikronet.inventory import load_inventory
from mikronet.ledger import open_ledger
from mikronet.ops.fleet import Fleet
from mikronet.ops.swap import plan_swap
from mikronet.ops.tasks import Facts, Swap
from mikronet.runner.results import Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import TrustStore

from .conftest import ENV, PASSWORD, fleet_inventory, pin_all


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("swapcheck")
    (root / "inventory.yaml").write_text(fleet_inventory(2, 2, transports=("api-ssl",)), encoding="utf-8")
    with SimFleet(root / "inventory.yaml", directory=root / "sim",
                  options=FleetOptions(device=DeviceOptions(boot_time=0.3)), environ=ENV) as running:
        yield running


@pytest.fixture
def fleet(school: SimFleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fleet:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load_inventory(school.inventory_path)
    pin_all(inventory)
    return Fleet(inventory, ledger=open_ledger(None, base_dir=tmp_path), command=["pytest"])


def test_the_old_router_still_in_place_is_refused_as_the_same_device(fleet: Fleet) -> None:
    router = fleet.select("LV-0001/r0")[0]
    with pytest.raises(InputError, match=r"LV-0001/r0: this is the same device: it still presents the pinned"):
        plan_swap(fleet.inventory, router, "NEW000001", "RB5009UG+S+", store=fleet.trust_store)


def test_facts_flag_a_device_other_than_the_inventory_names(school: SimFleet, fleet: Fleet) -> None:
    school.replace("LV-0002/r1", "STRANGER01", "RB5009UG+S+")
    TrustStore(fleet.inventory.known_hosts).forget("LV-0002/r1")
    pin_all(fleet.inventory)  # re-pinned by hand, as `trust --replace` would, without recording a swap
    results = {r.router: r for r in fleet.run(Facts(), "LV-0002/*").results}
    assert results["LV-0002/r0"].status is Status.OK
    flagged = results["LV-0002/r1"]
    assert flagged.status is Status.MISMATCH and flagged.status.is_failure
    assert flagged.details["mismatch"]["serial"] == {"inventory": "SN000004", "device": "STRANGER01"}
    assert flagged.details["mismatch"]["model"]["device"] == "RB5009UG+S+"
    assert "record a swap, or correct the inventory" in (flagged.error or "")


def test_a_swap_whose_device_reports_another_serial_is_not_completed(school: SimFleet, fleet: Fleet) -> None:
    router = fleet.select("LV-0001/r1")[0]
    school.replace(router.id, "REAL000009", "RB5009UG+S+")
    plan = plan_swap(fleet.inventory, router, "TYPO000009", "RB5009UG+S+", store=fleet.trust_store)
    result = fleet.run(Swap(plan, provision=True), [router]).results[0]
    assert result.status is Status.MISMATCH
    assert "reports serial REAL000009 (expected TYPO000009)" in (result.error or "")
    assert fleet.ledger is not None
    event = fleet.ledger.events(kind="swap")[-1]
    assert event.outcome == "failed" and event.details["cause"] == "device-mismatch"
