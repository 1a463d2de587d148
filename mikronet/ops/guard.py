"""What a push leaves on a router while it works, and how the next push reads it.

Four things, all named ``mikronet-…``:

* the **lock**, a ``/system script`` entry: RouterOS refuses a second script of the same name, so
  adding it is an atomic test-and-set. Its comment says who holds it, from which host and process,
  and until when. A lock is *stale* once that time has passed, once the router rebooted after it was
  taken, or when its holder was a process of this host that no longer runs (a killed push);
* the **revert**, a ``/system scheduler`` entry that loads the pre-push backup unless it is removed
  in time. Its script removes itself and the lock before it loads anything;
* the **binary backup** (``mikronet-pre-push.backup``) the revert loads, saved only after the lock is
  held and no revert is armed, so a backup never contains a revert;
* the **export file** a push reads the configuration from.

Every push reads these first (:func:`inspect`), in the same round trip as the configuration.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mikronet.clock import for_people
from mikronet.processes import pid_alive
from mikronet.routeros.values import duration_seconds
from mikronet.transport import EXPORT_FILE as TRANSPORT_EXPORT_FILE
from mikronet.transport import Command, Reply

__all__ = [
    "BACKUP_NAME",
    "EXPORT_FILE",
    "LOCK_NAME",
    "OWN_NAMES",
    "REVERT_NAME",
    "Leftovers",
    "LockInfo",
    "arm_command",
    "cleanup_commands",
    "disarm_command",
    "inspect",
    "inspect_commands",
    "lock_command",
    "restore_command",
    "unlock_command",
]

LOCK_NAME = "mikronet-lock"
REVERT_NAME = "mikronet-revert"
BACKUP_NAME = "mikronet-pre-push"
EXPORT_FILE = TRANSPORT_EXPORT_FILE
OWN_NAMES = frozenset({LOCK_NAME, REVERT_NAME})
"""Items of mikronet's own that a template's owned menus never see."""

_HOST = socket.gethostname()
_LOCK_COMMENT = re.compile(
    r"^mikronet push (?P<token>\S+) by (?P<who>.*?) on (?P<host>\S+) pid (?P<pid>\d+) "
    r"taken (?P<taken>\S+) until (?P<until>\S+)$"
)


@dataclass(frozen=True)
class LockInfo:
    """Who holds a router's lock, as its comment says."""

    token: str
    holder: str
    host: str
    pid: int
    taken: datetime
    until: datetime

    def stale(self, now: datetime, uptime_s: float | None) -> str | None:
        """Why the lock no longer protects a push in progress, or None when it may."""
        if now >= self.until:
            return f"it expired at {for_people(self.until, seconds=True)}"
        if uptime_s is not None and timedelta(seconds=uptime_s) < now - self.taken:
            return "the router restarted after it was taken"
        if self.host == _HOST and not pid_alive(self.pid):
            return f"process {self.pid} on this host that held it has ended"
        return None

    def describe(self) -> str:
        return f"{self.holder} on {self.host} (pid {self.pid}) since {for_people(self.taken, seconds=True)}"


def _parse_lock(comment: str) -> LockInfo | None:
    match = _LOCK_COMMENT.match(comment.strip())
    if match is None:
        return None
    try:
        taken = datetime.fromisoformat(match["taken"])
        until = datetime.fromisoformat(match["until"])
    except ValueError:
        return None
    return LockInfo(match["token"], match["who"], match["host"], int(match["pid"]), taken, until)


@dataclass(frozen=True)
class Leftovers:
    """What earlier pushes left on a router."""

    lock: LockInfo | None = None
    lock_present: bool = False   # a lock entry exists (its comment may be unreadable)
    revert_armed: bool = False
    revert_next_run: str | None = None   # the router's own clock
    files: tuple[str, ...] = ()          # mikronet's files on the router's storage
    uptime_s: float | None = None

    @property
    def any(self) -> bool:
        return self.lock_present or self.revert_armed or bool(self.files)


def inspect_commands() -> list[Command]:
    """The reads that find a router's leftovers; they ride along with the configuration read."""
    return [
        Command("/system/resource", "print", {".proplist": "uptime"}),
        Command("/system/script", "print", {".proplist": ".id,name,comment"}, (f"?name={LOCK_NAME}",)),
        Command("/system/scheduler", "print", {".proplist": ".id,name,next-run,disabled"}, (f"?name={REVERT_NAME}",)),
        Command("/file", "print", {".proplist": ".id,name,size"}, (f"?name={BACKUP_NAME}.backup",)),
        Command("/file", "print", {".proplist": ".id,name,size"}, (f"?name={EXPORT_FILE}.rsc",)),
    ]


def inspect(replies: Sequence[Reply]) -> Leftovers:
    """Read the answers to :func:`inspect_commands` (errors count as "nothing there")."""
    uptime_rows, locks, reverts, backups, exports = (r.rows if r.ok else () for r in replies)
    lock_row: Mapping[str, str] | None = next(iter(locks), None)
    revert_row = next(iter(reverts), None)
    files = tuple(str(row.get("name", "")) for row in (*backups, *exports))
    uptime = duration_seconds(str(uptime_rows[0].get("uptime", ""))) if uptime_rows else None
    return Leftovers(
        lock=_parse_lock(str(lock_row.get("comment", ""))) if lock_row else None,
        lock_present=lock_row is not None,
        revert_armed=revert_row is not None and revert_row.get("disabled") not in ("true", "yes"),
        revert_next_run=str(revert_row.get("next-run")) if revert_row and revert_row.get("next-run") else None,
        files=files,
        uptime_s=uptime,
    )


def lock_command(token: str, holder: str, now: datetime, hold_for: float) -> Command:
    until = now + timedelta(seconds=hold_for)
    comment = (f"mikronet push {token} by {holder} on {_HOST} pid {os.getpid()} "
               f"taken {now.isoformat(timespec='seconds')} until {until.isoformat(timespec='seconds')}")
    return Command("/system/script", "add", {"name": LOCK_NAME, "source": "", "comment": comment})


def unlock_command() -> Command:
    return Command("/system/script", "remove", {"numbers": LOCK_NAME})


def disarm_command() -> Command:
    return Command("/system/scheduler", "remove", {"numbers": REVERT_NAME})


def restore_command() -> Command:
    """Load the pre-push backup now (the router drops the session and restarts)."""
    return Command("/system/backup", "load", {"name": f"{BACKUP_NAME}.backup", "password": ""})


_REVERT_SCRIPT = (
    f'/system scheduler remove [find name="{REVERT_NAME}"]; '
    f'/system script remove [find name="{LOCK_NAME}"]; '
    f'/system backup load name={BACKUP_NAME}.backup password=""'
)


def arm_command(interval_s: int) -> Command:
    """The revert: after ``interval_s`` it disarms itself and the lock, then loads the backup."""
    return Command("/system/scheduler", "add", {
        "name": REVERT_NAME,
        "interval": f"{interval_s}s",
        "on-event": _REVERT_SCRIPT,
        "policy": "ftp,reboot,read,write,policy,test,password,sensitive",
        "comment": "mikronet: restores the pre-push backup unless the push is verified",
    })


def cleanup_commands(files: Sequence[str] = (f"{BACKUP_NAME}.backup", f"{EXPORT_FILE}.rsc")) -> list[Command]:
    """Remove mikronet's files from the router's storage (a missing one is no error to the caller)."""
    return [Command("/file", "remove", {"numbers": name}) for name in files]


def utcnow() -> datetime:
    return datetime.now(UTC)
