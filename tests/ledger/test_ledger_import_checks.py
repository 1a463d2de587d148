"""``ledger import`` holds a file's events to what a recorded event is held to: a file re-hashed by
hand cannot bring in a re-labelled category, an unknown school or router, a router of another school,
or a time in the future. A refused event names its line and why, and nothing is merged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_ledger_witness import inventory, run  # noqa: F401  (the fixture, and the CLI runner)

from mikronet.ledger import Admission, Event, export_text, open_ledger
from mikronet.ledger.model import DEFAULT_CATEGORIES

FORGED: list[tuple[dict[str, Any], str]] = [
    ({"kind": "consultation", "category": "equipment-replacement"},
     "category 'equipment-replacement' for a 'consultation' event: that kind counts as 'consultation'"),
    ({"school": "../../etc/passwd"}, "school '../../etc/passwd' is not in the inventory"),
    ({"router": "LV-0107/gw"}, "router 'LV-0107/gw' belongs to LV-0107, not to LV-0042"),
    ({"router": "LV-0042/nav"}, "router 'LV-0042/nav' is not in the inventory"),
    ({"time": datetime(2999, 1, 1, tzinfo=UTC)}, "time 2999-01-01T00:00:00+00:00 is in the future"),
]


def _file(folder: Path, forged: dict[str, Any]) -> Path:
    """Two honest events, then the forged one, as another machine's export (a chain that holds)."""
    with open_ledger(f"sqlite:///{folder / 'elsewhere.sqlite'}") as other:
        other.append(school="LV-0042", kind="consultation", technician="Ilze Siliņa", details={"note": "labi"})
        other.append(school="LV-0107", kind="swap", technician="Ilze Siliņa", router="LV-0107/gw")
        fields: dict[str, Any] = {"school": "LV-0042", "kind": "consultation", "technician": "Ilze Siliņa"} | forged
        other.append(**fields)
        text = export_text(other.events(), "jsonl", source=other.url)
    path = folder / "elsewhere.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("forged", "why"), FORGED, ids=[
    "relabelled", "path-school", "router-of-another-school", "unknown-router", "year-2999"])
def test_a_forged_event_is_refused_naming_its_line(inventory: Path, ledger_url: str, tmp_path: Path,  # noqa: F811
                                                  forged: dict[str, Any], why: str) -> None:
    path = _file(tmp_path, forged)
    code, out, err = run(inventory, ledger_url, "ledger", "import", str(path))
    assert code == 2, out + err
    assert f"{path}:4" in err and why in err and "nothing was merged" in err
    with open_ledger(ledger_url) as ledger:
        assert ledger.count() == 0  # not the two honest events either: all or nothing


def test_an_honest_file_is_merged(inventory: Path, ledger_url: str, tmp_path: Path) -> None:  # noqa: F811
    path = _file(tmp_path, {"kind": "technical-fix", "category": "technical-improvement",
                            "time": datetime.now(UTC) + timedelta(minutes=2)})  # a clock a little fast
    code, out, err = run(inventory, ledger_url, "ledger", "import", str(path))
    assert code == 0, err
    assert "merged 3 events" in out
    code, out, _ = run(inventory, ledger_url, "ledger", "verify")
    assert code == 0 and "reaches the head witnessed at seq 3" in out


def test_admission_follows_the_inventorys_categories() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    categories = {**DEFAULT_CATEGORIES, "push": "technical-improvement"}
    admission = Admission({"LV-0042": frozenset({"LV-0042/gw"})}, categories, now)
    event = Event(seq=1, id="a", time=now, technician="x", school="LV-0042", router="LV-0042/gw", serial=None,
                  kind="push", category=None, details={}, outcome="completed", prev_hash="", hash="")
    assert admission.problem(event) == ("category None for a 'push' event: that kind counts as "
                                        "'technical-improvement'")
    assert admission.problem(Event(**{**event.__dict__, "category": "technical-improvement"})) is None
