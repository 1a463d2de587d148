"""The ledger of interventions: every upgrade, swap, consultation, push, restore and measurement
done at a school, as append-only events in a hash chain that shows whether anyone edited history.

Typical use::

    ledger = open_ledger(url=None, base_dir=inventory_dir)   # sqlite:///<inventory>/ledger.sqlite
    ledger.append(school="LV-0042", kind="consultation", details={"note": "Wi-Fi pārklājums"})
    for event in ledger.events(school="LV-0042"):
        print(event.time, event.kind, event.outcome)
    assert ledger.verify().ok
    ledger.close()

SQLite is the default (one file beside the inventory, safe with several processes appending);
``postgresql://…`` URLs put a team's ledger on a PostgreSQL server with the same code. The database
drivers are imported only when a ledger is opened.
"""

from __future__ import annotations

from mikronet.ledger.admit import Admission
from mikronet.ledger.backend import Backend, display_url, open_backend, sqlite_path
from mikronet.ledger.chain import Head, VerifyReport, verify_chain
from mikronet.ledger.exchange import FORMATS, export_text, read_jsonl, read_jsonl_lines
from mikronet.ledger.model import (
    CATEGORIES,
    DEFAULT_CATEGORIES,
    GENESIS,
    KINDS,
    OUTCOMES,
    PROGRAMME_MARK,
    Event,
    event_hash,
    format_time,
    is_marked,
    parse_time,
)
from mikronet.ledger.row_security import apply_row_security, scope_role
from mikronet.ledger.schema import LATEST as SCHEMA_VERSION
from mikronet.ledger.state import RouterState, StateStore
from mikronet.ledger.store import ImportReport, Ledger, default_ledger_url, open_ledger
from mikronet.ledger.technician import resolve_technician, technician_source
from mikronet.ledger.witness import Witness, WitnessStore, read_witness, record_witness

__all__ = [
    "CATEGORIES",
    "DEFAULT_CATEGORIES",
    "FORMATS",
    "GENESIS",
    "KINDS",
    "OUTCOMES",
    "PROGRAMME_MARK",
    "SCHEMA_VERSION",
    "Admission",
    "Backend",
    "Event",
    "Head",
    "ImportReport",
    "Ledger",
    "RouterState",
    "StateStore",
    "VerifyReport",
    "Witness",
    "WitnessStore",
    "apply_row_security",
    "categories_of",
    "default_ledger_url",
    "display_url",
    "event_hash",
    "export_text",
    "format_time",
    "is_marked",
    "open_backend",
    "open_ledger",
    "parse_time",
    "read_jsonl",
    "read_jsonl_lines",
    "read_witness",
    "record_witness",
    "resolve_technician",
    "scope_role",
    "sqlite_path",
    "technician_source",
    "verify_chain",
]


def categories_of(inventory: object) -> dict[str, str | None] | None:
    """The kind → category mapping an inventory sets (``programme.categories``), or ``None``."""
    categories = getattr(getattr(inventory, "programme", None), "categories", None)
    return dict(categories) if categories else None
