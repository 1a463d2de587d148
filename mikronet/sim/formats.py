"""How RouterOS writes durations, dates and build times, by version.

Pure functions; the per-version choice is made by the caller from :class:`~mikronet.sim.versions.Behaviour`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from mikronet.sim.versions import Version

__all__ = ["build_time", "format_date", "format_duration", "format_time_parts", "parse_duration"]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_UNITS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|us|w|d|h|m|s)")


def format_duration(seconds: float) -> str:
    """``1w4d23h26m9s``; zero is ``0s``. No spaces, as the API sends uptimes."""
    rest = int(seconds)
    parts = []
    for unit, size in _UNITS:
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def parse_duration(text: str) -> float:
    """Seconds in ``1d2h``, ``30s``, ``00:05:00``, ``500ms`` or a bare number of seconds."""
    text = text.strip()
    if not text:
        return 0.0
    if ":" in text:
        total = 0.0
        for part in text.split(":"):
            total = total * 60 + float(part or 0)
        return total
    if text.replace(".", "", 1).isdigit():
        return float(text)
    total, pos = 0.0, 0
    for match in _DURATION_RE.finditer(text):
        if match.start() != pos:
            raise ValueError(f"not a duration: {text!r}")
        value, unit = float(match.group(1)), match.group(2)
        total += value * {"ms": 0.001, "us": 0.000001, "w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}[unit]
        pos = match.end()
    if pos != len(text):
        raise ValueError(f"not a duration: {text!r}")
    return total


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
