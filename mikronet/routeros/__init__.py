"""The RouterOS configuration language: one model of RouterOS configuration for the whole project.

Public API (everything here is a pure function over immutable values)::

    parse(text, *, file=None, recover=False, variables=None, schema=None, fast=True) -> Config
    parse_file(path, *, recover=False, schema=None) -> Config
    parse_command(line, *, variables=None, schema=None) -> Command | None
    parse_commands(text, *, variables=None, schema=None) -> tuple[Command, ...]
    quote(text) -> str          # a value as RouterOS writes it; never more than one token
    unescape(body) -> str       # the text of a quoted string's body

    normalize(config, *, schema=None, version=None) -> Config     # canonical form, defaults dropped
    normalize_value(type_, value) -> str                            # one value ("25M" -> "25000000")
    version_problems(config, version, *, schema=None) -> list[str]  # menus/properties that version lacks
    diff(desired, actual, *, schema=None, version=None, own=None) -> Plan
    apply(config, plan, *, schema=None) -> Config                   # the model after a plan
    render_script(plan, *, show_sensitive=False) -> str             # console commands
    render_api(plan, *, schema=None) -> list[ApiCommand]            # librouteros-ready
    render_export(config, *, terse=False, mode="as-is"|"compact"|"verbose", hide_sensitive=False,
                  strip_macs=False, header=True, version=None, schema=None, width=79) -> str
    export_text(config, *, version, flags=(), when=None, software_id=None, model=None,
                serial_number=None, schema=None) -> str             # what `/export flags` prints
    render_header(version, when=None, ...) -> Header                # the header that version writes
    render_command(path, verb, selector=None, props=None) -> str    # one full command line
    config_data(config, *, schema=None, show_sensitive=False) -> dict   # JSON-ready model
    plan_data(plan, *, show_sensitive=False) -> list[dict]              # JSON-ready plan
    lint(config, *, schema=None, version=None, packages=None) -> list[LintProblem]
                                            # menus, commands, properties vs the schema of a version
    lint_text(text, *, file=None, version=None, packages=None, origins=None, router=None)
                                            # parse + lint, lines mapped to template origins
    parse_print(text) -> Printed            # `print detail` / `print terse` output, read as output
    parse_print_values(text) -> dict        # `key: value` output of a single-instance print

    Schema.load(directory=None) / default_schema() -> Schema; Schema.get(path) -> PathSchema
    parse_version("7.14.3 (stable)") -> Version("7.14.3")         # one version type for the product
    canonical_path("ip/address") -> "/ip address"
    matches(path_schema, selector, item) -> bool; selector_query(selector) -> API query words

Model types: :class:`Config`, :class:`Section`, :class:`Item`, :class:`Props`, :class:`Header`,
:class:`ParseWarning`, :class:`Command`, :class:`Find`, :class:`Ref`, :class:`Cond`; versions:
:class:`Version` (dotted numbers, optional ``betaN``/``rcN``, ordered, ``.major``, ``str()``). Plan
operations: :class:`Add`, :class:`Set`, :class:`Remove`, :class:`Move` in a :class:`Plan`.

Templates say which menus they own whole with ``#mikronet: own /ip firewall filter`` (the rest
merge: only the items and properties named are touched).
"""

from __future__ import annotations

from mikronet.routeros.data import config_data, plan_data
from mikronet.routeros.diff import diff
from mikronet.routeros.lint import LintProblem, lint, lint_text
from mikronet.routeros.model import (
    Command,
    Cond,
    Config,
    Find,
    Header,
    Item,
    Ownership,
    ParseWarning,
    Props,
    Ref,
    Section,
    Selector,
    canonical_path,
)
from mikronet.routeros.normalize import normalize, normalize_value, version_problems
from mikronet.routeros.parser import parse, parse_command, parse_commands, parse_file
from mikronet.routeros.plan import Add, Move, Op, Plan, Remove, Set, apply, matches
from mikronet.routeros.printed import Printed, PrintedItem, parse_print, parse_print_values
from mikronet.routeros.quoting import quote, unescape
from mikronet.routeros.render import (
    ApiCommand,
    export_text,
    render_api,
    render_command,
    render_export,
    render_header,
    render_script,
    selector_query,
)
from mikronet.routeros.schema import PathSchema, PropSpec, Schema, default_schema
from mikronet.routeros.version import Version, parse_version

__all__ = [
    "Add",
    "ApiCommand",
    "Command",
    "Cond",
    "Config",
    "Find",
    "Header",
    "Item",
    "LintProblem",
    "Move",
    "Op",
    "Ownership",
    "ParseWarning",
    "PathSchema",
    "Plan",
    "Printed",
    "PrintedItem",
    "PropSpec",
    "Props",
    "Ref",
    "Remove",
    "Schema",
    "Section",
    "Selector",
    "Set",
    "Version",
    "apply",
    "canonical_path",
    "config_data",
    "default_schema",
    "diff",
    "export_text",
    "lint",
    "lint_text",
    "matches",
    "normalize",
    "normalize_value",
    "parse",
    "parse_command",
    "parse_commands",
    "parse_file",
    "parse_print",
    "parse_print_values",
    "parse_version",
    "plan_data",
    "quote",
    "render_api",
    "render_command",
    "render_export",
    "render_header",
    "render_script",
    "selector_query",
    "unescape",
    "version_problems",
]
