"""The fleet's current state: one row per router, in the ledger's database, kept by every operation.

The ledger says what happened; the state says where each router stands now, as the operations that
last reached it learned: what it is and runs (``facts``, and an upgrade's last look), whether it
drifts from its template (``plan``), how the last change ended (``push``, ``upgrade``, ``restore``…),
its newest backup commit, its pinned identities, and when it last answered.

The state is derived, never the record itself: ``mikronet state rebuild`` recomputes it from the run
records, the backups and the ledger, and gives the same rows. Updates name only the columns they
know; the others keep their values. Times are ISO 8601 UTC text to the second, as the run records
write them, so that a rebuild compares equal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Final

from mikronet.errors import LedgerError
from mikronet.ledger.backend import Backend

__all__ = ["COLUMNS", "RouterState", "StateStore"]


@dataclass(frozen=True)
class RouterState:
    """One router's row. ``None``: not known yet."""

    router: str
    school: str
    model: str | None = None
    serial: str | None = None
    routeros: str | None = None
    firmware: str | None = None
    architecture: str | None = None
    channel: str | None = None
    facts_at: str | None = None
    """When model … channel were read from the router."""
    mismatch: str | None = None
    """What the router reported that the inventory does not say (serial, model), when it differs."""
    seen_at: str | None = None
    """When it last answered an operation."""
    drift: bool | None = None
    """Whether the last plan found it away from its template."""
    drift_ops: int | None = None
    drift_at: str | None = None
    last_operation: str | None = None
    """The last operation that set out to change it (push, upgrade, restore, swap …)."""
    last_status: str | None = None
    last_cause: str | None = None
    last_at: str | None = None
    last_run: str | None = None
    backup_commit: str | None = None
    backup_at: str | None = None
    ssh_pin: str | None = None
    tls_pin: str | None = None
    updated_at: str | None = None

    def record(self) -> dict[str, Any]:
        """A JSON-able dict of every column."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


COLUMNS: Final = tuple(f.name for f in fields(RouterState))
_UPDATABLE: Final = frozenset(COLUMNS) - {"router", "school"}


def _decode(name: str, value: Any) -> Any:
    if name == "drift" and value is not None:
        return bool(value)
    if name == "drift_ops" and value is not None:
        return int(value)
    return value


def _encode(name: str, value: Any) -> Any:
    if name == "drift" and value is not None:
        return 1 if value else 0
    return value


class StateStore:
    """The ``router_state`` table of a ledger's database (see :attr:`mikronet.ledger.Ledger.state`)."""

    def __init__(self, backend: Backend, transaction: Any) -> None:
        self.backend = backend
        self._transaction = transaction

    def update(self, router: str, school: str, changes: Mapping[str, Any]) -> None:
        """Set the columns in ``changes`` for ``router`` (created when new); the others keep their values."""
        self.update_many([(router, school, changes)])

    def update_many(self, rows: Iterable[tuple[str, str, Mapping[str, Any]]]) -> None:
        """Several routers' updates in one transaction."""
        rows = list(rows)
        if not rows:
            return
        with self._transaction(write=True):
            for router, school, changes in rows:
                unknown = set(changes) - _UPDATABLE
                if unknown:
                    raise LedgerError(f"router state: unknown column {sorted(unknown)[0]!r}")
                names = sorted(changes)
                values = [_encode(n, changes[n]) for n in names]
                columns = ", ".join(["router", "school", *names])
                marks = ", ".join("?" for _ in range(len(names) + 2))
                assignments = ", ".join(["school = excluded.school", *(f"{n} = excluded.{n}" for n in names)])
                self.backend.run(f"INSERT INTO router_state ({columns}) VALUES ({marks}) "
                                 f"ON CONFLICT (router) DO UPDATE SET {assignments}", (router, school, *values))

    def all(self, routers: Sequence[str] | None = None, *, role: str | None = None) -> list[RouterState]:
        """Every router's row (or those of ``routers``), by router id. ``role``: read as that database
        role (PostgreSQL's row-level security applying)."""
        with self._transaction(write=False, role=role):
            found = self.backend.fetch(f"SELECT {', '.join(COLUMNS)} FROM router_state ORDER BY router")
        wanted = set(routers) if routers is not None else None
        return [RouterState(**{n: _decode(n, v) for n, v in zip(COLUMNS, row, strict=True)})
                for row in found if wanted is None or row[0] in wanted]

    def get(self, router: str) -> RouterState | None:
        with self._transaction(write=False):
            found = self.backend.fetch(f"SELECT {', '.join(COLUMNS)} FROM router_state WHERE router = ?", (router,))
        return RouterState(**{n: _decode(n, v) for n, v in zip(COLUMNS, found[0], strict=True)}) if found else None

    def replace_all(self, states: Iterable[RouterState]) -> int:
        """Put ``states`` in place of the whole table, in one transaction (``state rebuild``)."""
        rows = list(states)
        with self._transaction(write=True):
            self.backend.run("DELETE FROM router_state")
            for state in rows:
                record = state.record()
                self.backend.run(f"INSERT INTO router_state ({', '.join(COLUMNS)}) "
                                 f"VALUES ({', '.join('?' for _ in COLUMNS)})",
                                 tuple(_encode(n, record[n]) for n in COLUMNS))
        return len(rows)


def dumps(states: Sequence[RouterState]) -> str:
    """The rows as JSON lines (for ``mikronet state --json``)."""
    return "".join(json.dumps(s.record(), ensure_ascii=False) + "\n" for s in states)
