"""Time for simulated routers: monotonic seconds for uptime, wall time for dates, and timers.

A device never calls ``time`` or ``asyncio`` itself; it is handed a :class:`Clock`. The fleet gives it a
:class:`LoopClock` bound to its event loop; unit tests give it a :class:`ManualClock` and move time on
by hand, so boot times, scheduler intervals and uptimes are tested without sleeping.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "LoopClock", "ManualClock", "TimerHandle"]


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What a device needs to know about time."""

    def monotonic(self) -> float:
        """Seconds since an arbitrary start; never goes back."""
        ...

    def wall(self) -> datetime:
        """The router's local wall-clock time (naive, as RouterOS shows it)."""
        ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        """Run ``callback`` once after ``delay`` seconds (in the clock's own thread)."""
        ...


class _ThreadSafeHandle:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._handle: asyncio.TimerHandle | None = None
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True
        handle = self._handle
        if handle is not None:
            self._loop.call_soon_threadsafe(handle.cancel)


class LoopClock:
    """Real time, with timers on an asyncio loop (safe to arm from another thread)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now().replace(microsecond=0)

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        if self._in_loop_thread():
            return self._loop.call_later(delay, callback)
        handle = _ThreadSafeHandle(self._loop)

        def arm() -> None:
            if not handle._cancelled:
                handle._handle = self._loop.call_later(delay, callback)

        self._loop.call_soon_threadsafe(arm)
        return handle

    def _in_loop_thread(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False


class _ManualHandle:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """Time that moves only when :meth:`advance` is called; timers fire inside ``advance``."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = 0.0
        self._start = start or datetime(2025, 3, 10, 12, 0, 0)
        self._timers: list[tuple[float, int, _ManualHandle, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return self._now

    def wall(self) -> datetime:
        return self._start + timedelta(seconds=int(self._now))

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        handle = _ManualHandle()
        with self._lock:
            heapq.heappush(self._timers, (self._now + max(delay, 0.0), next(self._seq), handle, callback))
        return handle

    def advance(self, seconds: float) -> None:
        """Move time on by ``seconds``, firing every timer that falls due, in order."""
        target = self._now + seconds
        while True:
            with self._lock:
                if not self._timers or self._timers[0][0] > target:
                    break
                when, _, handle, callback = heapq.heappop(self._timers)
            self._now = max(self._now, when)
            if not handle.cancelled:
                callback()
        self._now = target
