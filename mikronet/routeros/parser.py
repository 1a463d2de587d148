"""RouterOS script -> :class:`~mikronet.routeros.model.Config` (and single console commands).

Reads what ``/export`` writes (compact, verbose, terse; v6 and v7; CRLF or LF; wrapped lines) and
what people write as templates. Header comments become a :class:`Header`; ``#error exporting``
lines become warnings; ``#mikronet: own PATH`` / ``#mikronet: merge PATH`` directives say which
menus a template owns whole (see :mod:`mikronet.routeros.diff`).

Templates may use a small, clear subset of scripting: ``:local``/``:global``/``:set NAME VALUE``
with a literal or ``$other`` value, and ``$NAME`` in values. Every other scripting statement
(``:if``, ``:foreach``, ``:put`` …) and every command that is not a configuration change
(``/system reboot``, ``print``) is refused with its line and column -- never skipped.

Errors raise :class:`~mikronet.errors.ScriptError` (file, line, column). With ``recover=True`` a
statement that cannot be read is skipped and reported as a :class:`ParseWarning` instead, for
damaged exports (cut short, pasted with a shell prompt) that are still worth comparing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from mikronet.errors import ScriptError
from mikronet.routeros.commands import parse_command, parse_commands
from mikronet.routeros.lexer import (
    COMMENT,
    FAST_ARGS,
    FAST_LINE,
    WORD,
    LexError,
    Source,
    Token,
    next_statement,
)
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
    Section,
    Value,
    canonical_path,
)
from mikronet.routeros.schema import Schema, default_schema
from mikronet.routeros.syntax import (
    VERBS,
    SyntaxProblem,
    build_command,
    decode_value,
)
from mikronet.routeros.version import parse_version

__all__ = ["parse", "parse_command", "parse_commands", "parse_file"]  # the single-line two live in commands

_HEADER: Final = (
    ("by", re.compile(r"#\s*(?P<date>.+?)\s+by RouterOS\s+(?P<value>\S+)\s*$")),
    ("bare", re.compile(r"#\s*RouterOS\s+(?P<value>\d\S*)\s*$")),
    ("software_id", re.compile(r"#\s*software id\s*=\s?(?P<value>.*?)\s*$")),
    ("model", re.compile(r"#\s*model\s*=\s?(?P<value>.*?)\s*$")),
    ("serial_number", re.compile(r"#\s*serial number\s*=\s?(?P<value>.*?)\s*$")),
)
_HEADER_LINE_MAX: Final = 512
"""Longer comment lines are not header lines (RouterOS writes them under 100 characters)."""
_ERROR_EXPORTING: Final = re.compile(r"#\s*error exporting\s*(?P<what>.*?)\s*$")
_DIRECTIVE: Final = re.compile(r"#\s*mikronet:\s*(?P<body>.*?)\s*$")
_CONFIG_VERBS: Final = frozenset({"add", "set", "remove", "enable", "disable", "unset", "comment"})
_VARIABLE_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PROMPT: Final = re.compile(r"\s*\[[^\]\s]+@[^\]]*\]\s*>")


_MAX_MENU_DEPTH = 8


class _Builder:
    def __init__(self, source: Source, variables: Mapping[str, str] | None) -> None:
        self.source = source
        self.menu = "/"
        self.sections: dict[str, tuple[dict[str, Value], list[Item]]] = {}
        self.setting_lines: dict[str, dict[str, int]] = {}
        self.header: dict[str, str] = {}
        self.ownership: dict[str, Ownership] = {}
        self.warnings: list[ParseWarning] = []
        self.variables: dict[str, str] = dict(variables or {})
        self.seen_command = False

    def error(self, message: str, offset: int) -> ScriptError:
        line, column = self.source.position(offset)
        return ScriptError(message, file=self.source.name, line=line, column=column)

    # comments -------------------------------------------------------------------------------
    def comment(self, token: Token) -> None:
        # Trailing blanks off first, and the header's patterns only on a line as short as a header: a
        # comment of thousands of tabs made their lazy groups backtrack for seconds.
        text = token.text.rstrip()
        if not self.seen_command and len(text) <= _HEADER_LINE_MAX:
            for field, pattern in _HEADER:
                m = pattern.match(text)
                if m:
                    if field in ("by", "bare"):
                        self.header_version(m.group("value"), token.start)
                    if field == "by":
                        self.header["date"] = m.group("date")
                        self.header["version"] = m.group("value")
                    elif field == "bare":
                        self.header["version"] = m.group("value")
                    elif "version" in self.header:
                        self.header[field] = m.group("value")
                    return
        m = _ERROR_EXPORTING.match(text)
        if m:
            line = self.source.line(token.start)
            self.warnings.append(ParseWarning(line, f"error exporting {m.group('what')}"))
            return
        m = _DIRECTIVE.match(text)
        if m:
            self.directive(m.group("body"), token.start)

    def header_version(self, text: str, offset: int) -> None:
        """Refuse a header version that is not one (the normalisers and the differ go by it)."""
        try:
            parse_version(text)
        except ValueError:
            raise self.error(f"the header's RouterOS version {text!r} is not a version "
                             "(expected e.g. 7.14.3, 6.49.17 or 7.16rc1)", offset) from None

    def directive(self, body: str, offset: int) -> None:
        words = body.split(None, 1)
        if len(words) != 2 or words[0] not in ("own", "merge"):
            raise self.error(f"unknown directive {body!r} (expected 'own PATH' or 'merge PATH')", offset)
        path = canonical_path(words[1])
        if path == "/":
            raise self.error("a directive needs a menu path: '#mikronet: own /ip firewall filter'", offset)
        self.ownership[path] = "own" if words[0] == "own" else "merge"

    # scripting subset -----------------------------------------------------------------------
    def scripting(self, tokens: list[Token]) -> None:
        head = tokens[0].text
        if head not in (":local", ":global", ":set"):
            raise SyntaxProblem(
                f"scripting command {head} is not supported in a configuration "
                "(supported: :local, :global, :set with a literal value)",
                tokens[0].start,
            )
        if len(tokens) < 2 or tokens[1].kind != WORD or not _VARIABLE_NAME.fullmatch(tokens[1].text):
            at = tokens[-1].end if len(tokens) < 2 else tokens[1].start
            raise SyntaxProblem(f"{head} needs a variable name", at)
        name = tokens[1].text
        if len(tokens) == 2:
            if head == ":set":
                raise SyntaxProblem(":set needs a value", tokens[1].end)
            self.variables.setdefault(name, "")
            return
        value_token = tokens[2]
        if len(tokens) > 3 or value_token.kind not in ("word", "string"):
            raise SyntaxProblem(
                f"{head} {name}: only a literal value or a $variable is supported", value_token.start
            )
        if head == ":set" and name not in self.variables:
            raise SyntaxProblem(f"undefined variable ${name}", tokens[1].start)
        self.variables[name] = decode_value(value_token.text, value_token.start, self.variables)

    # commands -------------------------------------------------------------------------------
    def section(self, path: str) -> tuple[dict[str, Value], list[Item]]:
        entry = self.sections.get(path)
        if entry is None:
            entry = self.sections[path] = ({}, [])
        return entry

    def command(self, cmd: Command, offset: int) -> None:
        self.seen_command = True
        if cmd.verb is None:
            menu = cmd.menu(self.menu)
            if menu.count(" ") >= _MAX_MENU_DEPTH:  # RouterOS menus are a few words deep; this is not one
                raise SyntaxProblem(f"bad command name {cmd.path[-1] if cmd.path else ''}: no menu "
                                    f"{_MAX_MENU_DEPTH} words deep", offset)
            self.menu = menu
            return
        path = cmd.menu(self.menu) if cmd.path else self.menu
        verb = cmd.verb
        if verb not in _CONFIG_VERBS:
            raise SyntaxProblem(
                f"'{verb}' is not a configuration command (a configuration may only add, set, remove, "
                "enable, disable, unset or comment)",
                offset,
            )
        if path == "/":
            raise SyntaxProblem(f"'{verb}' needs a menu (e.g. '/ip address {verb} …')", offset)
        settings, items = self.section(path)
        line = cmd.line
        props: dict[str, Value] = dict(cmd.args)
        if verb == "add":
            if cmd.selector is not None:
                raise SyntaxProblem("add takes no item selector", offset)
            items.append(Item(Props(props), None, "add", line))
            return
        if verb == "remove":
            if cmd.selector is None:
                raise SyntaxProblem("remove needs its items ([ find … ], a name or a number)", offset)
            if props:
                raise SyntaxProblem("remove takes no properties", offset)
            items.append(Item(Props(), cmd.selector, "remove", line))
            return
        if verb in ("enable", "disable"):
            props = {"disabled": "no" if verb == "enable" else "yes"}
        elif verb == "unset":
            names = props.pop("value-name", None)
            if props or not names:
                raise SyntaxProblem("unset takes value-name=NAME[,NAME…] only", offset)
            props = {name: None for name in names.split(",")}
        if cmd.selector is None:
            if verb in ("enable", "disable", "comment"):
                raise SyntaxProblem(f"{verb} needs the items to change", offset)
            settings.update(props)
            self.setting_lines.setdefault(path, {}).update(dict.fromkeys(props, line))
        else:
            items.append(Item(Props(props), cmd.selector, "set", line))

    def config(self) -> Config:
        sections = {
            path: Section(path, Props(settings), tuple(items), self.setting_lines.get(path, {}))
            for path, (settings, items) in self.sections.items()
            if settings or items
        }
        header = None
        if self.header:
            header = Header(
                version=self.header.get("version"),
                date=self.header.get("date"),
                software_id=self.header.get("software_id"),
                model=self.header.get("model"),
                serial_number=self.header.get("serial_number"),
            )
        return Config(sections, header, dict(self.ownership), tuple(self.warnings))


class _Lines:
    """Line and column of offsets met in increasing order, counted incrementally."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.line, self.line_start, self.scanned = 1, 0, 0

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self.scanned:
            return self.source.position(offset)
        newlines = self.text.count("\n", self.scanned, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rindex("\n", self.scanned, offset) + 1
        self.scanned = offset
        return self.line, offset - self.line_start + 1


def _fast(builder: _Builder, m: re.Match[str], line: int) -> bool:
    """Fold a plain ``add``/``set`` line matched whole by :data:`FAST_LINE`. ``False``: the line
    needs the general path (a verb among the menu words, ``numbers=``, a value to interpolate,
    a bad escape) -- which then gives the same result, or the precise error."""
    path_words, verb, find, args = m.group("path", "verb", "find", "args")
    if path_words:
        words = path_words.replace("/", " ").split()
        if any(w in VERBS for w in words):
            return False
        path = "/" + " ".join(words)
    else:
        path = builder.menu
        if path == "/":
            return False
    if find is not None and verb == "add":
        return False
    props: dict[str, Value] = {}
    variables = builder.variables
    try:
        for key, raw in FAST_ARGS.findall(args):
            if key == "numbers":
                return False
            props[key] = decode_value(raw, 0, variables) if raw.startswith('"') else raw
        conds = None
        if find is not None:
            conds = tuple(Cond(k, "=", decode_value(v, 0, variables) if v[:1] == '"' else v)
                          for k, v in FAST_ARGS.findall(find))
    except SyntaxProblem:
        return False
    builder.seen_command = True
    settings, items = builder.section(path)
    if verb == "add":
        items.append(Item(Props.adopt(props), None, "add", line))
    elif conds is not None:
        items.append(Item(Props.adopt(props), Find(conds), "set", line))
    else:
        settings.update(props)
        builder.setting_lines.setdefault(path, {}).update(dict.fromkeys(props, line))
    return True


def parse(
    text: str | bytes,
    *,
    file: str | Path | None = None,
    recover: bool = False,
    variables: Mapping[str, str] | None = None,
    schema: Schema | None = None,
    fast: bool = True,
) -> Config:
    """Parse a whole script (an export or a template) into a :class:`Config`.

    ``file`` names the source in errors. ``variables`` pre-defines ``$NAME`` values. With
    ``recover``, unreadable statements become warnings instead of a :class:`ScriptError`.
    ``fast`` reads plain ``add``/``set`` lines with one regular expression each (the result is
    the same either way; ``False`` exists to check exactly that).
    """
    source = Source.of(text, str(file) if file is not None else None)
    builder = _Builder(source, variables)
    menus = (schema or default_schema()).menus
    text = source.text
    lines = _Lines(source)
    skipping = 0  # recover: after an unreadable statement, its indented lines go with it
    skipped: list[int] = []

    def stop_skipping() -> None:
        if skipped:
            builder.warnings.append(ParseWarning(
                skipped[0], f"skipped {len(skipped)} indented statement(s) up to line {skipped[-1]} "
                "after the unreadable one"))
            skipped.clear()

    fast_line = FAST_LINE.match if fast else None
    pos = 0
    while True:
        if fast_line is not None:
            m = fast_line(text, pos)
            if m is not None:
                line, column = lines.at(m.start("head"))
                if skipping and column > 1:
                    skipped.append(line)
                    pos = m.end()
                    continue
                if skipping:
                    skipping = 0
                    stop_skipping()
                if _fast(builder, m, line):
                    pos = m.end()
                    continue
        try:
            statement, pos = next_statement(text, pos, recover=recover)
        except LexError as exc:
            raise builder.error(exc.message, exc.offset) from None
        if statement is None:
            break
        offset = statement.offset if isinstance(statement, LexError) else statement[0].start
        if skipping:
            where, column = source.position(offset)
            if column > 1:
                skipped.append(where)
                continue
            skipping = 0
            stop_skipping()
        if isinstance(statement, LexError):
            where, column = source.position(statement.offset)
            builder.warnings.append(ParseWarning(where, statement.message, column))
            skipping = where
            continue
        first = statement[0]
        try:
            if first.kind == COMMENT:
                builder.comment(first)
            elif first.kind == WORD and first.text.startswith(":"):
                builder.seen_command = True
                builder.scripting(statement)
            elif first.text == "[" and _PROMPT.match(source.line_text(source.line(first.start))):
                raise SyntaxProblem("a console prompt ([user@router] > …), not RouterOS script", first.start)
            else:
                cmd = build_command(statement, builder.variables, lines.at(first.start), menus)
                builder.command(cmd, first.start)
        except SyntaxProblem as exc:
            if not recover:
                raise builder.error(exc.message, exc.offset) from None
            where, column = source.position(exc.offset)
            builder.warnings.append(ParseWarning(where, exc.message, column))
            skipping = where
        except ScriptError:
            if not recover:
                raise
            where, column = source.position(first.start)
            builder.warnings.append(ParseWarning(where, "unreadable directive", column))
    stop_skipping()
    return builder.config()


def parse_file(path: str | Path, *, recover: bool = False, schema: Schema | None = None) -> Config:
    """Parse a ``.rsc`` file (bytes read as UTF-8, other bytes as latin-1)."""
    data = Path(path).read_bytes()
    return parse(data, file=path, recover=recover, schema=schema)
