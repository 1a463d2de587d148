"""Reading and applying over the SSH console.

A router is read with one whole ``export verbose terse`` (its header gives the version), parsed as
the RouterOS model; user accounts, which RouterOS leaves out of exports, come from ``print detail``.
A plan is sent as console lines with ``[ find … ]`` selectors, one at a time, each line's output
checked for RouterOS's error lines, so the first refusal stops the rest and the report names exactly
what took effect.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from mikronet.errors import TransportError
from mikronet.routeros import Config, Item, Plan, Schema, Section, canonical_path, parse, render_script, unescape
from mikronet.transport.base import ActualState, ApplyReport
from mikronet.transport.console import error_in
from mikronet.transport.rows import config_props

if TYPE_CHECKING:
    from mikronet.transport.ssh import SshTransport

__all__ = ["apply_over_console", "parse_detail", "parse_settings", "read_over_console"]

# Menus RouterOS leaves out of /export (user accounts): read from `print detail` on the console.
_NOT_EXPORTED = frozenset({"/user"})


_HEAD = re.compile(r"^\s*(\d+)\s+([A-Z]*)\s*(.*)$")
# A date with its time is one value although the console prints it unquoted with a space
# (``next-run=dec/06/2026 10:00:00`` up to 7.10, ``2026-12-06 10:00:00`` after).
_DATE_TIME = r"(?:[A-Za-z]{3}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2}) \d{2}:\d{2}:\d{2}(?!\S)"
_PAIR = re.compile(rf'([A-Za-z0-9.-]+)=("(?:[^"\\]|\\.)*"|{_DATE_TIME}|\S*)')


def parse_detail(output: str) -> list[dict[str, str]]:
    """Rows of a console ``print detail``: ``N FLAGS ;;; comment`` heads, then ``key=value`` pairs,
    quoted values unescaped as RouterOS prints them. Values are data: a ``$`` or ``[`` in a user
    name is never read as script. Each row's ``.id`` is its console number, valid in this session;
    flags come as ``.flags``."""
    rows: list[dict[str, str]] = []
    for line in output.splitlines():
        if not line.strip() or line.startswith(("Flags:", "Columns:")):
            continue
        head = _HEAD.match(line)
        rest = line
        if head is not None and (not rows or not line.startswith("      ")):
            rows.append({".id": head.group(1), ".flags": head.group(2)})
            rest = head.group(3)
            if rest.startswith(";;; "):
                rows[-1]["comment"] = rest[4:].rstrip()
                continue
        if not rows:
            continue
        for key, value in _PAIR.findall(rest):
            rows[-1][key] = unescape(value[1:-1]) if value.startswith('"') else value
    return rows


_SETTING = re.compile(r"^\s*([a-z][a-z0-9.-]*): ?(.*?)\s*$")


def parse_settings(output: str) -> dict[str, str]:
    """A single-item menu's console ``print``: right-aligned ``key: value`` lines."""
    row: dict[str, str] = {}
    for line in output.splitlines():
        match = _SETTING.match(line)
        if match is not None:
            row[match.group(1)] = match.group(2)
    return row


def _read_by_print(transport: SshTransport, path: str, schema: Schema) -> Section:
    """Items from ``print detail``: user accounts, which RouterOS leaves out of exports."""
    items = []
    for row in parse_detail(transport.send(f"{path} print detail without-paging")):
        flags = row.pop(".flags", "")
        row.pop(".id", None)
        row["disabled"] = "yes" if "X" in flags else "no"
        items.append(Item(config_props(row, schema, path)))
    return Section(path, items=tuple(items))


def read_over_console(transport: SshTransport, paths: Sequence[str], schema: Schema) -> ActualState:
    """One ``export verbose terse`` of the whole router, parsed; users from ``print detail``."""
    text = transport.export(verbose=True, terse=True)
    parsed = parse(text, file=f"{transport.router_id} export", recover=True, schema=schema)
    version = parsed.header.version if parsed.header is not None else None
    if version is None:
        match = re.search(r"^\s*version: (\S+)", transport.send("/system resource print"), re.MULTILINE)
        version = match.group(1) if match else None
    sections: dict[str, Section] = {}
    for path in map(canonical_path, paths):
        if path in _NOT_EXPORTED:
            sections[path] = _read_by_print(transport, path, schema)
        else:
            sections[path] = parsed.get(path) or Section(path)
    return ActualState(Config(sections), version, {})


def apply_over_console(
    transport: SshTransport, plan: Plan, *, stop: Callable[[], bool] | None = None
) -> ApplyReport:
    """Send each operation as one console line; stop at the first refusal or when ``stop()`` says so."""
    report = ApplyReport()
    for op in plan:
        if stop is not None and stop():
            report.stopped = True
            return report
        line = render_script(Plan((op,)), show_sensitive=True).strip()
        try:
            output = transport.send(line)
        except TransportError as exc:
            report.uncertain, report.lost = [op], exc.message
            return report
        report.round_trips += 1
        error = error_in(output)
        if error is not None:
            report.failed, report.error = op, error
            return report
        report.applied.append(op)
    return report
