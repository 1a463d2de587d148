"""How the RouterOS console prints what a router holds: pure text formatting of API rows.

A simulated router answers every command with rows of RouterOS API text (``'true'``/``'false'``,
raw byte counts, durations). The console shows the same rows the way RouterOS's ``print`` does
(``../shared/docs/routeros.md`` section 4.5 and the real captures under
``../shared/corpus/outputs/``):

* single-instance menus (rows without ``.id``): ``key: value`` lines, keys right-aligned, sizes in
  KiB/MiB/GiB, ``cpu-load`` with ``%``, booleans ``yes``/``no``;
* ``print detail``: a ``Flags:`` header, then `` 0 D ;;; comment`` and ``key=value`` lines wrapped
  to the terminal width, string properties quoted, items separated by a blank line;
* ``print terse``: one line per item, nothing wrapped, nothing quoted;
* plain ``print``: a table with per-menu columns (v6 `` #   ADDRESS``; v7 adds ``Columns:``), or the
  detail layout for menus that RouterOS prints that way (firewall rules and the like).

What differs per menu (flag letters, table columns, which properties are strings) is RouterOS
knowledge kept as data in :data:`LOOKS` and the sets below. Every function here is pure; lines are
returned without line endings and the caller chooses ``\\n`` or ``\\r\\n``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mikronet.sim.looks import LOOKS, Flag, Look, look_for

__all__ = [
    "LOGO",
    "LOOKS",
    "UPPER_DETAIL_SINCE",
    "V6_HELP",
    "Flag",
    "Look",
    "banner",
    "cli_value",
    "format_blocks",
    "format_detail",
    "format_items",
    "format_kv",
    "format_table",
    "format_terse",
    "human_size",
    "look_for",
    "only",
    "quote_value",
]

Row = Mapping[str, str]

LOGO = (
    "  MMM      MMM       KKK                          TTTTTTTTTTT      KKK",
    "  MMMM    MMMM       KKK                          TTTTTTTTTTT      KKK",
    "  MMM MMMM MMM  III  KKK  KKK  RRRRRR     OOOOOO      TTT     III  KKK  KKK",
    "  MMM  MM  MMM  III  KKKKK     RRR  RRR  OOO  OOO     TTT     III  KKKKK",
    "  MMM      MMM  III  KKK KKK   RRRRRR    OOO  OOO     TTT     III  KKK KKK",
    "  MMM      MMM  III  KKK  KKK  RRR  RRR   OOOOOO      TTT     III  KKK  KKK",
)
V6_HELP = (
    "[?]             Gives the list of available commands",
    "command [?]     Gives help on the command and list of arguments",
    "",
    "[Tab]           Completes the command/word. If the input is ambiguous,",
    "                a second [Tab] gives possible options",
    "",
    "/               Move up to base level",
    "..              Move up one level",
    "/command        Use command at the base level",
)



STRING_PROPS = frozenset(
    {
        "name", "default-name", "type", "identity", "platform", "version", "board", "software-id",
        "interface-name", "system-description", "system-caps", "system-caps-enabled", "from-pool",
        "in-filter", "out-filter", "state", "ifname", "log-prefix", "source", "on-event", "owner",
        "policy", "bgp-ext-communities", "tcp-md5-key", "key-owner", "contents", "host-name",
    }
)
"""Properties RouterOS prints quoted in ``print detail`` (``name="ether1"``); others print bare."""

SIZE_PROPS = frozenset({"free-memory", "total-memory", "free-hdd-space", "total-hdd-space"})
PERCENT_PROPS = frozenset({"cpu-load", "bad-blocks", "load"})
MHZ_PROPS = frozenset({"cpu-frequency"})

_UNITS = ("KiB", "MiB", "GiB", "TiB")

_V7_GAP = "  "
"""What RouterOS 7 puts between two table columns; RouterOS 6 tables here use one space."""

UPPER_DETAIL_SINCE = (7, 18)
"""From this release ``print detail`` names flags in capitals (``Flags: X - DISABLED; D - DYNAMIC``),
as tables did before it. Captures: lower case on releases up to the start of 2025 (7.16/7.17
forum posts), capitals on 7.22; the first release of 2025 is taken as the change (approximate)."""


def banner(version: str, year: str, *, v7: bool) -> list[str]:
    """The login banner (reference 4.2): logo, version line, then v7's F1 hint or v6's help lines."""
    url = "https://www.mikrotik.com/" if v7 else "http://www.mikrotik.com/"
    lines = ["", "", *LOGO, "", f"  MikroTik RouterOS {version} (c) 1999-{year}       {url}", ""]
    return [*lines, *(["Press F1 for help"] if v7 else V6_HELP), ""]


def only(row: Row, proplist: Sequence[str] | None) -> dict[str, str]:
    """``row`` limited to ``proplist`` (``.id`` and ``comment`` kept for numbering and ``;;;``)."""
    if proplist is None:
        return dict(row)
    return {k: v for k, v in row.items() if k in proplist or k in (".id", "comment")}



def human_size(size: int) -> str:
    """Bytes as RouterOS shows them: ``988.3MiB``, ``1196.0KiB``, ``63.4GiB``, ``4032.0MiB``.

    The captures switch to the next unit only once the value reaches ten of it (3428.0KiB,
    4032.0MiB and 16.0MiB all appear), always with one decimal.
    """
    if size < 1024:
        return str(size)
    value = size / 1024
    unit = 0
    while unit + 1 < len(_UNITS) and value / 1024 >= 10:
        value /= 1024
        unit += 1
    return f"{value:.1f}{_UNITS[unit]}"


def cli_value(key: str, value: str) -> str:
    """One API value as the console shows it (booleans, sizes, percentages, MHz)."""
    if value == "true":
        return "yes"
    if value == "false":
        return "no"
    if value.isdigit():
        if key in SIZE_PROPS:
            return human_size(int(value))
        if key in PERCENT_PROPS:
            return f"{value}%"
        if key in MHZ_PROPS:
            return f"{value}MHz"
    return value


def quote_value(value: str) -> str:
    """``value`` in double quotes with ``\\`` and ``"`` escaped, as ``print detail`` shows strings."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _detail_value(key: str, value: str) -> str:
    text = cli_value(key, value)
    if key in STRING_PROPS or text == "":
        return quote_value(text)
    return text


def format_kv(row: Row, *, pad_values: bool = False) -> list[str]:
    """A single-instance menu: ``  key: value`` with keys right-aligned to the longest one.

    A ``comment`` becomes a ``;;; comment`` line above the fields (``/system routerboard`` after a
    firmware upgrade). ``pad_values`` pads every value to the longest one, as v7 does in the
    ``check-for-updates`` blocks.
    """
    pairs = [(k, cli_value(k, v)) for k, v in row.items() if not k.startswith(".") and k != "comment"]
    lines = [f";;; {row['comment']}"] if row.get("comment") else []
    if not pairs:
        return lines
    key_width = max(len(k) for k, _ in pairs)
    value_width = max(len(v) for _, v in pairs) if pad_values else 0
    for key, value in pairs:
        lines.append(f"  {key.rjust(key_width)}: {value.ljust(value_width)}")
    return lines


def format_blocks(rows: Sequence[Row], *, pad_values: bool) -> list[str]:
    """Rows of a command such as ``check-for-updates``: ``key: value`` blocks separated by a blank line."""
    lines: list[str] = []
    for index, row in enumerate(rows):
        if index:
            lines.append("")
        shown = {k: v for k, v in row.items() if not k.startswith(".")}
        lines.extend(format_kv(shown, pad_values=pad_values))
    return lines


def _flag_letters(row: Row, flags: Sequence[Flag]) -> str:
    return "".join(f.letter for f in flags if row.get(f.prop) == "true")


def _flags_header(flags: Sequence[Flag], *, v7: bool, upper: bool, width: int = 80) -> list[str]:
    """``Flags: X - disabled, I - invalid, D - dynamic`` (v6), ``Flags: X - disabled, I - invalid;
    D - dynamic`` (v7: ``;`` between groups), wrapped after a separator like RouterOS does."""
    if not flags:
        return []
    names = [f"{f.letter} - {f.prop.upper() if upper else f.prop}" for f in flags]
    lines: list[str] = []
    current = "Flags: "
    for index, name in enumerate(names):
        last = index == len(names) - 1
        separator = ";" if v7 and not last and flags[index + 1].group != flags[index].group else ","
        piece = name + ("" if last else separator)
        if current.strip() and current != "Flags: " and len(current) + len(piece) > width - 1:
            lines.append(current.rstrip())
            current = ""
        current += piece + " "
    lines.append(current.rstrip())
    return lines


def _shown_props(row: Row, flags: Sequence[Flag]) -> list[tuple[str, str]]:
    hidden = {f.prop for f in flags} | {"comment"}
    return [(k, v) for k, v in row.items() if not k.startswith(".") and k not in hidden]


def _wrap(first: str, indent: int, words: Sequence[str], width: int) -> list[str]:
    """Lay ``words`` after ``first``, breaking before a word that would pass ``width - 1``."""
    lines: list[str] = []
    current = first
    fresh = True
    limit = max(width - 1, indent + 20)
    for word in words:
        candidate = current + ("" if fresh else " ") + word
        if not fresh and len(candidate) > limit:
            lines.append(current)
            current = " " * indent + word
        else:
            current = candidate
        fresh = False
    lines.append(current)
    return lines


def _prefix(number: int, letters: str, number_width: int, flag_width: int) -> str:
    return f"{number:>{number_width}} {letters:<{flag_width}} "


def format_detail(
    items: Sequence[tuple[int, Row]], look: Look, *, v7: bool, width: int = 80, upper: bool = False
) -> list[str]:
    """``print detail``: the Flags header (every flag of the menu, present or not; names in capitals
    with ``upper``, as later RouterOS 7 releases print them), then each item's number, flags, comment
    and properties."""
    lines = _flags_header(look.flags, v7=v7, upper=upper, width=width)
    number_width = max([2] + [len(str(n)) for n, _ in items])
    flag_width = max([1] + [len(_flag_letters(row, look.flags)) for _, row in items])
    for index, (number, row) in enumerate(items):
        if index:
            lines.append("")
        prefix = _prefix(number, _flag_letters(row, look.flags), number_width, flag_width)
        words = [f"{k}={_detail_value(k, v)}" for k, v in _shown_props(row, look.flags)]
        comment = row.get("comment")
        if comment:
            comment_lines = comment.replace("\r\n", "\n").split("\n")
            lines.append(prefix + ";;; " + comment_lines[0])
            lines.extend(comment_lines[1:])
            lines.extend(_wrap(" " * len(prefix), len(prefix), words, width))
        else:
            lines.extend(_wrap(prefix, len(prefix), words, width))
    return lines


def format_terse(items: Sequence[tuple[int, Row]], look: Look) -> list[str]:
    """``print terse``: one unwrapped line per item, the comment first, values as they are."""
    number_width = max([2] + [len(str(n)) for n, _ in items])
    flag_width = max([1] + [len(_flag_letters(row, look.flags)) for _, row in items])
    lines = []
    for number, row in items:
        words = [f"comment={row['comment']}"] if row.get("comment") else []
        words += [f"{k}={cli_value(k, v)}" for k, v in _shown_props(row, look.flags)]
        prefix = _prefix(number, _flag_letters(row, look.flags), number_width, flag_width)
        lines.append(prefix + " ".join(words))
    return lines


def format_table(items: Sequence[tuple[int, Row]], look: Look, *, v7: bool, width: int = 80) -> list[str]:
    """Plain ``print`` of a list menu as a table with the menu's columns.

    v6: the full Flags header, `` #   COLUMN ...``, a comment as `` 1   ;;; text`` with the values on
    the next line. v7: the flags that occur (upper case), a ``Columns:`` line, ``;;; text`` on its
    own line above the item, the flag column only when some item has a flag (as wide as the most
    letters one item shows), and two spaces between columns, every cell padded to its column's width
    (7.x captures of ``/ip address``, ``/ip arp``, ``/interface`` and ``/system history`` prints).
    """
    columns = look.columns
    cells = [[cli_value(c, row.get(c, "")) for c in columns] for _, row in items]
    widths = [max([len(c.upper())] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [all(r[i].isdigit() or r[i] == "" for r in cells) and bool(cells) for i in range(len(columns))]
    letters = [_flag_letters(row, look.flags) for _, row in items]
    number_width = max([1 if v7 else 2] + [len(str(n)) for n, _ in items])
    flag_width = max([0 if v7 else 1] + [len(f) for f in letters])

    def render(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            cell = value.rjust(widths[i]) if numeric[i] else value.ljust(widths[i])
            parts.append(cell)
        return _V7_GAP.join(parts) if v7 else " ".join(parts).rstrip()

    lines: list[str] = []
    if v7:
        present = [f for f in look.flags if any(f.letter in letter for letter in letters)]
        lines += _flags_header(present, v7=True, upper=True, width=width)
        lines.append("Columns: " + ", ".join(c.upper() for c in columns))
    else:
        lines += _flags_header(look.flags, v7=False, upper=False, width=width)
    lead = "#".rjust(number_width) + " " + " " * flag_width + (" " if flag_width else "")
    lines.append(lead + render([c.upper() for c in columns]))
    for (number, row), flag_text, values in zip(items, letters, cells, strict=True):
        prefix = f"{number:>{number_width}} " + (f"{flag_text:<{flag_width}} " if flag_width else "")
        comment = row.get("comment")
        if comment and v7:
            lines.append(f";;; {comment}")
            lines.append(prefix + render(values))
        elif comment:
            lines.append(prefix + f";;; {comment}")
            lines.append(" " * len(prefix) + render(values))
        else:
            lines.append(prefix + render(values))
    return lines


def format_items(
    path: Sequence[str],
    items: Sequence[tuple[int, Row]],
    *,
    v7: bool,
    width: int = 80,
    detail: bool = False,
    terse: bool = False,
    upper_detail: bool = False,
) -> list[str]:
    """A list menu's ``print`` in the layout asked for (table, detail or terse); ``upper_detail``:
    the detail layout's flag names in capitals (RouterOS :data:`UPPER_DETAIL_SINCE` and later)."""
    look = look_for(path)
    if terse:
        return format_terse(items, look)
    if detail or not look.columns:
        return format_detail(items, look, v7=v7, width=width, upper=upper_detail)
    return format_table(items, look, v7=v7, width=width)
