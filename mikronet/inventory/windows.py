"""Maintenance windows: when a change may start on a router, in Europe/Riga time.

A window has allowed hours (``22:00-05:00``; a range that ends at or before its start runs past
midnight), the weekdays it may start on, and blocked date ranges with labels (school holidays,
state exam days). The rules, so that a rollout and a person reading the inventory agree:

* a range of hours belongs to the day it starts on: ``22:00-05:00`` on a Sunday runs from Sunday
  22:00 to Monday 05:00, and is allowed when Sunday is an allowed weekday and not blocked;
* on a blocked date nothing is open, at any hour (the early-morning part of a night that started
  the day before closes at midnight).

Times are wall-clock times in Europe/Riga, so ``22:00`` stays 22:00 across the changes to and from
summer time; a time that does not exist on the spring-forward night is read as the same wall-clock
time in the offset before the change (:mod:`zoneinfo`'s ``fold=0``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["RIGA", "WEEKDAYS", "BlockedDates", "HourRange", "MaintenanceWindow", "parse_hours", "parse_weekdays"]

RIGA = ZoneInfo("Europe/Riga")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HORIZON_DAYS = 800  # next_open() looks this far ahead (more than two school years) before giving up


@dataclass(frozen=True)
class HourRange:
    """Allowed hours from ``start`` to ``end``; ``end <= start`` runs past midnight."""

    start: time
    end: time

    @property
    def wraps(self) -> bool:
        return self.end <= self.start

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class BlockedDates:
    """Dates (``start`` … ``end``, both included) on which nothing starts, and why."""

    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        span = f"{self.start}" if self.start == self.end else f"{self.start}…{self.end}"
        return f"{span} {self.label}"


ALL_DAY = (HourRange(time(0, 0), time(0, 0)),)


@dataclass(frozen=True)
class MaintenanceWindow:
    """When changes may start, for the routers of one group (or ``default``)."""

    name: str
    hours: tuple[HourRange, ...] = ALL_DAY
    weekdays: frozenset[int] = frozenset(range(7))
    """Allowed weekdays of a range's start (0 = Monday)."""
    blocked: tuple[BlockedDates, ...] = ()
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    # -- questions ----------------------------------------------------------------------------

    def blocked_on(self, day: date) -> BlockedDates | None:
        """The blocked range that holds ``day``, if any."""
        return next((b for b in self.blocked if day in b), None)

    def is_open(self, at: datetime) -> bool:
        """Whether a change may start at ``at`` (aware, any zone; a naive time is Riga wall-clock time)."""
        local = _riga(at)
        if self.blocked_on(local.date()) is not None:
            return False
        moment = local.astimezone(UTC)
        return any(start <= moment < end for start, end in self._spans(local.date() - timedelta(days=1), 2))

    def next_open(self, after: datetime) -> datetime | None:
        """The first moment at or after ``after`` when the window is open (Riga time), or ``None``
        if it never opens within about two years (no hours, no weekdays, or blocked throughout)."""
        local = _riga(after)
        now = local.astimezone(UTC)
        for start, end in self._spans(local.date() - timedelta(days=1), _HORIZON_DAYS):
            if end <= now:
                continue
            moment = max(start, now)
            while moment < end:
                block = self.blocked_on(moment.astimezone(RIGA).date())
                if block is None:
                    return moment.astimezone(RIGA)
                moment = _midnight(block.end + timedelta(days=1))
        return None

    def why_closed(self, at: datetime) -> str | None:
        """A short reason the window is closed at ``at`` (``"blocked: Ziemas brīvdienas"``), or ``None``."""
        local = _riga(at)
        block = self.blocked_on(local.date())
        if block is not None:
            return f"blocked: {block.label}"
        if self.is_open(at):
            return None
        hours = ", ".join(str(h) for h in self.hours)
        days = ",".join(WEEKDAYS[d] for d in sorted(self.weekdays))
        return f"outside the window {self.name} ({hours} on {days}, Europe/Riga)"

    def describe(self) -> str:
        """One line: hours, weekdays and how many blocked ranges."""
        hours = ", ".join(str(h) for h in self.hours)
        days = ",".join(WEEKDAYS[d] for d in sorted(self.weekdays))
        return f"{self.name}: {hours} starting {days}; {len(self.blocked)} blocked date ranges"

    # -- internals ----------------------------------------------------------------------------

    def _spans(self, first: date, days: int) -> Iterator[tuple[datetime, datetime]]:
        """Allowed spans (start, end) as UTC instants, in order, for ranges starting on ``first`` on."""
        for offset in range(days):
            day = first + timedelta(days=offset)
            if day.weekday() not in self.weekdays or self.blocked_on(day) is not None:
                continue
            spans = []
            for hours in self.hours:
                start = _at(day, hours.start)
                end = _at(day + timedelta(days=1) if hours.wraps else day, hours.end)
                spans.append((start, end))
            yield from sorted(spans)


def _riga(at: datetime) -> datetime:
    if at.tzinfo is None:
        return at.replace(tzinfo=RIGA)
    return at.astimezone(RIGA)


def _at(day: date, clock: time) -> datetime:
    """Wall-clock ``clock`` on ``day`` in Riga as a UTC instant (comparisons then ignore ``fold``)."""
    return datetime.combine(day, clock, tzinfo=RIGA).astimezone(UTC)


def _midnight(day: date) -> datetime:
    return _at(day, time(0, 0))


def parse_hours(text: str) -> HourRange:
    """``"22:00-05:00"`` → :class:`HourRange`; ``ValueError`` naming what is wrong."""
    parts = [p.strip() for p in text.split("-")]
    if len(parts) != 2 or not all(re.fullmatch(r"\d{1,2}:\d{2}", p) for p in parts):
        raise ValueError(f"{text!r} is not a range of hours; write it as HH:MM-HH:MM (22:00-05:00)")
    try:
        start, end = (time.fromisoformat(p) for p in parts)
    except ValueError:
        raise ValueError(f"{text!r} is not a range of hours; write it as HH:MM-HH:MM (22:00-05:00)") from None
    if start == end and start != time(0, 0):
        raise ValueError(f"{text!r} starts and ends at the same time; for the whole day write 00:00-00:00")
    return HourRange(start, end)


def parse_weekdays(items: list[str]) -> frozenset[int]:
    """``["mon-fri", "sun"]`` → weekday numbers; ``ValueError`` naming the bad item."""
    days: set[int] = set()
    for item in items:
        word = item.strip().lower()
        if "-" in word:
            first, _, last = word.partition("-")
            if first not in WEEKDAYS or last not in WEEKDAYS:
                raise ValueError(f"{item!r} is not a range of weekdays (e.g. mon-fri)")
            a, b = WEEKDAYS.index(first), WEEKDAYS.index(last)
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        elif word in WEEKDAYS:
            days.add(WEEKDAYS.index(word))
        else:
            raise ValueError(f"{item!r} is not a weekday (one of {', '.join(WEEKDAYS)})")
    return frozenset(days)
