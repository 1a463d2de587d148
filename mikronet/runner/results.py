"""Per-router results: values, never exceptions. One failing router is data in a run, not its end.

A result says what happened (:class:`Status`), why in words (``error``/``reason``) and in a word a
program can branch on (``cause``), where the router stands now (``stands``), and when an armed revert
will restore it if one is still armed (``revert_at``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mikronet.errors import (
    AuthenticationError,
    IdentityChangedError,
    MikronetError,
    RouterBusyError,
    TransportError,
    TransportTimeout,
    UntrustedError,
)
from mikronet.routeros import Op, Plan, render_script
from mikronet.secret import REDACTOR

__all__ = ["Intervention", "RouterResult", "Stands", "Status", "exit_status", "op_line", "readable", "status_of"]


class Status(enum.StrEnum):
    OK = "ok"                        # nothing to change
    CHANGED = "changed"              # changes applied and verified
    PLANNED = "planned"              # --check: changes shown, nothing done
    FAILED = "failed"                # something went wrong; `applied` says what took effect
    REVERTED = "reverted"            # applied, verification failed, the router restored its backup
    INTERRUPTED = "interrupted"      # stopped by the user; `stands` says where the router is
    REVERT_PENDING = "revert-pending"  # a revert is armed and has not fired yet; `revert_at` says when
    SKIPPED = "skipped"              # not started (threshold crossed, outside its window, resumed run)
    UNREACHABLE = "unreachable"      # no TCP session
    TIMEOUT = "timeout"              # the router did not answer in time
    AUTH_FAILED = "auth-failed"      # the router refused the user name or password
    UNTRUSTED = "untrusted"          # nothing is pinned for it: run `mikronet trust`
    IDENTITY_CHANGED = "identity-changed"  # its host key or certificate differs from the pin
    MISMATCH = "mismatch"            # the device reports another serial or model than the inventory names

    @property
    def is_failure(self) -> bool:
        """A result a technician must look at (``mismatch`` is one: the inventory or the device is wrong)."""
        return self not in (Status.OK, Status.CHANGED, Status.PLANNED, Status.SKIPPED)

    @property
    def before_change(self) -> bool:
        """A failure that happened before anything on the router could have changed."""
        return self in (Status.UNREACHABLE, Status.TIMEOUT, Status.AUTH_FAILED, Status.UNTRUSTED,
                        Status.IDENTITY_CHANGED)


class Stands(enum.StrEnum):
    """Where a router stands after an operation that did not simply succeed."""

    UNTOUCHED = "untouched"          # nothing was changed
    TEMPLATE = "template"            # it holds the template
    BACKUP = "backup"                # it is back at the backup taken before the change
    REVERT_PENDING = "revert-pending"  # an armed revert will restore the backup at `revert_at`
    UNKNOWN = "unknown"              # it could not be checked


def status_of(exc: BaseException) -> Status:
    """The status a connection-level error stands for."""
    if isinstance(exc, UntrustedError):
        return Status.UNTRUSTED
    if isinstance(exc, IdentityChangedError):
        return Status.IDENTITY_CHANGED
    if isinstance(exc, AuthenticationError):
        return Status.AUTH_FAILED
    if isinstance(exc, TransportTimeout):
        return Status.TIMEOUT
    if isinstance(exc, TransportError):
        return Status.UNREACHABLE
    return Status.FAILED


def _cause_of(exc: BaseException) -> str:
    if isinstance(exc, RouterBusyError):
        return "locked"
    status = status_of(exc)
    if status is not Status.FAILED:
        return str(status)
    return re.sub(r"(?<!^)(?=[A-Z])", "-", type(exc).__name__).lower().removesuffix("-error")


_HEX_RUN = re.compile(r"(?<!\\)(?:\\[0-9A-F]{2})+")


def _readable(match: re.Match[str]) -> str:
    data = bytes(int(match.group(0)[i + 1:i + 3], 16) for i in range(0, len(match.group(0)), 3))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return match.group(0)
    return text if text.isprintable() else match.group(0)


def readable(script: str) -> str:
    """RouterOS script with the UTF-8 it writes as hex escapes (``\\C4\\81``) shown as letters (``ā``)."""
    return _HEX_RUN.sub(_readable, script)


def op_line(op: Op) -> str:
    """One operation as a console line for people: sensitive values masked, Latvian letters readable."""
    return readable(render_script(Plan((op,))).strip())


@dataclass(frozen=True)
class Intervention:
    """What a result makes in the ledger: its kind and details (the school, router, technician, run
    and outcome are the recorder's to add). ``serial``: the device's, when it is not the inventory's
    (a swap records the new one)."""

    kind: str
    details: dict[str, Any] = field(default_factory=dict)
    serial: str | None = None


@dataclass
class RouterResult:
    """What one operation did to one router."""

    router: str
    status: Status
    plan: Sequence[Any] = ()            # the planned operations (routeros plan ops)
    applied: Sequence[str] = ()         # the operations that took effect, as script lines (secrets masked)
    error: str | None = None
    reason: str | None = None           # why a revert happened
    cause: str | None = None            # one word for programs: timeout, auth-failed, locked, refused …
    stands: Stands | None = None        # where the router stands when the result is not plain success
    revert_at: str | None = None        # when an armed revert fires (UTC ISO 8601, or the router's clock)
    backup: str | None = None           # where the pre-change export was stored
    timings: dict[str, float] = field(default_factory=dict)
    round_trips: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    intervention: Intervention | None = None
    """What the ledger records of it (set by the task that made it; None: nothing)."""
    _lines: dict[int, tuple[Op, str]] = field(default_factory=dict, repr=False, compare=False)

    def line(self, op: Op) -> str:
        """:func:`op_line` of one of its operations, formatted once however often it is shown."""
        found = self._lines.get(id(op))
        if found is None or found[0] is not op:
            found = self._lines[id(op)] = (op, op_line(op))
        return found[1]

    @classmethod
    def from_error(cls, router: str, exc: BaseException, *, status: Status | None = None, **kw: Any) -> RouterResult:
        text = str(exc) if isinstance(exc, MikronetError) else f"{type(exc).__name__}: {exc}"
        kw.setdefault("cause", _cause_of(exc))
        return cls(router, status or status_of(exc), error=REDACTOR.redact(text), **kw)

    def to_json(self) -> dict[str, Any]:
        return {
            "router": self.router,
            "status": str(self.status),
            "cause": self.cause,
            "stands": str(self.stands) if self.stands is not None else None,
            "revert_at": self.revert_at,
            "changes": len(self.plan),
            "plan": [REDACTOR.redact(self.line(op)) for op in self.plan],
            "applied": [REDACTOR.redact(line) for line in self.applied],
            "error": self.error,
            "reason": REDACTOR.redact(self.reason) if self.reason else None,
            "notes": [REDACTOR.redact(n) for n in self.notes],
            "backup": self.backup,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "round_trips": self.round_trips,
            "details": self.details,
        }


def exit_status(results: Sequence[RouterResult]) -> int:
    """0 when every router is fine, 1 when any failed (CLI contract)."""
    return 1 if any(r.status.is_failure for r in results) else 0
