"""One console line as the simulated routers' CLI reads it: nodes with columns, and ``where`` filters.

A console line is one line of the RouterOS language: bare words, ``key=value`` arguments, quoted
strings (unescaped by :func:`mikronet.routeros.unescape`, the project's one reading of RouterOS
escapes), ``[ … ]`` groups and ``;`` between commands. What this module adds is what only an
interactive line needs: 1-based columns for RouterOS's ``(line 1 column N)`` errors, ``[ … ]`` groups
as nested nodes, and the ``where`` expression of ``print``/``find`` (``name="x" and disabled=no``,
``comment~"re"``, ``!dynamic``, ``(…) or …``) compiled to a predicate over API rows. It reads one
line, never a script, so it needs none of the script lexer's continuation rules; it uses only the
public surface of :mod:`mikronet.routeros`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from mikronet.routeros import unescape
from mikronet.sim import messages as msg

__all__ = [
    "EXPORT_FLAGS",
    "PRINT_FLAGS",
    "Arg",
    "CliError",
    "ExportArgs",
    "Group",
    "Node",
    "Predicate",
    "PrintArgs",
    "Word",
    "abbreviation",
    "compile_where",
    "error_at",
    "parse_export_args",
    "parse_line",
    "parse_print_args",
    "path_segments",
]

PRINT_FLAGS = (
    "detail", "terse", "brief", "without-paging", "count-only", "as-value", "value-list", "stats",
    "all", "follow", "follow-only", "show-ids", "oid",
)
"""Flags ``print`` takes; an unambiguous abbreviation of one is accepted (``det``)."""
EXPORT_FLAGS = ("terse", "verbose", "compact", "show-sensitive", "hide-sensitive")
_PRINT_ARGS = frozenset({"interval", "file", "from"})

Predicate = Callable[[Mapping[str, str]], bool]
_TRUE = frozenset({"true", "yes"})
_FALSE = frozenset({"false", "no"})


@dataclass(frozen=True)
class Word:
    """A bare word (``print``, ``/ip/address``, ``0,1``) or a quoted string (``quoted``)."""

    text: str
    col: int
    quoted: bool = False


@dataclass(frozen=True)
class Arg:
    """``key=value`` (also ``key!=value``, ``key~value``); ``group`` when the value is ``[ … ]``."""

    key: str
    op: str
    value: str
    col: int
    group: Group | None = None


@dataclass(frozen=True)
class Group:
    """``[ … ]``: a command whose value is used in place."""

    nodes: tuple[Node, ...]
    col: int


Node = Word | Arg | Group


class CliError(Exception):
    """A line RouterOS refuses; ``text`` is the exact line it prints."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def error_at(template: str, column: int, **values: str) -> CliError:
    """A positioned RouterOS error (``bad command name x (line 1 column 5)``)."""
    return CliError(template.format(line=1, column=column, **values))


ARG, WORD, STRING, PUNCT, COMMENT = "arg", "word", "string", "punct", "comment"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    rf"|(?P<arg>(?P<key>!?[A-Za-z0-9_.][A-Za-z0-9_./-]*)(?P<op>!=|=|~)(?P<val>{_QUOTED}|[^\s\"\[\]{{}}();]*))"
    rf"|(?P<string>{_QUOTED})"
    r"|(?P<punct>[\[\]{}();])"
    r"|(?P<word>[^\s\"\[\]{}();=]+|=+)"
)


class Token(NamedTuple):
    kind: str
    text: str
    start: int
    key: str = ""
    op: str = ""
    value: str = ""

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def tokenize(line: str) -> list[list[Token]]:
    """The commands of one console line (split at ``;``) as tokens; a ``#`` where a command starts
    comments out the rest. Raises :class:`CliError` (``syntax error``) for an unterminated string."""
    commands: list[list[Token]] = [[]]
    pos = 0
    while pos < len(line):
        if not commands[-1] and line[pos] == "#":
            break
        m = _TOKEN.match(line, pos)
        if m is None:  # an opening quote that never closes
            raise error_at(msg.SYNTAX_ERROR, pos + 1)
        kind = m.lastgroup or "space"
        pos = m.end()
        if kind == "space" or kind in ("key", "op", "val"):
            continue
        if kind == "punct" and m.group(0) == ";":
            commands.append([])
            continue
        if kind == "arg":
            commands[-1].append(Token(ARG, m.group(0), m.start(), m.group("key"), m.group("op"), m.group("val")))
        else:
            commands[-1].append(Token(kind, m.group(0), m.start()))
    return [tokens for tokens in commands if tokens]


def _decode(raw: str, start: int) -> str:
    """A raw value: quoted strings unescaped, bare text as it is."""
    if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
        try:
            return unescape(raw[1:-1])
        except ValueError as exc:
            raise error_at(msg.SYNTAX_ERROR, start + 2 + int(getattr(exc, "offset", 0))) from exc
    return raw


def _nodes(tokens: Sequence[Token], index: int, closing: str | None) -> tuple[list[Node], int]:
    nodes: list[Node] = []
    while index < len(tokens):
        token = tokens[index]
        col = token.start + 1
        if token.kind == PUNCT and token.text == "]":
            if closing != "]":
                raise error_at(msg.EXPECTED_END_OF_COMMAND, col)
            return nodes, index + 1
        if token.kind == PUNCT and token.text == "[":
            inner, index = _nodes(tokens, index + 1, "]")
            nodes.append(Group(tuple(inner), col))
            continue
        if token.kind == ARG:
            value_start = token.start + len(token.key) + len(token.op)
            nxt = tokens[index + 1] if index + 1 < len(tokens) else None
            if token.value == "" and nxt is not None and nxt.kind == PUNCT and nxt.text == "[":
                inner, index = _nodes(tokens, index + 2, "]")
                nodes.append(Arg(token.key, token.op, "", col, Group(tuple(inner), nxt.start + 1)))
                continue
            nodes.append(Arg(token.key, token.op, _decode(token.value, value_start), col))
        elif token.kind == WORD:
            nodes.append(Word(token.text, col))
        elif token.kind == STRING:
            nodes.append(Word(_decode(token.text, token.start), col, quoted=True))
        elif token.kind == PUNCT and token.text in "()":
            nodes.append(Word(token.text, col))
        elif token.kind == PUNCT and token.text == ";":
            raise error_at(msg.EXPECTED_END_OF_COMMAND, col)
        else:  # { } blocks and anything else a console line cannot hold here
            raise error_at(msg.SYNTAX_ERROR, col)
        index += 1
    if closing is not None:
        raise error_at(msg.SYNTAX_ERROR, (tokens[-1].end if tokens else 0) + 1)
    return nodes, index


def parse_line(line: str) -> list[list[Node]]:
    """The commands of one console line (split at ``;``) as nodes; raises :class:`CliError`."""
    commands: list[list[Node]] = []
    for statement in tokenize(line.replace("\r", " ").replace("\n", " ")):
        nodes, _ = _nodes(statement, 0, None)
        if nodes:
            commands.append(nodes)
    return commands


# --- where expressions ------------------------------------------------------------------------------

def _same(actual: str, wanted: str) -> bool:
    if actual == wanted:
        return True
    a, w = actual.lower(), wanted.lower()
    return (a in _TRUE and w in _TRUE) or (a in _FALSE and w in _FALSE)


def _order(actual: str, wanted: str) -> int:
    try:
        a, w = int(actual), int(wanted)
    except ValueError:
        return (actual > wanted) - (actual < wanted)
    return (a > w) - (a < w)


def _comparison(key: str, op: str, wanted: str) -> Predicate:
    if op == "~":
        try:
            pattern = re.compile(wanted)
        except re.error:
            return lambda row: False
        return lambda row: pattern.search(row.get(key, "")) is not None
    if op == "!=":
        return lambda row: not _same(row.get(key, ""), wanted)
    if op == "<":
        return lambda row: key in row and _order(row[key], wanted) < 0
    if op == ">":
        return lambda row: key in row and _order(row[key], wanted) > 0
    return lambda row: _same(row.get(key, ""), wanted)


def _truthy(key: str) -> Predicate:
    return lambda row: row.get(key, "").lower() not in ("", "false", "no")


class _WhereParser:
    """``or`` binds loosest, then ``and`` (also by juxtaposition), then ``!``/``not``."""

    def __init__(self, nodes: Sequence[Node], evaluate: Callable[[Group], str]) -> None:
        self.nodes = nodes
        self.index = 0
        self.evaluate = evaluate

    def _peek(self) -> str | None:
        if self.index < len(self.nodes):
            node = self.nodes[self.index]
            if isinstance(node, Word) and not node.quoted:
                return node.text
            return ""
        return None

    def expr(self) -> Predicate:
        left = self.conjunction()
        while self._peek() in ("or", "||"):
            self.index += 1
            right = self.conjunction()
            left = (lambda a, b: lambda row: a(row) or b(row))(left, right)
        return left

    def conjunction(self) -> Predicate:
        left = self.negation()
        while self._peek() not in (None, "or", "||", ")"):
            if self._peek() in ("and", "&&"):
                self.index += 1
            right = self.negation()
            left = (lambda a, b: lambda row: a(row) and b(row))(left, right)
        return left

    def negation(self) -> Predicate:
        if self._peek() in ("!", "not"):
            self.index += 1
            inner = self.negation()
            return lambda row: not inner(row)
        return self.atom()

    def atom(self) -> Predicate:
        if self.index >= len(self.nodes):
            column = self.nodes[-1].col + 1 if self.nodes else 1
            raise error_at(msg.SYNTAX_ERROR, column)
        node = self.nodes[self.index]
        self.index += 1
        if isinstance(node, Arg):
            wanted = self.evaluate(node.group) if node.group is not None else node.value
            key, negate = (node.key[1:], True) if node.key.startswith("!") else (node.key, False)
            test = _comparison(key, node.op, wanted)
            return (lambda row: not test(row)) if negate else test
        if isinstance(node, Group) or node.quoted:
            raise error_at(msg.EXPECTED_END_OF_COMMAND, node.col)
        if node.text == "(":
            inner = self.expr()
            if self._peek() != ")":
                raise error_at(msg.SYNTAX_ERROR, node.col)
            self.index += 1
            return inner
        text = node.text
        if text.startswith("!"):
            positive = _truthy(text[1:])
            return lambda row: not positive(row)
        for op in ("<", ">"):
            if op in text:
                key, wanted = text.split(op, 1)
                return _comparison(key, op, wanted)
        return _truthy(text)


def compile_where(nodes: Sequence[Node], evaluate: Callable[[Group], str]) -> Predicate:
    """A predicate over API rows for a ``where`` expression; no nodes means every row.

    ``evaluate`` gives the value of a ``[ … ]`` used as a value. Booleans match across
    ``yes``/``true`` and ``no``/``false``; ``<``/``>`` compare numbers as numbers.
    """
    if not nodes:
        return lambda row: True
    parser = _WhereParser(nodes, evaluate)
    predicate = parser.expr()
    if parser.index < len(nodes):
        raise error_at(msg.EXPECTED_END_OF_COMMAND, nodes[parser.index].col)
    return predicate


# --- command words ------------------------------------------------------------------------------------

def path_segments(word: Word, slashes: bool) -> list[tuple[str, int]]:
    """A path word as (segment, column) pairs; the segment ``/`` means "from the root".

    ``/ip/address`` -> ``/``, ``ip``, ``address`` where slashes separate (v7); on v6 only a leading
    ``/`` does, and ``ip/address`` stays one (unknown) name.
    """
    text = word.text
    out: list[tuple[str, int]] = []
    if text.startswith("/"):
        out.append(("/", word.col))
        text = text[1:]
        start = word.col + 1
    else:
        start = word.col
    parts = text.split("/") if slashes else [text]
    for part in parts:
        if part:
            out.append((part, start))
        start += len(part) + 1
    return out


def abbreviation(word: str, pool: Sequence[str]) -> str | None:
    """The one name in ``pool`` that ``word`` abbreviates (an exact match wins), else None."""
    if word in pool:
        return word
    matches = {name for name in pool if name.startswith(word)}
    return matches.pop() if len(matches) == 1 else None


@dataclass(frozen=True)
class PrintArgs:
    """What a ``print`` asked for: its flags, a ``where`` expression and a ``proplist``."""

    flags: frozenset[str] = frozenset()
    where: tuple[Node, ...] | None = None
    proplist: tuple[str, ...] | None = None

    @property
    def api_args(self) -> dict[str, str]:
        """The flags that change what the router returns (the rest only change the layout)."""
        return {flag: "" for flag in ("stats", "all") if flag in self.flags}


def parse_print_args(rest: Sequence[Node]) -> PrintArgs:
    flags: set[str] = set()
    proplist: tuple[str, ...] | None = None
    for index, node in enumerate(rest):
        if isinstance(node, Word) and not node.quoted and node.text == "where":
            return PrintArgs(frozenset(flags), tuple(rest[index + 1 :]), proplist)
        if isinstance(node, Arg) and node.op == "=" and node.key in ("proplist", ".proplist"):
            proplist = tuple(p for p in node.value.split(",") if p)
        elif isinstance(node, Arg) and node.op == "=" and node.key in _PRINT_ARGS:
            continue
        elif isinstance(node, Word) and not node.quoted and abbreviation(node.text, PRINT_FLAGS):
            flags.add(abbreviation(node.text, PRINT_FLAGS) or "")
        else:
            raise error_at(msg.EXPECTED_END_OF_COMMAND, node.col)
    return PrintArgs(frozenset(flags), None, proplist)


@dataclass(frozen=True)
class ExportArgs:
    """``export`` flags and ``file=``."""

    flags: frozenset[str] = frozenset()
    file: str | None = None

    @property
    def show_sensitive(self) -> bool | None:
        if "show-sensitive" in self.flags:
            return True
        if "hide-sensitive" in self.flags:
            return False
        return None


def parse_export_args(rest: Sequence[Node], *, v7: bool) -> ExportArgs:
    """v7 knows ``show-sensitive``, v6 ``hide-sensitive``; the other is ``expected end of command``."""
    allowed = [f for f in EXPORT_FLAGS if f != ("hide-sensitive" if v7 else "show-sensitive")]
    flags: set[str] = set()
    file_name: str | None = None
    for node in rest:
        if isinstance(node, Arg) and node.op == "=" and node.key == "file":
            file_name = node.value
        elif isinstance(node, Word) and not node.quoted and abbreviation(node.text, allowed):
            flags.add(abbreviation(node.text, allowed) or "")
        else:
            raise error_at(msg.EXPECTED_END_OF_COMMAND, node.col)
    return ExportArgs(frozenset(flags), file_name)
