"""An upgrade campaign across simulated routers: canary and waves, every router on the target version
and firmware, one ledger event each with the right from/to, and the four ways an upgrade goes wrong
each failing with its cause and stopping the campaign at --max-fail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mikronet.ledger import open_ledger
from mikronet.ops.fleet import Fleet
from mikronet.ops.tasks import Upgrade
from mikronet.ops.upgrade import UpgradeOptions, UpgradeTarget, plan_hops
from mikronet.runner import RolloutPolicy
from mikronet.runner.results import Stands, Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

from .conftest import ENV, PASSWORD, load, pin_all

FAST = UpgradeOptions(first_check=0.3, poll=0.2, poll_max=0.5, come_back_within=6.0)

INVENTORY = """\
defaults: {transport: api, username: mikronet, password: {env: MIKRONET_PASSWORD}, template: school-gateway}
schools:
"""
ROUTERS = [  # (version, model)
    ("7.14.3", "RB750Gr3"), ("7.14.3", "RB5009UG+S+"), ("7.16.2", "RB750Gr3"), ("6.49.18", "RB750Gr3"),
    ("7.14.3", "RB4011iGS+"), ("7.14.3", "RB750Gr3"), ("7.14.3", "RB750Gr3"), ("7.14.3", "RB750Gr3"),
    ("7.14.3", "RB750Gr3"),
]


def inventory_text() -> str:
    lines = [INVENTORY]
    for n, (version, model) in enumerate(ROUTERS, start=1):
        lines.append(f'  - {{id: LV-{n:04d}, name: "Skola {n}", municipality: Rīga, '
                     f"connection: {{type: optical, contracted_mbps: 100}}, vars: {{lan_subnet: 10.9.{n}.0/24}}, "
                     f"routers: [{{name: gw, host: 10.3.0.{n}, model: {model}, serial: U{n:05d}, "
                     f"routeros: {version}}}]}}\n")
    return "".join(lines)


@pytest.fixture(scope="module")
def campaign_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("upgrade")
    (root / "inventory.yaml").write_text(inventory_text(), encoding="utf-8")
    options = FleetOptions(device=DeviceOptions(boot_time=0.3, install_boot_time=0.5))
    with SimFleet(root / "inventory.yaml", directory=root / "sim", options=options, environ=ENV) as running:
        yield running


def test_the_hops_a_router_takes() -> None:
    assert plan_hops("7.14.3", "7.16.2", None) == ["version:7.16.2"]
    assert plan_hops("7.16.2", "7.16.2", None) == []
    assert plan_hops("7.18.2", "7.16.2", None) == []  # a campaign never downgrades
    assert plan_hops("6.48.6", "7.16.2", None) == ["lt", "version:7.16.2"]  # v6 reaches v7 from the last 6.49
    assert plan_hops("7.14.3", None, "stable") == ["channel:stable"]


def test_a_campaign_reaches_the_target_records_each_router_and_stops_at_max_fail(
    campaign_fleet: SimFleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load(campaign_fleet)
    pin_all(inventory)
    ledger = open_ledger(None, base_dir=tmp_path)
    fleet = Fleet(inventory, ledger=ledger, command=["pytest"], technician="Anna Bērziņa")
    target = UpgradeTarget(version="7.16.2", campaign="test-2026-11")

    planned = fleet.run(Upgrade(target, FAST, check=True), None, RolloutPolicy(forks=10))
    plans = {r.router: r.details.get("plan", "") for r in planned.results}
    assert planned.counts() == {"planned": 8, "ok": 1}
    assert "the last 6.49 long-term release first" in plans["LV-0004/gw"]
    assert ledger.count() == 0  # --check records nothing

    faults = {"LV-0006/gw": "old-version", "LV-0007/gw": "never-return", "LV-0008/gw": "download-fail",
              "LV-0009/gw": "disk-full"}
    for router_id, kind in faults.items():
        campaign_fleet.set_fault(router_id, kind)
    try:
        run = fleet.run(Upgrade(target, FAST), None,
                        RolloutPolicy(forks=10, canary="cover", waves=("cover", "rest"), max_fail="10"))
    finally:
        for router_id, kind in faults.items():
            campaign_fleet.set_fault(router_id, kind, on=False)
    by = {r.router: r for r in run.results}
    for router_id in ("LV-0001/gw", "LV-0002/gw", "LV-0004/gw", "LV-0005/gw"):
        result = by[router_id]
        assert result.status is Status.CHANGED, result
        assert result.details["to_version"] == "7.16.2" and result.details["to_firmware"] == "7.16.2"
        assert len(result.details["backup_sha256"]) == 64
        assert f"RouterOS {result.details['from_version']} → 7.16.2" in result.notes[-1]
    assert by["LV-0003/gw"].status is Status.OK
    causes = {router_id: (by[router_id].status, by[router_id].cause) for router_id in faults}
    assert causes == {"LV-0006/gw": (Status.FAILED, "came-back-old"), "LV-0007/gw": (Status.FAILED, "did-not-return"),
                      "LV-0008/gw": (Status.FAILED, "download-failed"), "LV-0009/gw": (Status.FAILED, "disk-full")}
    assert by["LV-0009/gw"].stands is Stands.UNTOUCHED and by["LV-0008/gw"].stands is Stands.UNTOUCHED

    events = {e.router: e for e in ledger.events(kind="routeros-upgrade")}
    assert set(events) == {r for r in by if r != "LV-0003/gw"}  # one event per router that was upgraded or tried
    assert events["LV-0001/gw"].details["from_version"] == "7.14.3"
    assert events["LV-0001/gw"].details["to_version"] == "7.16.2"
    assert events["LV-0004/gw"].details["from_version"] == "6.49.18"
    assert events["LV-0001/gw"].outcome == "completed" and events["LV-0006/gw"].outcome == "failed"
    assert events["LV-0001/gw"].technician == "Anna Bērziņa"
    assert events["LV-0001/gw"].details["campaign"] == "test-2026-11"
    assert ledger.verify().ok


def test_max_fail_stops_an_upgrade_campaign(campaign_fleet: SimFleet, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load(campaign_fleet)
    pin_all(inventory)
    fleet = Fleet(inventory, command=["pytest"])
    for router_id in ("LV-0006/gw", "LV-0008/gw"):
        campaign_fleet.set_fault(router_id, "download-fail")
    by_id = {r.id: r for r in fleet.select(None)}
    order = [by_id[i] for i in ("LV-0006/gw", "LV-0008/gw", "LV-0007/gw", "LV-0009/gw")]
    try:
        run = fleet.run(Upgrade(UpgradeTarget(version="7.16.2"), FAST), order,
                        RolloutPolicy(forks=1, max_fail="1", retries=0))
    finally:
        for router_id in ("LV-0006/gw", "LV-0008/gw"):
            campaign_fleet.set_fault(router_id, "download-fail", on=False)
    statuses = [r.status for r in run.results]
    assert statuses[:2] == [Status.FAILED, Status.FAILED] and run.crossed
    assert statuses[2:] == [Status.SKIPPED, Status.SKIPPED]


def test_an_upgrade_over_ssh_answers_the_consoles_questions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The console asks before a restart and before a firmware upgrade (`[y/n]`); the upgrade answers."""
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    text = inventory_text().split("  - ", 2)
    (tmp_path / "inventory.yaml").write_text(text[0] + "  - " + text[1].replace("routeros: 7.14.3", "routeros: 7.14.3, "
                                                                               "transport: ssh"), encoding="utf-8")
    options = FleetOptions(device=DeviceOptions(boot_time=0.3, install_boot_time=0.5))
    with SimFleet(tmp_path / "inventory.yaml", directory=tmp_path / "sim", options=options, environ=ENV) as sim:
        inventory = load(sim)
        pin_all(inventory)
        run = Fleet(inventory, command=["pytest"]).run(Upgrade(UpgradeTarget(version="7.16.2"), FAST))
    result = run.results[0]
    assert result.status is Status.CHANGED, (result.error, result.cause)
    assert result.details["to_version"] == "7.16.2" and result.details["to_firmware"] == "7.16.2"
    assert result.timings.get("total", 0) < 20
