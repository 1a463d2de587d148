"""Helpers for the ledger tests: reach behind mikronet to change or read its tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mikronet.ledger import GENESIS, Event, event_hash, open_backend
from mikronet.ledger.model import canonical_json


def run_sql(url: str, sql: str, params: tuple[object, ...] = ()) -> None:
    """Change the ledger's tables behind mikronet's back (each statement commits on its own)."""
    backend = open_backend(url)
    try:
        backend.run(sql, params)
    finally:
        backend.close()


def stored_text(url: str) -> bytes:
    """Everything the ledger's database holds, as bytes to search: the SQLite file and its WAL, or
    every row of every ledger table as PostgreSQL prints it."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    backend = open_backend(url)
    try:
        rows = []
        for table in ("ledger_events", "ledger_head", "ledger_schema_version"):
            rows += backend.fetch(f"SELECT t::text FROM {table} t")
        return "\n".join(str(row[0]) for row in rows).encode("utf-8")
    finally:
        backend.close()


def linked(before: Event | None, **fields: Any) -> Event:
    """An event linked after ``before`` and hashed, as an append would make it (fields may be overridden)."""
    values: dict[str, Any] = {
        "seq": before.seq + 1 if before else 1,
        "id": f"e{before.seq if before else 0}",
        "time": datetime(2021, 4, 1, 10, 0, tzinfo=UTC),
        "technician": "Ilze Siliņa",
        "school": "LV-0042",
        "router": None,
        "serial": None,
        "kind": "consultation",
        "category": "consultation",
        "details": {},
        "outcome": "completed",
        "prev_hash": before.hash if before else GENESIS,
        "hash": "",
        "prev_id": before.id if before else None,
    }
    event = Event(**(values | fields))
    return replace(event, hash=event_hash(event))


def insert_row(url: str, event: Event) -> None:
    """Write an event's row straight into ``ledger_events`` (no head moved, no check made)."""
    record = event.record() | {"details": canonical_json(dict(event.details))}
    names = [n for n in record if not n.startswith("origin_")]
    marks = ", ".join("?" * len(names))
    run_sql(url, f"INSERT INTO ledger_events ({', '.join(names)}) VALUES ({marks})", tuple(record[n] for n in names))
