"""The scope itself: what a municipality user's Scope returns, and that the pages read only through it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mikronet.web.views as views_module
from mikronet.web import NotFound, Scope, User


def test_a_municipality_scope_holds_only_its_schools(world) -> None:  # type: ignore[no-untyped-def]
    scope = Scope(world.sources, User("adazi", "municipality", "Ādažu novads"))
    assert [s.id for s in scope.schools()] == ["LV-0101", "LV-0102"]
    assert scope.municipalities() == ("Ādažu novads",)
    assert {s.school for s in scope.states()} == {"LV-0101", "LV-0102"}
    assert {e.school for e in scope.events()} == {"LV-0101", "LV-0102"}
    assert scope.events(technician="Ģirts Cēsnieks") == ()
    for ask in (lambda: scope.school("LV-0201"), lambda: scope.states("LV-0201"),
                lambda: scope.events(school="LV-0201"), lambda: scope.events(municipality="Cēsu novads"),
                lambda: scope.municipality("Cēsu novads"), lambda: scope.routers("LV-0202")):
        with pytest.raises(NotFound):
            ask()
    report = scope.progress()
    assert (report.inventory_schools, report.target, report.enrolled) == (2, 2, 2)
    assert [r.id for r in scope.runs()] == ["20260102T080000Z-push"]


def test_the_ministry_scope_holds_every_school(world) -> None:  # type: ignore[no-untyped-def]
    scope = Scope(world.sources, User("m", "ministry"))
    assert len(scope.schools()) == 4
    assert scope.municipalities() == ("Ādažu novads", "Cēsu novads")
    assert scope.progress().target == 100  # the programme's own target
    assert len(scope.events(municipality="Cēsu novads")) == 2
    assert scope.chain().ok


def test_views_read_only_through_the_scope() -> None:
    """No view reaches past the scope to the sources, the ledger or the inventory."""
    tree = ast.parse(Path(views_module.__file__).read_text(encoding="utf-8"))
    reached = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not reached & {"sources", "ledger", "inventory", "state"}


def test_a_new_event_shows_at_once_despite_the_cache(world) -> None:  # type: ignore[no-untyped-def]
    scope = Scope(world.sources, User("m", "ministry"))
    before = scope.progress()
    assert len(scope.events()) == 4
    world.sources.ledger.append(school="LV-0202", kind="consultation", technician="Ģirts Cēsnieks",
                                details={"note": "vēl viena"})
    assert len(scope.events()) == 5
    assert scope.progress() is not before
    assert scope.progress() is scope.progress()  # kept while the ledger does not grow
