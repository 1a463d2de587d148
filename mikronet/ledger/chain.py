"""Checking a hash chain, and naming the first event that breaks it.

Pure: works on events in stored order (and the head the store remembers), from a database or a
file alike. Each event names the event before it twice, by id (``prev_id``) and by hash
(``prev_hash``), and its own hash covers both. So at the first link that does not hold, the check
can tell apart:

- an event whose content no longer matches its hash: **edited**;
- an event whose hash was rewritten to match new content: the next event's ``prev_hash`` no longer
  matches it while its ``prev_id`` still does: **edited** (its hash rewritten);
- an event that is gone: the next event's ``prev_id`` names an id that no event has: **deleted**;
- an event moved or slipped in: taking it (or the one before it) out of the sequence mends the
  link: **out of place**; otherwise the event the link asks for stands elsewhere: that one is
  **out of place**;
- the last events: the head (the last event's id and hash, stored beside the chain by every append)
  names an event that is gone, edited, or no longer last.

The events are read once, in order, keeping only the last two and the next one: a ledger of a
million events is checked in constant memory. Naming the culprit of a broken link sometimes needs
one event found by id (where the event a link asks for stands); a store answers that with a query
(:class:`Lookup`), a list with a dictionary built only then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain as joined

from mikronet.ledger.model import GENESIS, Event, event_hash

__all__ = ["Head", "Lookup", "VerifyReport", "against_witness", "verify_chain"]


@dataclass(frozen=True)
class Head:
    """The last event as the store recorded it when appending: its seq, id and hash."""

    seq: int
    id: str
    hash: str


@dataclass(frozen=True)
class VerifyReport:
    """The result of checking a chain. ``first_bad`` is the id of the first event found edited,
    deleted or out of place (``None`` when ``ok``); ``problem`` says what is wrong with it."""

    ok: bool
    checked: int
    first_bad: str | None = None
    problem: str | None = None
    seq: int | None = None
    """Where in the stored order the break was found."""
    head: str | None = None
    """The hash of the last event when the chain is whole."""
    last_seq: int | None = None
    """The seq of the last event when the chain is whole."""

    def record(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "first_bad": self.first_bad,
            "problem": self.problem,
            "seq": self.seq,
            "head": self.head,
        }


@dataclass(frozen=True)
class Lookup:
    """How a check finds single events off its path: ``find(id)`` gives the event with that id (or
    ``None``); ``following(event)`` the event stored right after it (or ``None``)."""

    find: Callable[[str], Event | None]
    following: Callable[[Event], Event | None]


def _list_lookup(events: Sequence[Event]) -> Lookup:
    where: dict[str, int] = {}

    def index() -> dict[str, int]:
        if not where:
            where.update((event.id, i) for i, event in enumerate(events))
        return where

    def find(event_id: str) -> Event | None:
        i = index().get(event_id)
        return events[i] if i is not None else None

    def following(event: Event) -> Event | None:
        i = index().get(event.id)
        return events[i + 1] if i is not None and i + 1 < len(events) else None

    return Lookup(find, following)


def _bad(checked: int, event_id: str, problem: str, seq: int | None) -> VerifyReport:
    return VerifyReport(ok=False, checked=checked, first_bad=event_id, problem=problem, seq=seq)


def _linked(event: Event, before: Event | None) -> bool:
    if before is None:
        return event.prev_id is None and event.prev_hash == GENESIS
    return event.prev_id == before.id and event.prev_hash == before.hash


def _broken_link(i: int, event: Event, before: Event | None, two_back: Event | None, after: Event | None,
                 lookup: Lookup) -> VerifyReport:
    """Name the culprit at the first link that does not hold (``event``, the ``i``-th, and its neighbours)."""
    if before is not None and event.prev_id == before.id:
        return _bad(i, before.id, f"edited: its hash was rewritten; event {event.id} recorded another", before.seq)
    if before is None and event.prev_id is None:
        return _bad(i, event.id, "edited: it does not begin the chain as the first event must", event.seq)
    if after is not None and _linked(after, before):
        place = f"from {before.id}" if before else "from the start"
        return _bad(i, event.id, f"out of place: the chain runs {place} to {after.id} without it", event.seq)
    if before is not None and _linked(event, two_back):
        place = f"from {two_back.id}" if two_back else "from the start"
        return _bad(i - 1, before.id, f"out of place: the chain runs {place} to {event.id} without it", before.seq)
    wanted = event.prev_id
    if wanted is None:
        return _bad(i, event.id, "out of place: it claims to begin the chain", event.seq)
    found = lookup.find(wanted)
    if found is None:
        place = f"between {before.id} and {event.id}" if before else f"before {event.id}"
        return _bad(i, wanted, f"deleted: it stood {place}", None)
    return _bad(i, wanted, f"out of place: it belongs just before {event.id}", found.seq)


def _with_next(events: Iterable[Event]) -> Iterator[tuple[Event, Event | None]]:
    """Each event with the one after it (``None`` after the last)."""
    iterator = iter(events)
    current = next(iterator, None)
    for after in joined(iterator, [None]):
        if current is None:
            return
        yield current, after
        current = after


def verify_chain(events: Iterable[Event], head: Head | None = None, *, anchored: bool = True,
                 lookup: Lookup | None = None) -> VerifyReport:
    """Check every event's hash and every link, then the head, reading ``events`` once in order.

    ``anchored``: the first event must begin a chain (``prev_hash`` all zeros); a file exported from
    the middle of a ledger is checked with ``anchored=False``, its first event's links taken as given.
    ``lookup``: how to find an event off the path when naming a culprit; a sequence needs none, an
    iterator without one is given an index of nothing (a break is still found and named, with less
    detail about where the missing event stands).
    """
    if lookup is None:
        lookup = _list_lookup(events) if isinstance(events, Sequence) else Lookup(lambda _: None, lambda _: None)
    two_back: Event | None = None
    before: Event | None = None
    checked = 0
    for event, after in _with_next(events):
        i = checked
        if event_hash(event) != event.hash:
            return _bad(i, event.id, "edited: its content no longer matches its hash", event.seq)
        if (i or anchored) and not _linked(event, before):
            return _broken_link(i, event, before, two_back, after, lookup)
        two_back, before = before, event
        checked += 1
    last = before
    if head is not None:
        recorded = lookup.find(head.id) if last is None or head.id != last.id else last
        if recorded is None:
            return _bad(checked, head.id, "deleted: it was the last event recorded", None)
        if last is not None and head.id != last.id:
            extra = lookup.following(recorded)
            extra = extra if extra is not None else last
            return _bad(
                checked, extra.id, f"out of place: it stands after the last event recorded ({head.id})", extra.seq
            )
        if last is not None and head.hash != last.hash:
            return _bad(
                checked, last.id, "edited: its hash differs from the one recorded when it was appended", last.seq
            )
    return VerifyReport(ok=True, checked=checked, head=last.hash if last else None,
                        last_seq=last.seq if last else None)


def against_witness(witness: Head, found: Event | None, last_seq: int | None, witnessed: str) -> str | None:
    """What a ledger's event at the witnessed seq (``found``) and its last seq say against a head
    recorded outside the database (``witnessed`` names where and when); ``None`` when they agree.

    Deleting the last events and the head record leaves a chain that verifies on its own: only a
    witness kept elsewhere shows that it once was longer."""
    if found is None:
        ends = f"it ends at seq {last_seq}" if last_seq is not None else "it holds no event at all"
        return (f"deleted: {witnessed} says the ledger had reached seq {witness.seq} (event {witness.id}, hash "
                f"{witness.hash[:12]}), but {ends}: events were cut away")
    if found.id != witness.id or found.hash != witness.hash:
        return (f"edited: the event at seq {witness.seq} is {found.id} (hash {found.hash[:12]}), not the event "
                f"{witness.id} (hash {witness.hash[:12]}) {witnessed} records: the chain was rewritten")
    return None
