"""Programme progress: how many schools have had a short-term improvement, where, of which kind,
since when, and what it changed.

The rule (the memorandum's, :class:`~mikronet.inventory.CountingRule`, set by the inventory's
``programme.counting``): a school counts once, on the day of its first *completed* intervention of a
category planned for it (its ``plan:``) or marked by a technician as the programme's (``--programme``).
Fleet-wide maintenance (upgrade campaigns, configuration pushes, restores, measurements) never counts
unless marked; failed, reverted and interrupted work is not done. Its bandwidth before and after is
the median of its measurements before and after that intervention. Schools are grouped by
municipality as it was on the report's date: before the administrative reform of 2021-07-01, the
municipality the school belonged to then.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mikronet.inventory.programme import CountingRule
from mikronet.ledger.model import is_marked
from mikronet.reports.common import (
    CATEGORIES,
    EventLike,
    collation_key,
    iso_week,
    local_day,
    municipality_at,
    programme_of,
    week_start,
)

__all__ = [
    "STAGES",
    "BandwidthChange",
    "CountRow",
    "DoneSchool",
    "MunicipalityProgress",
    "PendingSchool",
    "ProgressReport",
    "WeekPoint",
    "build_progress",
    "percent",
    "planned_categories",
]

UNKNOWN_MUNICIPALITY = "?"


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, to one decimal (half up); ``None`` when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MunicipalityProgress:
    municipality: str
    schools: int
    """Schools of the inventory in this municipality (as grouped on the report's date)."""
    done: int
    percent: Decimal | None


@dataclass(frozen=True)
class CountRow:
    """Per category or kind: distinct schools with a completed event of it, and how many events."""

    key: str
    schools: int
    events: int


@dataclass(frozen=True)
class WeekPoint:
    week: str
    start: date
    new_schools: int
    cumulative: int


@dataclass(frozen=True)
class DoneSchool:
    school: str
    name: str
    municipality: str
    first_done: date
    categories: tuple[str, ...]


@dataclass(frozen=True)
class BandwidthChange:
    """A school's capacity before the intervention that made it count and after it: the median of
    its measurements on each side (``before_time``/``after_time``: the latest measurement of each
    side; ``before_count``/``after_count``: how many measurements each median is of)."""

    school: str
    name: str
    municipality: str
    before_time: datetime
    before_down: float
    before_up: float
    after_time: datetime
    after_down: float
    after_up: float
    change_down: float
    change_up: float
    before_count: int = 1
    after_count: int = 1


STAGES = ("planned", "assessed", "not-assessed")
"""Where a school that has not reached its solution stands: a solution planned, assessed without a
plan yet, or not yet assessed."""


@dataclass(frozen=True)
class PendingSchool:
    """A school that has not counted yet; ``attempts`` counts its interventions that did not complete
    or did not count; ``stage`` is one of :data:`STAGES`."""

    school: str
    name: str
    municipality: str
    attempts: int
    last_event: datetime | None
    stage: str = "not-assessed"
    planned: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgressReport:
    generated: datetime
    as_of: date | None
    grouping_date: date
    """The day whose municipalities group the schools."""
    before_reform: bool
    target: int
    enrolled: int
    inventory_schools: int
    done: int
    percent_of_target: Decimal | None
    percent_of_enrolled: Decimal | None
    by_municipality: tuple[MunicipalityProgress, ...]
    by_category: tuple[CountRow, ...]
    by_kind: tuple[CountRow, ...]
    weeks: tuple[WeekPoint, ...]
    done_schools: tuple[DoneSchool, ...]
    bandwidth: tuple[BandwidthChange, ...]
    median_change_down: float | None
    median_change_up: float | None
    pending: tuple[PendingSchool, ...]
    unknown_schools: tuple[str, ...]
    """Schools the ledger names that the inventory does not have (they still count)."""
    rule: CountingRule = field(default_factory=CountingRule)
    """The counting rule the report used."""
    planned: int = 0
    """Schools with a planned solution not reached yet."""
    not_assessed: int = 0
    """Schools neither assessed nor planned yet."""


def planned_categories(school: Any) -> frozenset[str]:
    """The categories of a school's ``plan`` (an inventory school, or a stand-in with ``plan``)."""
    return frozenset(str(p.category) for p in getattr(school, "plan", None) or ())


def _measure(event: EventLike) -> tuple[float, float] | None:
    if event.kind != "measure" or event.outcome != "completed":
        return None
    try:
        return float(event.details["down_mbps"]), float(event.details["up_mbps"])
    except (KeyError, TypeError, ValueError):
        return None


def build_progress(
    inventory: Any,
    events: Iterable[EventLike],
    *,
    as_of: date | None = None,
    now: datetime | None = None,
) -> ProgressReport:
    """Progress from the inventory and the ledger's events.

    ``as_of`` reports the programme as it stood at the end of that day (Latvian time): later events are
    left out and schools are grouped by their municipalities of that day. Without it, every event
    counts and schools are grouped as they are now.
    """
    programme = programme_of(inventory)
    now = now or datetime.now(UTC)
    grouping_date = as_of or local_day(now)
    schools = {school.id: school for school in inventory.schools}
    chosen = sorted((e for e in events if as_of is None or local_day(e.time) <= as_of), key=lambda e: e.time)

    def municipality(school_id: str) -> str:
        school = schools.get(school_id)
        return UNKNOWN_MUNICIPALITY if school is None else municipality_at(school, grouping_date,
                                                                           programme.reform_date)

    rule = programme.counting
    assessed = {e.school for e in chosen if e.kind == "assessment" and e.outcome == "completed"}
    first_done: dict[str, datetime] = {}
    categories: dict[str, set[str]] = {}
    cat_events: dict[str, int] = {}
    cat_schools: dict[str, set[str]] = {}
    kind_events: dict[str, int] = {}
    kind_schools: dict[str, set[str]] = {}
    attempts: dict[str, int] = {}
    last_event: dict[str, datetime] = {}
    measures: dict[str, list[tuple[datetime, float, float]]] = {}
    for event in chosen:
        last_event[event.school] = event.time
        figures = _measure(event)
        if figures is not None:
            measures.setdefault(event.school, []).append((event.time, *figures))
        if event.category is None:
            continue
        if event.outcome != "completed":
            attempts[event.school] = attempts.get(event.school, 0) + 1
            continue
        school = schools.get(event.school)
        if not rule.counts(kind=event.kind, category=event.category, marked=is_marked(event.details),
                           planned=planned_categories(school)):
            continue
        first_done.setdefault(event.school, event.time)
        categories.setdefault(event.school, set()).add(event.category)
        cat_events[event.category] = cat_events.get(event.category, 0) + 1
        cat_schools.setdefault(event.category, set()).add(event.school)
        kind_events[event.kind] = kind_events.get(event.kind, 0) + 1
        kind_schools.setdefault(event.kind, set()).add(event.school)

    inventory_count: dict[str, int] = {}
    for school in inventory.schools:
        name = municipality(school.id)
        inventory_count[name] = inventory_count.get(name, 0) + 1
    done_count: dict[str, int] = {}
    for school_id in first_done:
        name = municipality(school_id)
        done_count[name] = done_count.get(name, 0) + 1
    by_municipality = tuple(
        MunicipalityProgress(name, inventory_count.get(name, 0), done_count.get(name, 0),
                             percent(done_count.get(name, 0), inventory_count.get(name, 0)))
        for name in sorted(set(inventory_count) | set(done_count), key=collation_key)
    )
    order = {key: i for i, key in enumerate(CATEGORIES)}
    by_category = tuple(CountRow(key, len(cat_schools[key]), cat_events[key])
                        for key in sorted(cat_events, key=lambda k: (order.get(k, len(order)), k)))
    by_kind = tuple(CountRow(key, len(kind_schools[key]), kind_events[key])
                    for key in sorted(kind_events, key=lambda k: (-len(kind_schools[k]), k)))

    done_schools = tuple(sorted(
        (DoneSchool(sid, schools[sid].name if sid in schools else sid, municipality(sid), local_day(when),
                    tuple(sorted(categories[sid], key=lambda k: order.get(k, len(order)))))
         for sid, when in first_done.items()),
        key=lambda d: (d.first_done, d.school)))
    bandwidth = _bandwidth(first_done, measures, schools, municipality)

    def stage(school: Any) -> str:
        if planned_categories(school):
            return "planned"
        return "assessed" if school.id in assessed else "not-assessed"

    pending = tuple(
        PendingSchool(s.id, s.name, municipality(s.id), attempts.get(s.id, 0), last_event.get(s.id), stage(s),
                      tuple(sorted(planned_categories(s), key=lambda k: order.get(k, len(order)))))
        for s in sorted(inventory.schools, key=lambda s: (collation_key(municipality(s.id)), s.id))
        if s.id not in first_done
    )
    return ProgressReport(
        generated=now,
        as_of=as_of,
        grouping_date=grouping_date,
        before_reform=grouping_date < programme.reform_date,
        target=programme.target,
        enrolled=programme.enrolled,
        inventory_schools=len(schools),
        done=len(first_done),
        percent_of_target=percent(len(first_done), programme.target),
        percent_of_enrolled=percent(len(first_done), programme.enrolled),
        by_municipality=by_municipality,
        by_category=by_category,
        by_kind=by_kind,
        weeks=_weeks(first_done, as_of),
        done_schools=done_schools,
        bandwidth=bandwidth,
        median_change_down=statistics.median(b.change_down for b in bandwidth) if bandwidth else None,
        median_change_up=statistics.median(b.change_up for b in bandwidth) if bandwidth else None,
        pending=pending,
        unknown_schools=tuple(sorted(sid for sid in first_done if sid not in schools)),
        rule=rule,
        planned=sum(1 for p in pending if p.stage == "planned"),
        not_assessed=sum(1 for p in pending if p.stage == "not-assessed"),
    )


def _weeks(first_done: dict[str, datetime], as_of: date | None) -> tuple[WeekPoint, ...]:
    """Every ISO week from the first school's to the last one's (or to ``as_of``), gaps included."""
    if not first_done:
        return ()
    new: dict[date, int] = {}
    for when in first_done.values():
        monday = week_start(local_day(when))
        new[monday] = new.get(monday, 0) + 1
    monday, last = min(new), max(new)
    if as_of is not None:
        last = max(last, week_start(as_of))
    points = []
    total = 0
    while monday <= last:
        total += new.get(monday, 0)
        points.append(WeekPoint(iso_week(monday), monday, new.get(monday, 0), total))
        monday += timedelta(days=7)
    return tuple(points)


def _bandwidth(first_done: dict[str, datetime], measures: dict[str, list[tuple[datetime, float, float]]],
               schools: dict[str, Any], municipality: Any) -> tuple[BandwidthChange, ...]:
    """Per school with both: the median of its measurements before the intervention that made it count
    and the median of those after it."""
    out = []
    for school_id, series in measures.items():
        done = first_done.get(school_id)
        if done is None:
            continue
        before = [m for m in series if m[0] < done]
        after = [m for m in series if m[0] > done]
        if not before or not after:
            continue
        b_down, b_up = statistics.median(m[1] for m in before), statistics.median(m[2] for m in before)
        a_down, a_up = statistics.median(m[1] for m in after), statistics.median(m[2] for m in after)
        name = schools[school_id].name if school_id in schools else school_id
        out.append(BandwidthChange(school_id, name, municipality(school_id), before[-1][0], b_down, b_up,
                                   after[-1][0], a_down, a_up, round(a_down - b_down, 3), round(a_up - b_up, 3),
                                   len(before), len(after)))
    return tuple(sorted(out, key=lambda c: (-c.change_down, c.school)))
