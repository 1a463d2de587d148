"""Ledger files: export events as CSV, JSON or JSON Lines, and read a JSON Lines file back to merge it.

The JSON Lines file is the exchange format between ledgers (a laptop's offline ledger → the team's):
a first line ``{"type": "ledger", "version": 1, "events": N, "last": ID, "head": HASH, …}`` and one
``{"type": "event", …}`` line per event in chain order, each with its hash and previous hash, so the
chain can be checked from the file alone and a file cut short is noticed. CSV starts with a UTF-8
byte-order mark so spreadsheet programs keep Latvian letters; its ``details`` column is the JSON text;
a cell a spreadsheet would run as a formula gets a leading ``'`` (:func:`mikronet.textsafe.csv_text`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from mikronet.errors import LedgerError
from mikronet.ledger.model import Event, canonical_json, format_time, parse_time
from mikronet.textsafe import csv_text

__all__ = ["CSV_COLUMNS", "FORMATS", "event_from_record", "export_text", "read_jsonl", "read_jsonl_lines"]

FORMATS: Final = ("csv", "json", "jsonl")
FILE_VERSION: Final = 1
CSV_COLUMNS: Final = (
    "seq",
    "id",
    "time",
    "technician",
    "school",
    "router",
    "serial",
    "kind",
    "category",
    "outcome",
    "details",
    "prev_id",
    "prev_hash",
    "hash",
    "origin_hash",
    "origin_prev_hash",
)
_HASH = re.compile(r"^[0-9a-f]{64}$")


def export_text(events: Sequence[Event], fmt: str, *, source: str = "", bom: bool = True) -> str:
    """The events as a ``csv``, ``json`` or ``jsonl`` text. ``bom``: start a CSV with a byte-order mark."""
    if fmt == "json":
        return json.dumps([e.record() for e in events], ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        header = {
            "type": "ledger",
            "version": FILE_VERSION,
            "exported": format_time(datetime.now(UTC)),
            "source": source,
            "events": len(events),
            "last": events[-1].id if events else None,
            "head": events[-1].hash if events else None,
        }
        lines = [canonical_json(header)] + [canonical_json({"type": "event", **e.record()}) for e in events]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        rows: list[Sequence[object]] = [CSV_COLUMNS]
        for event in events:
            record = event.record()
            record["details"] = canonical_json(record["details"])
            rows.append([record[c] for c in CSV_COLUMNS])
        return csv_text(rows, bom=bom)
    raise LedgerError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")


def _bad_field(value: Any, want: str, name: str, where: tuple[Path, int]) -> LedgerError:
    found = json.dumps(value, ensure_ascii=False)
    return LedgerError(f"expected {want}, found {found}", file=where[0], line=where[1], field=name)


def _text(record: dict[str, Any], name: str, where: tuple[Path, int]) -> str:
    value = record.get(name)
    if isinstance(value, str) and value.strip():
        return value
    raise _bad_field(value, "text", name, where)


def _optional_text(record: dict[str, Any], name: str, where: tuple[Path, int]) -> str | None:
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    raise _bad_field(value, "text or null", name, where)


def event_from_record(record: dict[str, Any], *, file: Path, line: int) -> Event:
    """An :class:`Event` from one exported record; a missing or mistyped field names file, line, field."""
    where = (file, line)
    for name in ("prev_hash", "hash", "origin_hash", "origin_prev_hash"):
        value = record.get(name)
        if (value is not None or name in ("prev_hash", "hash")) and not (isinstance(value, str) and _HASH.match(value)):
            raise LedgerError("expected a SHA-256 in hex (64 characters 0-9a-f)", file=file, line=line, field=name)
    try:
        time = parse_time(_text(record, "time", where))
    except LedgerError as exc:
        raise LedgerError(exc.message, file=file, line=line, field="time") from None
    details = record.get("details")
    if not isinstance(details, dict):
        raise _bad_field(details, "an object", "details", where)
    seq = record.get("seq")
    return Event(
        seq=seq if isinstance(seq, int) and not isinstance(seq, bool) else 0,
        id=_text(record, "id", where),
        time=time,
        technician=_text(record, "technician", where),
        school=_text(record, "school", where),
        router=_optional_text(record, "router", where),
        serial=_optional_text(record, "serial", where),
        kind=_text(record, "kind", where),
        category=_optional_text(record, "category", where),
        details=details,
        outcome=_text(record, "outcome", where),
        prev_hash=record["prev_hash"],
        hash=record["hash"],
        prev_id=_optional_text(record, "prev_id", where),
        origin_hash=record.get("origin_hash"),
        origin_prev_hash=record.get("origin_prev_hash"),
    )


def read_jsonl(path: Path) -> list[Event]:
    """The events of a file written by ``ledger export --format jsonl``, in its order
    (:func:`read_jsonl_lines` gives each event's line too)."""
    return [event for _, event in read_jsonl_lines(path)]


def read_jsonl_lines(path: Path) -> list[tuple[int, Event]]:
    """The events of a file written by ``ledger export --format jsonl``, in its order, each with
    the number of its line.

    Refused with the file, line and field named: a line that is not JSON, a missing or mistyped
    field, a file with no header or one cut short (fewer events, or another last event, than its
    header states). The chain itself is checked by :meth:`Ledger.import_events`.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LedgerError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise LedgerError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    header: dict[str, Any] | None = None
    events: list[Event] = []
    numbers: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LedgerError(f"not JSON: {exc.msg} (column {exc.colno})", file=path, line=number) from None
        if not isinstance(record, dict):
            raise LedgerError("expected a JSON object", file=path, line=number)
        kind = record.get("type")
        if header is None:
            if kind != "ledger":
                raise LedgerError(
                    'expected the ledger header first ({"type": "ledger", …})', file=path, line=number, field="type"
                )
            if record.get("version") != FILE_VERSION:
                raise LedgerError(
                    f"file version {record.get('version')!r}; this mikronet reads {FILE_VERSION}",
                    file=path,
                    line=number,
                    field="version",
                )
            header = record
            continue
        if kind != "event":
            raise LedgerError(f"expected an event line, found type {kind!r}", file=path, line=number, field="type")
        events.append(event_from_record(record, file=path, line=number))
        numbers.append(number)
    if header is None:
        raise LedgerError(f"{path}: empty file; expected a ledger export (ledger export --format jsonl)")
    if header.get("events") != len(events) or header.get("last") != (events[-1].id if events else None):
        raise LedgerError(
            f"{path}: cut short or altered: the header states {header.get('events')} events ending with "
            f"{header.get('last')}, the file holds {len(events)}" + (f" ending with {events[-1].id}" if events else "")
        )
    if events and header.get("head") != events[-1].hash:
        raise LedgerError(f"{path}: the last event's hash differs from the header's head", event=events[-1].id)
    return list(zip(numbers, events, strict=True))
