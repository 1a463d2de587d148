"""The ledger's tables, versioned: ordered migration steps and the table that records them.

``ledger_schema_version`` holds one row per step applied. Opening a ledger applies the steps it
lacks, in order, inside one write transaction (so several processes opening a new ledger at once
create it once). Steps are never edited once released; a change is a new step at the end. The SQL
reads the same in SQLite and PostgreSQL. Times are stored as the canonical ISO text of
:func:`~mikronet.ledger.model.format_time` (they sort as they compare), details as canonical JSON
text: exactly what the hash covers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from mikronet.errors import LedgerError
from mikronet.ledger.backend import Backend
from mikronet.ledger.model import format_time

__all__ = ["LATEST", "STEPS", "migrate", "schema_version"]

VERSION_TABLE: Final = "ledger_schema_version"

STEPS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    (
        "events in a hash chain",
        (
            f"CREATE TABLE {VERSION_TABLE} (version INTEGER PRIMARY KEY, applied TEXT NOT NULL, note TEXT NOT NULL)",
            """CREATE TABLE ledger_events (
                seq BIGINT PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                time TEXT NOT NULL,
                technician TEXT NOT NULL,
                school TEXT NOT NULL,
                router TEXT,
                serial TEXT,
                kind TEXT NOT NULL,
                category TEXT,
                details TEXT NOT NULL,
                outcome TEXT NOT NULL,
                prev_id TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )""",
        ),
    ),
    (
        "merged events keep their origin; the head of the chain; indexes for queries",
        (
            "ALTER TABLE ledger_events ADD COLUMN origin_hash TEXT",
            "ALTER TABLE ledger_events ADD COLUMN origin_prev_hash TEXT",
            """CREATE TABLE ledger_head (
                one INTEGER PRIMARY KEY CHECK (one = 1),
                seq BIGINT NOT NULL,
                id TEXT NOT NULL,
                hash TEXT NOT NULL
            )""",
            "INSERT INTO ledger_head (one, seq, id, hash) "
            "SELECT 1, seq, id, hash FROM ledger_events ORDER BY seq DESC LIMIT 1",
            "CREATE INDEX ledger_events_school ON ledger_events (school, seq)",
            "CREATE INDEX ledger_events_router ON ledger_events (router, seq)",
            "CREATE INDEX ledger_events_time ON ledger_events (time)",
        ),
    ),
    (
        "each router's current state, kept by every operation (derived: `mikronet state rebuild`)",
        (
            """CREATE TABLE router_state (
                router TEXT PRIMARY KEY,
                school TEXT NOT NULL,
                model TEXT,
                serial TEXT,
                routeros TEXT,
                firmware TEXT,
                architecture TEXT,
                channel TEXT,
                facts_at TEXT,
                mismatch TEXT,
                seen_at TEXT,
                drift INTEGER,
                drift_ops INTEGER,
                drift_at TEXT,
                last_operation TEXT,
                last_status TEXT,
                last_cause TEXT,
                last_at TEXT,
                last_run TEXT,
                backup_commit TEXT,
                backup_at TEXT,
                ssh_pin TEXT,
                tls_pin TEXT,
                updated_at TEXT
            )""",
            "CREATE INDEX router_state_school ON router_state (school)",
        ),
    ),
    (
        "the dashboard's failed logins, shared by its workers (keys are digests, never the names typed)",
        (
            "CREATE TABLE login_failures (key TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX login_failures_key ON login_failures (key, at)",
        ),
    ),
)
"""(what it brings, its statements), in order; step N makes schema version N."""

LATEST: Final = len(STEPS)


def schema_version(backend: Backend) -> int:
    """The version of the ledger's tables: 0 for an empty database."""
    if not backend.has_table(VERSION_TABLE):
        if backend.has_table("ledger_events"):
            raise LedgerError(f"{backend.url}: a ledger_events table without {VERSION_TABLE}: not a mikronet ledger")
        return 0
    ((version,),) = backend.fetch(f"SELECT MAX(version) FROM {VERSION_TABLE}")
    return int(version or 0)


def migrate(backend: Backend, *, target: int = LATEST) -> int:
    """Bring the tables to ``target`` (the latest by default); return the version found before.

    A ledger newer than this mikronet is refused rather than misread.
    """
    found = schema_version(backend)
    if found > LATEST:
        raise LedgerError(
            f"{backend.url}: the ledger has schema version {found}, newer than this mikronet knows "
            f"({LATEST}); upgrade mikronet"
        )
    if found >= target:
        return found
    backend.begin_migrate()
    try:
        found = schema_version(backend)  # again, now that this process alone may change it
        for number in range(found + 1, target + 1):
            note, statements = STEPS[number - 1]
            for statement in statements:
                backend.run(statement)
            backend.run(
                f"INSERT INTO {VERSION_TABLE} (version, applied, note) VALUES (?, ?, ?)",
                (number, format_time(datetime.now(UTC)), note),
            )
        backend.commit()
    except BaseException:
        backend.rollback()
        raise
    return found
