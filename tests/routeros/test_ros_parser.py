"""The parser on hand-made scripts: every construct, every refusal, with line and column."""

from __future__ import annotations

import pytest

from mikronet.errors import ScriptError
from mikronet.routeros import Cond, Find, Header, Item, Props, Ref, parse, parse_command, parse_commands


def test_header_forms() -> None:
    iso = parse("# 2024-05-15 22:25:49 by RouterOS 7.14.3\n# software id = TWIQ-YM3K\n#\n"
                "# model = RB5009UG+S+\n# serial number = HFD095R4B6E\n/system identity\nset name=R1\n")
    assert iso.header == Header("7.14.3", "2024-05-15 22:25:49", "TWIQ-YM3K", "RB5009UG+S+", "HFD095R4B6E")
    old = parse("# jan/02/1970 00:01:05 by RouterOS 6.49.7\n# software id = \n")
    assert old.header == Header("6.49.7", "jan/02/1970 00:01:05", "")
    bare = parse("# RouterOS 6.48.3\n# software id = GXJJ-5ZK0\n")
    assert bare.header == Header("6.48.3", None, "GXJJ-5ZK0")
    padded = parse("# sep/ 2/2020  3: 9:38 by RouterOS 7.1.3\n")
    assert padded.header is not None and padded.header.version == "7.1.3"
    assert padded.header.date == "sep/ 2/2020  3: 9:38"
    assert parse("/ip dns set servers=1.1.1.1\n").header is None


def test_crlf_lf_continuations_and_escaped_space() -> None:
    lf = ('/caps-man datapath\nadd bridge=bridge1 client-to-client-forwarding=yes name=\\\n    datapath1\n'
          '/system script\nadd name=s source=":log info \\"a\\"\\r\\\n    \\n:log info\\_b\\\n    \\_c"\n')
    crlf = lf.replace("\n", "\r\n")
    for text in (lf, crlf):
        model = parse(text)
        assert model["/caps-man datapath"].items[0].props["name"] == "datapath1"
        assert model["/system script"].items[0].props["source"] == ':log info "a"\r\n:log info b c'


def test_a_wrapped_string_keeps_its_words_together() -> None:
    model = parse('/system script\nadd name=x source="/file remo\\\n    ve CURRip"\n')
    assert model["/system script"].items[0].props["source"] == "/file remove CURRip"


def test_terse_lines_and_menu_lines_mix() -> None:
    model = parse("/interface bridge add name=lo0\n\n/ip address\nadd address=10.0.0.2/30 interface=ether2\n"
                  "/ip/route/add gateway=10.0.0.1\nadd address=10.0.0.6/30 interface=ether3\n")
    assert [i.props["address"] for i in model["/ip address"].items] == ["10.0.0.2/30", "10.0.0.6/30"]
    assert model["/ip route"].items[0].props == Props({"gateway": "10.0.0.1"})
    assert model["/interface bridge"].items[0].props["name"] == "lo0"


def test_selectors() -> None:
    model = parse(
        "/interface ethernet\nset [ find default-name=ether1 ] comment=WAN name=ether1-wan\n"
        '/interface list\nset [ find where name="all" ] comment=x\n'
        "/ip service\nset telnet disabled=yes\n/port\nset 0 name=serial0\n/ppp profile\nset *FFFFFFFE only-one=yes\n"
        "/interface list\nset numbers=LAN include=static\n"
    )
    eth = model["/interface ethernet"].items[0]
    assert eth.selector == Find((Cond("default-name", "=", "ether1"),)) and eth.verb == "set"
    assert model["/interface list"].items[0].selector == Find.of(name="all")
    assert model["/ip service"].items[0].selector == Ref.of("telnet")
    assert model["/port"].items[0].selector == Ref.of("0")
    assert model["/ppp profile"].items[0].selector == Ref.of("*FFFFFFFE")
    assert model["/interface list"].items[1].selector == Ref.of("LAN")


def test_singleton_settings_merge_and_unset_forms() -> None:
    model = parse("/ip dns\nset servers=1.1.1.1\nset allow-remote-requests=yes\n"
                  "/ip hotspot user profile\nset [ find default=yes ] !parent-queue keepalive-timeout=2m\n")
    assert model["/ip dns"].settings == Props({"servers": "1.1.1.1", "allow-remote-requests": "yes"})
    item = model["/ip hotspot user profile"].items[0]
    assert item.props == Props({"parent-queue": None, "keepalive-timeout": "2m"})


def test_compact_dotted_properties_and_flags() -> None:
    model = parse('/interface wifi\nset [ find default-name=wifi1 ] configuration.country="United Kingdom" '
                  ".mode=ap .ssid=praze disabled=no\n/routing bgp connection\nadd local.address=10.0.0.1 "
                  ".role=ibgp remote.address=10.0.0.2 .as=65000 name=x\n"
                  "/routing ospf interface-template\nadd area=a interfaces=lo passive\n")
    wifi = model["/interface wifi"].items[0].props
    assert wifi["configuration.mode"] == "ap" and wifi["configuration.ssid"] == "praze"
    bgp = model["/routing bgp connection"].items[0].props
    assert (bgp["local.role"], bgp["remote.as"]) == ("ibgp", "65000")
    assert model["/routing ospf interface-template"].items[0].props["passive"] == "yes"


def test_comments_error_exporting_and_directives() -> None:
    model = parse("# a note\n/ip firewall filter\n# managed by CAPsMAN\nadd chain=input\n"
                  "#error exporting /interface/bridge/calea\n"
                  "#mikronet: own /ip firewall filter\n#mikronet: merge /ip/firewall/address-list\n")
    assert len(model["/ip firewall filter"].items) == 1
    assert [(w.line, w.text) for w in model.warnings] == [(5, "error exporting /interface/bridge/calea")]
    assert model.ownership == {"/ip firewall filter": "own", "/ip firewall address-list": "merge"}


def test_template_variables_are_a_small_clear_subset() -> None:
    model = parse(':global ipaddress 10.88.2.1/24\n:local name "Rīgas skola"\n'
                  '/ip address add address=$ipaddress interface=bridge comment="net of $name"\n'
                  ":set ipaddress 10.0.0.1/24\n/ip address add address=$ipaddress interface=ether1\n")
    items = model["/ip address"].items
    assert items[0].props == Props({"address": "10.88.2.1/24", "interface": "bridge",
                                    "comment": "net of Rīgas skola"})
    assert items[1].props["address"] == "10.0.0.1/24"
    assert parse("/ip address add address=$a interface=x\n", variables={"a": "1.2.3.4/32"})[
        "/ip address"].items[0].props["address"] == "1.2.3.4/32"


@pytest.mark.parametrize(
    ("script", "line", "column", "words"),
    [
        ('/ip address\nadd address=10.0.0.1/24 comment="cut sh', 2, 33, "unterminated string"),
        ("/ip address\nadd address=$nosuch interface=x\n", 2, 13, "undefined variable $nosuch"),
        (':if ($a = 1) do={ /ip address add address=1.1.1.1/32 interface=x }\n', 1, 1, "scripting command :if"),
        (':foreach i in={1;2} do={ :put $i }\n', 1, 1, "scripting command :foreach"),
        (":put hello\n", 1, 1, ":put"),
        ("/system reboot\n", 1, 1, "'reboot' is not a configuration command"),
        ("/system reset-configuration no-defaults=yes\n", 1, 1, "reset-configuration"),
        ("/ip address\nprint detail\n", 2, 1, "'print' is not a configuration command"),
        ("/ip address\nadd address=[:resolve x] interface=e\n", 2, 13, "command substitution"),
        ("add name=x\n", 1, 1, "needs a menu"),
        ("/ip address\nadd comment=x \"stray\"\n", 2, 15, "expected key=value"),
        ("/ip address\nadd comment=x # trailing\n", 2, 15, "'#' inside a command"),
        ("/ip address\nadd address=1.1.1.1/32 \\", 2, 24, "line continuation at the end"),
        ("/ip address\nremove\n", 2, 1, "remove needs its items"),
        ("/ip address { add address=1.1.1.1/32 }\n", 1, 13, "{ … }"),
        ("/ip address\nadd comment=\"bad \\q escape\"\n", 2, 18, "unknown escape"),
        ("#mikronet: own\n", 1, 1, "unknown directive"),
    ],
)
def test_refusals_name_line_and_column(script: str, line: int, column: int, words: str) -> None:
    with pytest.raises(ScriptError) as info:
        parse(script, file="school.rsc")
    error = info.value
    assert (error.file, error.line, error.column) == ("school.rsc", line, column), str(error)
    assert words in error.message
    assert str(error).startswith(f"school.rsc:{line}:{column}: ")


def test_recover_keeps_going_and_says_where() -> None:
    model = parse("/ip address\nadd address=1.1.1.1/32 interface=a\n[erased]\nadd address=2.2.2.2/32 interface=b\n"
                  "add comment=\"cut", recover=True)
    assert [i.props["address"] for i in model["/ip address"].items] == ["1.1.1.1/32", "2.2.2.2/32"]
    assert [(w.line, w.column) for w in model.warnings] == [(3, 1), (5, 13)]


def test_parse_command_for_the_console() -> None:
    cmd = parse_command("/ip address add address=1.2.3.4/24 interface=ether1")
    assert cmd is not None
    assert (cmd.path, cmd.absolute, cmd.verb, cmd.args) == (
        ("ip", "address"), True, "add", (("address", "1.2.3.4/24"), ("interface", "ether1")))
    assert cmd.menu() == "/ip address"
    cmd = parse_command("set [ find default-name=ether1 ] comment=x")
    assert cmd is not None and cmd.path == () and cmd.verb == "set"
    assert cmd.selector == Find.of(**{"default-name": "ether1"})
    assert cmd.menu("/interface ethernet") == "/interface ethernet"
    cmd = parse_command("print detail where disabled=no name=\"x y\"")
    assert cmd is not None and cmd.verb == "print" and cmd.flags == ("detail",)
    assert cmd.where == (Cond("disabled", "=", "no"), Cond("name", "=", "x y"))
    cmd = parse_command("/ip/address/print")
    assert cmd is not None and (cmd.path, cmd.verb) == (("ip", "address"), "print")
    nav = parse_command("/ip address")
    assert nav is not None and nav.verb is None and nav.menu() == "/ip address"
    up = parse_command("..")
    assert up is not None and up.verb is None and up.menu("/ip address") == "/ip"
    assert parse_command("/tool mac-server ping") is not None
    assert parse_command("/tool mac-server ping").verb is None  # type: ignore[union-attr]
    reboot = parse_command("/system reboot")
    assert reboot is not None and (reboot.path, reboot.verb) == (("system",), "reboot")
    export = parse_command("/export terse show-sensitive")
    assert export is not None and (export.verb, export.flags) == ("export", ("terse", "show-sensitive"))
    ping = parse_command("/ping 10.0.0.1 count=3")
    assert ping is not None and (ping.verb, ping.flags, ping.args) == ("ping", ("10.0.0.1",), (("count", "3"),))
    assert parse_command("  # only a comment") is None
    assert [c.verb for c in parse_commands("/ip address print; /ip route print")] == ["print", "print"]


def test_parse_command_gives_the_column_of_each_word() -> None:
    cmd = parse_command("/system backup print")
    assert cmd is not None and cmd.columns == (2, 9, 16)
    with pytest.raises(ScriptError) as info:
        parse_command('/ip address add comment="open')
    assert (info.value.line, info.value.column) == (1, 25)
    with pytest.raises(ScriptError):
        parse_command("/ip address print; /ip route print")


def test_items_remember_their_line_but_equality_does_not() -> None:
    a = parse("/ip pool\nadd name=p ranges=10.0.0.2-10.0.0.9\n")
    b = parse("\n\n/ip pool\n\nadd name=p ranges=10.0.0.2-10.0.0.9\n")
    assert a == b
    assert a["/ip pool"].items[0].line == 2 and b["/ip pool"].items[0].line == 5
    assert a["/ip pool"].items[0] == Item(Props({"name": "p", "ranges": "10.0.0.2-10.0.0.9"}))
