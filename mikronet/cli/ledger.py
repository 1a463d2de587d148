"""``mikronet ledger list | show | export | import | verify`` and ``mikronet record``.

A thin shell over :mod:`mikronet.ledger`. The ledger is the one ``--ledger URL`` names, else
``ledger.sqlite`` beside the inventory. Reading commands never create a ledger: a missing one is an
error naming where it was looked for. Every line printed passes the secret redactor.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import click

from mikronet.cli.main import get_app
from mikronet.cli.output import print_table, write_output
from mikronet.clock import for_people
from mikronet.errors import InputError
from mikronet.inventory.programme import CATEGORIES
from mikronet.secret import REDACTOR

__all__ = ["ledger", "record"]

RECORDABLE = ("consultation", "technical-fix")
"""Kinds a person records by hand; the others are written by the command that does the work."""


def _echo(text: str, *, err: bool = False) -> None:
    click.echo(REDACTOR.redact(text), err=err)


def _emit_json(data: Any) -> None:
    _echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _wants_json(ctx: click.Context, local: bool) -> bool:
    return local or get_app(ctx).json_output


def _open(ctx: click.Context, *, create: bool, categories: Any = None) -> Any:
    from mikronet.ledger import open_ledger

    app = get_app(ctx)
    return open_ledger(app.ledger_url, base_dir=app.inventory_path, categories=categories, create=create)


def _backups(inventory: Any, technician: str | None = None) -> Any:
    """The inventory's backup folder: where the ledger's head is witnessed."""
    from mikronet.ops.backup import BackupStore

    return BackupStore(inventory.trust_dir / "backups", author=technician)


def _witness(store: Any, inventory: Any, technician: str | None) -> bool:
    """Commit the ledger's head to the backups' history; a refusal is said on stderr (False)."""
    from mikronet.errors import MikronetError
    from mikronet.ledger.witness import record_witness

    try:
        record_witness(store, _backups(inventory, technician), author=technician)
    except MikronetError as exc:
        _echo(f"warning: {exc}", err=True)
        return False
    return True


def _when(value: str | None, *, end: bool, option: str) -> datetime | None:
    """``2021-05-03`` (the whole day, UTC) or an ISO 8601 time (UTC unless it says otherwise)."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        start = datetime.combine(day, time(0), tzinfo=UTC)
        return start + timedelta(days=1, microseconds=-1) if end else start
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither a date (2021-05-03) nor a time (2021-05-03T14:30)", param_hint=option
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _filters(func: Any) -> Any:
    for option in reversed(
        [
            click.option("--school", default=None, help="Only this school (LV-0042)."),
            click.option("--router", default=None, help="Only this router (LV-0042/gw)."),
            click.option("--kind", default=None, help="Only this kind (consultation, routeros-upgrade, …)."),
            click.option("--since", default=None, metavar="WHEN", help="From this date or time on (UTC unless given)."),
            click.option("--until", default=None, metavar="WHEN", help="Up to this date (inclusive) or time."),
        ]
    ):
        func = option(func)
    return func


def _select(
    ctx: click.Context, school: str | None, router: str | None, kind: str | None, since: str | None, until: str | None
) -> tuple[Any, list[Any]]:
    ledger = _open(ctx, create=False)
    try:
        events = ledger.events(
            school=school,
            router=router,
            kind=kind,
            since=_when(since, end=False, option="--since"),
            until=_when(until, end=True, option="--until"),
        )
    except BaseException:
        ledger.close()
        raise
    return ledger, events


def _row(event: Any) -> list[str]:
    return [
        str(event.seq),
        for_people(event.time, seconds=True),
        event.school,
        event.router or "",
        event.kind,
        event.outcome,
        event.technician,
        event.id[:8],
        event.summary,
    ]


@click.group("ledger")
def ledger() -> None:
    """List, show, export, import and verify the ledger of interventions."""


@ledger.command("list")
@_filters
@click.option("--json", "json_local", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_(ctx: click.Context, /, json_local: bool, **filters: str | None) -> None:
    """List events in the order they were recorded."""
    store, events = _select(ctx, **filters)
    store.close()
    if _wants_json(ctx, json_local):
        _emit_json([e.record() for e in events])
        return
    if not events:
        _echo("no events", err=True)
        return
    headers = ["SEQ", "TIME (UTC)", "SCHOOL", "ROUTER", "KIND", "OUTCOME", "TECHNICIAN", "ID", "SUMMARY"]
    print_table(headers, [_row(e) for e in events])
    if sys.stdout.isatty():
        _echo(f"{len(events)} events", err=True)


@ledger.command("show")
@click.argument("ref", metavar="ID")
@click.option("--json", "json_local", is_flag=True, help="Machine-readable output.")
@click.pass_context
def show(ctx: click.Context, ref: str, json_local: bool) -> None:
    """Show one event: ID is its id, a unique beginning of it (as `list` prints), or its SEQ."""
    with _open(ctx, create=False) as store:
        event = store.get(ref)
    record = event.record()
    if _wants_json(ctx, json_local):
        _emit_json(record)
        return
    details = record.pop("details")
    shown = {key: value for key, value in record.items() if value is not None}
    width = max(len(key) for key in shown)
    for key, value in shown.items():
        _echo(f"{key.ljust(width)}  {value}")
    _echo("details:")
    for line in json.dumps(details, ensure_ascii=False, indent=2, sort_keys=True).splitlines():
        _echo(f"  {line}")


@ledger.command("export")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "jsonl"]),
    required=True,
    help="csv (with a BOM, for spreadsheets), json, or jsonl (for `ledger import`).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@_filters
@click.pass_context
def export(ctx: click.Context, /, fmt: str, output: Path | None, force: bool, **filters: str | None) -> None:
    """Write the events out. `--format jsonl` is what `ledger import` reads on another machine (export
    the whole ledger for that: a filtered export has gaps in its chain and is refused there)."""
    from mikronet.ledger import export_text

    store, events = _select(ctx, **filters)
    store.close()
    text = REDACTOR.redact(
        export_text(events, fmt, source=store.url, bom=output is not None or not sys.stdout.isatty())
    )
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(output, text, force=force)
    _echo(f"wrote {len(events)} events to {output}", err=True)


@ledger.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "json_local", is_flag=True, help="Machine-readable output.")
@click.pass_context
def import_(ctx: click.Context, file: Path, json_local: bool) -> None:
    """Merge FILE.jsonl (from `ledger export --format jsonl` on another machine) into this ledger.

    Events already here (by id) are skipped, so merging the same file twice adds nothing the second
    time. A file whose own chain is broken is refused, naming the event, and nothing is merged; so is
    a file with an event the inventory does not allow (an unknown school or router, a router of
    another school, a category its kind does not count under, a time in the future), naming its line.
    """
    from mikronet.inventory import load_inventory
    from mikronet.ledger import Admission, categories_of, read_jsonl_lines, resolve_technician

    inventory = load_inventory(get_app(ctx).inventory_path)
    numbered = read_jsonl_lines(file)
    categories = categories_of(inventory)
    witnessed = True
    with _open(ctx, create=True, categories=categories) as store:
        report = store.import_events([event for _, event in numbered], admission=Admission.of(inventory, categories),
                                     lines=[number for number, _ in numbered], source=file)
        url = store.url
        if report.added:
            witnessed = _witness(store, inventory, resolve_technician(None))
    if _wants_json(ctx, json_local):
        _emit_json(report.record() | {"file": str(file), "ledger": url})
    else:
        _echo(f"merged {len(report.added)} events from {file} into {url} ({report.skipped} already there)")
    if not witnessed:
        ctx.exit(1)


@ledger.command("verify")
@click.option("--json", "json_local", is_flag=True, help="Machine-readable output.")
@click.pass_context
def verify(ctx: click.Context, json_local: bool) -> None:
    """Recompute the hash chain, and check it still reaches the head last witnessed in the backups'
    history. Exit status 1, naming the first event edited, deleted or out of place (or the events
    cut away after it), when it does not hold."""
    from mikronet.errors import InputError
    from mikronet.inventory import load_inventory
    from mikronet.ledger.witness import read_witness

    try:
        backups = _backups(load_inventory(get_app(ctx).inventory_path))
    except InputError as exc:
        backups = None
        _echo(f"note: no inventory, so no witness of the head to check against ({exc})", err=True)
    with _open(ctx, create=False) as store:
        witness = read_witness(backups, store.url) if backups is not None else None
        report = store.verify(witness.head if witness else None,
                              witnessed=witness.describe() if witness else "the witness")
        url = store.url
    witnessed = {"witness": {"seq": witness.head.seq, "hash": witness.head.hash, "time": witness.time}
                 if witness else None}
    if _wants_json(ctx, json_local):
        _emit_json(report.record() | {"ledger": url} | witnessed)
    elif report.ok:
        head = f", head {report.head[:12]}" if report.head else ""
        seen = (f"; reaches the head witnessed at seq {witness.head.seq} on {witness.time}" if witness
                else "; no witness of its head in the backups yet")
        _echo(f"ok: {report.checked} events, chain intact ({url}{head}){seen}")
    else:
        where = f" (seq {report.seq})" if report.seq is not None else ""
        _echo(f"broken: event {report.first_bad}{where}: {report.problem}")
        _echo(f"{report.checked} events before it check out ({url})", err=True)
    if not report.ok:
        ctx.exit(1)


def _school_and_router(inventory: Any, school_id: str, router: str | None) -> tuple[Any, Any]:
    try:
        school = inventory.school(school_id)
    except KeyError:
        close = difflib.get_close_matches(school_id, [s.id for s in inventory.schools], n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InputError(f"no school {school_id!r} in {inventory.path}{hint}") from None
    if router is None:
        return school, None
    wanted = router if "/" in router else f"{school.id}/{router}"
    if wanted not in school.routers:
        raise InputError(f"--router {router!r}: {school.id} has the routers {', '.join(school.routers)}")
    return school, inventory.router(wanted)


@click.command("record")
@click.argument("school_id", metavar="SCHOOL")
@click.option("--kind", type=click.Choice(RECORDABLE), default="consultation", show_default=True, help="What was done.")
@click.option("--note", required=True, help="What was done and found, in a sentence or two.")
@click.option("--router", default=None, help="The router concerned (LV-0042/gw, or its name gw).")
@click.option(
    "--outcome", type=click.Choice(["completed", "failed", "interrupted"]), default="completed", show_default=True
)
@click.option("--technician", default=None, help="Who did it [default: MIKRONET_TECHNICIAN, git user.name, login].")
@click.option("--programme", "programme", type=click.Choice(CATEGORIES), default=None,
              help="Mark it as the programme's short-term solution of this category: the school then counts "
              "toward the target, planned or not.")
@click.option("--json", "json_local", is_flag=True, help="Machine-readable output.")
@click.pass_context
def record(
    ctx: click.Context,
    school_id: str,
    kind: str,
    note: str,
    router: str | None,
    outcome: str,
    technician: str | None,
    programme: str | None,
    json_local: bool,
) -> None:
    """Record work done at SCHOOL away from the router: a consultation, a fix by hand."""
    from mikronet.errors import SecretError
    from mikronet.inventory import load_inventory, resolve_secrets
    from mikronet.ledger import categories_of, technician_source

    inventory = load_inventory(get_app(ctx).inventory_path)
    school, chosen = _school_and_router(inventory, school_id, router)
    with contextlib.suppress(SecretError):  # the school's passwords become known to the redactor
        resolve_secrets(list(inventory.routers_of(school.id)))
    given_globally = ctx.find_root().get_parameter_source("technician") is click.core.ParameterSource.COMMANDLINE
    name, source = technician_source(
        technician or (get_app(ctx).technician if given_globally else None),
        cwd=inventory.path if inventory.path.is_dir() else inventory.path.parent
    )
    with _open(ctx, create=True, categories=categories_of(inventory)) as store:
        event = store.append(
            school=school.id,
            kind=kind,
            technician=name,
            router=chosen.id if chosen else None,
            serial=chosen.serial if chosen else None,
            details={"note": note},
            outcome=outcome,
            programme=programme,
        )
        url = store.url
        witnessed = _witness(store, inventory, name)
    if _wants_json(ctx, json_local):
        _emit_json(event.record())
    else:
        by = f"by {name} [{source}]"
        if programme:
            by += f", marked as the programme's {programme}"
        _echo(f"recorded {kind} at {school.id} ({school.name}) {by}: event {event.id[:8]} (seq {event.seq}) in {url}")
    if not witnessed:
        ctx.exit(1)
