"""verify reads the chain in batches (constant memory at any size) and finds and names the same
culprits as a check over the whole list, also where a break falls on a batch boundary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ledger_verify import TAMPERS, _chain, _six

from mikronet.ledger import Event, Head, Ledger, open_backend, open_ledger, verify_chain
from mikronet.ledger import rows as ledger_rows
from mikronet.ledger.chain import Lookup


class Counting:
    """A backend that passes everything through and remembers the most rows one query returned."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.most = 0

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows = self.inner.fetch(sql, params)
        self.most = max(self.most, len(rows))
        return rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_verify_never_reads_more_than_a_batch_at_once(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_rows, "BATCH", 4)
    with open_ledger(ledger_url) as ledger:
        for i in range(11):
            ledger.append(school="LV-0042", kind="consultation", technician="Anna Bērziņa", details={"i": i})
    counting = Counting(open_backend(ledger_url))
    with Ledger(counting) as ledger:
        counting.most = 0
        report = ledger.verify()
    assert report.ok and report.checked == 11 and report.last_seq == 11
    assert counting.most == 4


@pytest.mark.parametrize("name", sorted(TAMPERS))
@pytest.mark.parametrize("batch", [1, 2, 5])
def test_breaks_across_batch_boundaries_are_named_as_before(ledger_url: str, name: str, batch: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with open_ledger(ledger_url) as ledger:
        events = _six(ledger)
    culprit = TAMPERS[name](ledger_url, events)
    monkeypatch.setattr(ledger_rows, "BATCH", batch)
    with open_ledger(ledger_url) as ledger:
        report = ledger.verify()
    assert not report.ok and report.first_bad == culprit, report


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_an_iterator_with_a_lookup_agrees_with_the_list(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 10), label="n")
    events = _chain(n)
    head = Head(n, events[-1].id, events[-1].hash)
    changed = list(events)
    i = data.draw(st.integers(0, n - 1), label="i")
    if data.draw(st.booleans(), label="delete"):
        del changed[i]
    else:
        j = data.draw(st.integers(0, n - 1), label="j")
        changed.insert(j, changed.pop(i))
    by_id = {e.id: e for e in changed}

    def following(event: Event) -> Event | None:
        at = changed.index(event)
        return changed[at + 1] if at + 1 < len(changed) else None

    streamed = verify_chain(iter(changed), head, lookup=Lookup(by_id.get, following))
    assert streamed == verify_chain(changed, head)
