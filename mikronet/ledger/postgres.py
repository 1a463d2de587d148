"""The PostgreSQL backend (psycopg 3): the same ledger SQL, for a team that shares one server.

Appends take a transaction-scoped advisory lock before reading the chain's head, so two writers,
on one machine or many, can never link to the same head. The lock's key is derived from the schema
the ledger's tables live in, so two ledgers in two schemas of one database do not wait for each
other. Reads that must agree with each other (``verify``) run in one REPEATABLE READ snapshot. A
client killed in the middle of an append leaves a transaction the server rolls back when the
connection drops: nothing partial.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from typing import Any

import psycopg

from mikronet.errors import LedgerError
from mikronet.secret import display_url

__all__ = ["LOCK_TIMEOUT_S", "PostgresBackend"]

LOCK_TIMEOUT_S = 30


class PostgresBackend:
    """A ledger in a PostgreSQL database (its tables in the connection's current schema)."""

    kind = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = display_url(url)
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
            self.run(f"SET lock_timeout = '{LOCK_TIMEOUT_S}s'")
            ((schema,),) = self.fetch("SELECT current_schema()")
        except psycopg.Error as exc:
            raise self._error(exc) from exc
        if schema is None:
            raise LedgerError(f"{self.url}: no schema to hold the ledger (check the search_path)")
        digest = hashlib.sha256(f"mikronet-ledger:{schema}".encode()).digest()
        self._lock_key = int.from_bytes(digest[:8], "big", signed=True)

    def _error(self, exc: psycopg.Error) -> LedgerError:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return LedgerError(f"{self.url}: {text}")

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql.replace("?", "%s"), tuple(params)).fetchall()
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        try:
            self._conn.execute(sql.replace("?", "%s"), tuple(params))
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def has_table(self, name: str) -> bool:
        # A query of pg_class, not to_regclass(): the latter looks in the catalog cache, which a
        # process that waited for the migration lock may still hold from before another process
        # created the tables; a query sees what was committed when it started.
        ((found,),) = self.fetch("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                                 "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = ?)",
                                 (name,))
        return bool(found)

    def begin_read(self) -> None:
        self.run("BEGIN ISOLATION LEVEL REPEATABLE READ")

    def begin_write(self) -> None:
        self.run("BEGIN")
        self.run("SELECT pg_advisory_xact_lock(?)", (self._lock_key,))

    begin_migrate = begin_write

    def commit(self) -> None:
        self.run("COMMIT")

    def rollback(self) -> None:
        if self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            with contextlib.suppress(psycopg.Error):  # a lost connection: the server rolled back itself
                self._conn.execute("ROLLBACK")

    def close(self) -> None:
        self._conn.close()
