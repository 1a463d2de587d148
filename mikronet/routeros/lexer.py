"""Tokens of RouterOS script, with their offsets, grouped into statements.

One regular expression does the work (the parser's throughput rests on it). What it knows:

* ``\\`` at the end of a line continues the line; the next line's indentation is dropped, also
  inside a quoted string (export wraps long strings mid-word and writes ``\\_`` for a space that
  would start a line). A continuation is whitespace between tokens.
* ``key=value``, ``key="quoted"``, ``key!=value`` and ``key~value`` are one token (``ARG``); a
  value may start on a continuation line (``name=\\`` then ``    bridge``).
* ``[ ] { } ( ) ;`` are punctuation; a newline ends a statement unless a bracket or brace is open,
  so a ``do={ … }`` block spanning lines is one statement.
* ``#`` starts a comment only where a statement could start.

Offsets are into the text after CRLF became LF; :class:`Source` turns them into line and column.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Final, NamedTuple

__all__ = [
    "ARG",
    "COMMENT",
    "FAST_ARGS",
    "FAST_LINE",
    "PUNCT",
    "STRING",
    "WORD",
    "LexError",
    "Source",
    "Token",
    "next_statement",
    "strip_continuations",
    "tokenize_statements",
]

ARG: Final = "arg"
WORD: Final = "word"
STRING: Final = "string"
PUNCT: Final = "punct"
COMMENT: Final = "comment"

# A quoted string, unrolled so that every character has one way to match: an escape is a backslash and
# any one character (``(?s:.)`` takes the newline of a continuation too). Were there two ways (``\n|.``
# under DOTALL), a string left open across N continuation lines -- a truncated export -- would make
# the regex try 2**N ways before failing. A continuation's indentation is string text to the regex.
_QUOTED = r'"[^"\\\n]*(?:\\(?s:.)[^"\\\n]*)*"'
_MASTER: Final = re.compile(
    r"[ \t\r]*(?:\\\n[ \t\r]*)*"  # whitespace and continuations between tokens
    r"(?:"
    r"(?P<arg>(?P<key>!?[A-Za-z0-9_.][A-Za-z0-9_./-]*)(?P<op>=|!=|~)(?:\\\n[ \t]*)?"
    rf"(?P<val>{_QUOTED}|[^\s\"\[\]{{}}();\\]*))"
    rf"|(?P<string>{_QUOTED})"
    r"|(?P<nl>\n)"
    r"|(?P<punct>[\[\]{}();])"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<word>[^\s\"\[\]{}();=\\#][^\s\"\[\]{}();=\\]*|=+)"
    r"|(?P<end>\Z)"
    r"|(?P<bad>\\\Z|.)"
    r")",
    re.DOTALL,
)
_CONTINUATION: Final = re.compile(r"\\\n[ \t]*")

# The common export line -- ``[/menu words ]add|set [[ find k=v … ]] k=v k=v …`` -- in one match.
# The parser takes such lines whole (``findall`` over the arguments) and sends every other line,
# and any line whose values need more than plain decoding, through the general tokenizer.
_SEP = r"(?:[ \t]+(?:\\\n[ \t]*)*|(?:\\\n[ \t]*)+)"  # unambiguous, so a failing match cannot backtrack
_FAST_ARG = rf"[A-Za-z0-9_][A-Za-z0-9_./-]*=(?:\\\n[ \t]*)?(?:{_QUOTED}|[^\s\"\[\]{{}}();\\$]*)"
FAST_LINE: Final = re.compile(
    r"[ \t\n]*(?P<head>(?P<path>/[a-z0-9-]+(?:[ /][a-z0-9-]+)*[ /])?(?P<verb>add|set)"
    rf"(?:{_SEP}\[ find (?:where )?(?P<find>{_FAST_ARG}(?:{_SEP}{_FAST_ARG})*) \])?)"
    rf"(?P<args>(?:{_SEP}{_FAST_ARG})+)[ \t]*(?=\n|\Z)"
)
FAST_ARGS: Final = re.compile(rf"([A-Za-z0-9_][A-Za-z0-9_./-]*)=(?:\\\n[ \t]*)?({_QUOTED}|[^\s\"\[\]{{}}();\\$]*)")
_OPEN: Final = {"[": "]", "{": "}", "(": ")"}
_CLOSE: Final = frozenset("]})")


class Token(NamedTuple):
    """One token. For ``ARG`` tokens ``key``, ``op`` and ``value`` (raw, quotes kept) are set."""

    kind: str
    text: str
    start: int
    end: int
    key: str = ""
    op: str = ""
    value: str = ""


class LexError(Exception):
    """A text that cannot be split into tokens; ``offset`` is where, in the LF text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Source:
    """A script text (CRLF turned into LF) and where its lines start, for line and column."""

    text: str
    name: str | None = None

    @classmethod
    def of(cls, text: str | bytes, name: str | None = None) -> Source:
        if isinstance(text, bytes):
            from mikronet.routeros.quoting import decode_bytes

            text = decode_bytes(text)
        if text.startswith("\ufeff"):
            text = text[1:]
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        return cls(text, name)

    @property
    def line_starts(self) -> list[int]:
        starts = self.__dict__.get("_starts")
        if starts is None:
            starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            object.__setattr__(self, "_starts", starts)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset."""
        starts = self.line_starts
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def line_text(self, line: int) -> str:
        starts = self.line_starts
        begin = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[begin:end]


def strip_continuations(raw: str) -> str:
    """Remove ``\\``-newline-indentation sequences from a raw token text."""
    if "\\\n" not in raw:
        return raw
    return _CONTINUATION.sub("", raw)


_OPEN_STRING: Final = re.compile(r'"[^"\\\n]*(?:\\(?s:.)[^"\\\n]*)*')  # _QUOTED without its closing quote
_KEY_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-")


def _key_before(text: str, pos: int) -> str | None:
    """The property whose value starts at ``pos`` (``key=`` right before it, or before the
    continuation its value starts after), walking back over the key only."""
    head = text[max(0, pos - 80):pos]
    if head.rstrip(" \t").endswith("\\\n"):
        head = head.rstrip(" \t")[:-2]
    for op in ("!=", "=", "~"):
        if head.endswith(op):
            end = len(head) - len(op)
            break
    else:
        return None
    start = end
    while start > 0 and head[start - 1] in _KEY_CHARS:
        start -= 1
    return head[start:end] or None


def _unterminated(text: str, pos: int) -> str:
    """Where a quote opened at ``pos`` runs to, and whose value it is, for the error message."""
    m = _OPEN_STRING.match(text, pos)
    end = m.end() if m is not None else pos
    key = _key_before(text, pos)
    what = f" in {key}=" if key is not None else ""
    upto = "the end of the input" if end >= len(text) else f"the end of line {text.count(chr(10), 0, end) + 1}"
    return f"unterminated string{what}: no closing quote up to {upto} (the input may be cut short)"


def _bad_message(text: str, pos: int) -> str:
    ch = text[pos] if pos < len(text) else ""
    if ch == '"':
        return _unterminated(text, pos)
    if ch == "\\":
        if pos + 1 >= len(text):
            return "line continuation at the end of the input"
        return "unexpected backslash outside a string"
    if ch == "=":
        return "'=' without a property name"
    return f"unexpected character {ch!r}"


def tokenize_statements(text: str, start: int = 0, *, recover: bool = False) -> list[list[Token] | LexError]:
    """Split LF text into statements (lists of tokens); comments are one-token statements.

    A statement ends at a newline or ``;`` outside brackets and braces. With ``recover``, a
    statement that cannot be tokenized becomes a :class:`LexError` in the list and the scan goes
    on after the end of its line; otherwise the error is raised.
    """
    statements: list[list[Token] | LexError] = []
    pos = start
    while True:
        statement, pos = next_statement(text, pos, recover=recover)
        if statement is None:
            return statements
        statements.append(statement)


def next_statement(text: str, pos: int, *, recover: bool = False) -> tuple[list[Token] | LexError | None, int]:
    """The next statement from ``pos`` and the offset after it; ``(None, end)`` at the end."""
    current: list[Token] = []
    stack: list[tuple[str, int]] = []
    match = _MASTER.match
    new = tuple.__new__
    append = current.append
    while True:
        m = match(text, pos)
        assert m is not None  # the pattern always matches something
        kind = m.lastgroup
        if kind == "arg":
            start, end = m.span("arg")
            key, op, val = m.group("key", "op", "val")
            append(new(Token, (ARG, text[start:end], start, end, key, op, val)))
        elif kind == "word":
            start, end = m.span("word")
            append(new(Token, (WORD, text[start:end], start, end, "", "", "")))
        elif kind == "nl" or kind == "end":
            if stack and kind == "nl":
                append(Token(PUNCT, ";", m.start("nl"), m.end()))
            elif stack:
                opener, where = stack[-1]
                error = LexError(f"'{opener}' is never closed", where)
                if not recover:
                    raise error
                return error, m.end()
            elif current:
                return current, m.end()
            elif kind == "end":
                return None, m.end()
        elif kind == "string":
            append(Token(STRING, m.group("string"), m.start("string"), m.end()))
        elif kind == "punct":
            ch = m.group("punct")
            at = m.start("punct")
            if ch == ";" and not stack:
                if current:
                    return current, m.end()
            else:
                if ch in _OPEN:
                    stack.append((ch, at))
                elif ch in _CLOSE:
                    if not stack or _OPEN[stack[-1][0]] != ch:
                        error = LexError(f"unexpected '{ch}'", at)
                        if not recover:
                            raise error
                        return error, _skip_line(text, at)
                    stack.pop()
                append(Token(PUNCT, ch, at, at + 1))
        elif kind == "comment":
            at = m.start("comment")
            if current and current[-1].text not in ("{", ";"):
                error = LexError("'#' inside a command (comments take a line of their own)", at)
                if not recover:
                    raise error
                return error, _skip_line(text, at)
            if not stack:
                return [Token(COMMENT, m.group("comment"), at, m.end())], m.end()
        else:  # bad
            at = m.start("bad")
            error = LexError(_bad_message(text, at), at)
            if not recover:
                raise error
            return error, _skip_line(text, at)
        pos = m.end()


def _skip_line(text: str, pos: int) -> int:
    """The offset after the end of the logical line holding ``pos`` (continuations followed)."""
    while True:
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        if nl > 0 and text[nl - 1] == "\\":
            pos = nl + 1
            continue
        return nl + 1
