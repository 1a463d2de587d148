"""RouterOS string quoting: the escapes ``/export`` writes and the console reads.

RouterOS stores strings as bytes. Inside double quotes it writes ``\\"`` ``\\\\`` ``\\$`` ``\\?``,
``\\n`` ``\\r`` ``\\t`` (and reads ``\\a`` ``\\b`` ``\\f`` ``\\v`` ``\\_``), and any other byte as two
uppercase hex digits: the Latvian ``ā`` (UTF-8 ``C4 81``) is exported as ``\\C4\\81``. Decoding
turns the bytes back into text as UTF-8 when they are valid UTF-8, otherwise byte by byte as
latin-1 (so an old ``Tama\\F1o`` reads ``Tamaño``). Encoding writes text as UTF-8 bytes.

``\\f`` follows MikroTik's escape table (byte 0xFF), which is odd but documented; this module never
writes it. ``\\_`` is a space; export uses it where a wrapped line would otherwise start with one.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "SAFE_BARE",
    "EscapeError",
    "decode_bytes",
    "escape",
    "needs_quotes",
    "quote",
    "unescape",
]

_SIMPLE: Final[dict[str, bytes]] = {
    '"': b'"',
    "\\": b"\\",
    "$": b"$",
    "?": b"?",
    "_": b" ",
    "n": b"\n",
    "r": b"\r",
    "t": b"\t",
    "a": b"\a",
    "b": b"\b",
    "f": b"\xff",
    "v": b"\v",
}
_HEX: Final = frozenset("0123456789ABCDEF")
_HEX_ESCAPE: Final = re.compile(r"\\[0-9A-F]{2}")
_SIMPLE_TEXT: Final[dict[str, str]] = {k: v.decode("latin-1") for k, v in _SIMPLE.items()}
_SIMPLE_PAIRS: Final = tuple(("\\" + k, v) for k, v in _SIMPLE_TEXT.items() if k != "\\")

# What export writes without quotes: letters, digits and these marks. Everything else (space, = ; " '
# $ ? \ [ ] { } ( ) #, control bytes, anything beyond ASCII, and the empty string) is quoted.
SAFE_BARE: Final = re.compile(r"[A-Za-z0-9._:/,+*@%^~!<>|&-]+")
_NEEDS_ESCAPE: Final = re.compile(r"[^ !#%->@-\[\]-~]")

_ESCAPES_OUT: Final[dict[str, str]] = {'"': '\\"', "\\": "\\\\", "$": "\\$", "?": "\\?", "\n": "\\n",
                                       "\r": "\\r", "\t": "\\t"}


class EscapeError(ValueError):
    """An escape sequence RouterOS would not accept; ``offset`` is where it starts in the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def decode_bytes(data: bytes) -> str:
    """Bytes from a RouterOS string as text: UTF-8 where valid, each other byte as latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    parts: list[str] = []
    rest = data
    while rest:
        try:
            parts.append(rest.decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            parts.append(rest[: exc.start].decode("utf-8"))
            parts.append(rest[exc.start : exc.start + 1].decode("latin-1"))
            rest = rest[exc.start + 1 :]
    return "".join(parts)


def unescape(body: str) -> str:
    """The text of a quoted string's body (without the quotes), escapes resolved.

    Raises :class:`EscapeError` (with the offset in ``body``) for an escape RouterOS does not know.
    """
    if "\\" not in body:
        return body
    if _HEX_ESCAPE.search(body) is None:
        return _unescape_simple(body)
    return _unescape_bytes(body)


def _unescape_simple(body: str) -> str:
    """No hex escapes: every escape is one character. Replaced in C (the escaped backslash held
    aside first, so that ``\\\\n`` stays a backslash and an n); anything left over -- an unknown
    escape, a backslash at the end -- goes the careful way, for its offset."""
    if "\x00" not in body:
        text = body.replace("\\\\", "\x00")
        for escape_, char in _SIMPLE_PAIRS:
            if escape_ in text:
                text = text.replace(escape_, char)
        if "\\" not in text:
            return text.replace("\x00", "\\")
    return _unescape_parts(body)


def _unescape_parts(body: str) -> str:
    """No hex escapes: every escape is one character, so work on text, a part at a time."""
    parts = body.split("\\")
    out = [parts[0]]
    last = len(parts) - 1
    i = 1
    offset = len(parts[0])
    while i <= last:
        part = parts[i]
        if part:
            mapped = _SIMPLE_TEXT.get(part[0])
            if mapped is None:
                raise EscapeError(f"unknown escape \\{part[0]}", offset)
            out.append(mapped)
            out.append(part[1:])
            offset += len(part) + 1
            i += 1
        elif i == last:
            raise EscapeError("backslash at the end of a string", offset)
        else:  # "\\\\": a backslash, and the next part is plain text
            out.append("\\")
            out.append(parts[i + 1])
            offset += len(parts[i + 1]) + 2
            i += 2
    return "".join(out)


def _unescape_bytes(body: str) -> str:
    out = bytearray()
    i = 0
    n = len(body)
    while i < n:
        j = body.find("\\", i)
        if j < 0:
            out += body[i:].encode("utf-8")
            break
        if j > i:
            out += body[i:j].encode("utf-8")
        if j + 1 >= n:
            raise EscapeError("backslash at the end of a string", j)
        c = body[j + 1]
        simple = _SIMPLE.get(c)
        if c in _HEX and j + 2 < n and body[j + 2] in _HEX:
            out.append(int(body[j + 1 : j + 3], 16))
            i = j + 3
        elif simple is not None:
            out += simple
            i = j + 2
        else:
            raise EscapeError(f"unknown escape \\{c}", j)
    return decode_bytes(bytes(out))


def _escape_char(ch: str) -> str:
    mapped = _ESCAPES_OUT.get(ch)
    if mapped is not None:
        return mapped
    return "".join(f"\\{b:02X}" for b in ch.encode("utf-8"))


def escape(text: str) -> str:
    """The body of a quoted string for ``text`` (without the surrounding quotes)."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    return _NEEDS_ESCAPE.sub(lambda m: _escape_char(m.group(0)), text)


def needs_quotes(text: str) -> bool:
    """True when ``text`` cannot be written bare on a RouterOS command line."""
    return SAFE_BARE.fullmatch(text) is None


def quote(text: str) -> str:
    """``text`` as RouterOS writes a value: bare when safe, else double-quoted with escapes.

    Whatever ``text`` holds (quotes, ``;``, ``[``, ``$``, newlines), the result is one value token
    that the parser reads back as exactly ``text`` and that can never end the command.
    """
    if SAFE_BARE.fullmatch(text) is not None:
        return text
    return f'"{escape(text)}"'


def _register_spelling() -> None:
    """Secrets are masked in RouterOS's quoted spelling too (``pa\\"ss``, ``\\C4\\81``), wherever
    script text holding one is shown, logged or stored."""
    from mikronet.secret import REDACTOR

    REDACTOR.add_spelling(escape)


_register_spelling()
