"""``mikronet config``: the RouterOS language on files -- parse, diff, normalize, lint.

A thin shell over :mod:`mikronet.routeros`: read the file(s), call the library, print. A file
that cannot be parsed is bad input (exit status 2, ``error: FILE:LINE:COLUMN: …``). Sensitive
values are ``***`` unless ``--show-sensitive``; every line passes the secret redactor.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from mikronet.cli.main import get_app
from mikronet.secret import REDACTOR

__all__ = ["config"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    click.echo(REDACTOR.redact(text), err=err, nl=nl)


def _emit_json(data: Any) -> None:
    _echo(json.dumps(data, ensure_ascii=False, indent=2))


def _load(path: Path, recover: bool) -> Any:
    from mikronet.routeros import parse_file

    result = parse_file(path, recover=recover)
    for warning in result.warnings:
        _echo(f"warning: {path}:{warning}", err=True)
    return result


@click.group()
def config() -> None:
    """Parse, diff, normalise and lint RouterOS script files (.rsc exports and templates)."""


@config.command("parse")
@click.argument("file", type=_FILE)
@click.option("--json", "json_local", is_flag=True, help="The whole model as JSON.")
@click.option("--recover", is_flag=True, help="Skip unreadable statements (warnings) instead of failing.")
@click.option("--show-sensitive", is_flag=True, help="Show passwords and keys instead of ***.")
@click.pass_context
def parse_cmd(ctx: click.Context, file: Path, json_local: bool, recover: bool, show_sensitive: bool) -> None:
    """Parse FILE and show what it holds (menus, items, header, warnings)."""
    from mikronet.routeros.data import config_data

    model = _load(file, recover)
    if json_local or get_app(ctx).json_output:
        _emit_json({"file": str(file), **config_data(model, show_sensitive=show_sensitive)})
        return
    if model.header is not None:
        h = model.header
        parts = [f"RouterOS {h.version}" if h.version else None, h.date, h.model and f"model {h.model}"]
        _echo(f"{file}: " + ", ".join(p for p in parts if p))
    for path, section in model.sections.items():
        counts = []
        if section.settings:
            counts.append(f"{len(section.settings)} settings")
        if section.items:
            counts.append(f"{len(section.items)} items")
        _echo(f"{path}  ({', '.join(counts)})")
    for path, how in model.ownership.items():
        _echo(f"#mikronet: {how} {path}")


@config.command("diff")
@click.argument("actual", metavar="A", type=_FILE)
@click.argument("desired", metavar="B", type=_FILE)
@click.option("--json", "json_local", is_flag=True, help="The plan as JSON operations.")
@click.option("--merge", is_flag=True, help="Own only the menus B's '#mikronet: own' directives name "
              "(default: B owns every menu, as when comparing two exports).")
@click.option("--version", "ros_version", default=None, metavar="V",
              help="RouterOS version for defaults and renames (default: from the headers).")
@click.option("--recover", is_flag=True, help="Skip unreadable statements (warnings) instead of failing.")
@click.option("--show-sensitive", is_flag=True, help="Show passwords and keys instead of ***.")
@click.option("--exit-code", is_flag=True, help="Exit 3 when A and B differ, 0 when they do not.")
@click.pass_context
def diff_cmd(ctx: click.Context, actual: Path, desired: Path, json_local: bool, merge: bool,
             ros_version: str | None, recover: bool, show_sensitive: bool, exit_code: bool) -> None:
    """The plan that turns A into B, as RouterOS commands (empty output: nothing to do).

    With --exit-code the status says it too, as `plan --exit-code` does: 0 equal, 3 different,
    2 bad input.
    """
    from mikronet.routeros import diff, render_script
    from mikronet.routeros.data import plan_data

    before = _load(actual, recover)
    after = _load(desired, recover)
    plan = diff(after, before, own=None if merge else "all", version=ros_version)
    if json_local or get_app(ctx).json_output:
        _emit_json({"from": str(actual), "to": str(desired), "changes": len(plan),
                    "plan": plan_data(plan, show_sensitive=show_sensitive)})
    else:
        _echo(render_script(plan, show_sensitive=show_sensitive), nl=False)
    if exit_code and plan:
        ctx.exit(3)


@config.command("normalize")
@click.argument("file", type=_FILE)
@click.option("--terse", is_flag=True, help="One full command per line, no menu lines, no wrapping.")
@click.option("--verbose", "verbose", is_flag=True, help="Spell out default values instead of dropping them.")
@click.option("--strip-macs", is_flag=True, help="Leave out MAC addresses, the serial number and software id.")
@click.option("--show-sensitive", is_flag=True, help="Keep passwords and keys (left out by default).")
@click.option("--version", "ros_version", default=None, metavar="V",
              help="RouterOS version for defaults and renames (default: from the header).")
@click.option("--recover", is_flag=True, help="Skip unreadable statements (warnings) instead of failing.")
def normalize_cmd(file: Path, terse: bool, verbose: bool, strip_macs: bool, show_sensitive: bool,
                  ros_version: str | None, recover: bool) -> None:
    """FILE as a canonical export: stable order, defaults dropped, values normalised.

    Passwords and keys are left out (as RouterOS 7 exports do) unless --show-sensitive.
    """
    from mikronet.routeros import normalize, render_export

    model = normalize(_load(file, recover), version=ros_version)
    text = render_export(model, terse=terse, mode="verbose" if verbose else "as-is",
                         hide_sensitive=not show_sensitive, strip_macs=strip_macs, version=ros_version)
    _echo(text, nl=False)


@config.command("lint")
@click.argument("file", type=_FILE)
@click.option("--version", "ros_version", default=None, metavar="V",
              help="RouterOS version to check against (default: from the header; none: no version gates).")
@click.option("--packages", default=None, metavar="P,Q",
              help="The router's packages (default: not checked), e.g. routeros,wifi-qcom.")
@click.pass_context
def lint_cmd(ctx: click.Context, file: Path, ros_version: str | None, packages: str | None) -> None:
    """Check FILE's menus, commands and properties against the schema of a RouterOS version.

    Prints each problem as FILE:LINE: … (with "did you mean" where a name is close); exits 2 if
    there is one, 0 if none.
    """
    from mikronet.routeros import lint_text

    wanted = [p.strip() for p in packages.split(",") if p.strip()] if packages is not None else None
    problems = lint_text(file.read_bytes().decode("utf-8", errors="replace"), file=str(file),
                         version=ros_version, packages=wanted,
                         origins=lambda line: (str(file), line))
    if get_app(ctx).json_output:
        _emit_json({"file": str(file), "problems": [
            {"line": p.line, "column": p.column, "path": p.path, "verb": p.verb, "key": p.key,
             "problem": p.problem, "suggestion": p.suggestion, "message": p.message} for p in problems]})
    else:
        for problem in problems:
            _echo(str(problem), err=True)
    ctx.exit(2 if problems else 0)
