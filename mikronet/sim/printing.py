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
from dataclasses import dataclass

__all__ = [
    "LOGO",
    "LOOKS",
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


@dataclass(frozen=True)
class Flag:
    """One flag of a menu: the ``letter`` shown when the API property ``prop`` is ``'true'``."""

    letter: str
    prop: str


@dataclass(frozen=True)
class Look:
    """How one menu prints: its flags (header order) and its table columns (empty: detail layout)."""

    flags: tuple[Flag, ...] = ()
    columns: tuple[str, ...] = ()


def _flags(*pairs: str) -> tuple[Flag, ...]:
    return tuple(Flag(pair[0], pair[2:]) for pair in pairs)


_XID = _flags("X disabled", "I invalid", "D dynamic")

LOOKS: dict[tuple[str, ...], Look] = {
    ("interface",): Look(
        _flags("D dynamic", "X disabled", "R running", "S slave"),
        ("name", "type", "actual-mtu", "l2mtu", "max-l2mtu", "mac-address"),
    ),
    ("interface", "ethernet"): Look(
        _flags("X disabled", "R running", "S slave"), ("name", "mtu", "mac-address", "arp", "switch")
    ),
    ("interface", "bridge"): Look(_flags("X disabled", "R running")),
    ("interface", "bridge", "port"): Look(
        _flags("X disabled", "I inactive", "D dynamic", "H hw-offload"), ("interface", "bridge", "pvid")
    ),
    ("interface", "bridge", "vlan"): Look(
        _flags("X disabled", "D dynamic"), ("bridge", "vlan-ids", "current-tagged", "current-untagged")
    ),
    ("interface", "vlan"): Look(
        _flags("X disabled", "R running"), ("name", "mtu", "arp", "vlan-id", "interface")
    ),
    ("interface", "list"): Look(_flags("D dynamic"), ("name",)),
    ("interface", "list", "member"): Look(_flags("X disabled", "D dynamic"), ("list", "interface")),
    ("interface", "wireless"): Look(_flags("X disabled", "R running")),
    ("ip", "address"): Look(_XID, ("address", "network", "interface")),
    ("ipv6", "address"): Look(
        _flags("X disabled", "I invalid", "D dynamic", "G global", "L link-local"),
        ("address", "from-pool", "interface", "advertise"),
    ),
    ("ip", "route"): Look(
        _flags(
            "X disabled", "A active", "D dynamic", "C connect", "S static", "r rip", "b bgp",
            "o ospf", "m mme", "B blackhole", "U unreachable", "P prohibit",
        ),
        ("dst-address", "gateway", "distance"),
    ),
    ("ip", "pool"): Look((), ("name", "ranges")),
    ("ip", "dns", "static"): Look(_XID, ("name", "address", "ttl")),
    ("ip", "dhcp-server"): Look(_XID, ("name", "interface", "address-pool", "lease-time")),
    ("ip", "dhcp-server", "network"): Look((), ("address", "gateway", "dns-server")),
    ("ip", "dhcp-server", "lease"): Look(
        _flags("X disabled", "R radius", "D dynamic", "B blocked"),
        ("address", "mac-address", "host-name", "server", "status"),
    ),
    ("ip", "dhcp-client"): Look(
        _XID, ("interface", "use-peer-dns", "add-default-route", "status", "address")
    ),
    ("ip", "service"): Look(_flags("X disabled", "I invalid"), ("name", "port", "address", "certificate")),
    ("ip", "neighbor"): Look((), ("interface", "address", "mac-address", "identity", "version", "board")),
    ("ip", "firewall", "address-list"): Look(_XID, ("list", "address", "creation-time")),
    ("ip", "firewall", "filter"): Look(_XID),
    ("ip", "firewall", "nat"): Look(_XID),
    ("ip", "firewall", "mangle"): Look(_XID),
    ("user",): Look(_flags("X disabled"), ("name", "group", "address", "last-logged-in")),
    ("user", "group"): Look((), ("name", "policy", "skin")),
    ("user", "ssh-keys"): Look((), ("user", "bits", "key-owner")),
    ("system", "package"): Look(_flags("X disabled"), ("name", "version", "build-time", "scheduled")),
    ("system", "scheduler"): Look(
        _flags("X disabled"), ("name", "start-date", "start-time", "interval", "run-count")
    ),
    ("system", "script"): Look(_flags("I invalid")),
    ("system", "logging"): Look(
        _flags("X disabled", "I invalid", "D default"), ("topics", "action", "prefix")
    ),
    ("ip", "upnp", "interfaces"): Look(_flags("X disabled", "D dynamic"), ("interface", "type", "forced-ip")),
    ("ip", "arp"): Look(_flags("X disabled", "I invalid", "H dhcp", "D dynamic", "P published", "C complete"),
                        ("address", "mac-address", "interface")),
    ("ip", "firewall", "service-port"): Look(_flags("X disabled", "I invalid"), ("name", "ports")),
    ("ip", "hotspot", "user"): Look(_flags("X disabled", "D dynamic"), ("server", "name", "address", "profile")),
    ("ppp", "secret"): Look(_flags("X disabled"), ("name", "service", "caller-id", "profile", "remote-address")),
    ("ppp", "profile"): Look(_flags("* default"), ("name", "local-address", "remote-address", "bridge")),
    ("queue", "simple"): Look(_flags("X disabled", "I invalid", "D dynamic"), ("name", "target", "max-limit")),
    ("queue", "interface"): Look((), ("interface", "queue", "active-queue")),
    ("interface", "bridge", "host"): Look(
        _flags("X disabled", "I invalid", "D dynamic", "L local", "E external"),
        ("mac-address", "interface", "bridge", "age"),
    ),
    ("ipv6", "neighbor"): Look(_flags("R router"), ("address", "interface", "mac-address", "status")),
    ("routing", "bgp", "session"): Look(
        _flags("E established"), ("name", "remote.address", "remote.as", "local.role", "uptime")
    ),
    ("system", "leds"): Look(_flags("X disabled", "* default"), ("type", "interface", "leds")),
    ("system", "ntp", "client", "servers"): Look(_flags("X disabled", "D dynamic"), ("address", "auth-key")),
    ("tool", "netwatch"): Look(_flags("X disabled"), ("host", "timeout", "interval", "status", "since")),
    ("ip", "dns", "forwarders"): Look((), ("name", "dns-servers", "doh-servers")),
    ("file",): Look((), ("name", "type", "size", "creation-time")),
    ("log",): Look((), ("time", "topics", "message")),
}
"""Per-menu print layout. Columns are the ones RouterOS shows in a plain ``print`` (v6 and v7 agree
closely enough for the clients that parse them); a menu without columns prints in the detail
layout, as RouterOS does for firewall rules and scripts. Approximate where the reference says so."""

_DEFAULT_FLAGS = _flags("X disabled", "I invalid", "D dynamic")

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


def look_for(path: Sequence[str]) -> Look:
    """The print layout of ``path``; an unknown menu prints in the detail layout."""
    return LOOKS.get(tuple(path), Look(_DEFAULT_FLAGS))


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
    """``Flags: X - disabled, I - invalid, D - dynamic``, wrapped after a separator like RouterOS does."""
    if not flags:
        return []
    separator = ";" if v7 else ","
    names = [f"{f.letter} - {f.prop.upper() if upper else f.prop}" for f in flags]
    lines: list[str] = []
    current = "Flags: "
    for index, name in enumerate(names):
        piece = name + (separator if index < len(names) - 1 else "")
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
    items: Sequence[tuple[int, Row]], look: Look, *, v7: bool, width: int = 80
) -> list[str]:
    """``print detail``: the Flags header, then each item's number, flags, comment and properties."""
    lines = _flags_header(look.flags, v7=v7, upper=False, width=width)
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
    own line above the item, and the flag column only when some item has a flag.
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
        return " ".join(parts) if v7 else " ".join(parts).rstrip()

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
) -> list[str]:
    """A list menu's ``print`` in the layout asked for (table, detail or terse)."""
    look = look_for(path)
    if terse:
        return format_terse(items, look)
    if detail or not look.columns:
        return format_detail(items, look, v7=v7, width=width)
    return format_table(items, look, v7=v7, width=width)
