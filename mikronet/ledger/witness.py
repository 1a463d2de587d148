"""A witness of the ledger's head kept outside the database: in the backups' git history.

A hash chain shows an event edited or taken from the middle, but not the last events deleted
together with the head record: what is left is a shorter chain that verifies. So after each run that
appended, the head (seq, id and hash) is committed to the backup folder's git history beside the
routers' exports, and ``ledger verify`` checks the database against the newest witness: a ledger
that no longer reaches the witnessed seq was cut short, one whose event there has another hash was
rewritten.

The ledger sits below the workflows, so the backup store is reached through :class:`WitnessStore`
(what :class:`mikronet.ops.backup.BackupStore` offers); each ledger has its own witness file there,
named after its location. A witness never moves back: recording a head that does not continue the
witnessed chain is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from mikronet.errors import LedgerError
from mikronet.ledger.backend import sqlite_path
from mikronet.ledger.chain import Head
from mikronet.ledger.store import Ledger

__all__ = ["Witness", "WitnessStore", "read_witness", "record_witness", "witness_name"]

FOLDER = "ledger"


class WitnessStore(Protocol):
    """Where witnesses are committed: a folder with history (the backups' git repository)."""

    def save_text(self, name: str, text: str, message: str, *, author: str | None = None) -> object:
        """Commit ``text`` as the file ``name``; the same text again commits nothing."""

    def read_text(self, name: str) -> str | None:
        """The file ``name`` as the newest commit holds it, or ``None``."""


@dataclass(frozen=True)
class Witness:
    """The head of one ledger as it was recorded at ``time`` (UTC, ISO 8601)."""

    ledger: str
    head: Head
    time: str

    def describe(self) -> str:
        return f"the witness of {self.time} in the backups' history"

    def text(self) -> str:
        return json.dumps({"ledger": self.ledger, "seq": self.head.seq, "id": self.head.id, "hash": self.head.hash,
                           "time": self.time}, ensure_ascii=False, indent=2) + "\n"


def _location(url: str) -> str:
    """The ledger's location as a key: a SQLite file by its absolute path, a server URL as shown."""
    path = sqlite_path(url)
    return f"sqlite:///{path.resolve()}" if path is not None else url


def witness_name(url: str) -> str:
    """The file (relative to the backup folder) that holds the witness of the ledger at ``url``."""
    return f"{FOLDER}/{hashlib.sha256(_location(url).encode('utf-8')).hexdigest()[:16]}.json"


def read_witness(store: WitnessStore, url: str) -> Witness | None:
    """The newest witness of the ledger at ``url``, or ``None`` when none was ever recorded."""
    name = witness_name(url)
    text = store.read_text(name)
    if text is None:
        return None
    try:
        data = json.loads(text)
        return Witness(str(data["ledger"]), Head(int(data["seq"]), str(data["id"]), str(data["hash"])),
                       str(data["time"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise LedgerError(f"backups/{name}: not a ledger witness ({exc}); its git history has the earlier ones") \
            from None


def record_witness(ledger: Ledger, store: WitnessStore, *, author: str | None = None) -> Witness | None:
    """Commit ``ledger``'s head to ``store`` (the backups) and return the witness; ``None`` for an
    empty ledger. Nothing is committed when the head is the one already witnessed.

    Raises :class:`~mikronet.errors.LedgerError` when the ledger does not continue the newest witness
    (cut short or rewritten since): a witness never moves back over tampering.
    """
    head = ledger.head()
    old = read_witness(store, ledger.url)
    if old is not None:
        problem = ledger.witness_problem(old.head, old.describe())
        if problem is not None:
            raise LedgerError(f"{ledger.url}: not recording its head in the backups: {problem}", event=old.head.id)
        if old.head == head:
            return old
    if head is None:
        return None
    witness = Witness(_location(ledger.url), head, datetime.now(UTC).isoformat(timespec="seconds"))
    store.save_text(witness_name(ledger.url), witness.text(), f"head at seq {head.seq} ({head.hash[:12]})",
                    author=author)
    return witness
