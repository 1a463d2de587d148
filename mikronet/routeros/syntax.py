"""One statement's tokens -> a :class:`~mikronet.routeros.model.Command`.

The grammar is the console's: optional menu words (``/ip address`` or ``/ip/address``, or relative
ones, ``..`` going up), a verb, a selector (``[ find k=v ]``, ``ether1``, ``0``, ``*1F``), arguments
``k=v`` / ``!k``, bare flags (``detail``) and a ``where`` clause. Where the menu words end and the
verb begins is decided by :data:`VERBS` (commands every menu has) and :data:`ACTIONS` (commands
that are the last word of their path: ``/system reboot``); a path word that is neither runs on.

Values are decoded here: quotes and escapes resolved, ``$name`` replaced from the variables in
scope (a name nobody defined is an error, never an empty string).
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from typing import Final

from mikronet.routeros.lexer import (
    ARG,
    PUNCT,
    STRING,
    WORD,
    Token,
    strip_continuations,
)
from mikronet.routeros.model import Command, Cond, Find, Ref, Selector, Value
from mikronet.routeros.quoting import EscapeError, unescape

__all__ = [
    "ACTIONS",
    "SELECTOR_VERBS",
    "VERBS",
    "SyntaxProblem",
    "build_command",
    "decode_value",
]

# Commands every list/settings menu offers; a word in this set ends the menu path.
VERBS: Final = frozenset({
    "add", "set", "remove", "move", "print", "export", "find", "get", "enable", "disable",
    "comment", "unset", "reset", "edit", "monitor", "reset-counters", "reset-counters-all",
})
# Verbs whose first positional argument names the items they act on.
SELECTOR_VERBS: Final = frozenset({
    "set", "remove", "move", "get", "enable", "disable", "comment", "unset", "reset", "edit",
    "monitor", "reset-counters",
})
# Commands that end their path although they are not menu verbs (``/system reboot``). A path
# ending in one of these with nothing after it is a command, not a change of menu.
ACTIONS: Final = frozenset({
    "reboot", "shutdown", "reset-configuration", "quit", "import", "upgrade", "install",
    "downgrade", "check-for-updates", "download", "cancel", "save", "load", "run", "ping",
    "traceroute", "fetch", "flood-ping", "bandwidth-test", "torch", "sniff", "undo", "redo",
    "execute", "beep", "apply-changes", "release", "renew", "clear", "flush",
    "disconnect", "setup", "close-all", "send", "resolve", "make-static", "check-installation",
    "export", "print",
})
_MENU_WORD: Final = re.compile(r"[a-z][a-z0-9-]*|\.\.")
_PATH_WORD: Final = re.compile(r"[0-9]*[a-z][a-z0-9-]*|\.\.")  # a menu may start with a digit: /interface 6to4
_VAR: Final = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_BODY_PART: Final = re.compile(r"\\(?:[0-9A-F]{2}|.)|\$([A-Za-z_][A-Za-z0-9_]*)?|[^\\$]+", re.DOTALL)


class SyntaxProblem(Exception):
    """A statement the grammar refuses; ``offset`` points into the source text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def decode_value(raw: str, offset: int, variables: Mapping[str, str] | None) -> str:
    """The text of a raw value token (quoted or bare), escapes and ``$variables`` resolved."""
    if raw.startswith('"'):
        body = raw[1:-1]
        if "\\\n" in body:
            body = strip_continuations(body)
        if "$" in body and "$" in body.replace("\\\\", "").replace("\\$", ""):
            return _interpolate(body, offset + 1, variables)
        try:
            return unescape(body)
        except EscapeError as exc:
            raise SyntaxProblem(str(exc), offset + 1 + exc.offset) from None
    if "$" in raw:
        m = _VAR.fullmatch(raw)
        if m is None:
            raise SyntaxProblem("'$' in a bare value: quote it (\"\\$\") or use $name alone", offset)
        return _lookup(m.group(1), offset, variables)
    return raw


def _lookup(name: str, offset: int, variables: Mapping[str, str] | None) -> str:
    if variables is None or name not in variables:
        raise SyntaxProblem(f"undefined variable ${name}", offset)
    return variables[name]


def _interpolate(body: str, offset: int, variables: Mapping[str, str] | None) -> str:
    parts: list[str] = []
    literal: list[str] = []
    for m in _BODY_PART.finditer(body):
        text = m.group(0)
        if text.startswith("$"):
            name = m.group(1)
            if name is None:
                raise SyntaxProblem("'$' must be followed by a variable name (write \\$ for a dollar)",
                                    offset + m.start())
            try:
                parts.append(unescape("".join(literal)))
            except EscapeError as exc:
                raise SyntaxProblem(str(exc), offset) from None
            literal = []
            parts.append(_lookup(name, offset + m.start(), variables))
        else:
            literal.append(text)
    try:
        parts.append(unescape("".join(literal)))
    except EscapeError as exc:
        raise SyntaxProblem(str(exc), offset) from None
    return "".join(parts)


def _word_value(token: Token, variables: Mapping[str, str] | None) -> str:
    if token.kind == STRING:
        return decode_value(token.text, token.start, variables)
    return decode_value(token.text, token.start, variables)


def _conditions(tokens: Sequence[Token], variables: Mapping[str, str] | None) -> tuple[Cond, ...]:
    conds: list[Cond] = []
    for token in tokens:
        if token.kind == ARG and not token.key.startswith("!"):
            value = decode_value(token.value, token.start + len(token.key) + len(token.op), variables)
            conds.append(Cond(token.key, token.op, value))  # type: ignore[arg-type]
        elif token.kind == WORD and token.text in ("and", "&&"):
            continue
        else:
            raise SyntaxProblem(
                f"unsupported condition {token.text!r} "
                "(only key=value, key!=value, key~regex joined by 'and')",
                token.start,
            )
    return tuple(conds)


def _find(tokens: Sequence[Token], variables: Mapping[str, str] | None) -> Find:
    """``tokens`` are those between ``[`` and ``]``."""
    if not tokens or tokens[0].kind != WORD or tokens[0].text != "find":
        at = tokens[0].start if tokens else 0
        raise SyntaxProblem("only [ find … ] selectors are supported inside brackets", at)
    rest = list(tokens[1:])
    if rest and rest[0].kind == WORD and rest[0].text == "where":
        rest = rest[1:]
    return Find(_conditions(rest, variables))


def _closing(tokens: Sequence[Token], index: int) -> int:
    depth = 0
    for j in range(index, len(tokens)):
        text = tokens[j].text if tokens[j].kind == PUNCT else ""
        if text in ("[", "{", "("):
            depth += 1
        elif text in ("]", "}", ")"):
            depth -= 1
            if depth == 0:
                return j
    raise SyntaxProblem("'[' is never closed", tokens[index].start)


def _ref(token: Token, variables: Mapping[str, str] | None) -> Ref:
    if token.kind == STRING:
        return Ref((decode_value(token.text, token.start, variables),))
    value = decode_value(token.text, token.start, variables)
    return Ref(tuple(v for v in value.split(",") if v) if token.text[0] != "$" else (value,))


def build_command(
    tokens: Sequence[Token],
    variables: Mapping[str, str] | None = None,
    position: tuple[int, int] = (1, 1),
    menus: Container[str] = frozenset(),
) -> Command:
    """The command a statement's tokens spell. Raises :class:`SyntaxProblem`.

    ``menus`` holds the known menu paths (``/tool mac-server ping``): a line naming one of them
    changes menu even when its last word is also an action (``/ping``).
    """
    first = tokens[0]
    if first.kind == PUNCT:
        names = {"[": "command substitution [ … ]", "{": "a { … } block", "(": "an expression ( … )"}
        raise SyntaxProblem(f"{names.get(first.text, repr(first.text))} is not supported here", first.start)
    if first.kind == WORD and first.text.startswith(":"):
        raise SyntaxProblem(f"scripting command {first.text} is not supported here", first.start)
    i = 0
    n = len(tokens)
    path: list[str] = []
    columns: list[int] = []
    absolute = False
    if first.kind == WORD and first.text.startswith("/"):
        absolute = True
        at = first.start
        for chunk in first.text.split("/"):
            if chunk:
                path.append(chunk)
                columns.append(at)
            at += len(chunk) + 1
        i = 1
    verb: str | None = None
    verb_at = -1
    if path and path[-1] in VERBS:
        verb, verb_at = path.pop(), columns.pop()
    while verb is None and i < n and tokens[i].kind == WORD:
        word = tokens[i].text
        if word in VERBS:
            verb, verb_at = word, tokens[i].start
            i += 1
            break
        if not _PATH_WORD.fullmatch(word):
            break
        path.append(word)
        columns.append(tokens[i].start)
        i += 1
    if verb is None and path and (
        i < n or (path[-1] in ACTIONS and not (absolute and "/" + " ".join(path) in menus))
    ):
        verb, verb_at = path.pop(), columns.pop()
    if verb is None and i < n:
        raise SyntaxProblem(f"bad command name {tokens[i].text}", tokens[i].start)
    line, col = position
    col_base = col - first.start
    cols = tuple(c + col_base for c in columns) + ((verb_at + col_base,) if verb is not None else ())
    if verb is None:
        return Command(tuple(path), absolute, None, line=line, column=col, columns=cols)

    selector: Selector | None = None
    args: list[tuple[str, Value]] = []
    flags: list[str] = []
    where: tuple[Cond, ...] | None = None
    positional_seen = False
    dotted = ""
    while i < n:
        token = tokens[i]
        kind = token.kind
        if kind == ARG:
            key = token.key
            if token.op != "=" or key[0] == "!":
                raise SyntaxProblem(f"unexpected {token.text!r} (expected key=value)", token.start)
            if i + 1 < n:
                nxt = tokens[i + 1]
                if (key == "numbers" and not token.value and nxt.start == token.end and nxt.text == "["
                        and verb in SELECTOR_VERBS and selector is None):  # numbers=[ find … ]
                    j = _closing(tokens, i + 1)
                    selector = _find(tokens[i + 2 : j], variables)
                    positional_seen = True
                    i = j + 1
                    continue
                if nxt.start == token.end and not (nxt.kind == PUNCT and nxt.text in "]});"):
                    what = "command substitution" if nxt.text == "[" else "a value joined to another"
                    raise SyntaxProblem(f"{what} in {key}= is not supported", nxt.start)
            raw = value = token.value
            if raw and (raw[0] == '"' or "$" in raw):
                value = decode_value(raw, token.end - len(raw), variables)
            if key[0] == ".":  # compact dotted form: ".mode" after "configuration.country"
                if dotted:
                    key = dotted + key
            elif "." in key:
                dotted = key[: key.rindex(".")]
            if key == "numbers" and verb in SELECTOR_VERBS and selector is None:
                selector = Ref(tuple(v for v in value.split(",") if v))
            else:
                args.append((key, value))
            i += 1
        elif kind == PUNCT and token.text == "[":
            j = _closing(tokens, i)
            if verb in SELECTOR_VERBS and selector is None and not positional_seen:
                selector = _find(tokens[i + 1 : j], variables)
                positional_seen = True
            else:
                raise SyntaxProblem("command substitution [ … ] is not supported here", token.start)
            i = j + 1
        elif kind == WORD and token.text == "where":
            where = _conditions(tokens[i + 1 :], variables)
            break
        elif kind == WORD and token.text.startswith("!") and len(token.text) > 1:
            args.append((token.text[1:], None))
            i += 1
        elif kind in (WORD, STRING):
            if verb in SELECTOR_VERBS and selector is None and not positional_seen:
                selector = _ref(token, variables)
                positional_seen = True
            elif verb == "add" or (verb == "set" and positional_seen):
                # a v7 flag property written bare (``passive``, ``no-summaries``): it is set
                if token.kind != WORD or not _MENU_WORD.fullmatch(token.text):
                    raise SyntaxProblem(f"unexpected {token.text!r} (expected key=value)", token.start)
                args.append((token.text, "yes"))
            else:
                flags.append(_word_value(token, variables))
            i += 1
        elif token.text == "{":
            raise SyntaxProblem("a { … } block is not supported here", token.start)
        else:
            raise SyntaxProblem(f"unexpected {token.text!r}", token.start)
    return Command(tuple(path), absolute, verb, selector, tuple(args), tuple(flags), where,
                   line=line, column=col, columns=cols)




