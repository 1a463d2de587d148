"""tls-enroll moves a router off plain API: a certificate of its own, api-ssl serving it, pinned from
what the router says over its pinned SSH session, and the inventory switched to api-ssl."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mikronet.inventory import load_inventory
from mikronet.ops.fleet import Fleet
from mikronet.ops.tasks import Push, TlsEnroll
from mikronet.runner.results import Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import TrustStore, fetch_identity

from .conftest import ENV, PASSWORD, fleet_inventory, pin_all


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("enroll")
    (root / "inventory.yaml").write_text(fleet_inventory(2, 1, transports=("api",)), encoding="utf-8")
    with SimFleet(root / "inventory.yaml", directory=root / "sim",
                  options=FleetOptions(device=DeviceOptions(boot_time=0.3)), environ=ENV) as running:
        yield running


def test_enrolment_pins_the_routers_own_certificate_and_switches_the_inventory(
    plain: SimFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load_inventory(plain.inventory_path)
    pin_all(inventory)
    fleet = Fleet(inventory, command=["pytest"])
    assert {r.transport for r in fleet.select(None)} == {"api"}
    fleet_ca_pin = TrustStore(inventory.known_hosts).tls_fingerprint("LV-0001/r0")

    planned = fleet.run(TlsEnroll(check=True))
    assert {r.status for r in planned.results} == {Status.PLANNED}
    run = fleet.run(TlsEnroll())
    assert all(r.status is Status.CHANGED for r in run.results), [(r.router, r.error) for r in run.results]
    store = TrustStore(inventory.known_hosts)
    for router in fleet.select(None):
        pin = store.tls_fingerprint(router.id)
        assert pin and pin != fleet_ca_pin
        assert fetch_identity(router).tls is not None and fetch_identity(router).tls.value == pin  # type: ignore[union-attr]
    switched = load_inventory(plain.inventory_path)
    assert {r.transport for r in switched.routers} == {"api-ssl"}
    again = Fleet(switched, command=["pytest"])
    pushed = again.run(Push())
    assert all(r.status is Status.CHANGED for r in pushed.results), [(r.router, r.error) for r in pushed.results]
    assert all(r.status is Status.OK for r in again.run(TlsEnroll(check=True)).results)
