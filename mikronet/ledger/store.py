"""The ledger: append events to the chain, query them, verify the chain, merge another ledger's events.

Every write is one transaction that first makes its connection the ledger's only writer
(:meth:`Backend.begin_write`), then reads the head, links the new event to it, inserts it and moves
the head. A process killed at any point leaves either the whole event or nothing. Details pass the
secret redactor before they are hashed or written.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from mikronet.errors import LedgerError
from mikronet.ledger.admit import Admission
from mikronet.ledger.backend import DEFAULT_FILE, Backend, open_backend
from mikronet.ledger.chain import Head, VerifyReport, against_witness, verify_chain
from mikronet.ledger.logins import LoginFailures
from mikronet.ledger.model import (
    CATEGORIES,
    GENESIS,
    OUTCOMES,
    PROGRAMME_MARK,
    Event,
    category_for,
    check_categories,
    clean_details,
    content_key,
    event_hash,
    format_time,
    parse_time,
)
from mikronet.ledger.rows import COLUMNS, INSERT, event_at, event_of, last_seq, lookup, row_of, stream
from mikronet.ledger.schema import migrate
from mikronet.ledger.state import StateStore
from mikronet.ledger.technician import resolve_technician
from mikronet.secret import REDACTOR, Redactor

LOG = logging.getLogger(__name__)

__all__ = ["ImportReport", "Ledger", "default_ledger_url", "open_ledger"]

@dataclass(frozen=True)
class ImportReport:
    """What a merge did: the events it appended (in order) and how many it found already there."""

    added: tuple[Event, ...]
    skipped: int

    def record(self) -> dict[str, int]:
        return {"added": len(self.added), "skipped": self.skipped}


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
"""A database role name the ledger will write into ``SET ROLE`` (no quoting needed, none possible)."""

class Ledger:
    """An open ledger. Build it with :func:`open_ledger`; close it (or use ``with``) when done.

    ``categories``: kind → programme category, over :data:`~mikronet.ledger.DEFAULT_CATEGORIES`.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        categories: Mapping[str, str | None] | None = None,
        redactor: Redactor = REDACTOR,
    ) -> None:
        self.backend = backend
        self.categories = check_categories(categories)
        self._redactor = redactor
        self._lock = threading.RLock()  # one connection: one transaction at a time across threads
        migrate(backend)
        self.state = StateStore(backend, self.transaction)
        """Each router's current state (:mod:`mikronet.ledger.state`)."""
        self.logins = LoginFailures(backend, self.transaction)
        """The dashboard's failed logins (:mod:`mikronet.ledger.logins`)."""

    @property
    def url(self) -> str:
        """Where the ledger is (any password masked)."""
        return self.backend.url

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.backend.close()

    @contextmanager
    def transaction(self, *, write: bool, role: str | None = None) -> Iterator[None]:
        """One transaction on the ledger's connection. ``role`` (PostgreSQL): read as that role, the
        database's row-level security applying (:mod:`mikronet.ledger.row_security`)."""
        if role is not None and (self.backend.kind != "postgresql" or not _IDENTIFIER.match(role)):
            raise LedgerError(f"{self.url}: cannot read as role {role!r}")
        with self._lock:
            if write:
                self.backend.begin_write()
            else:
                self.backend.begin_read()
            try:
                if role is not None:
                    self.backend.run(f'SET LOCAL ROLE "{role}"')
                yield
                self.backend.commit()
            except BaseException:
                self.backend.rollback()
                raise

    def _head(self) -> Head | None:
        rows = self.backend.fetch("SELECT seq, id, hash FROM ledger_head WHERE one = 1")
        return Head(int(rows[0][0]), rows[0][1], rows[0][2]) if rows else None

    def _sound_head(self) -> Head | None:
        """Inside a write transaction: the head to link to, checked against the events.

        A head record that is gone while events remain (deleted by hand) is rebuilt from the last
        event when the whole chain verifies, and refused otherwise; a head that does not name the
        last event is refused: appending there would fork or collide with the chain."""
        head = self._head()
        top = last_seq(self.backend)
        if head is None and top is None:
            return None
        if head is None:
            report = verify_chain(stream(self.backend), None, lookup=lookup(self.backend))
            if not report.ok or report.last_seq is None:
                raise LedgerError(
                    f"{self.url}: the record of the chain's head is gone and the chain does not verify "
                    f"(event {report.first_bad}: {report.problem}); nothing was appended. "
                    "Run `mikronet ledger verify`", event=report.first_bad)
            last = event_at(self.backend, report.last_seq)
            assert last is not None  # the chain just ended there
            head = Head(last.seq, last.id, last.hash)
            self.backend.run("INSERT INTO ledger_head (one, seq, id, hash) VALUES (1, ?, ?, ?)",
                             (head.seq, head.id, head.hash))
            LOG.warning("%s: the chain's head record was missing; rebuilt it from event %s (seq %d)",
                        self.url, head.id, head.seq)
            return head
        if top != head.seq:
            ends = f"seq {top}" if top is not None else "no event at all"
            raise LedgerError(
                f"{self.url}: the chain's head record names seq {head.seq} but the ledger holds {ends}: "
                "it was changed outside mikronet; nothing was appended. Run `mikronet ledger verify`",
                event=head.id)
        return head

    def _link_and_write(self, event: Event) -> Event:
        """Inside a write transaction: link to the head, insert, move the head."""
        head = self._sound_head()
        linked = replace(
            event,
            seq=head.seq + 1 if head else 1,
            prev_id=head.id if head else None,
            prev_hash=head.hash if head else GENESIS,
        )
        linked = replace(linked, hash=event_hash(linked))
        self.backend.run(INSERT, row_of(linked))
        if head is None:
            self.backend.run(
                "INSERT INTO ledger_head (one, seq, id, hash) VALUES (1, ?, ?, ?)", (linked.seq, linked.id, linked.hash)
            )
        else:
            self.backend.run(
                "UPDATE ledger_head SET seq = ?, id = ?, hash = ? WHERE one = 1", (linked.seq, linked.id, linked.hash)
            )
        return linked

    def _check(self, kind: str, outcome: str, category: str | None, school: str) -> None:
        if not school or not school.strip():
            raise LedgerError("an event needs a school")
        category_for(kind, self.categories)
        if outcome not in OUTCOMES:
            raise LedgerError(f"unknown outcome {outcome!r}; outcomes: {', '.join(OUTCOMES)}")
        if category is not None and category not in CATEGORIES:
            raise LedgerError(f"unknown category {category!r}; categories: {', '.join(CATEGORIES)}")

    def append(
        self,
        *,
        school: str,
        kind: str,
        technician: str | None = None,
        router: str | None = None,
        serial: str | None = None,
        details: Mapping[str, Any] | None = None,
        outcome: str = "completed",
        time: datetime | None = None,
        category: str | None = None,
        id: str | None = None,
        programme: str | None = None,
    ) -> Event:
        """Record one event at the end of the chain and return it as stored.

        ``technician`` ``None``: :func:`~mikronet.ledger.resolve_technician`. ``time`` ``None``:
        now; otherwise timezone-aware. ``category`` ``None``: the kind's category in this ledger's
        mapping. ``id`` ``None``: a new UUID; a caller that retries may pass its own, and an id
        already recorded is refused.

        ``programme``: a technician marks the work as the programme's short-term solution of that
        category (one of :data:`~mikronet.ledger.CATEGORIES`). The event's ``category`` is then that
        category and its details carry ``"programme": true`` (:data:`~mikronet.ledger.PROGRAMME_MARK`),
        so the progress report counts the school whatever its plan says and whatever the kind
        (an upgrade marked ``technical-improvement`` counts). A marked event names a category and
        ``category``, if given too, must agree with it.
        """
        if programme is not None:
            if programme not in CATEGORIES:
                raise LedgerError(f"--programme {programme!r} is not a category; categories: {', '.join(CATEGORIES)}")
            if category is not None and category != programme:
                raise LedgerError(f"category {category!r} and programme {programme!r} disagree")
            category = programme
            details = {**(details or {}), PROGRAMME_MARK: True}
        self._check(kind, outcome, category, school)
        event = Event(
            seq=0,
            id=id or str(uuid.uuid4()),
            time=parse_time(format_time(time or datetime.now(UTC))),
            technician=resolve_technician(technician),
            school=school.strip(),
            router=router,
            serial=serial,
            kind=kind,
            category=category if category is not None else category_for(kind, self.categories),
            details=clean_details(details, self._redactor),
            outcome=outcome,
            prev_hash="",
            hash="",
        )
        with self.transaction(write=True):
            if self.backend.fetch("SELECT 1 FROM ledger_events WHERE id = ?", (event.id,)):
                raise LedgerError(f"event {event.id} is already in the ledger", event=event.id)
            return self._link_and_write(event)

    def events(
        self,
        *,
        school: str | None = None,
        router: str | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        role: str | None = None,
    ) -> list[Event]:
        """The events that match every filter given, in chain order. ``since``/``until`` are inclusive.
        ``role``: read as that database role (see :meth:`transaction`)."""
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("school", school), ("router", router), ("kind", kind)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            where.append("time >= ?")
            params.append(format_time(since))
        if until is not None:
            where.append("time <= ?")
            params.append(format_time(until))
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        reading = self._lock if role is None else self.transaction(write=False, role=role)
        with reading:
            rows = self.backend.fetch(f"SELECT {COLUMNS} FROM ledger_events{clause} ORDER BY seq", params)
        return [event_of(row) for row in rows]

    def get(self, ref: str) -> Event:
        """One event by its id, a unique beginning of its id (at least 4 characters), or its seq."""
        ref = ref.strip()
        with self._lock:
            rows = self._find(ref)
        if not rows:
            raise LedgerError(f"no event {ref!r} in {self.url}", event=ref)
        if len(rows) > 1:
            ids = ", ".join(row[1] for row in rows[:5])
            raise LedgerError(f"{ref!r} begins {len(rows)} event ids ({ids}); give more of it", event=ref)
        return event_of(rows[0])

    def _find(self, ref: str) -> list[tuple[Any, ...]]:
        rows = self.backend.fetch(f"SELECT {COLUMNS} FROM ledger_events WHERE id = ?", (ref,))
        if not rows and len(ref) >= 4:
            rows = self.backend.fetch(
                f"SELECT {COLUMNS} FROM ledger_events WHERE substr(id, 1, ?) = ? ORDER BY seq", (len(ref), ref)
            )
        if not rows and ref.isdigit():
            rows = self.backend.fetch(f"SELECT {COLUMNS} FROM ledger_events WHERE seq = ?", (int(ref),))
        return rows

    def count(self) -> int:
        with self._lock:
            ((n,),) = self.backend.fetch("SELECT COUNT(*) FROM ledger_events")
        return int(n)

    def stamp(self) -> tuple[int, int, str]:
        """What changes when the record does, in one cheap read: the head's sequence number, and the
        fleet state's row count and newest ``updated_at``. Readers that keep values computed from the
        record (the dashboard) compare it to know when to compute again."""
        with self.transaction(write=False):
            rows = self.backend.fetch(
                "SELECT (SELECT COALESCE(MAX(seq), 0) FROM ledger_head), "
                "(SELECT COUNT(*) FROM router_state), (SELECT COALESCE(MAX(updated_at), '') FROM router_state)")
        seq, states, updated = rows[0]
        return int(seq), int(states), str(updated)

    def head(self) -> Head | None:
        """The chain's last event as the head record names it (``None`` for an empty ledger)."""
        with self.transaction(write=False):
            return self._head()

    def witness_problem(self, witness: Head, witnessed: str = "the witness") -> str | None:
        """What is wrong with this ledger against ``witness`` (a head recorded outside the database),
        or ``None`` when the witnessed event is still there with the witnessed hash. Two queries."""
        with self.transaction(write=False):
            return against_witness(witness, event_at(self.backend, witness.seq), last_seq(self.backend), witnessed)

    def verify(self, witness: Head | None = None, *, witnessed: str = "the witness") -> VerifyReport:
        """Recompute every hash and link in one consistent read, :data:`~mikronet.ledger.rows.BATCH` events at a time;
        name the first event that breaks. With ``witness`` (a head recorded outside the database,
        :mod:`mikronet.ledger.witness`), a ledger that no longer holds the witnessed event with the
        witnessed hash -- cut short, or rewritten -- is broken too."""
        with self.transaction(write=False):
            head = self._head()
            report = verify_chain(stream(self.backend), head, lookup=lookup(self.backend))
            if report.ok and witness is not None:
                problem = against_witness(witness, event_at(self.backend, witness.seq), report.last_seq, witnessed)
                if problem is not None:
                    report = VerifyReport(ok=False, checked=report.checked, first_bad=witness.id, problem=problem,
                                          seq=witness.seq)
        return report

    def import_events(self, events: Iterable[Event], *, admission: Admission | None = None,
                      lines: Sequence[int] | None = None, source: str | Path | None = None) -> ImportReport:
        """Merge events from another ledger (its chain order), all or nothing.

        The events' own chain must hold (checked from their first event on; a break is refused,
        naming the event). An event whose id is already here is skipped when it says the same, and
        refused when it says something else. With ``admission``, every new event must also agree
        with the inventory (:mod:`mikronet.ledger.admit`); a refusal names the event, and its line
        in ``source`` when ``lines`` (one per event) are given. New events are appended to this
        chain keeping their id, time, technician and category; their hash and previous hash there
        are kept as ``origin_hash``/``origin_prev_hash``.
        """
        incoming = list(events)
        report = verify_chain(incoming, anchored=False)
        if not report.ok:
            raise LedgerError(
                f"the events' own chain is broken at {report.first_bad}: {report.problem}", event=report.first_bad
            )
        for event in incoming:
            self._check(event.kind, event.outcome, event.category, event.school)
        added: list[Event] = []
        skipped = 0
        with self.transaction(write=True):
            for i, event in enumerate(incoming):
                rows = self.backend.fetch(f"SELECT {COLUMNS} FROM ledger_events WHERE id = ?", (event.id,))
                if rows:
                    if content_key(event_of(rows[0])) != content_key(event):
                        raise LedgerError(
                            f"event {event.id} is already in the ledger with other content", event=event.id
                        )
                    skipped += 1
                    continue
                problem = admission.problem(event) if admission is not None else None
                if problem is not None:
                    raise LedgerError(f"event {event.id} refused, nothing was merged: {problem}", event=event.id,
                                      file=source, line=lines[i] if lines is not None else None)
                merged = replace(
                    event,
                    details=clean_details(event.details, self._redactor),
                    origin_hash=event.hash,
                    origin_prev_hash=event.prev_hash,
                )
                added.append(self._link_and_write(merged))
        return ImportReport(tuple(added), skipped)


def default_ledger_url(base: Path) -> str:
    """``sqlite:///<inventory folder>/ledger.sqlite``; ``base`` may be the inventory folder or file."""
    folder = base.parent if base.is_file() else base
    return f"sqlite:///{folder / DEFAULT_FILE}"


def open_ledger(
    url: str | None = None,
    *,
    base_dir: Path | None = None,
    categories: Mapping[str, str | None] | None = None,
    create: bool = True,
    redactor: Redactor = REDACTOR,
) -> Ledger:
    """Open (and create or migrate) the ledger at ``url``; ``None``: ``ledger.sqlite`` in ``base_dir``
    (the inventory folder, or the folder of an inventory file; the current folder when not given).

    ``create=False`` refuses a SQLite ledger that does not exist yet.
    """
    if url is None:
        url = default_ledger_url(base_dir if base_dir is not None else Path.cwd())
    backend = open_backend(url, create=create)
    try:
        return Ledger(backend, categories=categories, redactor=redactor)
    except BaseException:
        backend.close()
        raise
