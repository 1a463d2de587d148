"""Failed logins to the dashboard, counted in the ledger's database so that every worker process
(and, on PostgreSQL, every host serving the same ledger) sees the same count.

Keys are stored as SHA-256 digests: a user name typed at the login form may be a password typed in
the wrong field, and the database keeps none of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Final

from mikronet.ledger.backend import Backend

__all__ = ["LoginFailures"]

_PRUNE_EVERY: Final = 200


class LoginFailures:
    """The ``login_failures`` table (see :attr:`mikronet.ledger.Ledger.logins`)."""

    def __init__(self, backend: Backend, transaction: Callable[..., AbstractContextManager[None]]) -> None:
        self.backend = backend
        self._transaction = transaction
        self._added = 0

    @staticmethod
    def _digest(key: str) -> str:
        return hashlib.sha256(f"mikronet-login:{key}".encode()).hexdigest()

    def count(self, key: str, since: float) -> int:
        """Failures of ``key`` at or after ``since`` (seconds since the epoch)."""
        with self._transaction(write=False):
            ((n,),) = self.backend.fetch("SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?",
                                         (self._digest(key), since))
        return int(n)

    def add(self, key: str, at: float, *, forget_before: float) -> None:
        """One failure of ``key`` at ``at``; now and then, failures older than ``forget_before`` are dropped."""
        with self._transaction(write=True):
            self.backend.run("INSERT INTO login_failures (key, at) VALUES (?, ?)", (self._digest(key), at))
            self._added += 1
            if self._added % _PRUNE_EVERY == 0:
                self.backend.run("DELETE FROM login_failures WHERE at < ?", (forget_before,))

    def clear(self, key: str) -> None:
        with self._transaction(write=True):
            self.backend.run("DELETE FROM login_failures WHERE key = ?", (self._digest(key),))
