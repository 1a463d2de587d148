"""The SQLite backend: one file, WAL mode, safe with several processes appending at once.

WAL lets readers go on while one process writes. Appends start with ``BEGIN IMMEDIATE``, which
takes the database's write lock before the chain's head is read, so two processes can never link
to the same head; a process waiting for the lock waits up to :data:`BUSY_TIMEOUT_S`.
``synchronous=FULL``: a committed event survives a power cut, not only a killed process. A process
killed in the middle of an append leaves a transaction that SQLite rolls back: nothing partial.

The file is created ``0600`` (SQLite gives its ``-wal`` and ``-shm`` files the database's mode), and
an older file found wider is narrowed when opened.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mikronet.errors import LedgerError

__all__ = ["BUSY_TIMEOUT_S", "SQLiteBackend"]

BUSY_TIMEOUT_S = 30.0


def _private(path: Path) -> None:
    """Create ``path`` (and narrow it and its WAL files) to ``0600``: owner only."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError:
        return  # sqlite3 says what is wrong with the path, in its words
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.exists() and file.stat().st_mode & 0o077:
                os.chmod(file, 0o600)
        except OSError:
            pass  # someone else's file: opening it says more than this would


class SQLiteBackend:
    """A ledger in a SQLite file (created on first use)."""

    kind = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        if str(path) != ":memory:":
            _private(path)
        try:
            self._conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def _error(self, exc: sqlite3.Error) -> LedgerError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            text += f" (another process held it for more than {BUSY_TIMEOUT_S:.0f} s)"
        return LedgerError(f"{self.path}: {text}")

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        try:
            self._conn.execute(sql, tuple(params))
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def has_table(self, name: str) -> bool:
        return bool(self.fetch("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))

    def begin_read(self) -> None:
        self.run("BEGIN DEFERRED")

    def begin_write(self) -> None:
        self.run("BEGIN IMMEDIATE")

    begin_migrate = begin_write

    def commit(self) -> None:
        self.run("COMMIT")

    def rollback(self) -> None:
        if self._conn.in_transaction:
            self.run("ROLLBACK")

    def close(self) -> None:
        self._conn.close()
