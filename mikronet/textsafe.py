"""Text from the inventory, the ledger or a command line, written so that it stays text where it lands.

Every output goes through one of these:

* :func:`printable` — control characters (CR, ESC, BEL, NUL, other C0 and C1, bidi overrides)
  shown as escapes (``\\r``, ``\\x1b``, ``\\u202e``), so a name cannot rewrite a terminal or a file;
* :func:`csv_text` — the one CSV writer: control characters escaped, and a cell a spreadsheet would
  take for a formula (``= + - @``, tab or CR first) written with a leading ``'``
  (:func:`neutralise_cell`);
* :func:`html_text` — HTML text and attribute values, control characters escaped as above;
* :func:`md_text` / :func:`md_cell` — Markdown that renders as the text it holds: no raw HTML, no
  link or image (``[x](javascript:…)``), no emphasis, heading or list made by the data.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

__all__ = ["BOM", "FORMULA_START", "csv_text", "html_text", "md_cell", "md_text", "neutralise_cell", "printable"]

BOM = "\ufeff"

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may take for a formula at the start of a cell."""

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t", "\0": "\\0"}
_NUMBER = re.compile(r"^[-+]?\d+([.,]\d+)?$")


def printable(text: str, *, keep: str = "") -> str:
    """``text`` with control characters escaped (``\\r``, ``\\x07``, ``\\x1b``, ``\\u202e``), other text kept.
    ``keep``: control characters left as they are (``"\\n"`` where a line break is allowed)."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char in keep:
            out.append(char)
        elif char in _NAMED:
            out.append(_NAMED[char])
        elif unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def neutralise_cell(text: str) -> str:
    """``'`` before a cell a spreadsheet would take for a formula (a plain number such as ``-6`` stays),
    and before a cell that already starts with ``'`` and a formula character (so an import, which
    takes one ``'`` off, gives back exactly the text)."""
    if (text.startswith(FORMULA_START) and not _NUMBER.match(text)) or (
        text[:1] == "'" and text[1:2] in FORMULA_START and text[1:2] != ""
    ):
        return "'" + text
    return text


def csv_text(rows: Iterable[Sequence[object]], *, delimiter: str = ",", bom: bool = False) -> str:
    """``rows`` as CSV (CRLF line ends): each cell as text (``None`` empty), control characters other
    than line feed and tab escaped, formula-like cells neutralised. ``bom``: start with a byte-order
    mark (spreadsheets then read UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise_cell(printable("" if c is None else str(c), keep="\n\t")) for c in row])
    return (BOM if bom else "") + out.getvalue()


# Backslash-escaping ASCII punctuation is always literal in CommonMark; these are the characters
# that could start markup inside a line (HTML, links, images, emphasis, code, tables, entities).
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>()|!~&#])")
_MD_LINE_START = re.compile(r"^(\s*\d*)([-+=>.)])")


def md_text(text: str) -> str:
    """``text`` as Markdown that shows exactly that text on one line: markup characters
    backslash-escaped, line breaks as spaces, other control characters escaped."""
    flat = printable(" ".join(text.splitlines()) if text else text)
    escaped = _MD_INLINE.sub(r"\\\1", flat)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def md_cell(text: str) -> str:
    """``text`` for a cell of a Markdown table (``|`` escaped as well; see :func:`md_text`)."""
    return md_text(text)


def html_text(text: str) -> str:
    """``text`` for HTML text or a quoted attribute: ``& < > " '`` as entities, control characters escaped."""
    return html.escape(printable(text))
