"""Ledger events as values: the :class:`Event` type, kinds, categories and outcomes, and the hash.

Pure: no I/O. An event's hash is the SHA-256 of a canonical JSON text (sorted keys, no spaces,
UTF-8, Latvian letters as themselves) of every field but ``seq`` and ``hash`` itself, so it covers
``prev_id`` and ``prev_hash`` and the events form a chain. ``seq`` (the position in one store) is
left out so that an event keeps its hash when it is exported to a file; ``origin_hash`` and
``origin_prev_hash`` (set only on events merged from another ledger) enter the text only when set,
so events written before they existed keep their hashes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from mikronet.errors import LedgerError
from mikronet.kinds import CATEGORIES, DEFAULT_CATEGORIES, KINDS, OUTCOMES
from mikronet.secret import MASK, Redactor, Secret

__all__ = [
    "CATEGORIES",
    "DEFAULT_CATEGORIES",
    "GENESIS",
    "KINDS",
    "OUTCOMES",
    "Event",
    "canonical_json",
    "category_for",
    "check_categories",
    "clean_details",
    "content_key",
    "event_hash",
    "format_time",
    "parse_time",
    "summarize",
]

GENESIS: Final = "0" * 64
"""The ``prev_hash`` of the first event of a ledger."""


@dataclass(frozen=True)
class Event:
    """One intervention, as stored. ``seq`` is its place in this ledger (1, 2, …); ``id`` is
    globally unique and is what merging ledgers deduplicates on."""

    seq: int
    id: str
    time: datetime
    technician: str
    school: str
    router: str | None
    serial: str | None
    kind: str
    category: str | None
    details: Mapping[str, Any]
    outcome: str
    prev_hash: str
    hash: str
    prev_id: str | None = None
    """The id of the event before this one in the chain (``None`` for the first): lets ``verify``
    name an event that was deleted."""
    origin_hash: str | None = None
    """For an event merged from another ledger: its hash there."""
    origin_prev_hash: str | None = None
    """For an event merged from another ledger: the hash of the event before it there."""

    def __hash__(self) -> int:
        return hash(self.hash)

    @property
    def completed(self) -> bool:
        """Whether it counts as done (outcome ``completed``)."""
        return self.outcome == "completed"

    @property
    def summary(self) -> str:
        """One line for a table: the note, the versions or serials, the figures, the cause of a failure."""
        return summarize(self.kind, self.details)

    def record(self) -> dict[str, Any]:
        """A JSON-able dict of every field (``time`` as ISO 8601 UTC with a ``Z``)."""
        return {
            "seq": self.seq,
            "id": self.id,
            "time": format_time(self.time),
            "technician": self.technician,
            "school": self.school,
            "router": self.router,
            "serial": self.serial,
            "kind": self.kind,
            "category": self.category,
            "details": dict(self.details),
            "outcome": self.outcome,
            "prev_id": self.prev_id,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "origin_hash": self.origin_hash,
            "origin_prev_hash": self.origin_prev_hash,
        }


def _arrow(details: Mapping[str, Any], before: str, after: str) -> str | None:
    if details.get(before) is None and details.get(after) is None:
        return None
    return f"{details.get(before) or '?'} → {details.get(after) or '?'}"


def summarize(kind: str, details: Mapping[str, Any]) -> str:
    """What the details of one kind of event say, in one line (``7.15.3 → 7.16.2``, ``3 changes``)."""
    parts: list[str | None] = []
    if kind in ("routeros-upgrade", "firmware-upgrade"):
        parts += [_arrow(details, "from_version", "to_version"), _arrow(details, "from_firmware", "to_firmware")]
        if details.get("campaign"):
            parts.append(f"campaign {details['campaign']}")
    elif kind == "swap":
        parts += [_arrow(details, "old_serial", "new_serial"), _arrow(details, "old_model", "new_model")]
    elif kind == "add-device":
        parts += [details.get("router"), details.get("model"), details.get("serial")]
    elif kind == "push" and "changes" in details:
        parts.append(f"{details['changes']} changes")
    elif kind == "measure" and "down_mbps" in details:
        parts.append(f"down {details['down_mbps']} Mbps, up {details.get('up_mbps')} Mbps")
    if details.get("note"):
        parts.append(str(details["note"]))
    if details.get("cause"):
        parts.append(f"cause: {details['cause']}")
    return "; ".join(str(p) for p in parts if p) or ""


def format_time(value: datetime) -> str:
    """The one text form of an event time: UTC, microseconds, ``Z`` (sorts as it compares)."""
    if value.tzinfo is None:
        raise LedgerError(f"time {value.isoformat()} has no timezone; event times are UTC")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Read an ISO 8601 time with a timezone (``Z`` or an offset) as a UTC datetime."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise LedgerError(f"{text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise LedgerError(f"time {text!r} has no timezone; event times are UTC")
    return value.astimezone(UTC)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, letters as themselves: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _hashed_fields(event: Event) -> dict[str, Any]:
    fields = event.record()
    del fields["seq"], fields["hash"]
    for optional in ("origin_hash", "origin_prev_hash"):
        if fields[optional] is None:
            del fields[optional]
    return fields


def event_hash(event: Event) -> str:
    """The SHA-256 (hex) that ``event.hash`` must hold: over every field but ``seq`` and ``hash``."""
    return hashlib.sha256(canonical_json(_hashed_fields(event)).encode("utf-8")).hexdigest()


def content_key(event: Event) -> str:
    """What an event says, without where it stands in a chain: equal for the same event in two ledgers."""
    fields = _hashed_fields(event)
    for chained in ("prev_id", "prev_hash", "origin_hash", "origin_prev_hash"):
        fields.pop(chained, None)
    return canonical_json(fields)


def _jsonable(value: Any, redactor: Redactor, where: str) -> Any:
    if isinstance(value, str):
        return redactor.redact(value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise LedgerError(f"details: {where} is {value}, which JSON cannot hold")
        return value
    if isinstance(value, Secret):
        return MASK
    if isinstance(value, Mapping):
        return {redactor.redact(str(k)): _jsonable(v, redactor, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_jsonable(v, redactor, f"{where}[{i}]") for i, v in enumerate(items)]
    if isinstance(value, datetime):
        return format_time(value) if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    raise LedgerError(f"details: {where} is a {type(value).__name__}, which JSON cannot hold")


def clean_details(details: Mapping[str, Any] | None, redactor: Redactor) -> dict[str, Any]:
    """Details as plain JSON values with every registered secret masked (keys and strings alike).

    Dates become ISO text, decimals and paths text, a :class:`~mikronet.secret.Secret` ``***``.
    """
    if details is None:
        return {}
    if not isinstance(details, Mapping):
        raise LedgerError(f"details must be a mapping, not {type(details).__name__}")
    cleaned = _jsonable(details, redactor, "details")
    assert isinstance(cleaned, dict)
    return cleaned


def check_categories(mapping: Mapping[str, str | None] | None) -> Mapping[str, str | None]:
    """The kind → category mapping in force: the defaults with ``mapping``'s entries over them.

    An entry naming a category the programme does not have is an error naming the kind.
    """
    merged = dict(DEFAULT_CATEGORIES)
    for kind, category in (mapping or {}).items():
        if category is not None and category not in CATEGORIES:
            raise LedgerError(
                f"programme.categories: {kind}: {category!r} is not a category "
                f"(one of {', '.join(CATEGORIES)}, or null)"
            )
        merged[str(kind)] = category
    return MappingProxyType(merged)


def category_for(kind: str, mapping: Mapping[str, str | None]) -> str | None:
    """The category a kind counts under; an unknown kind is an error that lists the known ones."""
    if kind not in mapping:
        raise LedgerError(f"unknown kind {kind!r}; kinds: {', '.join(mapping)}")
    return mapping[kind]
