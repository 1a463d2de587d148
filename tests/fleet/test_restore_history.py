"""Restore through the push's safe path, an interrupted restore, and a router's history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mikronet.cli.main import cli
from mikronet.ledger import open_ledger
from mikronet.ops.fleet import Fleet
from mikronet.ops.push import PushOptions
from mikronet.ops.tasks import Push, Restore
from mikronet.routeros import diff, parse
from mikronet.runner import Event, Interrupt
from mikronet.runner.results import Stands, Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import TrustStore, connect

from .conftest import ENV, PASSWORD, fleet_inventory, load, pin_all

# no revert here waits for its timer (an interrupted restore loads the backup at once): a window no loaded
# machine runs out of before the restore verifies
FAST = PushOptions(revert_after=30.0, come_back_within=10.0, poll_every=0.2)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("restore")
    (root / "inventory.yaml").write_text(fleet_inventory(2, 1, transports=("api",)), encoding="utf-8")
    options = FleetOptions(device=DeviceOptions(boot_time=0.3))
    with SimFleet(root / "inventory.yaml", directory=root / "sim", options=options, environ=ENV) as running:
        yield running


def export_of(fleet: Fleet, router_id: str) -> str:
    router = fleet.select(router_id)[0]
    with connect(router, TrustStore(fleet.inventory.known_hosts)) as session:
        return session.export()


def same(a: str, b: str) -> bool:
    return not diff(parse(a, recover=True), parse(b, recover=True), own="all")


def test_restore_returns_a_router_to_the_export_before_its_last_push(pair: SimFleet, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load(pair)
    pin_all(inventory)
    fleet = Fleet(inventory, push_options=FAST, ledger=open_ledger(None, base_dir=tmp_path),
                  technician="Jānis Bērziņš", command=["pytest"])
    factory = export_of(fleet, "LV-0001/r0")
    assert fleet.run(Push(), "LV-0001/r0").results[0].status is Status.CHANGED
    pushed = export_of(fleet, "LV-0001/r0")
    assert not same(factory, pushed)

    router = fleet.select("LV-0001/r0")[0]
    planned = fleet.run(Restore(check=True), [router]).results[0]
    assert planned.status is Status.PLANNED and planned.plan
    restored = fleet.run(Restore(), [router]).results[0]
    assert restored.status is Status.CHANGED, (restored.error, restored.reason)
    assert restored.details["restored"] == "LV-0001/r0: before push"
    assert same(export_of(fleet, "LV-0001/r0"), factory)
    assert fleet.run(Restore(), [router]).results[0].status is Status.OK  # restoring again changes nothing

    kinds = [e.kind for e in fleet.ledger.events(router="LV-0001/r0")]
    assert kinds == ["push", "restore"]

    result = CliRunner().invoke(cli, ["-i", str(pair.inventory_path), "--ledger",
                                      f"sqlite:///{tmp_path / 'ledger.sqlite'}", "history", "LV-0001/r0"],
                                env={"MIKRONET_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Jānis Bērziņš" in out and "restore completed" in out and "push completed" in out
    assert "before push" in out and "after push" in out
    assert "Skola Nr. 1 — ā č ē ģ ī ķ ļ ņ š ū ž" in out  # what a push changed, with its letters
    assert "\\C4" not in out


def test_an_interrupted_restore_leaves_the_router_at_the_export_it_had(pair: SimFleet, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load(pair)
    pin_all(inventory)
    interrupt = Interrupt()
    fleet = Fleet(inventory, push_options=FAST, interrupt=interrupt, command=["pytest"])
    assert fleet.run(Push(), "LV-0002/r0").results[0].status is Status.CHANGED
    pushed = export_of(fleet, "LV-0002/r0")

    def ctrl_c_while_applying(event: Event) -> None:
        if event.kind == "router-phase" and event.detail == "applying":
            interrupt.request()

    result = fleet.run(Restore(), "LV-0002/r0", on_event=ctrl_c_while_applying).results[0]
    assert result.status is Status.INTERRUPTED and result.stands is Stands.BACKUP, result
    assert result.applied  # what had been applied before the backup was loaded
    assert same(export_of(fleet, "LV-0002/r0"), pushed)
