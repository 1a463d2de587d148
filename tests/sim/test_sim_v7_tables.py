"""RouterOS 7 table prints (plain ``print`` of a list menu) laid out as real 7.x routers lay them out.

The facts come from the corpus's 7.x captures: the legend names only the flags some printed item
shows (none: no ``Flags:`` line and no flag column), the flag column is as wide as the most letters
one item shows, and columns are two spaces apart with every cell padded to its column's width. Each
capture is read back into rows and printed again; the print must give the capture's lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from support.corpus import corpus_dir

from mikronet.sim import printing
from mikronet.sim.looks import LOOKS, Look

CAPTURES = corpus_dir() / "outputs" / "ntc-templates"
ADDRESS_FLAGGED = CAPTURES / "ip_address_print" / "mikrotik_routeros_ip_address_print_3.raw"
ADDRESS_PLAIN = CAPTURES / "ip_address_print" / "mikrotik_routeros_ip_address_print_4.raw"
ARP = CAPTURES / "ip_arp_print_without-paging" / "mikrotik_routeros_ip_arp_print_without-paging2.raw"

Rows = list[tuple[int, dict[str, str]]]


def _read_table(path: Path, look: Look, items: int | None = None) -> tuple[list[str], Rows]:
    """The capture's lines and its first ``items`` items (all by default) as API rows, flag
    letters back to ``prop='true'``. Cells are cut at the header's column starts; ``;;;`` lines
    give the next item's comment.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("#"))
    header = lines[header_at]
    starts = [m.start() for m in re.finditer(r"\S+", header)][1:]
    letters = {f.letter: f.prop for f in look.flags}
    rows: Rows = []
    comment: str | None = None
    for line in lines[header_at + 1:]:
        if line.startswith(";;; "):
            comment = line[4:]
            continue
        head = re.match(r"\s*(\d+) ", line)
        if head is None:
            continue
        if items is not None and len(rows) == items:
            break
        row = {prop: "false" for prop in letters.values()}
        for letter in line[head.end():starts[0]].strip():
            row[letters[letter]] = "true"
        bounds = [*starts, len(line)]
        for column, begin, end in zip(look.columns, bounds, bounds[1:], strict=False):
            row[column] = line[begin:end].strip()
        if comment is not None:
            row["comment"] = comment
            comment = None
        rows.append((int(head.group(1)), row))
    return lines, rows


def _same(printed: Sequence[str], captured: Sequence[str]) -> None:
    """Line for line; trailing blanks aside (captures lose them on their last line)."""
    assert [line.rstrip() for line in printed] == [line.rstrip() for line in captured]


def test_flagged_items_give_their_flags_legend_and_a_flag_column() -> None:
    look = LOOKS[("ip", "address")]
    lines, rows = _read_table(ADDRESS_FLAGGED, look)
    assert sum(row["dynamic"] == "true" for _, row in rows) == 1  # one D item; nothing else flagged
    printed = printing.format_table(rows, look, v7=True)
    assert printed[0] == "Flags: D - DYNAMIC"  # X and I are the menu's too, but no item shows them
    _same(printed, lines)


def test_no_flagged_item_gives_no_legend_and_no_flag_column() -> None:
    look = LOOKS[("ip", "address")]
    lines, rows = _read_table(ADDRESS_PLAIN, look)
    printed = printing.format_table(rows, look, v7=True)
    assert not any(line.startswith("Flags:") for line in printed)
    assert printed[1].startswith("# ADDRESS") and lines[1].startswith("# ADDRESS")
    # The capture's addresses were shortened when it was made anonymous, so its columns are wider
    # than its values need: same words on the same lines, each item's address right after "N ".
    assert [line.split() for line in printed] == [line.split() for line in lines]
    for mine, theirs in zip(printed[2:], lines[2:], strict=True):
        assert mine.startswith(";;;") or (mine[:2] == theirs[:2] and mine[2] != " ")


def test_two_letters_widen_the_flag_column_and_groups_are_kept_apart() -> None:
    look = Look(LOOKS[("ip", "arp")].flags, ("address", "mac-address", "interface", "status"))
    lines, rows = _read_table(ARP, look, items=1)  # the capture's next line is not aligned: retyped
    printed = printing.format_table(rows, look, v7=True)
    assert printed[0] == "Flags: D - DYNAMIC; C - COMPLETE"  # D and C are in different groups
    _same(printed, lines[:4])  # legend, columns, header, the DC item


def test_v7_columns_are_two_spaces_apart_and_v6_columns_one() -> None:
    look = LOOKS[("ip", "upnp", "interfaces")]
    rows: Rows = [
        (0, {"interface": "bridge-school", "type": "external", "disabled": "false", "dynamic": "false"}),
        (1, {"interface": "ether10", "type": "internal", "disabled": "true", "dynamic": "false"}),
    ]
    v7 = printing.format_table(rows, look, v7=True)
    assert v7[0] == "Flags: X - DISABLED"
    assert v7[2].index("TYPE") - v7[3].index("bridge-school") == len("bridge-school") + 2
    assert v7[3].startswith("0   bridge-school  external")
    assert v7[4].startswith("1 X ether10        internal")
    v6 = printing.format_table(rows, look, v7=False)
    assert v6[0] == "Flags: X - disabled, D - dynamic"  # RouterOS 6 names every flag of the menu
    assert v6[2] == " 0   bridge-school external"


def test_address_list_flags_are_one_group_without_invalid() -> None:
    """A 7.x ``/ip firewall address-list print detail`` of an empty list names its flags as one
    group: ``X - disabled, D - dynamic`` (no ``I - invalid``, no ``;``)."""
    look = LOOKS[("ip", "firewall", "address-list")]
    assert printing.format_detail([], look, v7=True) == ["Flags: X - disabled, D - dynamic"]
    assert printing.format_detail([], look, v7=False) == ["Flags: X - disabled, D - dynamic"]
    rows: Rows = [(0, {"list": "lan", "address": "10.0.0.0/8", "disabled": "true", "dynamic": "true"})]
    assert printing.format_table(rows, look, v7=True)[0] == "Flags: X - DISABLED, D - DYNAMIC"
