"""``mikronet state [rebuild]``: each router's current state, as every operation left it.

``state`` prints the table (``--json``: one object per router); ``state rebuild`` recomputes it from
the run records, the backups and the ledger and replaces the table with what it found, saying how
many rows differed from the incremental updates.
"""

from __future__ import annotations

import json

import click

from mikronet.cli.options import json_option, limit_option
from mikronet.cli.output import echo, print_table
from mikronet.cli.root import open_fleet, read_ledger, wants_json
from mikronet.clock import for_people_text
from mikronet.inventory import select

__all__ = ["state"]

_COLUMNS = ("router", "model", "routeros", "firmware", "drift", "last", "backup", "seen")


def _when(text: str | None) -> str:
    """A stored UTC time as people read it: Europe/Riga, with its offset."""
    return for_people_text(text) or "-"


def _drift(value: bool | None, ops: int | None) -> str:
    if value is None:
        return "?"
    return f"yes ({ops})" if value else "no"


@click.group(invoke_without_command=True)
@limit_option
@json_option
@click.pass_context
def state(ctx: click.Context, limit: str | None, json_local: bool) -> None:
    """Each router's current state: what it is and runs, drift, its last change, backup and pins."""
    if ctx.invoked_subcommand is not None:
        return
    fleet = open_fleet(ctx)
    routers = select(fleet.inventory, limit)  # ids and schools only: no secret is needed to read the state
    ledger = read_ledger(ctx, fleet.inventory)  # nothing recorded yet: every router unknown, no file made
    rows = {s.router: s for s in (ledger.state.all([r.id for r in routers]) if ledger is not None else [])}
    if wants_json(ctx, json_local):
        for router in routers:
            found = rows.get(router.id)
            echo(json.dumps(found.record() if found else {"router": router.id, "school": router.school.id},
                            ensure_ascii=False))
        return
    table = []
    for router in routers:
        row = rows.get(router.id)
        if row is None:
            table.append((router.id, router.model, router.routeros or "-", "-", "?", "never run", "-", "-"))
            continue
        last = f"{row.last_operation} {row.last_status}" if row.last_operation else "-"
        model = row.model or router.model
        if row.mismatch:
            model += " (mismatch)"
        table.append((router.id, model, row.routeros or router.routeros or "-", row.firmware or "-",
                      _drift(row.drift, row.drift_ops), last, (row.backup_commit or "-")[:10], _when(row.seen_at)))
    print_table(_COLUMNS, table)
    known = sum(1 for r in routers if r.id in rows)
    echo(f"{len(routers)} routers, {known} with a recorded state", dim=True)


@state.command()
@click.pass_context
def rebuild(ctx: click.Context) -> None:
    """Recompute the state from the run records, the backups and the ledger, and put it in place."""
    from mikronet.runner.observers import rebuild_states

    fleet = open_fleet(ctx)
    store = fleet.open_ledger().state
    before = {s.router: s for s in store.all()}
    states = rebuild_states(fleet.runs_dir, select(fleet.inventory, None), fleet.backups)
    differing = sum(1 for s in states if before.get(s.router) != s) + sum(
        1 for router in before if router not in {s.router for s in states})
    store.replace_all(states)
    echo(f"rebuilt the state of {len(states)} router(s) from {fleet.runs_dir} and {fleet.backups.root}; "
         f"{differing} differed from what was recorded")
