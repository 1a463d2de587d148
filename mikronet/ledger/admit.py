"""What an event from elsewhere must agree with before it joins this ledger.

An import file is re-hashable by anyone who can edit it: a valid chain proves only that the file is
consistent with itself. So each event it brings is held to what a recorded event is held to here:
its school is one of the inventory's, its router (when it names one) is one of that school's, its
category is the one its kind counts under (the progress report counts categories), and its time is
not in the future (beyond a small clock skew between machines).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from mikronet.ledger.model import DEFAULT_CATEGORIES, Event

__all__ = ["SKEW", "Admission"]

SKEW = timedelta(minutes=10)
"""How far ahead of this machine's clock an event's time may be (another machine's clock runs fast)."""


@dataclass(frozen=True)
class Admission:
    """The schools and their routers, and the kind → category mapping, events must agree with."""

    schools: Mapping[str, frozenset[str]]
    categories: Mapping[str, str | None]
    now: datetime
    skew: timedelta = SKEW

    @classmethod
    def of(cls, inventory: Any, categories: Mapping[str, str | None] | None = None,
           now: datetime | None = None) -> Admission:
        """From an :class:`~mikronet.inventory.Inventory` (its schools and their routers)."""
        schools = {school.id: frozenset(school.routers) for school in inventory.schools}
        return cls(schools, {**DEFAULT_CATEGORIES, **(categories or {})}, now or datetime.now(UTC))

    def problem(self, event: Event) -> str | None:
        """Why ``event`` may not join the ledger, or ``None``."""
        routers = self.schools.get(event.school)
        if routers is None:
            return f"school {event.school!r} is not in the inventory"
        if event.router is not None and event.router not in routers:
            owner = next((school for school, ids in self.schools.items() if event.router in ids), None)
            if owner is not None:
                return f"router {event.router!r} belongs to {owner}, not to {event.school}"
            return f"router {event.router!r} is not in the inventory"
        if event.kind not in self.categories:
            return f"unknown kind {event.kind!r}"
        allowed = self.categories[event.kind]
        if event.category != allowed:
            counts = f"counts as {allowed!r}" if allowed else "counts under no programme category"
            return f"category {event.category!r} for a {event.kind!r} event: that kind {counts}"
        if event.time > self.now + self.skew:
            return (f"time {event.time.isoformat()} is in the future (this machine's clock says "
                    f"{self.now.isoformat(timespec='seconds')})")
        return None
