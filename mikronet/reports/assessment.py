"""The assessment report: each school's latest recorded assessment (ledger kind ``assessment``, written
by ``mikronet assess``), schools listed by need and counted per municipality and per solution.

A school's need orders the list: the most severe finding first, then the number of findings, then
the measured share of its contract (lower first). Schools never assessed are listed apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from mikronet.reports.common import CATEGORIES, EventLike, collation_key, local_day, municipality_at, programme_of
from mikronet.reports.needs import LONG_TERM

__all__ = ["SOLUTIONS", "AssessedFinding", "AssessedSchool", "AssessmentReport", "MunicipalityNeeds",
           "build_assessment"]

SOLUTIONS = (*CATEGORIES, LONG_TERM)
"""What a finding calls for: one of the programme's short-term categories, or the line itself."""


@dataclass(frozen=True)
class AssessedFinding:
    code: str
    solution: str
    severity: int
    router: str | None
    evidence: Mapping[str, Any]


@dataclass(frozen=True)
class AssessedSchool:
    school: str
    name: str
    municipality: str
    assessed: datetime
    contracted_mbps: int | None
    measured_down_mbps: float | None
    measurements: int
    share: float | None
    solutions: tuple[str, ...]
    findings: tuple[AssessedFinding, ...]
    planned: tuple[str, ...]
    """The categories the inventory already plans for it."""


@dataclass(frozen=True)
class MunicipalityNeeds:
    municipality: str
    schools: int
    assessed: int
    needing: int
    by_solution: tuple[tuple[str, int], ...]
    """Solution → schools needing it, in :data:`SOLUTIONS` order."""


@dataclass(frozen=True)
class AssessmentReport:
    generated: datetime
    grouping_date: date
    schools: tuple[AssessedSchool, ...]
    """Assessed schools, by need (most first)."""
    by_municipality: tuple[MunicipalityNeeds, ...]
    by_solution: tuple[tuple[str, int], ...]
    not_assessed: tuple[tuple[str, str, str], ...]
    """(school, name, municipality) of schools with no assessment yet."""


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _school(event: EventLike, name: str, municipality: str, planned: tuple[str, ...]) -> AssessedSchool:
    details = event.details
    findings = tuple(
        AssessedFinding(str(f.get("code")), str(f.get("solution")), int(f.get("severity") or 1), f.get("router"),
                        dict(f.get("evidence") or {}))
        for f in details.get("findings") or () if isinstance(f, Mapping)
    )
    contracted = details.get("contracted_mbps")
    return AssessedSchool(
        event.school, name, municipality, event.time,
        int(contracted) if isinstance(contracted, int | float) else None,
        _number(details.get("measured_down_mbps")), int(details.get("measurements") or 0),
        _number(details.get("share")), tuple(dict.fromkeys(f.solution for f in findings)), findings, planned,
    )


def _need(school: AssessedSchool) -> tuple[Any, ...]:
    worst = max((f.severity for f in school.findings), default=0)
    share = school.share if school.share is not None else 1.0
    return (-worst, -len(school.findings), share, school.school)


def build_assessment(inventory: Any, events: Iterable[EventLike], *, now: datetime | None = None) -> AssessmentReport:
    """The latest completed assessment of each school, by need; per municipality and per solution."""
    programme = programme_of(inventory)
    now = now or datetime.now(UTC)
    day = local_day(now)
    schools = {s.id: s for s in inventory.schools}

    def municipality(school_id: str) -> str:
        school = schools.get(school_id)
        return "?" if school is None else municipality_at(school, day, programme.reform_date)

    latest: dict[str, EventLike] = {}
    for event in sorted(events, key=lambda e: e.time):
        if event.kind == "assessment" and event.outcome == "completed":
            latest[event.school] = event
    assessed = []
    for school_id, event in latest.items():
        school = schools.get(school_id)
        planned = tuple(dict.fromkeys(str(p.category) for p in getattr(school, "plan", None) or ()))
        assessed.append(_school(event, school.name if school else school_id, municipality(school_id), planned))
    assessed.sort(key=_need)

    counts: dict[str, dict[str, int]] = {}
    totals: dict[str, list[int]] = {}
    for school in inventory.schools:
        totals.setdefault(municipality(school.id), [0, 0, 0])[0] += 1
    for row in assessed:
        entry = totals.setdefault(row.municipality, [0, 0, 0])
        entry[1] += 1
        entry[2] += 1 if row.solutions else 0
        for solution in row.solutions:
            per = counts.setdefault(row.municipality, {})
            per[solution] = per.get(solution, 0) + 1
    by_municipality = tuple(
        MunicipalityNeeds(name, values[0], values[1], values[2],
                          tuple((s, counts.get(name, {}).get(s, 0)) for s in SOLUTIONS))
        for name, values in sorted(totals.items(), key=lambda item: collation_key(item[0]))
    )
    by_solution = tuple((s, sum(1 for row in assessed if s in row.solutions)) for s in SOLUTIONS)
    not_assessed = tuple(
        (s.id, s.name, municipality(s.id))
        for s in sorted(inventory.schools, key=lambda s: (collation_key(municipality(s.id)), s.id))
        if s.id not in latest
    )
    return AssessmentReport(now, day, tuple(assessed), by_municipality, by_solution, not_assessed)
