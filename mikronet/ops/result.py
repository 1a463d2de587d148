"""Per-router results: values, never exceptions. One failing router is data in a run, not its end."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mikronet.errors import MikronetError
from mikronet.secret import REDACTOR

__all__ = ["RouterResult", "Status", "exit_status"]


class Status(enum.StrEnum):
    OK = "ok"                    # nothing to change
    CHANGED = "changed"          # changes applied and verified
    PLANNED = "planned"          # --check: changes shown, nothing done
    FAILED = "failed"            # something went wrong; `applied` says what took effect
    UNREACHABLE = "unreachable"  # no session with the router
    REVERTED = "reverted"        # applied, verification failed, the router restored its backup
    SKIPPED = "skipped"

    @property
    def is_failure(self) -> bool:
        return self in (Status.FAILED, Status.UNREACHABLE, Status.REVERTED)


@dataclass
class RouterResult:
    """What one operation did to one router."""

    router: str
    status: Status
    plan: Sequence[Any] = ()            # the planned operations (routeros plan ops)
    applied: Sequence[str] = ()         # the operations that took effect, as script lines (secrets masked)
    error: str | None = None
    reason: str | None = None           # why a revert happened
    backup: str | None = None           # where the pre-change export was stored
    timings: dict[str, float] = field(default_factory=dict)
    round_trips: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_error(cls, router: str, exc: MikronetError, *, status: Status = Status.FAILED, **kw: Any) -> RouterResult:
        return cls(router, status, error=REDACTOR.redact(str(exc)), **kw)

    def to_json(self) -> dict[str, Any]:
        from mikronet.ops.apply import op_line

        return {
            "router": self.router,
            "status": str(self.status),
            "changes": len(self.plan),
            "plan": [op_line(op) for op in self.plan],
            "applied": list(self.applied),
            "error": self.error,
            "reason": self.reason,
            "backup": self.backup,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "round_trips": self.round_trips,
        }


def exit_status(results: Sequence[RouterResult]) -> int:
    """0 when every router is fine, 1 when any failed (CLI contract)."""
    return 1 if any(r.status.is_failure for r in results) else 0
