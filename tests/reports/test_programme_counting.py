"""Counting by the memorandum's meaning, against hand-worked fixtures: a school counts once, when an
intervention of a category planned for it completed, or one a technician marked as the programme's.
Fleet-wide maintenance never counts unless marked. Categories are written out by hand (fixtures.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import pytest

from mikronet.inventory.programme import CountingRule, Programme
from mikronet.reports import build_progress, render_report

from .fixtures import NOW, Connection, Inventory, Plan, School, event


def _schools(n: int, plan: tuple[Plan, ...] = ()) -> tuple[School, ...]:
    return tuple(School(f"LV-{i:04d}", f"Skola {i}", "Rīga", "Rīga", Connection("optical"), plan=plan)
                 for i in range(1, n + 1))


def test_an_upgrade_campaign_over_100_schools_leaves_the_progress_unchanged() -> None:
    schools = _schools(100, plan=(Plan("technical-improvement"),))
    inventory = Inventory(schools)
    before = build_progress(inventory, (), now=NOW)
    campaign = [event(i, "2021-05-04 18:00", s.id, kind, router=f"{s.id}/gw", from_version="6.49.13",
                      to_version="7.16.2")
                for i, s in enumerate(schools, 1) for kind in ("routeros-upgrade", "firmware-upgrade")]
    baseline = [event(300 + i, "2021-05-05 18:00", s.id, "push", changes=3) for i, s in enumerate(schools)]
    after = build_progress(inventory, [*campaign, *baseline], now=NOW)
    assert (before.done, after.done) == (0, 0)
    assert after.percent_of_target == Decimal("0.0")
    assert after.planned == 100


def test_a_planned_equipment_replacement_counts_the_school_once() -> None:
    schools = (School("LV-0001", "Ādažu vidusskola", "Ādažu novads", None, Connection("optical"),
                      plan=(Plan("equipment-replacement", "hAP lite → RB5009", date(2021, 5, 1)),)),
               School("LV-0002", "Carnikavas pamatskola", "Ādažu novads", None, Connection("other")))
    events = (
        event(1, "2021-05-03 10:00", "LV-0001", "swap", router="LV-0001/gw"),
        event(2, "2021-05-20 10:00", "LV-0001", "swap", router="LV-0001/gw"),
        event(3, "2021-05-03 10:00", "LV-0002", "swap", router="LV-0002/gw"),  # nothing planned there
    )
    report = build_progress(Inventory(schools), events, now=NOW)
    assert report.done == 1
    assert [(d.school, d.first_done, d.categories) for d in report.done_schools] == [
        ("LV-0001", date(2021, 5, 3), ("equipment-replacement",))]
    assert [(c.key, c.schools, c.events) for c in report.by_category] == [("equipment-replacement", 1, 2)]
    assert [(p.school, p.stage) for p in report.pending] == [("LV-0002", "not-assessed")]


def test_a_marked_consultation_counts_and_a_marked_upgrade_too() -> None:
    schools = _schools(3)  # nothing planned anywhere
    events = (
        event(1, "2021-05-03 10:00", "LV-0001", "consultation", programme="consultation"),
        event(2, "2021-05-04 10:00", "LV-0002", "consultation"),  # not marked, not planned
        event(3, "2021-05-05 10:00", "LV-0003", "routeros-upgrade", programme="technical-improvement"),
    )
    report = build_progress(Inventory(schools), events, now=NOW)
    assert [d.school for d in report.done_schools] == ["LV-0001", "LV-0003"]
    assert [(c.key, c.schools) for c in report.by_category] == [("consultation", 1), ("technical-improvement", 1)]


@pytest.mark.parametrize("outcome", ["failed", "reverted", "interrupted"])
def test_work_that_did_not_complete_does_not_count(outcome: str) -> None:
    schools = _schools(1, plan=(Plan("equipment-replacement"),))
    events = (event(1, "2021-05-03 10:00", "LV-0001", "swap", outcome),
              event(2, "2021-05-04 10:00", "LV-0001", "consultation", outcome, programme="consultation"))
    report = build_progress(Inventory(schools), events, now=NOW)
    assert report.done == 0
    assert [(p.school, p.attempts, p.stage) for p in report.pending] == [("LV-0001", 2, "planned")]


def test_before_and_after_are_the_medians_of_the_measurements_on_each_side() -> None:
    schools = _schools(2, plan=(Plan("equipment-replacement"),))
    events = (
        # LV-0001: before 18, 22, 40 → median 22; after 90, 94 → median 92; up 4, 5, 9 → 5; 30, 34 → 32
        event(1, "2021-04-01 08:00", "LV-0001", "measure", down_mbps=18.0, up_mbps=4.0),
        event(2, "2021-04-02 08:00", "LV-0001", "measure", down_mbps=40.0, up_mbps=9.0),
        event(3, "2021-04-03 08:00", "LV-0001", "measure", down_mbps=22.0, up_mbps=5.0),
        event(4, "2021-04-10 08:00", "LV-0001", "swap"),
        event(5, "2021-04-11 08:00", "LV-0001", "measure", down_mbps=90.0, up_mbps=30.0),
        event(6, "2021-04-12 08:00", "LV-0001", "measure", down_mbps=94.0, up_mbps=34.0),
        # LV-0002: before 50; after 60, 80, 100, 70 → median 75; up 10 → 20, 10, 30, 20 → 20
        event(7, "2021-04-01 09:00", "LV-0002", "measure", down_mbps=50.0, up_mbps=10.0),
        event(8, "2021-04-10 09:00", "LV-0002", "swap"),
        event(9, "2021-04-11 09:00", "LV-0002", "measure", down_mbps=60.0, up_mbps=20.0),
        event(10, "2021-04-12 09:00", "LV-0002", "measure", down_mbps=80.0, up_mbps=10.0),
        event(11, "2021-04-13 09:00", "LV-0002", "measure", down_mbps=100.0, up_mbps=30.0),
        event(12, "2021-04-14 09:00", "LV-0002", "measure", down_mbps=70.0, up_mbps=20.0),
    )
    report = build_progress(Inventory(schools), events, now=NOW)
    rows = {b.school: (b.before_down, b.after_down, b.change_down, b.before_up, b.after_up, b.change_up,
                       b.before_count, b.after_count) for b in report.bandwidth}
    assert rows == {"LV-0001": (22.0, 92.0, 70.0, 5.0, 32.0, 27.0, 3, 2),
                    "LV-0002": (50.0, 75.0, 25.0, 10.0, 20.0, 10.0, 1, 4)}
    assert report.median_change_down == 47.5  # (70 + 25) / 2
    assert report.median_change_up == 18.5  # (27 + 10) / 2


def test_the_inventory_can_change_the_rule_and_the_report_keeps_it() -> None:
    @dataclass
    class WithProgramme(Inventory):
        programme: Programme = field(default_factory=Programme)

    schools = _schools(2, plan=(Plan("consultation"),))
    events = (event(1, "2021-05-03 10:00", "LV-0001", "consultation"),
              event(2, "2021-05-03 10:00", "LV-0002", "swap"),
              event(3, "2021-05-03 10:00", "LV-0002", "routeros-upgrade"))
    strict = WithProgramme(schools, programme=replace(Programme(), counting=CountingRule(planned=False)))
    assert build_progress(strict, events, now=NOW).done == 0  # only marked work counts
    lenient = WithProgramme(schools, programme=replace(Programme(), counting=CountingRule(unplanned=True)))
    report = build_progress(lenient, events, now=NOW)
    assert report.done == 2  # the unplanned swap counts; the upgrade is still maintenance
    assert report.rule == CountingRule(unplanned=True)


def test_an_assessed_school_without_a_plan_is_told_apart_from_one_never_assessed() -> None:
    report = build_progress(Inventory(_schools(2)), (event(1, "2021-05-03 10:00", "LV-0002", "assessment"),), now=NOW)
    assert [(p.school, p.stage) for p in report.pending] == [("LV-0001", "not-assessed"), ("LV-0002", "assessed")]
    assert report.not_assessed == 1


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["is of a kind planned for the school or was marked as the programme's by a technician",
            "Not yet assessed", "Solution planned"]),
    ("lv", ["ir skolai plānotā veida vai tehniķa atzīmēta kā programmas darbība", "Vēl nav novērtēta"]),
])
def test_the_report_states_the_rule_it_used_and_where_each_school_stands(lang: str, words: list[str]) -> None:
    schools = (*_schools(1, plan=(Plan("consultation"),)),
               School("LV-0009", "Rīgas Mūzikas skola", "Rīga", None, Connection("optical")))
    text = render_report(build_progress(Inventory(schools), (), now=NOW), "md", lang)
    for word in words:
        assert word in text
