"""How RouterOS writes dates and build times, by version (durations: :mod:`mikronet.routeros.values`).

Pure functions; the per-version choice is made by the caller from :class:`~mikronet.sim.versions.Behaviour`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mikronet.sim.versions import Version

__all__ = ["build_time", "format_date", "format_time_parts"]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def format_date(moment: datetime, *, iso: bool, capital: bool = False) -> str:
    """``2024-05-15 22:25:49`` (7.10+) or ``may/15/2024 22:25:49`` (``May/…`` for build-time)."""
    if iso:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    month = _MONTHS[moment.month - 1]
    if capital:
        month = month.capitalize()
    return f"{month}/{moment.day:02d}/{moment.year} {moment.strftime('%H:%M:%S')}"


def format_time_parts(moment: datetime, *, iso: bool) -> tuple[str, str]:
    """``/system clock`` ``date`` and ``time``: (``2024-05-15``, ``22:25:49``) or (``may/15/2024``, …)."""
    text = format_date(moment, iso=iso)
    date, time = text.split(" ")
    return date, time


def build_time(version: Version) -> datetime:
    """A stable, plausible build time for a version (later versions build later)."""
    numbers = (*version.numbers, 0, 0)
    major, minor, patch = numbers[0], numbers[1], numbers[2]
    if major >= 7:
        base, day = datetime(2021, 12, 1, 10, 0, 0), 64 * minor + 9 * patch
    else:
        base, day = datetime(2014, 6, 2, 9, 0, 0), 55 * minor + 25 * patch
    if version.stage:
        day -= 20 - version.stage_number
    return base + timedelta(days=day, minutes=37 * (patch + 1), seconds=17 * (minor + 3) % 60)
