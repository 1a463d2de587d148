"""Progress figures against the hand-worked fixture (conftest): the distinct-school rule, the
municipality grouping before and after the 2021 reform, kinds, weeks and bandwidth."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mikronet.reports import build_progress

from .fixtures import EVENTS, NOW, Inventory, event


def test_a_school_counts_once_and_only_completed_improvements_count(inventory: Inventory) -> None:
    report = build_progress(inventory, EVENTS, now=NOW)
    # LV-0001 (its planned consultation; its upgrade is maintenance), LV-0005, LV-0002 (its failed swap
    # does not count, its planned consultation does), LV-0003 (its planned technical fix).
    # Not LV-0004 (interrupted), LV-0006 (a restore is no improvement).
    assert report.done == 4
    assert [d.school for d in report.done_schools] == ["LV-0001", "LV-0005", "LV-0002", "LV-0003"]
    assert report.done_schools[3].first_done == date(2021, 7, 1)  # 21:30 UTC on 30 June is 1 July in Riga
    assert report.target == 100 and report.enrolled == 563
    assert report.percent_of_target == Decimal("4.0")
    assert report.percent_of_enrolled == Decimal("0.7")  # 4 / 563 = 0.71 %


def test_grouped_by_the_municipalities_after_the_reform(inventory: Inventory) -> None:
    report = build_progress(inventory, EVENTS, now=NOW)
    assert not report.before_reform
    rows = [(m.municipality, m.schools, m.done) for m in report.by_municipality]
    assert rows == [("Ādažu novads", 2, 2), ("Cēsu novads", 2, 1), ("Rīga", 3, 1)]
    assert report.by_municipality[1].percent == Decimal("50.0")


def test_as_of_a_date_before_the_reform_groups_by_the_old_municipalities_and_stops_there(
        inventory: Inventory) -> None:
    report = build_progress(inventory, EVENTS, as_of=date(2021, 6, 30), now=NOW)
    assert report.before_reform and report.grouping_date == date(2021, 6, 30)
    assert report.done == 3  # the push of 1 July (Riga time) is after the day
    rows = [(m.municipality, m.schools, m.done) for m in report.by_municipality]
    # Carnikavas and Priekuļu were merged into Ādažu and Cēsu novads on 1 July 2021; LV-0007 has no
    # former municipality in the inventory and stays under Rīga. Latvian order: Ā after A, before C.
    assert rows == [("Ādažu novads", 1, 1), ("Carnikavas novads", 1, 1), ("Cēsu novads", 1, 0),
                    ("Priekuļu novads", 1, 1), ("Rīga", 3, 0)]


def test_by_category_and_kind(inventory: Inventory) -> None:
    report = build_progress(inventory, EVENTS, now=NOW)
    assert [(c.key, c.schools, c.events) for c in report.by_category] == [
        ("consultation", 2, 2), ("additional-device", 1, 1), ("technical-improvement", 1, 1)]
    # the upgrade of LV-0001 is recorded but is no school's solution
    assert sorted((c.key, c.schools, c.events) for c in report.by_kind) == [
        ("add-device", 1, 1), ("consultation", 2, 2), ("technical-fix", 1, 1)]


def test_weeks_are_cumulative_with_the_gaps_filled(inventory: Inventory) -> None:
    weeks = build_progress(inventory, EVENTS, now=NOW).weeks
    assert weeks[0].week == "2021-W14" and weeks[-1].week == "2021-W26"
    assert len(weeks) == 13
    cumulative = {w.week: w.cumulative for w in weeks}
    assert cumulative["2021-W14"] == 1 and cumulative["2021-W15"] == 2
    assert cumulative["2021-W19"] == 2 and cumulative["2021-W20"] == 3 and cumulative["2021-W26"] == 4
    assert sum(w.new_schools for w in weeks) == 4
    assert weeks[0].start == date(2021, 4, 5)


def test_bandwidth_before_and_after_with_the_median(inventory: Inventory) -> None:
    report = build_progress(inventory, EVENTS, now=NOW)
    rows = [(b.school, b.before_down, b.after_down, b.change_down, b.change_up) for b in report.bandwidth]
    assert rows == [("LV-0003", 50.0, 150.0, 100.0, 30.0), ("LV-0005", 20.0, 95.5, 75.5, 15.0)]
    assert report.median_change_down == 87.75
    assert report.median_change_up == 22.5


def test_schools_with_nothing_done(inventory: Inventory) -> None:
    pending = build_progress(inventory, EVENTS, now=NOW).pending
    assert [(p.school, p.municipality, p.attempts) for p in pending] == [
        ("LV-0004", "Cēsu novads", 1), ("LV-0006", "Rīga", 0), ("LV-0007", "Rīga", 0)]


def test_a_school_the_inventory_does_not_have_still_counts(inventory: Inventory) -> None:
    events = (*EVENTS, event(13, "2021-05-03 08:00", "LV-9999", "consultation", programme="consultation"))
    report = build_progress(inventory, events, now=NOW)
    assert report.done == 5
    assert report.unknown_schools == ("LV-9999",)
    assert ("?", 0, 1) in [(m.municipality, m.schools, m.done) for m in report.by_municipality]


def test_the_programme_settings_come_from_the_inventory(inventory: Inventory) -> None:
    class Settings:
        target = 3
        enrolled = 7

    inventory.programme = Settings()  # type: ignore[attr-defined]
    report = build_progress(inventory, EVENTS, now=NOW)
    assert (report.target, report.enrolled, report.percent_of_target) == (3, 7, Decimal("133.3"))


def test_no_events_gives_an_empty_but_whole_report(inventory: Inventory) -> None:
    report = build_progress(inventory, (), now=NOW)
    assert report.done == 0 and report.weeks == () and report.median_change_down is None
    assert len(report.pending) == 7
    # five schools have a plan, two are neither planned nor assessed
    assert (report.planned, report.not_assessed) == (5, 2)
