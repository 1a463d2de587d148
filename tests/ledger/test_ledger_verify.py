"""``verify`` finds history edited behind mikronet's back, by SQL, and names the event concerned.

On SQLite and PostgreSQL: one row edited (with or without its hash recomputed), deleted (in the
middle, at the end), moved, or slipped in. Then the pure check itself, by property: any single
deletion, move or edit of a chain is found and the event named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_support import insert_row, linked, run_sql

from mikronet.ledger import Event, Head, Ledger, event_hash, open_ledger, verify_chain
from mikronet.ledger.model import canonical_json

Tamper = Callable[[str, list[Event]], str]
"""Changes the ledger at the URL; returns the id ``verify`` must name."""


def _edit(url: str, events: list[Event]) -> str:
    run_sql(url, "UPDATE ledger_events SET details = ? WHERE id = ?", ('{"note":"nekas nenotika"}', events[2].id))
    return events[2].id


def _edit_and_rehash(url: str, events: list[Event]) -> str:
    forged = replace(events[2], outcome="completed", details={"note": "viss izdevās"})
    run_sql(
        url,
        "UPDATE ledger_events SET outcome = ?, details = ?, hash = ? WHERE id = ?",
        (forged.outcome, canonical_json(dict(forged.details)), event_hash(forged), forged.id),
    )
    return events[2].id


def _edit_last_and_rehash(url: str, events: list[Event]) -> str:
    forged = replace(events[-1], technician="Kāds cits")
    run_sql(
        url,
        "UPDATE ledger_events SET technician = ?, hash = ? WHERE id = ?",
        (forged.technician, event_hash(forged), forged.id),
    )
    return events[-1].id


def _delete(url: str, events: list[Event]) -> str:
    run_sql(url, "DELETE FROM ledger_events WHERE id = ?", (events[2].id,))
    return events[2].id


def _delete_first(url: str, events: list[Event]) -> str:
    run_sql(url, "DELETE FROM ledger_events WHERE id = ?", (events[0].id,))
    return events[0].id


def _delete_last(url: str, events: list[Event]) -> str:
    run_sql(url, "DELETE FROM ledger_events WHERE id = ?", (events[-1].id,))
    return events[-1].id


def _move_to_end(url: str, events: list[Event]) -> str:
    run_sql(url, "UPDATE ledger_events SET seq = 100 WHERE id = ?", (events[2].id,))
    return events[2].id


def _swap(url: str, events: list[Event]) -> str:
    run_sql(url, "UPDATE ledger_events SET seq = -1 WHERE seq = 3")
    run_sql(url, "UPDATE ledger_events SET seq = 3 WHERE seq = 4")
    run_sql(url, "UPDATE ledger_events SET seq = 4 WHERE seq = -1")
    return events[3].id  # now standing where events[2] belongs


def _insert(url: str, after: Event, seq: int) -> str:
    forged = linked(after, seq=seq, id="forged-event", technician="Kāds cits", details={"note": "pievienots vēlāk"})
    insert_row(url, forged)
    return forged.id


def _insert_in_the_middle(url: str, events: list[Event]) -> str:
    run_sql(url, "UPDATE ledger_events SET seq = seq + 100 WHERE seq > 3")
    return _insert(url, events[2], 4)  # a well-formed event linked to the third: the fourth no longer is


def _insert_at_the_end(url: str, events: list[Event]) -> str:
    return _insert(url, events[-1], 7)  # linked and hashed like a real one, but the head never moved


TAMPERS: dict[str, Tamper] = {
    "edit": _edit,
    "edit-and-rehash": _edit_and_rehash,
    "edit-last-and-rehash": _edit_last_and_rehash,
    "delete": _delete,
    "delete-first": _delete_first,
    "delete-last": _delete_last,
    "move-to-end": _move_to_end,
    "swap-two": _swap,
    "insert-in-the-middle": _insert_in_the_middle,
    "insert-at-the-end": _insert_at_the_end,
}


def _six(ledger: Ledger) -> list[Event]:
    kinds = ["consultation", "measure", "routeros-upgrade", "push", "swap", "technical-fix"]
    return [
        ledger.append(school="LV-0042", kind=k, technician="Anna Bērziņa", details={"n": i})
        for i, k in enumerate(kinds)
    ]


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_verify_names_the_row_changed_by_sql(ledger_url: str, name: str) -> None:
    with open_ledger(ledger_url) as ledger:
        events = _six(ledger)
        assert ledger.verify().ok
    culprit = TAMPERS[name](ledger_url, events)
    with open_ledger(ledger_url) as ledger:
        report = ledger.verify()
    assert not report.ok
    assert report.first_bad == culprit, report
    expected = {
        "edit": "edited",
        "delete": "deleted",
        "move": "out of place",
        "swap": "out of place",
        "insert": "out of place",
    }
    assert report.problem is not None and report.problem.startswith(expected[name.split("-")[0]])


# --- the pure check, by property -------------------------------------------------------------


def _chain(n: int) -> list[Event]:
    events: list[Event] = []
    for i in range(n):
        events.append(linked(events[-1] if events else None, details={"i": i}))
    return events


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_single_change_is_found_and_named(data: st.DataObject) -> None:
    n = data.draw(st.integers(3, 12), label="n")
    events = _chain(n)
    head = Head(n, events[-1].id, events[-1].hash)
    assert verify_chain(events, head).ok
    i = data.draw(st.integers(0, n - 1), label="i")
    change = data.draw(st.sampled_from(["delete", "move", "edit"]), label="change")
    changed = list(events)
    if change == "delete":
        del changed[i]
        named = {events[i].id}
    elif change == "move":
        j = data.draw(st.integers(0, n - 1).filter(lambda j: j not in (i, i + 1)), label="to")
        moved = changed.pop(i)
        at = j if j < i else j - 1
        changed.insert(at, moved)
        named = {moved.id}
        if abs(at - i) == 1:  # two neighbours swapped: either can be the one that moved
            named.add(events[at].id)
    else:
        changed[i] = replace(events[i], outcome="failed")
        named = {events[i].id}
    report = verify_chain(changed, head)
    assert not report.ok
    assert report.first_bad in named, (change, i, report)
