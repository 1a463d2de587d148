"""The fleet runner: threads, waves, the stop threshold, retries, timeouts, windows (see the package's
docstring for what it promises)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mikronet.clock import for_people
from mikronet.runner.model import Context, Event, Interrupt, Observer, Operation, RolloutPolicy, RunResult
from mikronet.runner.results import RouterResult, Stands, Status
from mikronet.runner.waves import parse_max_fail, plan_waves

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["Runner"]

log = logging.getLogger(__name__)

_RETRYABLE = frozenset({Status.UNREACHABLE, Status.TIMEOUT})


class WaveDriver:
    """Runs waves for one :class:`~mikronet.runner.Runner` run and keeps the threshold across them."""

    def __init__(self, runner: Runner, operation: Operation, threshold: int | None) -> None:
        self.runner = runner
        self.operation = operation
        self.threshold = threshold
        self.failures = 0
        self.crossed = False
        self.interrupted = False
        self._reason: str | None = None
        self._cond = threading.Condition()

    def stopped_reason(self) -> str | None:
        if self.runner.interrupt.is_set() and self._reason is None:
            self.interrupted = True
            self._reason = "interrupted: no new router starts"
        return self._reason

    # -- one wave ----------------------------------------------------------------------------------

    def run_wave(self, wave: list[Router], number: int) -> dict[str, RouterResult]:
        runner = self.runner
        forks = max(1, runner.policy.forks)
        timeout = runner.policy.timeout
        results: dict[str, RouterResult] = {}
        running: dict[str, float] = {}  # router id -> deadline (monotonic; inf without a timeout)
        for router in wave:
            with self._cond:
                while len(running) >= forks and self.stopped_reason() is None:
                    self._expire(running, results)
                    self._cond.wait(0.05)
                if self.stopped_reason() is not None:
                    break
                running[router.id] = runner.clock() + timeout if timeout else float("inf")
            runner.emit(Event("router-started", router=router.id, wave=number))
            thread = threading.Thread(target=self._work, args=(router, number, running, results),
                                      name=f"mikronet {router.id}", daemon=True)
            thread.start()
        with self._cond:
            while running:
                self._expire(running, results)
                self._cond.wait(0.05)
        return results

    def _expire(self, running: dict[str, float], results: dict[str, RouterResult]) -> None:
        """Give up on routers past their deadline (called with the condition held)."""
        now = self.runner.clock()
        for router_id, deadline in list(running.items()):
            if now >= deadline:
                phase, revert_at = self.runner.phases.get(router_id, ("", None))
                result = RouterResult(
                    router_id, Status.TIMEOUT, cause="timeout", stands=Stands.UNKNOWN, revert_at=revert_at,
                    error=f"still running after {self.runner.policy.timeout:g} s (in its {phase or 'first'} phase); "
                          "given up — an armed revert restores it if it was changing",
                )
                self._finish(router_id, result, running, results)

    def _finish(self, router_id: str, result: RouterResult, running: dict[str, float],
                results: dict[str, RouterResult]) -> None:
        if router_id not in running:
            log.info("%s: finished after it was given up: %s", router_id, result.status)
            return
        del running[router_id]
        results[router_id] = result
        self.runner.phases.pop(router_id, None)
        if result.status.is_failure:
            self.failures += 1
            if self.threshold is not None and self.failures > self.threshold and not self.crossed:
                self.crossed = True
                self._reason = (f"stop threshold crossed: {self.failures} failed, more than the "
                                f"{self.threshold} allowed (--max-fail {self.runner.policy.max_fail})")
                self.runner.emit(Event("threshold-crossed", detail=self._reason))
        self.runner.emit(Event("router-finished", router=router_id, result=result))
        self._cond.notify_all()

    # -- one router --------------------------------------------------------------------------------

    def _work(self, router: Router, number: int, running: dict[str, float],
              results: dict[str, RouterResult]) -> None:
        started = self.runner.clock()
        try:
            result = self._attempts(router, number)
        except Exception as exc:  # an operation's bug is this router's failure, not the run's
            log.exception("%s: the operation raised", router.id)
            result = RouterResult.from_error(router.id, exc, stands=Stands.UNKNOWN)
        result.timings["total"] = self.runner.clock() - started
        with self._cond:
            self._finish(router.id, result, running, results)

    def _reporter(self, router_id: str) -> Callable[[str, str | None], None]:
        def report(phase: str, revert_at: str | None) -> None:
            self.runner.phases[router_id] = (phase, revert_at)
            self.runner.emit(Event("router-phase", router=router_id, detail=phase,
                                   data={"revert_at": revert_at}))

        return report

    def _attempts(self, router: Router, number: int) -> RouterResult:
        runner = self.runner
        skipped = self._window(router)
        if skipped is not None:
            return skipped
        report = self._reporter(router.id)
        attempts = 1 + max(0, runner.policy.retries)
        result = None
        for attempt in range(1, attempts + 1):
            context = Context(router, runner.interrupt.is_set, report, attempt)
            result = self.operation(router, context)
            if result.status not in _RETRYABLE or result.stands not in (Stands.UNTOUCHED, None) \
                    or attempt == attempts or runner.interrupt.is_set():
                break
            delay = runner.policy.backoff * 2 ** (attempt - 1)
            runner.emit(Event("router-phase", router=router.id, detail=f"retry in {delay:g} s",
                              data={"error": result.error}))
            if not runner.wait(delay):
                break
        assert result is not None
        if attempt > 1:
            result.notes.append(f"{attempt} attempts")
        return result

    def _window(self, router: Router) -> RouterResult | None:
        """None when the router may start now (after waiting for its window, if told to wait)."""
        runner = self.runner
        if runner.window_for is None or runner.policy.ignore_windows:
            return None
        window = runner.window_for(router)
        if window is None:
            return None
        now = runner.now()
        if window.is_open(now):
            return None
        opens = window.next_open(now)
        if not runner.policy.wait_for_window or opens is None:
            when = f"; it opens {for_people(opens)}" if opens is not None else ""
            return RouterResult(router.id, Status.SKIPPED, cause="outside-window", stands=Stands.UNTOUCHED,
                                reason=f"outside window{when}")
        runner.emit(Event("waiting", router=router.id, detail=f"window opens {for_people(opens)}"))
        if not runner.wait(max(0.0, (opens - now).total_seconds())):
            return RouterResult(router.id, Status.SKIPPED, cause="interrupted", stands=Stands.UNTOUCHED,
                                reason="interrupted while waiting for its window")
        return None


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
            self.emit(Event("wave-started", wave=number, data={
                "size": len(wave), "of": len(waves), "canary": number == 1 and len(waves) > 1}))
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
