"""The fleet runner: one per-router operation over many routers, in waves, with a stop threshold.

A :class:`Runner` takes routers and an operation (a function of one router returning a
:class:`~mikronet.runner.results.RouterResult`) and runs it ``forks`` routers at a time, in threads: the
work is network-bound, each router mostly waits for its answers. What it promises:

* **results are values**: one failing router is data; every router ends with a result, the ones never
  started included (``skipped``, with the reason);
* **waves**: ``1,5%,25%,rest`` — the first wave is the canary; a wave starts only once the one before
  it has finished within the threshold. ``canary="cover"`` makes the first wave the smallest set that
  covers every (model, architecture, RouterOS version, transport) of the selection;
* **stop threshold**: once more routers failed than ``max_fail`` allows, no new router starts, the ones
  in flight finish, and the rest are skipped with that reason;
* **retries** only for failures before anything was changed (no TCP session, no answer before the
  login), with backoff; never after an apply started;
* **per-router timeout**: a router still running past it is reported ``timeout`` and its place is
  given to the next one (its thread ends on its own: transports have timeouts too);
* **interruption**: after :meth:`Interrupt.request` no new router starts; operations see it through
  :attr:`Context.stop` and end safely (a push in its apply phase restores its backup at once);
* **maintenance windows**: a router starts only inside its window; the run waits for it to open, or
  skips the router when told not to wait;
* **observers** receive :class:`Event` s as things happen: the progress display, the run record and
  the ledger are observers, and none of them can stop the run.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mikronet.errors import InputError
from mikronet.runner.results import RouterResult, Stands, Status

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = [
    "Context",
    "Event",
    "Interrupt",
    "Observer",
    "RolloutPolicy",
    "RunResult",
    "Runner",
    "cover",
    "parse_max_fail",
    "plan_waves",
]

log = logging.getLogger(__name__)


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


Observer = Callable[[Event], None]
"""Anything that takes events: the progress display, the run record, the ledger."""


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


def parse_max_fail(text: str | None, total: int) -> int | None:
    """How many failures a run tolerates: ``10%`` of ``total`` (rounded down) or a plain count."""
    if text is None or text == "":
        return None
    text = text.strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1])
            if not 0 <= share <= 100:
                raise ValueError
            return math.floor(total * share / 100)
        count = int(text)
        if count < 0:
            raise ValueError
        return count
    except ValueError:
        raise InputError(f"--max-fail {text!r}: expected a count (3) or a share (10%)") from None


def _key(router: Router, facts: Callable[[Router], tuple[str, ...]] | None) -> tuple[str, ...]:
    if facts is not None:
        return facts(router)
    from mikronet.hardware import model_info

    model = model_info(router.model)
    return (router.model, model.architecture if model else "?", router.routeros or "?", router.transport)


def cover(routers: Sequence[Router], key: Callable[[Router], tuple[str, ...]] | None = None) -> list[Router]:
    """The smallest set of routers covering every (model, architecture, version, transport) of
    ``routers``: one router per distinct combination (each router has exactly one, so taking the
    first of each is minimal), in selection order."""
    seen: set[tuple[str, ...]] = set()
    chosen = []
    for router in routers:
        k = _key(router, key)
        if k not in seen:
            seen.add(k)
            chosen.append(router)
    return chosen


def plan_waves(routers: Sequence[Router], waves: Sequence[str], canary: str | None = None,
               key: Callable[[Router], tuple[str, ...]] | None = None) -> list[list[Router]]:
    """Split the selection into waves. Sizes: a count, a share (``5%``, rounded up, at least one) or
    ``rest``; routers beyond the last size form a last wave. ``canary="cover"`` (or ``cover`` as the
    first size) makes the first wave :func:`cover`; the sizes after it share out the rest."""
    if canary not in (None, "", "cover"):
        raise InputError(f"--canary {canary!r}: the only canary strategy is 'cover'")
    remaining = list(routers)
    out: list[list[Router]] = []
    specs = [str(s).strip() for s in waves]
    if specs and specs[0] == "cover":  # `--waves cover,10%,rest`: the canary named as the first wave
        canary = "cover"
    if canary == "cover" and remaining:
        first = cover(remaining, key)
        out.append(first)
        taken = {r.id for r in first}
        remaining = [r for r in remaining if r.id not in taken]
        specs = specs[1:] if specs else ["rest"]
    total = len(routers)
    for spec in specs:
        if not remaining:
            break
        text = spec.strip()
        if text == "rest":
            size = len(remaining)
        elif text.endswith("%"):
            try:
                share = float(text[:-1])
            except ValueError:
                raise InputError(f"--waves: {text!r} is not a share") from None
            size = max(1, math.ceil(total * share / 100))
        elif text.isdigit() and int(text) > 0:
            size = int(text)
        else:
            raise InputError(f"--waves: {text!r} is not a count, a share (5%) or 'rest'")
        out.append(remaining[:size])
        remaining = remaining[size:]
    if remaining:
        out.append(remaining)
    return [wave for wave in out if wave]


class Runner:
    """Runs one operation across routers; see the module's docstring for what it promises."""

    def __init__(
        self,
        policy: RolloutPolicy | None = None,
        *,
        observers: Iterable[Observer] = (),
        interrupt: Interrupt | None = None,
        window_for: Callable[[Router], Any] | None = None,
        cover_key: Callable[[Router], tuple[str, ...]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.policy = policy or RolloutPolicy()
        self.observers = list(observers)
        self.interrupt = interrupt or Interrupt()
        self.window_for = window_for
        self.cover_key = cover_key
        self.clock = clock
        self.now = now or (lambda: datetime.now().astimezone())
        self._sleep = sleep
        self._lock = threading.Lock()
        self.phases: dict[str, tuple[str, str | None]] = {}  # router id -> (phase, revert time)

    # -- events ------------------------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        for observer in self.observers:
            try:
                observer(event)
            except Exception:  # an observer never stops a run
                log.exception("observer %r failed on %s", observer, event.kind)

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False when interrupted first."""
        if self._sleep is not None:
            self._sleep(seconds)
            return not self.interrupt.is_set()
        return not self.interrupt.first.wait(seconds)

    # -- the run -----------------------------------------------------------------------------------

    def run(self, routers: Sequence[Router], operation: Operation, *, name: str = "run",
            skip: dict[str, RouterResult] | None = None) -> RunResult:
        """Run ``operation`` on every router; ``skip`` holds results kept from an earlier run (resume)."""
        from mikronet.runner.driver import WaveDriver

        policy = self.policy
        skip = skip or {}
        todo = [r for r in routers if r.id not in skip]
        threshold = parse_max_fail(policy.max_fail, len(routers))
        waves = plan_waves(todo, policy.waves, policy.canary, self.cover_key)
        run = RunResult([], started=self.clock(), resumed=len(skip))
        self.emit(Event("run-started", detail=name, data={
            "routers": len(routers), "waves": [len(w) for w in waves], "resumed": len(skip),
            "threshold": threshold}))
        for kept in skip.values():
            self.emit(Event("router-finished", router=kept.router, result=kept, data={"resumed": True}))
        driver = WaveDriver(self, operation, threshold)
        done: dict[str, RouterResult] = dict(skip)
        for number, wave in enumerate(waves, start=1):
            if driver.stopped_reason() is not None:
                break
            self.emit(Event("wave-started", wave=number, data={"size": len(wave)}))
            done.update(driver.run_wave(wave, number))
        reason = driver.stopped_reason()
        for router in routers:
            result = done.get(router.id)
            if result is None:
                result = RouterResult(router.id, Status.SKIPPED, reason=reason or "not started",
                                      cause="threshold" if driver.crossed else "interrupted" if driver.interrupted
                                      else "not-started", stands=Stands.UNTOUCHED)
                self.emit(Event("router-finished", router=router.id, result=result))
            run.results.append(result)
        run.crossed = reason if driver.crossed else None
        run.interrupted = driver.interrupted
        run.finished = self.clock()
        self.emit(Event("run-finished", data={"counts": run.counts(), "seconds": run.finished - run.started}))
        return run
