"""Console output read as output: ``print detail``, ``print terse`` and ``key: value`` prints.

What a router prints is data, never script. A user named ``a$b "c"`` is printed as
``name="a$b \\"c\\""``; read as script, ``$b`` would be a variable and the line would fail. Here a
quoted value is decoded with RouterOS's escapes (``\\"``, ``\\\\``, ``\\n``, ``\\C4\\81`` …) and
nothing else: no variables, no commands, and an escape RouterOS would not write is kept as it
stands. An unquoted value runs to the next `` key=`` (printed values may hold spaces:
``last-link-up-time=jul/09/2023 07:18:42``).

The layouts, as captured from real routers (``../shared/corpus/outputs``):

* ``print detail``: a ``Flags: X - disabled, D - dynamic`` header (v7: ``;``-separated, upper
  case), then per item its number, its flag letters and a ``;;; comment`` (which may run over
  several lines), the properties on indented lines; items separated by blank lines. Some menus
  (``/log``) print no numbers: a blank line separates their items.
* ``print terse``: one line per item, ``N FLAGS key=value …``; v7 may leave out the number
  (``DAc dst-address=…``).
* single-instance menus (``/system resource print``): ``key: value`` lines, keys right-aligned.

Log lines the console echoes between output lines (``17:20:06 echo: system,error …``) are
skipped. Lines that fit no layout are skipped too and listed in :attr:`Printed.skipped`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from mikronet.routeros.model import Props
from mikronet.routeros.quoting import EscapeError, unescape

__all__ = ["Printed", "PrintedItem", "parse_print", "parse_print_values"]

_ANSI: Final = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_LOG_ECHO: Final = re.compile(r"\s*\d{1,2}:\d{2}:\d{2} echo: ")
_FLAGS_HEADER: Final = re.compile(r"\s*Flags:\s*")
_FLAG_ENTRY: Final = re.compile(r"([A-Za-z*+#]) - ([^,;]+?)\s*(?:[,;]|$)")
_FLAG_LINE: Final = re.compile(r"\s*(?:[A-Za-z*+#] - [^,;]+[,;]?\s*)+$")
_NUMBER: Final = re.compile(r"\s*(\d+)(?=\s|$)")
_KEY: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*=")
_NEXT_KEY: Final = re.compile(r"\s+(?=[A-Za-z0-9][A-Za-z0-9_./-]*=)")
_QUOTED: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_FLAG_TOKEN: Final = re.compile(r"([A-Za-z*+#]{1,6})(?:\s+|$)")  # a word of flag letters, not a key
_ESCAPE: Final = re.compile(r'\\(?:([0-9A-F]{2}|["\\$?_nrtabfv])|.|$)', re.DOTALL)
_VALUE_LINE: Final = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9_./-]*):(?: (.*))?$")


@dataclass(frozen=True)
class PrintedItem:
    """One printed item: its console ``number`` (``None`` where the menu prints none), its flag
    ``flags`` letters (``"XD"``), its ``comment`` and its properties as printed (text, quotes and
    escapes resolved). ``line`` is where it starts in the output (1-based)."""

    number: int | None
    flags: str
    comment: str | None
    props: Props
    line: int

    @property
    def disabled(self) -> bool:
        return "X" in self.flags

    @property
    def dynamic(self) -> bool:
        return "D" in self.flags


@dataclass(frozen=True)
class Printed:
    """A whole print: ``flags`` maps each letter of the ``Flags:`` header to its name
    (lower-cased: ``{"X": "disabled"}``), ``items`` in order, ``skipped`` the lines that fit no
    layout (1-based)."""

    items: tuple[PrintedItem, ...] = ()
    flags: dict[str, str] = field(default_factory=dict)
    skipped: tuple[int, ...] = ()


def _decode(body: str) -> str:
    """A quoted value's body: RouterOS's escapes resolved; an escape it would not write kept."""
    try:
        return unescape(body)
    except EscapeError:
        return unescape(_ESCAPE.sub(lambda m: m.group(0) if m.group(1) else "\\" + m.group(0), body))


def _pairs(text: str) -> dict[str, str]:
    """``key=value`` pairs of printed text (quoted values decoded, bare ones to the next key)."""
    props: dict[str, str] = {}
    pos = 0
    n = len(text)
    while pos < n:
        while pos < n and text[pos].isspace():
            pos += 1
        key = _KEY.match(text, pos)
        if key is None:  # not a pair: skip to the next one
            nxt = _NEXT_KEY.search(text, pos)
            if nxt is None:
                break
            pos = nxt.end()
            continue
        name = key.group(0)[:-1]
        pos = key.end()
        quoted = _QUOTED.match(text, pos) if pos < n and text[pos] == '"' else None
        if quoted is not None and (quoted.end() == n or text[quoted.end()].isspace()):
            props[name] = _decode(quoted.group(0)[1:-1])
            pos = quoted.end()
            continue
        nxt = _NEXT_KEY.search(text, pos)
        end = nxt.start() if nxt is not None else n
        props[name] = text[pos:end].rstrip()
        pos = end
    return props


@dataclass
class _Open:
    number: int | None
    flags: str
    line: int
    comment: list[str] | None
    words: list[str]


def _item_head(line: str) -> tuple[int | None, str, str] | None:
    """(number, flags, rest) when ``line`` starts an item: a number first, or -- unindented --
    flag letters or a ``key=`` (a terse line without a number)."""
    m = _NUMBER.match(line)
    if m is not None:
        number: int | None = int(m.group(1))
        rest = line[m.end():].lstrip()
    elif line[:1].isspace() or "=" not in line:
        return None
    else:
        number, rest = None, line
    letters: list[str] = []
    pos = 0
    while True:
        token = _FLAG_TOKEN.match(rest, pos)
        if token is None:
            break
        letters.append(token.group(1))
        pos = token.end()
    after = rest[pos:]
    if after.startswith(";;;") or _KEY.match(after) or not after:
        return number, "".join(letters), after
    return (number, "", rest) if number is not None else None


def parse_print(text: str) -> Printed:
    """Items of ``print detail`` or ``print terse`` output (see the module's description)."""
    lines = _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    flags: dict[str, str] = {}
    items: list[PrintedItem] = []
    skipped: list[int] = []
    current: _Open | None = None
    in_header = False
    blank = True

    def close() -> None:
        nonlocal current
        if current is not None:
            comment = "\n".join(current.comment) if current.comment is not None else None
            items.append(PrintedItem(current.number, current.flags, comment,
                                     Props(_pairs(" ".join(current.words))), current.line))
            current = None

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            blank = True
            in_header = False
            continue
        if _LOG_ECHO.match(line):
            continue
        header = _FLAGS_HEADER.match(line)
        if header is not None or (in_header and _FLAG_LINE.match(line)):
            close()
            body = line[header.end():] if header is not None else line
            flags.update((m.group(1), m.group(2).strip().lower()) for m in _FLAG_ENTRY.finditer(body))
            in_header = True
            continue
        in_header = False
        if line.lstrip().startswith("Columns:"):
            continue
        head = _item_head(line)
        if head is None and blank and _KEY.match(line.lstrip()):
            head = (None, "", line.lstrip())  # a numberless item after a blank line (``/log``)
        if head is not None:
            close()
            item_number, letters, rest = head
            if rest.startswith(";;;"):
                current = _Open(item_number, letters, number, [rest[3:].strip()], [])
            else:
                current = _Open(item_number, letters, number, None, [rest])
        elif current is not None and not blank:
            if current.comment is not None and not current.words and not _KEY.match(line.lstrip()):
                current.comment.append(line.strip())  # the comment runs on
            else:
                current.words.append(line.strip())
        else:
            skipped.append(number)
        blank = False
    close()
    return Printed(tuple(items), flags, tuple(skipped))


def parse_print_values(text: str) -> dict[str, str]:
    """``key: value`` output of a single-instance menu (``/system resource print``) as a dict;
    a ``;;; text`` line above the values becomes ``comment``."""
    out: dict[str, str] = {}
    for line in _ANSI.sub("", text).replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(";;;"):
            out["comment"] = stripped[3:].strip()
            continue
        m = _VALUE_LINE.match(line)
        if m is not None and not _LOG_ECHO.match(line):
            out[m.group(1).strip()] = (m.group(2) or "").rstrip()
    return out
