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
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from mikronet.errors import InputError
from mikronet.ledger import Event, Ledger, RouterState
from mikronet.reports import (
    AssessmentReport,
    CompensationReport,
    ProgressReport,
    UpgradeReport,
    build_assessment,
    build_compensation,
    build_progress,
    build_upgrades,
    campaign_targets,
    facts_from_state,
    programme_of,
)
from mikronet.reports.common import collation_key
from mikronet.runner.record import read_record
from mikronet.web.users import User

__all__ = ["Chain", "NotFound", "RunView", "Scope", "Sources"]


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


@dataclass(frozen=True)
class Chain:
    """The ledger chain's verification: whether it holds, and when it was verified (ISO 8601, UTC)."""

    ok: bool
    at: str


@dataclass
class Sources:
    """The dashboard's data: the inventory, its ledger and the folder of run records.

    What is costly to read or compute (every event, the events by school, the chain's verification, a
    scope's progress report, a rendered page) is kept while the record's :meth:`stamp` is unchanged,
    and for at most ``max_age`` seconds (so that what the stamp cannot see, such as a run record still
    being written, shows within that). Concurrent requests for a value being computed wait for it
    rather than compute it again.
    """

    inventory: Any
    ledger: Ledger
    runs_dir: Path
    max_age: float = 30.0
    clock: Callable[[], float] = time.monotonic
    roles: Mapping[str, str] = field(default_factory=dict)
    """municipality → its database scope role, when PostgreSQL's row-level security is in place: a
    municipality's rows are then read as that role (:mod:`mikronet.ledger.row_security`)."""
    notes: tuple[str, ...] = ()
    """What the person starting the dashboard should know (a missing second wall)."""
    _kept: dict[Hashable, tuple[Hashable, float, Any]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _computing: dict[Hashable, threading.Lock] = field(default_factory=dict, repr=False)
    _visible: dict[Hashable, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict, repr=False)
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def stamp(self) -> Hashable:
        """What changes when the record does: the ledger's head, the fleet state, the run records' folder."""
        try:
            runs = self.runs_dir.stat().st_mtime_ns
        except OSError:
            runs = 0
        return self.ledger.stamp(), runs

    def kept(self, key: Hashable, compute: Callable[[], Any], stamp: Hashable | None = None) -> Any:
        """``compute()``, or its value from an earlier call while the record has not changed. Values a
        computation keeps in turn are judged by the stamp it started with (one snapshot, one read)."""
        outer = getattr(self._local, "stamp", None)
        stamp = stamp if stamp is not None else outer if outer is not None else self.stamp()
        found = self._fresh(key, stamp)
        if found is not None:
            return found[2]
        with self._lock:
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:  # one computes; the others wait and take its value
            found = self._fresh(key, stamp)
            if found is not None:
                return found[2]
            self._local.stamp = stamp
            try:
                value = compute()
            finally:
                self._local.stamp = outer
            with self._lock:
                if len(self._kept) >= _MAX_KEPT:
                    self._kept.clear()  # a crude bound: scopes × pages × languages stays far below it
                self._kept[key] = (stamp, self.clock(), value)
            return value

    def kept_now(self, key: Hashable, stamp: Hashable | None = None) -> Any | None:
        """The value kept under ``key`` if it is still fresh (for ``stamp``, else the record's now), else
        ``None`` (nothing is computed)."""
        found = self._fresh(key, self.stamp() if stamp is None else stamp)
        return None if found is None else found[2]

    def _fresh(self, key: Hashable, stamp: Hashable) -> tuple[Hashable, float, Any] | None:
        with self._lock:
            found = self._kept.get(key)
        if found is not None and found[0] == stamp and self.clock() - found[1] < self.max_age:
            return found
        return None

    def visible(self, key: Hashable, municipality: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The schools and routers, by id, of one municipality (of all with ``None``), kept under ``key``
        (the inventory does not change while the dashboard runs)."""
        with self._lock:
            found = self._visible.get(key)
        if found is None:
            schools = {s.id: s for s in self.inventory.schools
                       if municipality is None or s.municipality == municipality}
            routers = {r.id: r for r in self.inventory.routers if r.school.id in schools}
            found = (schools, routers)
            with self._lock:
                self._visible[key] = found
        return found

    def all_events(self) -> tuple[Event, ...]:
        return tuple(self.kept("events", self.ledger.events))

    def events_by_school(self, role: str | None = None) -> Mapping[str, tuple[Event, ...]]:
        """Every event, grouped by school (each group in chain order); with ``role``, the events the
        database lets that scope role read."""
        def group() -> dict[str, tuple[Event, ...]]:
            out: dict[str, list[Event]] = {}
            events = self.all_events() if role is None else self.ledger.events(role=role)
            for event in events:
                out.setdefault(event.school, []).append(event)
            return {school: tuple(found) for school, found in out.items()}

        found: Mapping[str, tuple[Event, ...]] = self.kept(("by-school", role), group)
        return found

    def states(self, role: str | None = None) -> Mapping[str, RouterState]:
        """Every router's row of the fleet state, by router id (those ``role`` may read, with a role)."""
        found: Mapping[str, RouterState] = self.kept(
            ("states", role), lambda: {s.router: s for s in self.ledger.state.all(role=role)})
        return found

    def chain(self) -> Chain:
        """Whether the whole chain verifies, and when that was found."""
        found: Chain = self.kept("verify", lambda: Chain(self.ledger.verify().ok,
                                                        datetime.now(UTC).isoformat(timespec="seconds")))
        return found


_MAX_KEPT: Final = 20_000


@dataclass(frozen=True)
class _ScopedInventory:
    """The parts of an inventory the report builders read, cut to a scope."""

    schools: tuple[Any, ...]
    routers: tuple[Any, ...]
    programme: Any
    contracts: Mapping[str, Any] = field(default_factory=dict)

    def school(self, school_id: str) -> Any:
        found = next((s for s in self.schools if s.id == school_id), None)
        if found is None:
            raise NotFound(f"no school {school_id!r}")
        return found


class Scope:
    """The data one user may see. Every method filters; none reveals what lies outside."""

    def __init__(self, sources: Sources, user: User) -> None:
        self.sources = sources
        self.user = user
        self.key: Hashable = "all" if user.sees_everything else ("municipality", user.municipality)
        """What the scope's kept values are kept under: everything, or one municipality. Two users with
        the same key see exactly the same data."""
        self._schools, self._routers = sources.visible(self.key, None if user.sees_everything
                                                        else user.municipality)
        self._sorted: tuple[Any, ...] | None = None
        self._role = None if user.sees_everything else sources.roles.get(user.municipality or "")
        """The database role a municipality's rows are read as (PostgreSQL with row-level security)."""

    # -- the inventory ---------------------------------------------------------------------------

    def schools(self) -> tuple[Any, ...]:
        """The visible schools, by municipality (Latvian order) then id."""
        if self._sorted is None:
            self._sorted = tuple(sorted(self._schools.values(), key=lambda s: (collation_key(s.municipality), s.id)))
        return self._sorted

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
        rows = self.sources.states(self._role)
        return tuple(rows[r.id] for r in self.routers(school_id) if r.id in rows and rows[r.id].school in self._schools)

    def events(self, *, school: str | None = None, municipality: str | None = None, kind: str | None = None,
               technician: str | None = None, since: datetime | None = None,
               until: datetime | None = None) -> tuple[Event, ...]:
        """The visible events matching every filter, in chain order."""
        if school is not None:
            self.school(school)
            allowed = {school}
        elif municipality is not None:
            allowed = {s.id for s in self.municipality(municipality)}
        else:
            allowed = set(self._schools)
        if self.user.sees_everything and school is None and municipality is None:
            found: Iterable[Event] = self.sources.all_events()
        else:
            by_school = self.sources.events_by_school(self._role)
            found = sorted((e for s in allowed for e in by_school.get(s, ())), key=lambda e: e.seq)
        return tuple(e for e in found
                     if e.school in allowed and (kind is None or e.kind == kind)
                     and (technician is None or e.technician == technician)
                     and (since is None or e.time >= since) and (until is None or e.time <= until))

    def chain(self) -> Chain:
        """Whether the whole chain verifies and when it was last verified (it names no event outside the scope)."""
        return self.sources.chain()

    def progress(self, events: Iterable[Event] | None = None) -> ProgressReport:
        """Programme progress over the visible schools. For a municipality, its own schools are its
        target and its enrolment: the national figures are not its to see."""
        programme = programme_of(self.sources.inventory)
        if not self.user.sees_everything:
            programme = replace(programme, target=len(self._schools), enrolled=len(self._schools))
        inventory = self._inventory(programme=programme)
        if events is not None:
            return build_progress(inventory, events)
        report: ProgressReport = self.sources.kept(("progress", self.key),
                                                   lambda: build_progress(inventory, self.events()))
        return report

    def assessment(self) -> AssessmentReport:
        """The assessment report over the visible schools: their latest recorded assessments (needs,
        plans, measured against contracted speed), per municipality and per solution. A municipality
        user's report counts its own schools only."""
        inventory = self._inventory()
        report: AssessmentReport = self.sources.kept(
            ("assessment", self.key), lambda: build_assessment(inventory, self.events(kind="assessment")))
        return report

    def upgrades(self) -> UpgradeReport:
        """The upgrade audit over the visible routers: each one's newest known version (the fleet state)
        against the last campaign's targets."""
        def build() -> UpgradeReport:
            events = self.events()
            return build_upgrades(self._inventory(), events, facts=facts_from_state(self.states()),
                                  targets=campaign_targets(events))

        report: UpgradeReport = self.sources.kept(("upgrades", self.key), build)
        return report

    def compensation(self, municipality: str | None = None) -> CompensationReport:
        """Fee compensation for the visible schools (of one municipality when given), with the contracts
        of the municipalities they belong to (now or before the 2021 reform) and no other."""
        schools = self.municipality(municipality) if municipality is not None else self.schools()

        def build() -> CompensationReport:
            names = {s.municipality for s in schools} | {s.municipality_before_2021 for s in schools
                                                         if getattr(s, "municipality_before_2021", None)}
            contracts = {k: v for k, v in self.sources.inventory.contracts.items() if k in names}
            return build_compensation(self._inventory(schools, contracts=contracts))

        report: CompensationReport = self.sources.kept(("compensation", self.key, municipality), build)
        return report

    def _inventory(self, schools: Sequence[Any] | None = None, *, programme: Any = None,
                   contracts: Mapping[str, Any] | None = None) -> _ScopedInventory:
        """What the report builders read, cut to the visible schools (or ``schools`` of them) and their routers."""
        schools = tuple(self.schools() if schools is None else schools)
        ids = {s.id for s in schools}
        return _ScopedInventory(schools, tuple(r for r in self._routers.values() if r.school.id in ids),
                                programme if programme is not None else programme_of(self.sources.inventory),
                                dict(contracts or {}))

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
