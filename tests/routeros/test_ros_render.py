"""Renderers: exports that RouterOS and the parser read back, plans as scripts and API calls."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mikronet.routeros import (
    Cond,
    Config,
    Find,
    Header,
    Item,
    Props,
    Ref,
    Section,
    diff,
    export_text,
    parse,
    render_api,
    render_command,
    render_export,
    render_header,
    render_script,
)
from mikronet.routeros.render import wrap_line

LATVIAN = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"
_key = st.from_regex(r"[a-z][a-z0-9-]{0,8}(\.[a-z][a-z0-9-]{0,6})?", fullmatch=True).filter(lambda k: k != "numbers")
_text = st.text(alphabet=st.sampled_from([*LATVIAN, *"abcXYZ0189 \"'$\\;[]{}()=?#!*,./:\n\r\t-_~"]), max_size=30)
_value = _text | st.text(max_size=12)
_props = st.dictionaries(_key, st.one_of(_value, st.none()), max_size=6).map(Props)
_name = st.from_regex(r"[A-Za-z0-9*][A-Za-z0-9_-]{0,10}", fullmatch=True) | _text.filter(bool)
_selector = st.one_of(
    st.lists(st.builds(Cond, _key, st.sampled_from(["=", "!=", "~"]), _value), max_size=3).map(
        lambda conds: Find(tuple(conds))),
    _name.map(lambda n: Ref((n,))),
)
_item = st.one_of(
    st.builds(Item, _props, st.none(), st.just("add")),
    st.builds(Item, _props, _selector, st.just("set")),
    st.builds(Item, st.just(Props()), _selector, st.just("remove")),
)
_path = st.sampled_from(["/ip address", "/ip firewall filter", "/system identity", "/interface ethernet",
                         "/ip service", "/zerotier interface", "/ppp secret", "/queue simple", "/ip dns"])
_section = st.builds(
    lambda path, settings, items: Section(path, Props((k, v) for k, v in settings.items()), tuple(items)),
    _path, _props, st.lists(_item, max_size=4),
).filter(lambda s: not s.empty)
_header = st.builds(Header, st.sampled_from(["6.49.7", "7.14.3", "6.45beta27", "7.1rc6"]),
                    st.sampled_from([None, "2024-05-15 22:25:49", "jan/02/1970 00:00:00"]),
                    st.from_regex(r"[A-Z0-9-]{0,9}", fullmatch=True) | st.none(),
                    st.from_regex(r"[A-Za-z0-9+^-]{1,12}", fullmatch=True) | st.none(),
                    st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True) | st.none())
_config = st.builds(
    lambda sections, header, own: Config({s.path: s for s in sections}, header, own),
    st.lists(_section, max_size=5, unique_by=lambda s: s.path),
    st.none() | _header,
    st.dictionaries(_path, st.sampled_from(["own", "merge"]), max_size=2),
)


@settings(max_examples=100, deadline=None)
@given(_config, st.booleans())
def test_any_model_through_render_then_parse_is_itself(model: Config, terse: bool) -> None:
    text = render_export(model, terse=terse)
    assert parse(text) == model
    if not terse:
        assert all(len(line) <= 79 or not line.endswith("\\") for line in text.splitlines())


def test_wrapping_like_routeros() -> None:
    words = ["add", "band=2ghz-g/n", "control-channel-width=20mhz", "extension-channel=disabled",
             "frequency=2462,2472,2412", "name=root", "reselect-interval=1d", "tx-power=20"]
    assert wrap_line(words) == [  # byte for byte what 7.6 wrote (corpus 05)
        "add band=2ghz-g/n control-channel-width=20mhz extension-channel=disabled \\",
        "    frequency=2462,2472,2412 name=root reselect-interval=1d tx-power=20",
    ]
    assert wrap_line(["add", "bridge=bridge1", "client-to-client-forwarding=yes", "local-forwarding=no",
                      "name=datapath1"]) == [
        "add bridge=bridge1 client-to-client-forwarding=yes local-forwarding=no name=\\",
        "    datapath1",
    ]


def test_long_strings_split_anywhere_but_inside_an_escape() -> None:
    source = "a" * 70 + ' \\"quoted\\" ' + "ā" * 10 + " end"
    model = Config({"/system script": Section("/system script", items=(
        Item(Props({"name": "s", "source": source.replace('\\"', '"')})),))})
    text = render_export(model)
    lines = text.splitlines()
    assert all(len(line) <= 79 for line in lines)
    assert any(line.startswith("    \\_") or line.startswith("    ") for line in lines[2:])
    assert parse(text) == model


def test_too_long_bare_values_are_quoted_to_be_split() -> None:
    policy = "local,telnet,ssh,ftp,reboot,read,write,policy,test,winbox,password,web,sniff,sensitive,api,romon,dude"
    text = render_export(parse(f"/user group\nset full policy={policy}\n"))
    assert text.splitlines()[1].startswith('set full policy="local,telnet')
    assert parse(text)["/user group"].items[0].props["policy"] == policy


def test_headers_by_version() -> None:
    when = datetime(2024, 5, 15, 22, 25, 49)
    assert render_header("7.14.3", when).date == "2024-05-15 22:25:49"
    assert render_header("7.9.1", when).date == "may/15/2024 22:25:49"
    assert render_header("6.49.7").date == "jan/02/1970 00:00:00"
    text = render_export(Config({"/system identity": Section("/system identity", Props({"name": "R1"}))},
                                render_header("7.14.3", when, software_id="TWIQ-YM3K", model="RB5009UG+S+",
                                              serial_number="HFD095R4B6E")))
    assert text.splitlines()[:5] == ["# 2024-05-15 22:25:49 by RouterOS 7.14.3", "# software id = TWIQ-YM3K",
                                     "#", "# model = RB5009UG+S+", "# serial number = HFD095R4B6E"]


def test_export_text_follows_the_export_flags_of_each_version() -> None:
    model = parse("/ppp secret\nadd name=skola password=Slepens1 service=pppoe\n"
                  "/ip address\nadd address=10.0.0.1/24 disabled=no interface=ether1\n")
    v7 = export_text(model, version="7.14.3")
    assert "Slepens1" not in v7 and "name=skola" in v7 and "disabled" not in v7  # hidden; compact
    assert "password=Slepens1" in export_text(model, version="7.14.3", flags=["show-sensitive"])
    assert "password=Slepens1" in export_text(model, version="6.49.7")
    assert "Slepens1" not in export_text(model, version="6.49.7", flags=["hide-sensitive"])
    terse = export_text(model, version="6.49.7", flags=["terse"])
    assert "/ip address add address=10.0.0.1/24 interface=ether1" in terse.splitlines()
    verbose = export_text(model, version="7.14.3", flags=["verbose"])
    assert "disabled=no" in verbose and "network=" not in verbose


def test_strip_macs_leaves_out_macs_and_serials() -> None:
    model = parse("# 2024-05-15 22:25:49 by RouterOS 7.14.3\n# software id = TWIQ-YM3K\n#\n# model = RB5009\n"
                  "# serial number = HFD095R4B6E\n/interface bridge\nadd admin-mac=64:D1:54:E7:9C:D5 auto-mac=no "
                  "name=bridge\n")
    text = render_export(model, strip_macs=True)
    assert "64:D1" not in text and "HFD095R4B6E" not in text and "TWIQ" not in text
    assert "add auto-mac=no name=bridge" in text and "# model = RB5009" in text


def test_plan_as_script_and_as_api_calls() -> None:
    actual = parse("/interface ethernet\nset [ find default-name=ether1 ] comment=old\n"
                   "/ip firewall filter\nadd action=accept chain=input comment=a\n"
                   "/ip service\nset telnet disabled=yes\n")
    desired = parse("#mikronet: own /ip firewall filter\n/interface ethernet\nset [ find default-name=ether1 ] "
                    "comment=\"Skolas tīkls\"\n/ip firewall filter\nadd action=drop chain=input comment=b\n"
                    "/ip service\nset telnet !disabled\n/system identity\nset name=R1\n")
    plan = diff(desired, actual)
    assert render_script(plan).splitlines() == [
        "/ip firewall filter remove [ find action=accept chain=input comment=a ]",
        '/interface ethernet set [ find default-name=ether1 ] comment="Skolas t\\C4\\ABkls"',
        "/ip firewall filter add action=drop chain=input comment=b",
        "/ip service set telnet !disabled",
        "/system identity set name=R1",
    ]
    calls = render_api(plan)
    assert [(c.path, c.command, dict(c.attributes), c.query) for c in calls] == [
        ("/ip/firewall/filter", "remove", {}, ("?=action=accept", "?=chain=input", "?=comment=a")),
        ("/interface/ethernet", "set", {"comment": "Skolas tīkls"}, ("?=default-name=ether1",)),
        ("/ip/firewall/filter", "add", {"action": "drop", "chain": "input", "comment": "b"}, ()),
        ("/ip/service", "set", {"!disabled": ""}, ("?=name=telnet",)),
        ("/system/identity", "set", {"name": "R1"}, ()),
    ]


def test_api_calls_hide_secrets_in_repr() -> None:
    plan = diff(parse("/ppp secret\nadd name=a password=Slepens1\n"), Config())
    (call,) = render_api(plan)
    assert call.attributes["password"] == "Slepens1" and "Slepens1" not in repr(call)


def test_render_command() -> None:
    assert render_command("/ip address", "set", Find.of(address="1.2.3.4/24"), {"comment": "a b"}) == (
        '/ip address set [ find address=1.2.3.4/24 ] comment="a b"')
    (logging,) = render_api(diff(parse("/system logging\nset 0 action=disk\n"), Config()))
    assert (logging.command, logging.query, logging.numbers) == ("set", (), (0,))
    with pytest.raises(ValueError, match="regular expression"):
        render_api(diff(parse("/ip address\nremove [ find comment~x ]\n"),
                        parse("/ip address\nadd address=1.1.1.1/32 comment=x interface=a\n")))
