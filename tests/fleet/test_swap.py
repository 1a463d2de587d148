"""A swapped router: the old identity refused before, the new one after; the inventory file keeps its
comments; --provision brings the new device to the template; the ledger shows the swap. And an
additional device, and a bandwidth measurement, recorded the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mikronet.inventory import load_inventory
from mikronet.inventory.edit import add_router
from mikronet.ledger import open_ledger, read_witness
from mikronet.ops.fleet import Fleet
from mikronet.ops.push import PushOptions
from mikronet.ops.swap import plan_swap
from mikronet.ops.tasks import AddDevice, Measure, Plan, Push, Swap
from mikronet.runner.results import Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import TrustStore

from .conftest import ENV, PASSWORD, fleet_inventory, pin_all

FAST = PushOptions(revert_after=10, come_back_within=10, poll_every=0.2)


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("swap")
    (root / "inventory.yaml").write_text(fleet_inventory(2, 2, transports=("api-ssl",)), encoding="utf-8")
    with SimFleet(root / "inventory.yaml", directory=root / "sim",
                  options=FleetOptions(device=DeviceOptions(boot_time=0.3)), environ=ENV) as running:
        yield running


def test_a_swap_re_pins_keeps_the_files_comments_provisions_and_is_in_the_ledger(
    school: SimFleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    path = school.inventory_path
    text = path.read_text(encoding="utf-8")
    marker = "serial: SN000001"
    assert marker in text
    path.write_text(text.replace(marker, f"{marker}  # ieprogrammēts 2025. gada rudenī", 1), encoding="utf-8")
    inventory = load_inventory(path)
    pin_all(inventory)
    router_id = next(r.id for r in inventory.routers if r.serial == "SN000001")
    ledger = open_ledger(None, base_dir=tmp_path)
    fleet = Fleet(inventory, push_options=FAST, ledger=ledger, command=["pytest"], technician="Ilze Kalniņa")
    assert fleet.run(Push(), router_id).results[0].status is Status.CHANGED
    old_tls = TrustStore(inventory.known_hosts).tls_fingerprint(router_id)

    school.replace(router_id, "NEW000777", "RB5009UG+S+")  # the technician puts a new router in its place
    refused = fleet.run(Push(), router_id).results[0]
    assert refused.status is Status.IDENTITY_CHANGED and refused.stands.value == "untouched"

    plan = plan_swap(inventory, fleet.select(router_id)[0], "NEW000777", "RB5009UG+S+")
    result = fleet.run(Swap(plan, provision=True), [plan.router]).results[0]
    assert result.status is Status.CHANGED, (result.status, result.error, result.reason)
    after = path.read_text(encoding="utf-8")
    assert "ieprogrammēts 2025. gada rudenī" in after  # the file's comment is kept
    assert "NEW000777" in after and "RB5009UG+S+" in after
    fresh = fleet.reloaded()
    assert fresh.inventory.router(router_id).serial == "NEW000777"
    new_tls = TrustStore(inventory.known_hosts).tls_fingerprint(router_id)
    assert new_tls and new_tls != old_tls
    assert fresh.run(Plan(), router_id).results[0].status is Status.OK  # provisioned: at the template
    event = next(e for e in ledger.events(kind="swap"))
    assert event.details["old_serial"] == "SN000001" and event.details["new_serial"] == "NEW000777"
    assert event.details["provisioned"] is True and event.serial == "NEW000777"
    assert event.category == "equipment-replacement" and event.technician == "Ilze Kalniņa"


def test_an_additional_device_and_a_measurement_are_recorded(school: SimFleet, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load_inventory(school.inventory_path)
    pin_all(inventory)
    ledger = open_ledger(None, base_dir=tmp_path)
    fleet = Fleet(inventory, push_options=FAST, ledger=ledger, command=["pytest"])
    measured = fleet.run(Measure(server="192.0.2.10", seconds=2), "LV-0002/*")
    assert all(r.status is Status.OK for r in measured.results), [r.error for r in measured.results]
    for event in ledger.events(kind="measure"):
        assert 100 < event.details["down_mbps"] <= 200 and event.details["up_mbps"] > 0  # the school's 200 Mbps
        assert event.category is None  # a measurement is evidence, not an improvement
    assert len(ledger.events(kind="measure")) == 2
    witness = read_witness(fleet.backups, ledger.url)  # the run that appended left its head in the backups
    assert witness is not None and witness.head == ledger.head()


def test_an_additional_device_goes_into_the_inventory_and_the_ledger(school: SimFleet, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load_inventory(school.inventory_path)
    ledger = open_ledger(None, base_dir=tmp_path)
    fleet = Fleet(inventory, ledger=ledger, command=["pytest"], technician="Ilze Kalniņa")
    add_router(inventory, "LV-0002", "ap9", host="10.1.2.99", model="cAP ac", serial="CAP0099",
               routeros="7.16.2", template="school-ap")
    fresh = fleet.reloaded()
    result = fresh.run(AddDevice(pin=False), "LV-0002/ap9").results[0]
    assert result.status is Status.CHANGED
    added = load_inventory(school.inventory_path).router("LV-0002/ap9")
    assert added.serial == "CAP0099" and added.template == "school-ap"
    event = next(iter(ledger.events(kind="add-device")))
    assert event.router == "LV-0002/ap9" and event.category == "additional-device" and event.serial == "CAP0099"
