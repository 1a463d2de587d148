"""Assessing the schools: what each needs (:mod:`mikronet.reports.needs`), recorded in the ledger as an
``assessment`` event (never counted toward the target), and, when accepted, written into the
school's ``plan:`` in the inventory (comments kept).

    outcome = assess(inventory, ledger, schools=select_schools(inventory, "municipality=Rīga"))
    outcome = assess(inventory, ledger, plan=True)       # and plan the short-term solutions found

The work happens away from the routers: the figures are the inventory's (contracted speed, models,
versions) and the ledger's (``measure`` events), so nothing here opens a connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mikronet.inventory import Inventory, School, add_plan
from mikronet.reports.advisories import Advisory, load_advisories
from mikronet.reports.needs import LONG_TERM, SchoolNeeds, assess_school

__all__ = ["AssessOutcome", "assess", "assess_schools", "plan_entries"]


@dataclass(frozen=True)
class AssessOutcome:
    """What an assessment run found and did: each school's needs, the ledger events it recorded (one
    per school) and the inventory files it wrote plans into."""

    needs: tuple[SchoolNeeds, ...]
    events: tuple[Any, ...]
    planned: tuple[tuple[str, str], ...]
    """(school, category) pairs written into the inventory by ``plan=True``."""
    files: tuple[str, ...]


def assess_schools(inventory: Inventory, events: Sequence[Any], schools: Iterable[School] | None = None,
                   advisories: tuple[Advisory, ...] | None = None) -> tuple[SchoolNeeds, ...]:
    """Each school's needs (all schools, or those given), from the inventory and the ledger's events."""
    found = load_advisories() if advisories is None else advisories
    chosen = list(inventory.schools if schools is None else schools)
    return tuple(assess_school(s, inventory.routers_of(s.id), events, found) for s in chosen)


def plan_entries(needs: SchoolNeeds, today: date | None = None) -> list[dict[str, Any]]:
    """The plan entries an accepted assessment adds: one per short-term solution it calls for (the
    line itself is no short-term solution and is not planned), the note naming its findings."""
    entries: list[dict[str, Any]] = []
    for solution in needs.solutions:
        if solution == LONG_TERM:
            continue
        codes = ", ".join(f.code for f in needs.findings if f.solution == solution)
        entries.append({"category": solution, "note": f"assessment: {codes}", "date": today})
    return entries


def assess(inventory: Inventory, ledger: Any, *, schools: Iterable[School] | None = None,
           technician: str | None = None, plan: bool = False, advisories: tuple[Advisory, ...] | None = None,
           today: date | None = None) -> AssessOutcome:
    """Assess the schools, record each assessment in ``ledger`` and, with ``plan``, add the short-term
    solutions found to each school's ``plan:`` (categories it already plans are left alone)."""
    needs = assess_schools(inventory, ledger.events(), schools, advisories)
    recorded = tuple(
        ledger.append(school=n.school, kind="assessment", technician=technician, details=n.record())
        for n in needs
    )
    planned: list[tuple[str, str]] = []
    files: list[str] = []
    if plan:
        for n in needs:
            entries = plan_entries(n, today)
            have = inventory.school(n.school).planned_categories
            path = add_plan(inventory, n.school, entries) if entries else None
            if path is not None:
                planned += [(n.school, e["category"]) for e in entries if e["category"] not in have]
                if str(path) not in files:
                    files.append(str(path))
    return AssessOutcome(needs, recorded, tuple(planned), tuple(files))
