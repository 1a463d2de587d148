"""One clock for people: every time a person reads is Europe/Riga time with its UTC offset shown.

The ledger stores UTC; terminals, reports and summaries show the programme's time zone, so the same
event reads the same in ``history``, ``ledger list`` and the reports, and the offset (``+02:00`` in
winter, ``+03:00`` in summer) leaves no doubt. JSON keeps ISO 8601 with the offset.

    for_people(event.time)            # '2026-12-06 09:12 +02:00'
    for_people(event.time, seconds=True)
    for_machines(event.time)          # '2026-12-06T09:12:05.123456+02:00'
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

__all__ = ["RIGA", "for_machines", "for_people", "for_people_text", "local", "offset"]

RIGA = ZoneInfo("Europe/Riga")
"""The programme's time zone."""


def local(moment: datetime) -> datetime:
    """The moment in Riga time (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(RIGA)


def offset(moment: datetime) -> str:
    """The Riga UTC offset of the moment: ``+02:00`` or ``+03:00``."""
    text = local(moment).strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def for_people(moment: datetime, *, seconds: bool = False, day_format: str = "%Y-%m-%d") -> str:
    """``2026-12-06 09:12 +02:00``: Riga time to the minute (or second), with its offset."""
    here = local(moment)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return f"{here.strftime(day_format)} {here.strftime(clock)} {offset(moment)}"


def for_machines(moment: datetime) -> str:
    """ISO 8601 in Riga time with its offset (``2026-12-06T09:12:05+02:00``)."""
    return local(moment).isoformat()


def for_people_text(text: str | None) -> str:
    """An ISO 8601 time with a zone (as results carry them) for people; other text (a router's own
    clock, which has no zone) is shown as it is."""
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return text if moment.tzinfo is None else for_people(moment, seconds=True)
