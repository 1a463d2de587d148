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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mikronet.ledger.model import GENESIS, Event, event_hash

__all__ = ["Head", "VerifyReport", "verify_chain"]


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

    def record(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "first_bad": self.first_bad,
            "problem": self.problem,
            "seq": self.seq,
            "head": self.head,
        }


def _bad(checked: int, event_id: str, problem: str, seq: int | None) -> VerifyReport:
    return VerifyReport(ok=False, checked=checked, first_bad=event_id, problem=problem, seq=seq)


def _linked(event: Event, before: Event | None) -> bool:
    if before is None:
        return event.prev_id is None and event.prev_hash == GENESIS
    return event.prev_id == before.id and event.prev_hash == before.hash


def _broken_link(events: Sequence[Event], i: int, before: Event | None, where: dict[str, int]) -> VerifyReport:
    """Name the culprit at the first link that does not hold (``events[i]`` and what stands before it)."""
    event = events[i]
    after = events[i + 1] if i + 1 < len(events) else None
    two_back = events[i - 2] if i >= 2 else None
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
    if wanted not in where:
        place = f"between {before.id} and {event.id}" if before else f"before {event.id}"
        return _bad(i, wanted, f"deleted: it stood {place}", None)
    return _bad(i, wanted, f"out of place: it belongs just before {event.id}", events[where[wanted]].seq)


def verify_chain(events: Sequence[Event], head: Head | None = None, *, anchored: bool = True) -> VerifyReport:
    """Check every event's hash and every link, then the head.

    ``anchored``: the first event must begin a chain (``prev_hash`` all zeros); a file exported from
    the middle of a ledger is checked with ``anchored=False``, its first event's links taken as given.
    """
    where = {event.id: i for i, event in enumerate(events)}
    for i, event in enumerate(events):
        if event_hash(event) != event.hash:
            return _bad(i, event.id, "edited: its content no longer matches its hash", event.seq)
        before = events[i - 1] if i else None
        if i == 0 and not anchored:
            continue
        if not _linked(event, before):
            return _broken_link(events, i, before, where)
    checked = len(events)
    last = events[-1] if events else None
    if head is not None:
        if head.id not in where:
            return _bad(checked, head.id, "deleted: it was the last event recorded", None)
        if last is not None and head.id != last.id:
            extra = events[where[head.id] + 1]
            return _bad(
                checked, extra.id, f"out of place: it stands after the last event recorded ({head.id})", extra.seq
            )
        if last is not None and head.hash != last.hash:
            return _bad(
                checked, last.id, "edited: its hash differs from the one recorded when it was appended", last.seq
            )
    return VerifyReport(ok=True, checked=checked, head=last.hash if last else None)
