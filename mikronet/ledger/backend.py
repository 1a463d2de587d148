"""The seam between the ledger and its database: one small interface, SQLite and PostgreSQL behind it.

The ledger's SQL is written once, with ``?`` for parameters and types both databases read alike
(``BIGINT``, ``TEXT``); a backend adapts the placeholder, opens transactions its database's way and
translates its driver's exceptions into :class:`~mikronet.errors.LedgerError`. The drivers are
imported only when a ledger of their kind is opened.

URLs: ``sqlite:///PATH`` (``sqlite:///ledger.sqlite`` is relative, ``sqlite:////srv/ledger.sqlite``
absolute, as SQLAlchemy reads them), a plain file path, or ``postgresql://…`` / ``postgres://…``
(a libpq URI: ``postgresql://user@host:5432/dbname``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from mikronet.errors import LedgerError
from mikronet.secret import display_url

__all__ = ["Backend", "display_url", "open_backend", "sqlite_path"]

DEFAULT_FILE = "ledger.sqlite"


class Backend(Protocol):
    """What the ledger needs of a database. SQL uses ``?`` placeholders; a backend adapts them.

    Transactions: exactly one of :meth:`begin_read`, :meth:`begin_write`, :meth:`begin_migrate`
    starts one, :meth:`commit` or :meth:`rollback` ends it. ``begin_write`` returns once this
    connection is the only writer of the ledger, so a chain read after it cannot fork.
    """

    kind: str
    """``sqlite`` or ``postgresql``."""
    url: str
    """The URL with any password masked: safe to show."""

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def run(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def has_table(self, name: str) -> bool: ...

    def begin_read(self) -> None: ...

    def begin_write(self) -> None: ...

    def begin_migrate(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL (or plain path) names; ``None`` for another kind of URL."""
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :])
    if url.startswith("sqlite:"):
        raise LedgerError(f"--ledger {url!r}: a SQLite URL is sqlite:///PATH (sqlite:////PATH for an absolute path)")
    if "://" in url:
        return None
    return Path(url)


def open_backend(url: str, *, create: bool = True) -> Backend:
    """Connect to the ledger database ``url`` names.

    ``create=False`` refuses a SQLite file that does not exist yet (reading commands use it, so a
    mistyped path is an error rather than a new empty ledger).
    """
    path = sqlite_path(url)
    if path is not None:
        from mikronet.ledger.sqlite import SQLiteBackend

        if not create and not path.exists():
            raise LedgerError(f"no ledger at {path}: nothing has been recorded there yet")
        if not path.parent.is_dir():
            raise LedgerError(f"{path}: the folder {path.parent} does not exist")
        return SQLiteBackend(path)
    scheme = url.split("://", 1)[0].lower()
    if scheme in ("postgresql", "postgres"):
        from mikronet.ledger.postgres import PostgresBackend

        return PostgresBackend(url)
    raise LedgerError(
        f"--ledger {display_url(url)!r}: unknown kind of URL {scheme!r}; use sqlite:///PATH or postgresql://…"
    )
