"""``mikronet report progress | upgrades | drift | compensation``: the reports, on the terminal or in a file.

Every report takes ``--format table|md|csv|json|html``, ``--lang en|lv`` and ``-o FILE`` (the format
then defaults to the file's suffix). ``drift --exit-code`` exits 3 when any router drifted (for cron).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from mikronet.cli.root import load, read_ledger
from mikronet.errors import InputError

__all__ = ["report"]

F = TypeVar("F", bound=Callable[..., Any])

DRIFT_EXIT = 3


def _output_options(func: F) -> F:
    func = click.option("--table", "table_key", default=None, metavar="KEY",
                        help="CSV: write only this table (e.g. municipalities), header first.")(func)
    func = click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
                        help="Write to FILE (the format defaults to its suffix: .md .csv .json .html).")(func)
    func = click.option("--lang", type=click.Choice(["en", "lv"]), default="en", show_default=True,
                        help="Language of headings, labels and kinds; lv uses Latvian number and date formats.")(func)
    return click.option("--format", "fmt", type=click.Choice(["table", "md", "csv", "json", "html"]), default=None,
                        help="Output format (default: table on the terminal, else the file's suffix).")(func)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r}: not a date (YYYY-MM-DD, e.g. 2021-06-30)") from None


def _inventory(ctx: click.Context) -> Any:
    return load(ctx)


def _events(ctx: click.Context, inventory: Any) -> list[Any]:
    """Every event of the ledger (``--ledger URL``, else the SQLite file beside the inventory)."""
    ledger = read_ledger(ctx, inventory)
    return list(ledger.events()) if ledger is not None else []


def _facts(ctx: click.Context, inventory: Any) -> Any:
    """Each router's newest known facts, from the fleet state."""
    from mikronet.reports import facts_from_state

    ledger = read_ledger(ctx, inventory)
    return facts_from_state(ledger.state.all() if ledger is not None else [])


def _emit(report_obj: Any, fmt: str | None, lang: str, output: Path | None, table_key: str | None) -> None:
    from mikronet.reports.output import format_for, render_report, write_report
    from mikronet.secret import REDACTOR

    if output is not None:
        path = write_report(report_obj, output, format_for(output, fmt), lang, table=table_key)
        click.echo(f"wrote {path}", err=True)
        return
    fmt = fmt or "table"
    terminal = fmt == "table"
    text = render_report(report_obj, fmt, lang, table=table_key, width=_width() if terminal else None,
                         color=terminal and sys.stdout.isatty())
    click.echo(REDACTOR.redact(text), nl=False)


def _width() -> int:
    import shutil

    return max(shutil.get_terminal_size((120, 40)).columns, 80)


@click.group()
def report() -> None:
    """Programme progress, the upgrade audit, drift and advisories, compensation."""


@report.command()
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="The programme as it stood at the end of DATE, schools grouped by that day's municipalities.")
@_output_options
@click.pass_context
def progress(ctx: click.Context, as_of: str | None, fmt: str | None, lang: str, output: Path | None,
             table_key: str | None) -> None:
    """Schools with a completed short-term improvement, against the target; by municipality, kind, week."""
    from mikronet.reports import build_progress

    day = _day(as_of, "--as-of")
    inventory = _inventory(ctx)
    _emit(build_progress(inventory, _events(ctx, inventory), as_of=day), fmt, lang, output, table_key)


@report.command()
@click.option("--campaign", default=None, help="Only the upgrades of this campaign.")
@click.option("--since", default=None, metavar="DATE", help="Only upgrades on or after DATE.")
@click.option("--target", "targets", multiple=True, metavar="[CHANNEL[/MODEL]=]VERSION",
              help="Target version for compliance: 7.16.2, stable=7.16.2, long-term/RB750Gr3=6.49.18 (repeatable).")
@click.option("--facts", "facts_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="A facts run record to read versions from (default: the fleet state, each router's newest).")
@_output_options
@click.pass_context
def upgrades(ctx: click.Context, campaign: str | None, since: str | None, targets: tuple[str, ...],
             facts_file: Path | None, fmt: str | None, lang: str, output: Path | None, table_key: str | None) -> None:
    """The evidence of an upgrade campaign, and the fleet's versions against the targets."""
    from mikronet.reports import build_upgrades, campaign_targets, parse_target, read_facts

    day = _day(since, "--since")
    inventory = _inventory(ctx)
    events = _events(ctx, inventory)
    parsed = [parse_target(t) for t in targets] or campaign_targets(events, campaign)
    facts = read_facts(facts_file) if facts_file else _facts(ctx, inventory)
    _emit(build_upgrades(inventory, events, facts=facts, campaign=campaign, since=day, targets=parsed), fmt, lang,
          output, table_key)


@report.command()
@click.option("-l", "--limit", default=None, metavar="PATTERN", help="Routers to include (as for plan and push).")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Template folder (default: the project's templates/).")
@click.option("--backups", "backups_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Backups folder (default: backups/ beside the inventory).")
@click.option("--advisories", "advisories_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              default=None, help="Advisories file (default: the one shipped with mikronet).")
@click.option("--exit-code", is_flag=True, help=f"Exit {DRIFT_EXIT} when any router drifted from its template.")
@_output_options
@click.pass_context
def drift(ctx: click.Context, limit: str | None, templates: Path | None, backups_dir: Path | None,
          advisories_file: Path | None, exit_code: bool, fmt: str | None, lang: str, output: Path | None,
          table_key: str | None) -> None:
    """Each router's last backup against its rendered template; routers on versions with advisories."""
    from mikronet.inventory import select
    from mikronet.render import Renderer
    from mikronet.reports import build_drift, load_advisories
    from mikronet.reports.common import inventory_home

    inventory = _inventory(ctx)
    home = Path(inventory_home(inventory))
    found = build_drift(inventory, backups_dir=backups_dir or home / "backups", renderer=Renderer(templates),
                        advisories=load_advisories(advisories_file), facts=_facts(ctx, inventory),
                        routers=select(inventory, limit) if limit is not None else None)
    _emit(found, fmt, lang, output, table_key)
    if exit_code and found.any_drift:
        ctx.exit(DRIFT_EXIT)


@report.command()
@click.option("--months", default=None, metavar="FROM..TO",
              help="Months to compensate: 2021-04..2021-06 (default: the programme's months).")
@_output_options
@click.pass_context
def compensation(ctx: click.Context, months: str | None, fmt: str | None, lang: str, output: Path | None,
                 table_key: str | None) -> None:
    """Internet fee compensation by the memorandum's rule, per municipality and month, against the budget."""
    from mikronet.reports import build_compensation, parse_months

    inventory = _inventory(ctx)
    _emit(build_compensation(inventory, months=parse_months(months) if months else None), fmt, lang, output,
          table_key)


@report.command()
@_output_options
@click.pass_context
def assessment(ctx: click.Context, fmt: str | None, lang: str, output: Path | None, table_key: str | None) -> None:
    """Schools by need, from their latest assessment (`mikronet assess`); per municipality and solution."""
    from mikronet.reports import build_assessment

    inventory = _inventory(ctx)
    _emit(build_assessment(inventory, _events(ctx, inventory)), fmt, lang, output, table_key)
