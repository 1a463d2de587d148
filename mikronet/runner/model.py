"""The values a fleet run is made of: its policy, its events, a router's context, the run's result.

Pure values, no threads: the runner (:mod:`mikronet.runner.core`) produces them, observers and
tasks consume them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mikronet.runner.results import RouterResult

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["Context", "Event", "Interrupt", "Observer", "Operation", "RolloutPolicy", "RunResult"]


@dataclass(frozen=True)
class RolloutPolicy:
    """How a fleet run proceeds. ``max_fail``: ``"10%"`` or ``"3"`` (failures tolerated); None: no limit."""

    forks: int = 50
    timeout: float | None = None
    waves: tuple[str, ...] = ()
    canary: str | None = None
    max_fail: str | None = None
    retries: int = 2
    backoff: float = 1.0
    wait_for_window: bool = True
    ignore_windows: bool = False


class Interrupt:
    """Ctrl-C for a run: the first request starts no new router; the second asks to leave at once."""

    def __init__(self) -> None:
        self.first = threading.Event()
        self.second = threading.Event()

    def request(self) -> None:
        (self.second if self.first.is_set() else self.first).set()

    def is_set(self) -> bool:
        return self.first.is_set()


@dataclass(frozen=True)
class Event:
    """Something that happened in a run. ``kind``: run-started, wave-started, router-started,
    router-phase, router-finished, threshold-crossed, interrupted, waiting, run-finished."""

    kind: str
    router: str | None = None
    result: RouterResult | None = None
    wave: int | None = None
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    time: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    """When it happened (UTC, to the second: what the run record and the fleet state write)."""


Observer = Callable[[Event], None]
"""Anything that takes events: the progress display, the run record, the ledger recorder, the state."""


@dataclass
class Context:
    """What an operation gets besides its router: when to stop, and where to report its phase."""

    router: Router
    stop: Callable[[], bool]
    report: Callable[[str, str | None], None]  # (phase, revert time or None)
    attempt: int = 1


Operation = Callable[["Router", Context], RouterResult]


@dataclass
class RunResult:
    """Every router's result, in selection order, and how the run ended."""

    results: list[RouterResult]
    crossed: str | None = None        # why the threshold stopped the run
    interrupted: bool = False
    resumed: int = 0                  # results kept from an earlier run, not repeated
    run_id: str = ""                  # the run record's name (runs/<run_id>.jsonl)
    warnings: list[str] = field(default_factory=list)  # what the observers could not do (a ledger down …)
    started: float = 0.0
    finished: float = 0.0

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for result in self.results:
            out[str(result.status)] = out.get(str(result.status), 0) + 1
        return out

    @property
    def failed(self) -> list[RouterResult]:
        return [r for r in self.results if r.status.is_failure]
