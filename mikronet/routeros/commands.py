"""Console commands from text: ``/ip address add …; /ip route print`` as :class:`Command` values.

Above both the grammar (:mod:`mikronet.routeros.syntax`) and the schema, whose menus say where a
menu path ends and the verb begins.
"""

from __future__ import annotations

from collections.abc import Mapping

from mikronet.errors import ScriptError
from mikronet.routeros.lexer import COMMENT, LexError, Source, tokenize_statements
from mikronet.routeros.model import Command
from mikronet.routeros.schema import Schema, default_schema
from mikronet.routeros.syntax import SyntaxProblem, build_command

__all__ = ["parse_command", "parse_commands"]


def parse_commands(
    text: str, *, variables: Mapping[str, str] | None = None, schema: Schema | None = None
) -> tuple[Command, ...]:
    """The console commands in ``text`` (``;`` or newlines between them); comments are skipped."""
    source = Source.of(text)
    menus = (schema or default_schema()).menus
    try:
        statements = tokenize_statements(source.text)
    except LexError as exc:
        line, column = source.position(exc.offset)
        raise ScriptError(exc.message, line=line, column=column) from None
    commands: list[Command] = []
    for statement in statements:
        assert not isinstance(statement, LexError)
        first = statement[0]
        if first.kind == COMMENT:
            continue
        try:
            commands.append(build_command(statement, variables, source.position(first.start), menus))
        except SyntaxProblem as exc:
            line, column = source.position(exc.offset)
            raise ScriptError(exc.message, line=line, column=column) from None
    return tuple(commands)


def parse_command(
    line: str, *, variables: Mapping[str, str] | None = None, schema: Schema | None = None
) -> Command | None:
    """One console line as a :class:`Command` (``None`` for a blank or comment-only line).

    ``/ip address add address=1.2.3.4/24 interface=ether1``, ``set [ find default-name=ether1 ]
    comment=x`` and ``print detail where disabled=no`` all parse; more than one command (``;``)
    is a :class:`ScriptError`, as is anything the grammar refuses, with its column.
    """
    commands = parse_commands(line, variables=variables, schema=schema)
    if len(commands) > 1:
        raise ScriptError("one command expected, found several", line=1, column=commands[1].column)
    return commands[0] if commands else None
