"""The RouterOS configuration language: one model of RouterOS configuration for the whole project.

Public API (everything here is a pure function over immutable values)::

    parse(text, *, file=None, recover=False, variables=None, schema=None) -> Config
    parse_file(path, *, recover=False, schema=None) -> Config
    parse_command(line, *, variables=None, schema=None) -> Command | None
    parse_commands(text, *, variables=None, schema=None) -> tuple[Command, ...]
    quote(text) -> str          # a value as RouterOS writes it; never more than one token
    unescape(body) -> str       # the text of a quoted string's body

    Schema.load(directory=None) / default_schema() -> Schema; Schema.get(path) -> PathSchema

Model types: :class:`Config`, :class:`Section`, :class:`Item`, :class:`Props`, :class:`Header`,
:class:`ParseWarning`, :class:`Command`, :class:`Find`, :class:`Ref`, :class:`Cond`.
"""

from __future__ import annotations

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
from mikronet.routeros.parser import parse, parse_command, parse_commands, parse_file
from mikronet.routeros.quoting import quote, unescape
from mikronet.routeros.schema import PathSchema, PropSpec, Schema, default_schema, parse_version

__all__ = [
    "Command",
    "Cond",
    "Config",
    "Find",
    "Header",
    "Item",
    "Ownership",
    "ParseWarning",
    "PathSchema",
    "PropSpec",
    "Props",
    "Ref",
    "Schema",
    "Section",
    "Selector",
    "canonical_path",
    "default_schema",
    "parse",
    "parse_command",
    "parse_commands",
    "parse_file",
    "parse_version",
    "quote",
    "unescape",
]
