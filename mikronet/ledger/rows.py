"""Events as rows of ``ledger_events``, and the reads the store and the chain check share.

Reading the whole chain goes :data:`BATCH` events at a time, keyed on ``seq`` (each query starts
after the last seq it saw), inside the caller's transaction, so a ledger of any size is read in the
same memory and, in one snapshot, as one consistent whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from mikronet.ledger.backend import Backend
from mikronet.ledger.chain import Lookup
from mikronet.ledger.model import Event, canonical_json, parse_time

__all__ = ["BATCH", "COLUMNS", "INSERT", "event_at", "event_of", "last_seq", "lookup", "row_of", "stream"]

COLUMNS = (
    "seq, id, time, technician, school, router, serial, kind, category, details, outcome, "
    "prev_id, prev_hash, hash, origin_hash, origin_prev_hash"
)
INSERT = f"INSERT INTO ledger_events ({COLUMNS}) VALUES ({', '.join('?' * 16)})"
BATCH = 2000
"""Events read per query when the whole chain is read (verify): memory stays the same at any size."""

_NAMES = tuple(name.strip() for name in COLUMNS.split(","))


def row_of(event: Event) -> tuple[Any, ...]:
    record = event.record() | {"details": canonical_json(dict(event.details))}
    return tuple(record[name] for name in _NAMES)


def event_of(row: Sequence[Any]) -> Event:
    fields = dict(zip(_NAMES, row, strict=True))
    fields.update(seq=int(fields["seq"]), time=parse_time(fields["time"]), details=json.loads(fields["details"]))
    return Event(**fields)


def stream(backend: Backend) -> Iterator[Event]:
    """Every event in chain order, :data:`BATCH` at a time."""
    after: int | None = None
    while True:
        if after is None:
            rows = backend.fetch(f"SELECT {COLUMNS} FROM ledger_events ORDER BY seq LIMIT {BATCH}")
        else:
            rows = backend.fetch(f"SELECT {COLUMNS} FROM ledger_events WHERE seq > ? ORDER BY seq LIMIT {BATCH}",
                                 (after,))
        for row in rows:
            yield event_of(row)
        if len(rows) < BATCH:
            return
        after = int(rows[-1][0])


def event_at(backend: Backend, seq: int) -> Event | None:
    rows = backend.fetch(f"SELECT {COLUMNS} FROM ledger_events WHERE seq = ?", (seq,))
    return event_of(rows[0]) if rows else None


def last_seq(backend: Backend) -> int | None:
    ((top,),) = backend.fetch("SELECT MAX(seq) FROM ledger_events")
    return int(top) if top is not None else None


def lookup(backend: Backend) -> Lookup:
    """Single events off the chain's path, by query (for naming the culprit of a broken link)."""

    def find(event_id: str) -> Event | None:
        rows = backend.fetch(f"SELECT {COLUMNS} FROM ledger_events WHERE id = ?", (event_id,))
        return event_of(rows[0]) if rows else None

    def following(event: Event) -> Event | None:
        rows = backend.fetch(f"SELECT {COLUMNS} FROM ledger_events WHERE seq > ? ORDER BY seq LIMIT 1", (event.seq,))
        return event_of(rows[0]) if rows else None

    return Lookup(find, following)
