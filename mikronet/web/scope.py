"""What one user may see: the single point every page and API answer reads its data through.

A :class:`Scope` is built per request from the user and the dashboard's sources (inventory, ledger,
run records). Ministry and technician users see every school; a municipality user sees only the
schools of its own municipality — in lists, totals, charts, events, router states and run records.
A school, router or municipality outside the scope raises :class:`NotFound`, exactly as one that does
not exist, so an answer never tells the two apart. Pages never touch the sources themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from mikronet.errors import InputError
from mikronet.ledger import Event, Ledger, RouterState
from mikronet.reports import AssessmentReport, ProgressReport, build_assessment, build_progress, programme_of
from mikronet.reports.common import collation_key
from mikronet.runner.record import read_record
from mikronet.web.users import User

__all__ = ["NotFound", "RunView", "Scope", "Sources"]


class NotFound(InputError):
    """Nothing by that name in the user's scope (it may not exist, or belong to another municipality)."""


@dataclass(frozen=True)
class RunView:
    """A run record as a scope shows it: its header's public fields and only the scope's routers."""

    id: str
    operation: str
    started: str
    finished: str | None
    results: tuple[dict[str, Any], ...]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for result in self.results:
            status = str(result.get("status"))
            out[status] = out.get(status, 0) + 1
        return dict(sorted(out.items()))


@dataclass
class Sources:
    """The dashboard's data: the inventory, its ledger and the folder of run records.

    What is costly to read or compute from the whole ledger (every event, the chain's verification,
    a scope's progress report) is kept while the ledger holds as many events as when it was computed,
    and for at most ``max_age`` seconds (so an edit that does not change the count shows within that).
    """

    inventory: Any
    ledger: Ledger
    runs_dir: Path
    max_age: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _kept: dict[Hashable, tuple[int, float, Any]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def kept(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, or its value from an earlier call while the ledger has not grown."""
        count, now = self.ledger.count(), self.clock()
        with self._lock:
            found = self._kept.get(key)
            if found is not None and found[0] == count and now - found[1] < self.max_age:
                return found[2]
        value = compute()
        with self._lock:
            self._kept[key] = (count, now, value)
        return value

    def all_events(self) -> tuple[Event, ...]:
        return tuple(self.kept("events", self.ledger.events))

    def chain_ok(self) -> bool:
        return bool(self.kept("verify", lambda: self.ledger.verify().ok))


@dataclass(frozen=True)
class _ScopedInventory:
    """The parts of an inventory the report builders read, cut to a scope."""

    schools: tuple[Any, ...]
    routers: tuple[Any, ...]
    programme: Any


class Scope:
    """The data one user may see. Every method filters; none reveals what lies outside."""

    def __init__(self, sources: Sources, user: User) -> None:
        self.sources = sources
        self.user = user
        inventory = sources.inventory
        if user.sees_everything:
            visible = tuple(inventory.schools)
        else:
            visible = tuple(s for s in inventory.schools if s.municipality == user.municipality)
        self._schools = {s.id: s for s in visible}
        self._routers = {r.id: r for r in inventory.routers if r.school.id in self._schools}
        self._key: Hashable = "all" if user.sees_everything else ("municipality", user.municipality)
        """What the scope's cached values are kept under: everything, or one municipality."""

    # -- the inventory ---------------------------------------------------------------------------

    def schools(self) -> tuple[Any, ...]:
        """The visible schools, by municipality (Latvian order) then id."""
        return tuple(sorted(self._schools.values(), key=lambda s: (collation_key(s.municipality), s.id)))

    def school(self, school_id: str) -> Any:
        found = self._schools.get(school_id)
        if found is None:
            raise NotFound(f"no school {school_id!r}")
        return found

    def municipalities(self) -> tuple[str, ...]:
        return tuple(sorted({s.municipality for s in self._schools.values()}, key=collation_key))

    def municipality(self, name: str) -> tuple[Any, ...]:
        """The visible schools of municipality ``name``."""
        schools = tuple(s for s in self.schools() if s.municipality == name)
        if not schools:
            raise NotFound(f"no municipality {name!r}")
        return schools

    def routers(self, school_id: str | None = None) -> tuple[Any, ...]:
        if school_id is not None:
            self.school(school_id)
        return tuple(r for r in self._routers.values() if school_id is None or r.school.id == school_id)

    # -- the ledger and the fleet state ----------------------------------------------------------

    def states(self, school_id: str | None = None) -> tuple[RouterState, ...]:
        """Each visible router's row of the fleet state (of one school when given)."""
        wanted = [r.id for r in self.routers(school_id)]
        return tuple(s for s in self.sources.ledger.state.all(wanted) if s.school in self._schools)

    def events(self, *, school: str | None = None, municipality: str | None = None, kind: str | None = None,
               technician: str | None = None, since: datetime | None = None,
               until: datetime | None = None) -> tuple[Event, ...]:
        """The visible events matching every filter, in chain order."""
        if school is not None:
            self.school(school)
        allowed = set(self._schools)
        if municipality is not None:
            allowed = {s.id for s in self.municipality(municipality)}
        if school is None and kind is None and since is None and until is None:
            found: Sequence[Event] = self.sources.all_events()
        else:
            found = self.sources.ledger.events(school=school, kind=kind, since=since, until=until)
        return tuple(e for e in found if e.school in allowed and (technician is None or e.technician == technician))

    def chain_ok(self) -> bool:
        """Whether the whole chain verifies (a yes or no: it names no event outside the scope)."""
        return self.sources.chain_ok()

    def progress(self, events: Iterable[Event] | None = None) -> ProgressReport:
        """Programme progress over the visible schools. For a municipality, its own schools are its
        target and its enrolment: the national figures are not its to see."""
        programme = programme_of(self.sources.inventory)
        if not self.user.sees_everything:
            programme = replace(programme, target=len(self._schools), enrolled=len(self._schools))
        inventory = _ScopedInventory(self.schools(), tuple(self._routers.values()), programme)
        if events is not None:
            return build_progress(inventory, events)
        report: ProgressReport = self.sources.kept(("progress", self._key),
                                                   lambda: build_progress(inventory, self.events()))
        return report

    def assessment(self) -> AssessmentReport:
        """The assessment report over the visible schools: their latest recorded assessments (needs,
        plans, measured against contracted speed), per municipality and per solution. A municipality
        user's report counts its own schools only."""
        inventory = _ScopedInventory(self.schools(), tuple(self._routers.values()),
                                     programme_of(self.sources.inventory))
        report: AssessmentReport = self.sources.kept(
            ("assessment", self._key), lambda: build_assessment(inventory, self.events(kind="assessment")))
        return report

    # -- run records -----------------------------------------------------------------------------

    def runs(self, limit: int = 20) -> tuple[RunView, ...]:
        """The newest ``limit`` run records that touched a visible router, each cut to those routers."""
        folder = self.sources.runs_dir
        paths: Sequence[Path] = sorted(folder.glob("*.jsonl"), key=lambda p: p.name, reverse=True) \
            if folder.is_dir() else ()
        out: list[RunView] = []
        for path in paths:
            try:
                header, results = read_record(path)
            except (InputError, OSError, UnicodeDecodeError):
                continue  # a record being written or not a record: not the dashboard's to judge
            mine = tuple(r for r in results if r.get("router") in self._routers)
            if not mine:
                continue
            last = max((str(r.get("finished", "")) for r in mine), default=None)
            out.append(RunView(path.stem, str(header.get("operation", "?")), str(header.get("started", "")),
                               last or None, mine))
            if len(out) >= limit:
                break
        return tuple(out)
