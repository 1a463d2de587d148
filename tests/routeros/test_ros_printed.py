"""Printed console output is read as output: the corpus's captured ``print detail`` and ``print
terse`` outputs, and user names with ``$``, quotes, backslashes, spaces and Latvian letters."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ros_corpus import CORPUS

from mikronet.routeros import Printed, parse_print, parse_print_values, quote
from mikronet.sim.printing import LOOKS, format_detail, format_terse

OUTPUTS = CORPUS / "outputs"
CAPTURES = sorted([*(OUTPUTS / "ansible-community-routeros").glob("*print_detail*"),
                   *(OUTPUTS / "ntc-templates").glob("*detail*/*.raw"),
                   *(OUTPUTS / "ntc-templates").glob("*terse*/*.raw")])
HOSTILE = ['admin$x', 'a"b', 'back\\slash', 'two words', 'Jānis Bērziņš', 'ķēķis$(x)"', '$', '"', 'x=y z=w',
           ';;; not a comment', 'ends with \\', '[find]', "tab\there", "ūdens \"$HOME\" \\n"]


def _read(path: Path) -> Printed:
    return parse_print(path.read_bytes().decode("utf-8", errors="replace"))


def test_the_corpus_has_print_captures() -> None:
    assert len(CAPTURES) >= 30


@pytest.mark.parametrize("path", CAPTURES, ids=[p.name[:50] for p in CAPTURES])
def test_every_captured_print_reads_into_items(path: Path) -> None:
    printed = _read(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    if "=" not in text:  # an error message in place of output (no IPv6 package)
        assert not printed.items
        return
    assert printed.items, path.name
    for item in printed.items:
        assert item.props, (path.name, item)
        assert all(k and "=" not in k and " " not in k for k in item.props)
    numbered = [i.number for i in printed.items if i.number is not None]
    assert numbered == sorted(numbered) or len(set(numbered)) < len(numbered)  # several captures in one file


def test_detail_captures_read_exactly() -> None:
    addresses = _read(OUTPUTS / "ansible-community-routeros" / "facts__ip_address_print_detail_without-paging.txt")
    assert addresses.flags == {"X": "disabled", "I": "invalid", "D": "dynamic"}
    first, second, _ = addresses.items
    assert (first.number, first.flags, first.comment) == (0, "", "defconf")
    assert dict(first.props) == {"address": "192.168.88.1/24", "network": "192.168.88.0", "interface": "ether1",
                                 "actual-interface": "ether1"}
    assert (second.number, second.flags, second.dynamic, second.disabled) == (1, "D", True, False)

    ports = _read(OUTPUTS / "ntc-templates" / "interface_print_detail" / "mikrotik_routeros_interface_print_detail.raw")
    assert ports.items[0].props["last-link-down-time"] == "jul/09/2023 07:18:33"  # a bare value with a space
    seventh = ports.items[7]
    assert (seventh.flags, seventh.comment) == ("DRS", "very very long\nmultiline description")
    assert seventh.props["name"] == "pptp-out1"

    routes = _read(OUTPUTS / "ntc-templates" / "ip_route_print_terse"
                   / "mikrotik_routeros_ip_route_print_terseIPv4.raw")
    assert [i.flags for i in routes.items[:3]] == ["AS", "Db", "DS"]  # the echoed log line between is no item
    assert routes.items[0].props["gateway-status"] == "23.90.232.243 reachable via  pppoe-out1"
    unnumbered = [i for i in routes.items if i.number is None]
    assert unnumbered and unnumbered[0].flags == "DAc" and unnumbered[0].props["routing-table"] == "main"

    log = _read(OUTPUTS / "ntc-templates" / "log_print_detail_without-paging" /
                "mikrotik_routeros_log_print_detail_without-paging.raw")
    assert len(log.items) == 8 and log.items[0].number is None
    assert log.items[0].props["message"] == "Ping testA: Packets Sent = 18, Packets Loss = 10 % "


def test_names_that_are_not_script_read_back_as_themselves() -> None:
    """What the core reads from ``/user print detail``: every name, whatever it holds."""
    rows = [(n, {".id": f"*{n + 1}", "name": name, "group": "full", "address": "",
                 "disabled": "true" if n % 2 else "false", "comment": f"tehniķis {name}" if n % 3 == 0 else ""})
            for n, name in enumerate(HOSTILE)]
    rows = [(n, {k: v for k, v in row.items() if v != "" or k == "address"}) for n, row in rows]
    look = LOOKS[("user",)]
    for v7 in (False, True):
        printed = parse_print("\n".join(format_detail(rows, look, v7=v7)))
        assert [i.props["name"] for i in printed.items] == HOSTILE
        assert [i.disabled for i in printed.items] == [bool(n % 2) for n in range(len(HOSTILE))]
        assert [i.comment for i in printed.items] == [f"tehniķis {h}" if n % 3 == 0 else None
                                                       for n, h in enumerate(HOSTILE)]
        assert all(i.props["address"] == "" and i.props["group"] == "full" for i in printed.items)
    terse = parse_print("\n".join(format_terse(rows, look)))  # terse prints values bare
    names = [i.props["name"] for i in terse.items]
    assert names == [h if h != "x=y z=w" else "x=y" for h in HOSTILE]  # bare, " z=" can only be a key
    assert [i.comment for i in terse.items] == [None] * len(HOSTILE)
    assert [i.props.get("comment") for i in terse.items] == [f"tehniķis {h}" if n % 3 == 0 and h != "x=y z=w"
                                                             else (None if n % 3 else "tehniķis x=y")
                                                             for n, h in enumerate(HOSTILE)]


def test_values_quoted_with_routeros_escapes() -> None:
    text = ("Flags: X - disabled\n"
            + "".join(f" {n}   name={quote(name)} group=full\n\n" for n, name in enumerate(HOSTILE))
            + ' 99 X name="R\\C4\\ABga \\q" group=read\n')
    printed = parse_print(text)
    assert [i.props["name"] for i in printed.items] == [*HOSTILE, "Rīga \\q"]  # an unknown escape stays as it is
    assert printed.items[-1].disabled and printed.items[-1].number == 99


@given(name=st.text(max_size=30).filter(lambda s: "\r" not in s and "\n" not in s))
def test_any_quoted_name_reads_back(name: str) -> None:
    printed = parse_print(f" 0   name={quote(name)} group=full\n")
    assert dict(printed.items[0].props) == {"name": name, "group": "full"}


def test_single_instance_prints() -> None:
    text = ("                   uptime: 1m58s\n                  version: 7.16 (stable)\n"
            "               build-time: 2024-09-20 13:00:27\n                    board-name: CHR QEMU Standard PC\n")
    assert parse_print_values(text) == {"uptime": "1m58s", "version": "7.16 (stable)",
                                        "build-time": "2024-09-20 13:00:27", "board-name": "CHR QEMU Standard PC"}
    board = parse_print_values(";;; Firmware upgraded successfully, please reboot for changes to take effect!\n"
                               "       routerboard: yes\n  current-firmware: 7.13.2\n")
    assert board["comment"].startswith("Firmware upgraded") and board["current-firmware"] == "7.13.2"
