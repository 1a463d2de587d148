"""Row-level security on PostgreSQL: the database's own wall behind the dashboard's scopes.

The dashboard already reads every row through a user's scope. On PostgreSQL the database enforces
it a second time, so that a query that forgot its scope still returns only what the municipality
may see:

- each municipality has a role of its own, ``mikronet_scope_<digest>`` (no login), that may only
  read the ledger's events, the fleet state and the ``school_scope`` table;
- ``school_scope`` says which role sees which school (written from the inventory by
  :func:`apply_row_security`, each time ``mikronet serve`` starts);
- policies on ``ledger_events``, ``router_state`` and ``school_scope`` let a scope role see only
  the rows of its schools. Any other role — the ledger's owner, a technician's own login — keeps
  every right it had: the policies hold only for the scope roles.

The dashboard reads a municipality's rows in transactions that ``SET LOCAL ROLE`` to its scope role
(``Ledger.events(role=…)``, ``Ledger.state.all(role=…)``). Creating the roles needs ``CREATEROLE`` on the
ledger's database user; without it, :func:`apply_row_security` raises and the dashboard says it runs
on its own scopes alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Final

from mikronet.errors import LedgerError
from mikronet.ledger.store import Ledger

__all__ = ["ROLE_PREFIX", "apply_row_security", "scope_role"]

ROLE_PREFIX: Final = "mikronet_scope_"
_TABLES: Final = ("ledger_events", "router_state", "school_scope")
_NOT_SCOPED: Final = f"NOT starts_with(current_user, '{ROLE_PREFIX}')"


def scope_role(municipality: str) -> str:
    """The database role of one municipality's scope (the same name on every server)."""
    return ROLE_PREFIX + hashlib.sha256(municipality.encode("utf-8")).hexdigest()[:16]


def apply_row_security(ledger: Ledger, schools: Mapping[str, str]) -> dict[str, str]:
    """Make the scope roles, the ``school_scope`` rows (school id → municipality) and the policies, in one
    transaction; what was there before is replaced. Returns municipality → role."""
    backend = ledger.backend
    if backend.kind != "postgresql":
        raise LedgerError(f"{ledger.url}: row-level security needs a PostgreSQL ledger")
    roles = {municipality: scope_role(municipality) for municipality in sorted(set(schools.values()))}
    with ledger.transaction(write=True):
        backend.run("CREATE TABLE IF NOT EXISTS school_scope (school TEXT PRIMARY KEY, "
                    "municipality TEXT NOT NULL, role TEXT NOT NULL)")
        backend.run("DELETE FROM school_scope")
        for school, municipality in sorted(schools.items()):
            backend.run("INSERT INTO school_scope (school, municipality, role) VALUES (?, ?, ?)",
                        (school, municipality, roles[municipality]))
        ((schema,),) = backend.fetch("SELECT current_schema()")
        for role in roles.values():
            if not backend.fetch("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?", (role,)):
                backend.run(f'CREATE ROLE "{role}" NOLOGIN')
            backend.run(f'GRANT "{role}" TO CURRENT_USER')  # so that the dashboard may SET ROLE to it
            backend.run(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
            backend.run(f'GRANT SELECT ON {", ".join(_TABLES)} TO "{role}"')
        for table, mine in (("ledger_events", "school IN (SELECT school FROM school_scope)"),
                            ("router_state", "school IN (SELECT school FROM school_scope)"),
                            ("school_scope", "role = current_user")):
            backend.run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            backend.run(f"DROP POLICY IF EXISTS mikronet_team ON {table}")
            backend.run(f"DROP POLICY IF EXISTS mikronet_scope ON {table}")
            backend.run(f"CREATE POLICY mikronet_team ON {table} USING ({_NOT_SCOPED}) WITH CHECK ({_NOT_SCOPED})")
            backend.run(f"CREATE POLICY mikronet_scope ON {table} FOR SELECT USING ({mine})")
    return roles
