"""``mikronet inventory``: check, list, show, import and export the inventory; the import columns.

A thin shell: each command parses its options, calls :mod:`mikronet.inventory`, and prints. Bad
input raises an :class:`~mikronet.errors.InputError` (exit status 2, ``error: …`` on stderr).
Every line printed passes the secret redactor as a last guard, and text from the inventory is
printed with its control characters escaped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from mikronet.cli.completion import complete_router
from mikronet.cli.main import get_app
from mikronet.cli.options import json_option, limit_option
from mikronet.cli.output import print_table, write_output
from mikronet.errors import InputError, InventoryError, SecretError, SelectionError
from mikronet.secret import REDACTOR

__all__ = ["inventory"]



def _echo(text: str, *, err: bool = False) -> None:
    click.echo(REDACTOR.redact(text), err=err)


def _emit_json(data: Any) -> None:
    _echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _select(inv: Any, limit: str | None) -> Any:
    """The selected routers; a warning on stderr for each term that matched nothing."""
    from mikronet.inventory import select
    from mikronet.inventory.select import unmatched_terms

    routers = select(inv, limit)
    for term in unmatched_terms(inv, limit):
        _echo(f"warning: --limit term {term!r} matched no router", err=True)
    return routers


def _wants_json(ctx: click.Context, local: bool) -> bool:
    return local or get_app(ctx).json_output


def _load(ctx: click.Context) -> Any:
    from mikronet.inventory import load_inventory

    return load_inventory(get_app(ctx).inventory_path)


@click.group("inventory")
def inventory() -> None:
    """Check, list, show, import and export the inventory."""


@inventory.command("check")
@limit_option
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Template folder (default: the inventory's, else templates/ beside it).",
)
@json_option
@click.pass_context
def check(ctx: click.Context, limit: str | None, templates: Path | None, json_local: bool) -> None:
    """Validate the inventory, check every router's template exists, and resolve the secrets of
    the selected routers (their variables' and their templates' defaults' too).

    Prints one line: schools, routers and municipalities. Any problem is an error naming the file,
    line and field (exit status 2).
    """
    from mikronet.inventory import resolve_secrets, summary
    from mikronet.inventory.checks import template_problems
    from mikronet.inventory.secrets import resolve_value
    from mikronet.render import Renderer, find_template_dir
    from mikronet.render_vars import unused_variables

    inv = _load(ctx)
    folder = find_template_dir(inv, templates)
    missing = template_problems(inv.routers, folder)
    if missing:
        first = missing[0]
        more = "".join(f"\n{p}" for p in missing[1:])
        raise InventoryError(first.message + more, file=first.file, line=first.line, field=first.field)
    routers = _select(inv, limit)
    resolved = resolve_secrets(routers)
    renderer = Renderer(folder)
    for template in sorted({r.template for r in routers}):  # secrets in the templates' defaults too
        resolve_value(renderer.template_defaults(template))
    unused = unused_variables(renderer, routers)
    data = summary(inv) | {
        "selected": len(routers),
        "secrets_resolved": len(resolved),
        "templates": str(folder),
        "warnings": [u.message() for u in unused],
    }
    if _wants_json(ctx, json_local):
        _emit_json(data)
        return
    for problem in unused:
        _echo(f"warning: {problem.message()}", err=True)
    selected = f"; {len(routers)} selected" if limit else ""
    _echo(
        f"ok: {data['schools']} schools, {data['routers']} routers, {data['municipalities']} municipalities "
        f"({inv.path}, {data['files']} files){selected}; secrets resolve for {len(resolved)} routers"
    )


@inventory.command("list")
@limit_option
@json_option
@click.pass_context
def list_(ctx: click.Context, limit: str | None, json_local: bool) -> None:
    """List the selected routers (secrets are not needed)."""
    from mikronet.inventory import router_record

    routers = _select(_load(ctx), limit)
    if _wants_json(ctx, json_local):
        _emit_json([router_record(r) for r in routers])
        return
    rows = [
        [r.id, r.school.name, r.school.municipality, r.host, r.model, r.routeros or "", r.transport]
        for r in routers
    ]
    print_table(["ROUTER", "SCHOOL", "MUNICIPALITY", "HOST", "MODEL", "ROUTEROS", "TRANSPORT"], rows)


@inventory.command("show")
@click.argument("router_id", metavar="ROUTER", shell_complete=complete_router)
@json_option
@click.pass_context
def show(ctx: click.Context, router_id: str, json_local: bool) -> None:
    """Show every resolved value of one router and where it came from."""
    import difflib

    from mikronet.inventory import describe, resolve_secrets

    inv = _load(ctx)
    try:
        router = inv.router(router_id)
    except KeyError:
        ids = [r.id for r in inv.routers]
        if router_id in {s.id for s in inv.schools}:
            raise SelectionError(
                f"{router_id!r} is a school; its routers: {', '.join(inv.school(router_id).routers)}"
            ) from None
        close = difflib.get_close_matches(router_id, ids, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise SelectionError(f"no router {router_id!r} in {inv.path}{hint}") from None
    problem = None
    try:
        router = resolve_secrets([router])[0]
    except SecretError as exc:
        problem = exc.message.splitlines()[0]
    rows = describe(router, password_problem=problem)
    if _wants_json(ctx, json_local):
        _emit_json({"router": router.id, "values": [row.record() for row in rows]})
        return
    print_table(
        ["FIELD", "VALUE", "FROM"],
        [[row.name, row.value, str(row.origin or "")] for row in rows],
        title=f"{router.id}  ({router.location})",
    )


@inventory.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the YAML here (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--encoding",
    default="auto",
    show_default=True,
    help="CSV text encoding; auto reads UTF-8 (with or without BOM), UTF-16 with BOM, else cp1257.",
)
@click.option("--sheet", default=None, help="XLSX sheet name (default: the first sheet).")
@json_option
@click.pass_context
def import_(
    ctx: click.Context,
    file: Path,
    output: Path | None,
    force: bool,
    encoding: str,
    sheet: str | None,
    json_local: bool,
) -> None:
    """Turn a municipality's spreadsheet (FILE.csv or FILE.xlsx, one row per router) into inventory YAML.

    Municipalities and models are checked against mikronet's reference data (a pre-reform
    municipality gives the current one), and the schools against the inventory (-i): a school id,
    address or serial it already has, or a network that overlaps one of its schools', is an error.
    Every bad row is reported by its row number and column, and nothing is written unless all are
    good. `mikronet inventory columns` lists the columns.
    """
    from mikronet.inventory.tabular import check_against, import_table, schools_yaml

    result = import_table(file, encoding=encoding, sheet=sheet)
    root = get_app(ctx).inventory_path
    if root.exists():
        replacing = output if output is not None and output.exists() else None
        check_against(result, root, replacing=replacing)
    for note in result.notes:
        _echo(f"note: {note}", err=True)
    if result.ignored_columns:
        _echo(f"note: ignored columns: {', '.join(result.ignored_columns)}", err=True)
    if _wants_json(ctx, json_local) and output is None:
        _emit_json(
            {
                "schools": list(result.schools),
                "rows": result.rows,
                "ignored_columns": list(result.ignored_columns),
            }
        )
        return
    text = schools_yaml(result.schools, source=file.name)
    if output is None:
        _echo(text.rstrip("\n"))
    else:
        write_output(output, text, force=force)
    _echo(
        f"imported {len(result.schools)} schools, {result.routers} routers from {result.rows} rows"
        + (f" → {output}" if output else ""),
        err=True,
    )


@inventory.command("export")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["csv", "ansible", "nornir"]),
    required=True,
    help="csv (the import format), ansible (YAML inventory), nornir (SimpleInventory folder).",
)
@limit_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write (csv, ansible; default standard output) or folder (nornir, required).",
)
@click.option("--force", is_flag=True, help="Replace existing files.")
@click.option(
    "--excel", is_flag=True, help="csv: the way Excel in Latvia reads it (BOM, ';', decimal comma)."
)
@click.pass_context
def export(
    ctx: click.Context, fmt: str, limit: str | None, output: Path | None, force: bool, excel: bool
) -> None:
    """Write the inventory for another tool. No secret is written."""
    from mikronet.inventory.export import ansible_inventory, csv_text, nornir_inventory

    inv = _load(ctx)
    routers = _select(inv, limit)
    if fmt == "nornir":
        if output is None:
            raise InputError(
                "--format nornir writes a folder (hosts.yaml, groups.yaml, defaults.yaml): give -o DIR"
            )
        files = nornir_inventory(inv, routers)
        if output.exists() and not output.is_dir():
            raise InputError(f"{output}: not a folder")
        if not force:
            existing = [name for name in files if (output / name).exists()]
            if existing:
                raise InputError(f"{output}: {', '.join(existing)} already exist; use --force to replace")
        output.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            write_output(output / name, text, force=True)
        _echo(f"wrote {len(routers)} hosts to {output}/", err=True)
        return
    text = csv_text(inv, routers, excel=excel) if fmt == "csv" else ansible_inventory(inv, routers)
    if output is None:
        click.echo(REDACTOR.redact(text), nl=False)
    else:
        write_output(output, text, force=force)
        _echo(f"wrote {len(routers)} routers to {output}", err=True)


@inventory.command("columns")
@json_option
@click.pass_context
def columns(ctx: click.Context, json_local: bool) -> None:
    """The columns `inventory import` reads, with the Latvian headers it accepts.

    Headers match ignoring case, accents, spaces, '_' and '-' ("Pašvaldība līdz 2021" =
    pasvaldiba_lidz_2021), in any order; other columns are ignored and named.
    """
    from mikronet.inventory.cells import COLUMNS, EXTRA_COLUMNS

    if _wants_json(ctx, json_local):
        records = [
            {
                "column": c.name,
                "required": c.required,
                "latvian": list(c.latvian),
                "also": list(c.aliases),
                "what": c.help,
            }
            for c in COLUMNS
        ]
        records += [{"column": n, "required": False, "latvian": [], "also": [], "what": w} for n, w in EXTRA_COLUMNS]
        _emit_json(records)
        return
    rows = [
        [c.name, "yes" if c.required else "", ", ".join(c.latvian), c.help]
        for c in COLUMNS
    ]
    rows += [[name, "", "", what] for name, what in EXTRA_COLUMNS]
    print_table(["COLUMN", "REQUIRED", "LATVIAN HEADERS", "WHAT"], rows)
