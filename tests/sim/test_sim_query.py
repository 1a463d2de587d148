"""The API query stack machine, on the official documentation's examples and librouteros's words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mikronet.sim.query import QueryError, compile_query, matches

ROUTES = [
    {".id": "*1", "dst-address": "0.0.0.0/0", "gateway": "172.16.1.1", "distance": "1"},
    {".id": "*2", "dst-address": "10.0.0.0/8", "gateway": "172.16.1.1", "distance": "2"},
    {".id": "*3", "dst-address": "10.1.0.0/16", "gateway": "10.9.9.9", "distance": "5"},
]
INTERFACES = [{"name": "ether1", "type": "ether"}, {"name": "vlan10", "type": "vlan"}, {"name": "br", "type": "bridge"}]


def select(rows: list[dict[str, str]], *words: str) -> list[str]:
    query = compile_query(words)
    return [row.get(".id") or row["name"] for row in rows if matches(row, query)]


def test_documented_or() -> None:
    assert select(INTERFACES, "?type=ether", "?type=vlan", "?#|") == ["ether1", "vlan10"]


def test_documented_not_and() -> None:
    # !(distance>1 && gateway=172.16.1.1)
    assert select(ROUTES, "?>distance=1", "?gateway=172.16.1.1", "?#&!") == ["*1", "*3"]


def test_librouteros_spellings() -> None:
    assert select(INTERFACES, "?=name=br") == ["br"]
    assert select(INTERFACES, "?=type=ether", "?#!") == ["vlan10", "br"]
    assert select(INTERFACES, "?=name=ether1", "?=name=br", "?=name=x", "?#|", "?#|") == ["ether1", "br"]


def test_presence_absence_and_comparisons() -> None:
    rows = [{"name": "a", "comment": "x"}, {"name": "b"}, {"name": "c", "comment": ""}]
    assert select(rows, "?comment") == ["a", "c"]
    assert select(rows, "?-comment") == ["b"]
    assert select(rows, "?>comment=") == ["a"]
    assert select(ROUTES, "?<distance=5") == ["*1", "*2"]


def test_implicit_and_of_consecutive_words() -> None:
    assert select(ROUTES, "?gateway=172.16.1.1", "?distance=2") == ["*2"]


def test_index_operations() -> None:
    # push copies by index, '.' after an index is a no-op, an index at the end replaces the stack
    assert select(INTERFACES, "?type=ether", "?type=vlan", "?#1") == ["ether1"]
    assert select(INTERFACES, "?type=vlan", "?#0.!") == []
    assert select(INTERFACES, "?type=vlan", "?#.|") == ["vlan10"]


def test_malformed_words() -> None:
    for words in (["name=x"], ["?<name"], ["?-name=x"], ["?#x"]):
        with pytest.raises(QueryError):
            select(INTERFACES, *words)


@given(st.lists(st.sampled_from(["ether", "vlan", "bridge", "wlan"]), min_size=1, max_size=4))
def test_or_chain_is_membership(kinds: list[str]) -> None:
    words = [f"?type={k}" for k in kinds] + ["?#|"] * (len(kinds) - 1)
    assert select(INTERFACES, *words) == [r["name"] for r in INTERFACES if r["type"] in kinds]
