"""PostgreSQL's row-level security, the second wall behind the dashboard's scopes: queried as a
municipality's scope role directly, the database itself returns only that municipality's rows."""

from __future__ import annotations

import psycopg
import pytest
from starlette.testclient import TestClient

from mikronet.ledger import scope_role
from mikronet.web import Scope, User, WebSettings, create_app

from .conftest import ADAZI, CESU, login

ADAZI_SCHOOLS = {"LV-0101", "LV-0102"}


def _as_role(url: str, role: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'SET ROLE "{role}"')
        return conn.execute(sql).fetchall()


def test_a_scope_role_reads_only_its_municipalitys_rows(pg_world, pg_schema_url: str) -> None:  # type: ignore[no-untyped-def]
    sources = pg_world.sources
    assert not sources.notes, sources.notes
    role = scope_role("Ādažu novads")
    assert sources.roles["Ādažu novads"] == role
    events = _as_role(pg_schema_url, role, "SELECT school, technician FROM ledger_events")
    assert {school for school, _ in events} == ADAZI_SCHOOLS
    assert "Ģirts Cēsnieks" not in {technician for _, technician in events}
    states = _as_role(pg_schema_url, role, "SELECT school, serial FROM router_state")
    assert {school for school, _ in states} == ADAZI_SCHOOLS
    scopes = _as_role(pg_schema_url, role, "SELECT school, municipality FROM school_scope")
    assert {municipality for _, municipality in scopes} == {"Ādažu novads"}
    cesis = _as_role(pg_schema_url, scope_role("Cēsu novads"), "SELECT DISTINCT school FROM ledger_events")
    assert {school for (school,) in cesis} == {"LV-0201", "LV-0202"}
    # nothing else: no writes, no other table
    for sql in ("INSERT INTO ledger_events (seq) VALUES (99)", "DELETE FROM router_state",
                "SELECT * FROM ledger_head"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _as_role(pg_schema_url, role, sql)
    # the ledger's own user keeps every row, and writes as before
    assert len(sources.ledger.events()) == 4
    sources.ledger.append(school="LV-0201", kind="consultation", technician="Ģirts Cēsnieks", details={"note": "x"})
    assert len(sources.ledger.events()) == 5


def test_the_dashboard_reads_a_municipality_as_its_role(pg_world) -> None:  # type: ignore[no-untyped-def]
    """Even a read that forgot the scope's own filter gets only the municipality's rows."""
    sources = pg_world.sources
    role = sources.roles["Ādažu novads"]
    assert {e.school for e in sources.ledger.events(role=role)} == ADAZI_SCHOOLS
    assert {s.school for s in sources.ledger.state.all(role=role)} == ADAZI_SCHOOLS
    assert {e.school for e in sources.ledger.events(school="LV-0201", role=role)} == set()
    scope = Scope(sources, User("adazi", "municipality", "Ādažu novads"))
    assert {e.school for e in scope.events()} == ADAZI_SCHOOLS
    assert {s.school for s in scope.states()} == ADAZI_SCHOOLS
    client = TestClient(create_app(sources, pg_world.users, WebSettings(secret_key="k" * 64)))
    assert login(client, "adazi").status_code == 303
    for path in ("/programme", "/ledger", "/fleet", "/schools/LV-0101", "/api/ledger"):
        body = client.get(path).text
        assert not [word for word in CESU if word in body], path
        assert any(word in body for word in ADAZI), path


def test_the_inventory_moves_a_school_the_next_start_moves_its_rows(pg_world, pg_schema_url: str) -> None:  # type: ignore[no-untyped-def]
    from mikronet.ledger import apply_row_security

    ledger = pg_world.sources.ledger
    apply_row_security(ledger, {"LV-0101": "Ādažu novads", "LV-0102": "Cēsu novads",
                                "LV-0201": "Cēsu novads", "LV-0202": "Cēsu novads"})
    found = _as_role(pg_schema_url, scope_role("Ādažu novads"), "SELECT DISTINCT school FROM ledger_events")
    assert {school for (school,) in found} == {"LV-0101"}
