"""The demo's reports: progress and the upgrade audit written as HTML from a ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from mikronet.inventory import load_inventory
from mikronet.ledger import open_ledger
from mikronet.reports import write_demo_reports

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"


def test_write_demo_reports(tmp_path: Path) -> None:
    inventory = load_inventory(SAMPLE)
    school = inventory.schools[0]
    router = inventory.routers_of(school.id)[0]
    with open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}") as ledger:
        ledger.append(school=school.id, kind="consultation", technician="Anna Bērziņa", details={"note": "Wi-Fi"},
                      time=datetime(2021, 4, 6, 8, 0, tzinfo=UTC))
        ledger.append(school=school.id, kind="routeros-upgrade", technician="Anna Bērziņa", router=router.id,
                      details={"from_version": router.routeros, "to_version": "7.16.2", "campaign": "demo",
                               "target": "7.16.2", "backup_sha256": "cd" * 32},
                      time=datetime(2021, 4, 7, 8, 0, tzinfo=UTC))
        ledger.state.update(router.id, school.id, {"routeros": "7.16.2", "facts_at": "2021-04-07T08:05:00+00:00"})
        paths = write_demo_reports(inventory, ledger, tmp_path / "reports")
    assert [p.name for p in paths] == ["progress.html", "upgrades.html", "assessment.html"]
    progress = paths[0].read_text(encoding="utf-8")
    assert "Programmas izpilde" in progress and school.name in progress
    upgrades = paths[1].read_text(encoding="utf-8")
    assert "cd" * 32 in upgrades and router.id in upgrades
    assert "7.16.2" in upgrades  # the campaign's target and the router's version, from the fleet state
    assessment = paths[2].read_text(encoding="utf-8")
    assert "Skolu vajadzību novērtējums" in assessment and school.name in assessment  # listed as not assessed
