"""What every report reads: ledger events (by their fields), the programme's settings, and the
calendar rules the programme works by.

Builders take plain values: any sequence of objects with the ledger ``Event`` fields (the ledger's
own ``Event`` or a test's stand-in), the inventory, and facts rows. Dates are the programme's dates:
an event's UTC time is read in Latvia's time zone (Europe/Riga) before it is given a day or a week.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Protocol

__all__ = [
    "CATEGORIES",
    "DEFAULT_CATEGORIES",
    "KINDS",
    "RIGA",
    "EventLike",
    "EventSource",
    "Programme",
    "collation_key",
    "events_of",
    "inventory_home",
    "iso_week",
    "local_day",
    "municipality_at",
    "programme_of",
    "week_start",
]

from mikronet.clock import RIGA
from mikronet.inventory.programme import Programme
from mikronet.vocabulary import CATEGORIES, DEFAULT_CATEGORIES, KINDS


class EventLike(Protocol):
    """The fields of a ledger event that reports read (``mikronet.ledger.Event`` has them all)."""

    @property
    def id(self) -> str: ...
    @property
    def time(self) -> datetime: ...
    @property
    def technician(self) -> str: ...
    @property
    def school(self) -> str: ...
    @property
    def router(self) -> str | None: ...
    @property
    def serial(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def category(self) -> str | None: ...
    @property
    def details(self) -> Mapping[str, Any]: ...
    @property
    def outcome(self) -> str: ...


class EventSource(Protocol):
    """A ledger: anything with ``events()`` returning the events in chain order."""

    def events(self) -> list[Any]: ...


def events_of(source: EventSource | Iterable[EventLike]) -> list[EventLike]:
    """The events of a ledger, or the given events as a list."""
    events = getattr(source, "events", None)
    if callable(events):
        return list(events())
    return list(source)  # type: ignore[arg-type]


def programme_of(inventory: Any) -> Programme:
    """The inventory's ``programme`` settings (the memorandum's figures where it says nothing); an
    object with some of the fields stands for one too."""
    given = getattr(inventory, "programme", None)
    if given is None or isinstance(given, Programme):
        return given or Programme()
    base = Programme()
    caps = getattr(given, "caps_eur", None)
    return replace(
        base,
        target=int(getattr(given, "target", base.target)),
        enrolled=int(getattr(given, "enrolled", base.enrolled)),
        budget_eur=Decimal(str(getattr(given, "budget_eur", base.budget_eur))),
        caps_eur=MappingProxyType({k: Decimal(str(v)) for k, v in caps.items()}) if caps else base.caps_eur,
        months=tuple(getattr(given, "months", base.months)),
        reform_date=getattr(given, "reform_date", base.reform_date),
        counting=getattr(given, "counting", base.counting),
    )


def inventory_home(inventory: Any) -> Any:
    """The folder beside the inventory where ``backups/`` and ``runs/`` live (the push writes backups
    to the folder of the inventory's ``known_hosts``)."""
    return inventory.trust_dir


def local_day(moment: datetime) -> date:
    """The calendar day in Latvia of a (timezone-aware) moment; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(RIGA).date()


def iso_week(day: date) -> str:
    """``2021-W14``: the ISO 8601 week of a day."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    """The Monday of a day's ISO week."""
    return day - timedelta(days=day.weekday())


def municipality_at(school: Any, day: date, reform_date: date) -> str:
    """The school's municipality on ``day``: before the administrative reform, the one it belonged to
    then (``municipality_before_2021``; the current one when the inventory does not say)."""
    if day < reform_date:
        return str(getattr(school, "municipality_before_2021", None) or school.municipality)
    return str(school.municipality)


@functools.lru_cache(maxsize=8192)
def collation_key(text: str) -> tuple[tuple[str, int], ...]:
    """A sort key in Latvian alphabetical order: ``ā`` comes after ``a`` (and ``az`` before ``āb``),
    ``č`` after ``c``, and so on; case is ignored. (Kept per text: reports sort the same few hundred
    names many times.)"""
    out = []
    for char in text.casefold():
        base = unicodedata.normalize("NFD", char)
        out.append((base[0], len(base) - 1))
    return tuple(out)
