"""Reading a whole script before any of it runs, as RouterOS does for ``/import``, ``/system script
run`` and a scheduler's ``on-event``.

RouterOS compiles a script first: a syntax error anywhere -- text the grammar cannot read, a menu or
command that does not exist (``bad command name``), an argument the command does not take
(``expected end of command``) -- is reported with its line and column, and nothing runs. Errors only
a run can find (``no such item``, an interface that is not there) stop the run at their line, after
the lines before it ran; that is :mod:`mikronet.sim.scripting`'s business.

:func:`compile_script` reads the text with the project's RouterOS lexer and command builder (script
and export are one language) and checks each command against the router's own menus: the same
menus, verbs and schema properties the API and the console answer with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mikronet.routeros.lexer import ARG, WORD, LexError, Source, Token, tokenize_statements
from mikronet.routeros.syntax import SyntaxProblem, build_command
from mikronet.sim import messages as msg

if TYPE_CHECKING:
    from mikronet.routeros.model import Command
    from mikronet.sim.state import RouterState

__all__ = ["SCRIPTING", "CompiledScript", "Problem", "Statement", "compile_script"]

SCRIPTING = frozenset({":put", ":log", ":delay"})
"""Scripting commands the simulated routers run; others stop a script when it reaches them."""


@dataclass(frozen=True)
class Problem:
    """A line RouterOS refuses: its text with the position (``bad command name x (line 3 column 5)``)."""

    line: int
    column: int
    message: str
    """RouterOS's words without the position (``bad command name x``)."""

    @property
    def text(self) -> str:
        if "(line " in self.message:
            return self.message
        return f"{self.message} (line {self.line} column {self.column})"


@dataclass(frozen=True)
class Statement:
    """One statement that compiled: a command in its menu, or a scripting command's text."""

    line: int
    column: int
    menu: str
    command: Command | None = None
    scripting: str | None = None


@dataclass
class CompiledScript:
    statements: list[Statement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _arg_column(source: Source, tokens: Sequence[Token], name: str) -> int:
    for token in tokens:
        if (token.kind == ARG and token.key.lstrip("!") == name) or (token.kind == WORD and token.text == name):
            return source.position(token.start)[1]
    return source.position(tokens[0].start)[1]


def _check_command(
    device: RouterState, cmd: Command, menu: str, tokens: Sequence[Token], source: Source
) -> Problem | None:
    """``bad command name`` for a menu or verb the router lacks, ``expected end of command`` for an
    argument the command does not take."""
    base = () if cmd.absolute else tuple(menu[1:].split())
    path = list(base)
    tree = device.menus
    for word, column in zip(cmd.path, cmd.columns, strict=False):
        if word == "..":
            if path:
                path.pop()
            continue
        path.append(word)
        if not tree.is_prefix(tuple(path)):
            return Problem(cmd.line, column, msg.BAD_COMMAND_NAME_BARE.format(word=word))
    if cmd.verb is None:
        return None
    where = tuple(path)
    verb_column = cmd.columns[-1] if cmd.columns else cmd.column
    if cmd.verb not in tree.verbs(where):
        return Problem(cmd.line, verb_column, msg.BAD_COMMAND_NAME_BARE.format(word=cmd.verb))
    if where not in device.specs:
        return None
    try:
        config = device.config_menu(where)
    except KeyError:
        return None
    if cmd.verb not in config.verbs():
        return None
    names = [key if value is not None else "!" + key for key, value in cmd.args]
    names += list(cmd.flags) if cmd.verb not in ("print", "export") else []
    for name in names:
        if not config.accepts(cmd.verb, name):
            line, column = source.position(tokens[0].start)
            return Problem(line, _arg_column(source, tokens, name), msg.EXPECTED_END_OF_COMMAND_BARE)
    return None


class _MenuNames:
    """The router's menus as ``/tool mac-server ping`` strings, for the command builder: a line naming
    one changes menu even when its last word is also a command (``/ping``)."""

    def __init__(self, device: RouterState) -> None:
        self._tree = device.menus

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self._tree.has_menu(tuple(text[1:].split()))


def compile_script(device: RouterState, text: str) -> CompiledScript:
    """Every statement of ``text`` checked against ``device``'s menus, and every problem found.

    A statement with a problem is left out of :attr:`CompiledScript.statements`; a menu line with one
    (``/ip adress``) takes the lines after it down with it until the next absolute menu line, and each
    of them is listed too, with the menu line's words at its own line: a refused section counts every
    line it loses.
    """
    body = text.replace("\r\n", "\n")
    source = Source(body)
    compiled = CompiledScript()
    menu = "/"
    menu_broken: Problem | None = None
    menus = _MenuNames(device)
    for statement in tokenize_statements(body, recover=True):
        if isinstance(statement, LexError):
            line, column = source.position(statement.offset)
            compiled.problems.append(Problem(line, column, msg.SYNTAX_ERROR_BARE))
            continue
        first = statement[0]
        if first.kind == "comment":
            continue
        line, column = source.position(first.start)
        if first.kind == WORD and first.text.startswith(":"):
            compiled.statements.append(
                Statement(line, column, menu, scripting=body[first.start : statement[-1].end])
            )
            continue
        try:
            cmd = build_command(statement, {}, (line, column), menus)
        except SyntaxProblem as exc:
            at_line, at_column = source.position(exc.offset)
            words = exc.message if exc.message.startswith("bad command name") else msg.SYNTAX_ERROR_BARE
            compiled.problems.append(Problem(at_line, at_column, words))
            continue
        if menu_broken is not None and not cmd.absolute:
            compiled.problems.append(Problem(line, column, menu_broken.message))
            continue
        problem = _check_command(device, cmd, menu, statement, source)
        if cmd.verb is None:
            menu = cmd.menu(menu)
            menu_broken = problem
        if problem is not None:
            compiled.problems.append(problem)
            continue
        if cmd.verb is not None:
            compiled.statements.append(Statement(line, column, menu, command=cmd))
    return compiled
