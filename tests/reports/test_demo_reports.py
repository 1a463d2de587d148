"""The demo's reports: progress and the upgrade audit written as HTML from a ledger."""

from __future__ import annotations

from pathlib import Path

from mikronet.inventory import load_inventory
from mikronet.reports import write_demo_reports

from .fixtures import event

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"


class Ledger:
    """Anything with ``events()`` will do, as the ledger does."""

    def __init__(self, events: list[object]) -> None:
        self._events = events

    def events(self) -> list[object]:
        return self._events


def test_write_demo_reports(tmp_path: Path) -> None:
    inventory = load_inventory(SAMPLE)
    school = inventory.schools[0]
    router = inventory.routers_of(school.id)[0]
    ledger = Ledger([
        event(1, "2021-04-06 10:00", school.id, "consultation"),
        event(2, "2021-04-07 10:00", school.id, "routeros-upgrade", router=router.id, from_version=router.routeros,
              to_version="7.16.2", campaign="demo", backup_sha256="cd" * 32),
    ])
    paths = write_demo_reports(inventory, ledger, tmp_path / "reports")
    assert [p.name for p in paths] == ["progress.html", "upgrades.html", "assessment.html"]
    progress = paths[0].read_text(encoding="utf-8")
    assert "Programmas izpilde" in progress and school.name in progress
    upgrades = paths[1].read_text(encoding="utf-8")
    assert "cd" * 32 in upgrades and router.id in upgrades
    assessment = paths[2].read_text(encoding="utf-8")
    assert "Skolu vajadzību novērtējums" in assessment and school.name in assessment  # listed as not assessed
