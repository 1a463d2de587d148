"""Lint: menus, commands and properties checked against the schema for a RouterOS version and its
packages, each problem with its line and "did you mean"."""

from __future__ import annotations

import pytest
from ros_corpus import DAMAGED, EXPORTS, load

from mikronet.routeros import default_schema, parse
from mikronet.routeros.lint import LintProblem, lint, lint_text, menu_packages, standard_packages


def messages(text: str, **kwargs: object) -> list[str]:
    return [f"{p.line}: {p.message}" for p in lint(parse(text), **kwargs)]  # type: ignore[arg-type]


def test_a_misspelled_property_is_named_with_the_one_meant() -> None:
    assert messages("/system identity\nset name=x\n/ip dns\nset alow-remote-requests=yes servers=1.1.1.1\n") == [
        "4: /ip dns set alow-remote-requests: unknown property (did you mean allow-remote-requests?)"]
    assert messages("/ip firewall filter\nadd chain=input action=drop comentt=x\n") == [
        "2: /ip firewall filter add comentt: unknown property (did you mean comment?)"]
    assert messages("/ip dns\nset zzzz=1\n") == ["2: /ip dns set zzzz: unknown property"]  # nothing close


def test_an_unknown_menu_and_a_menu_level_with_nothing_to_set() -> None:
    assert messages("/ip dnss\nset servers=1.1.1.1\n") == ["2: /ip dnss: unknown menu (did you mean /ip dns?)"]
    assert messages("/ip\nset x=1\n") == ["2: /ip: not a menu with settings or items (a level above them)"]


def test_properties_and_menus_by_version() -> None:
    v6_on_v7 = "/system ntp client\nset enabled=yes server-dns-names=pool.ntp.org\n"
    assert messages(v6_on_v7, version="7.15.3") == [
        "2: /system ntp client set server-dns-names: not on RouterOS 7.15.3 (until 7.0)"]
    assert messages(v6_on_v7, version="6.49.7") == []
    v7_on_v6 = "/system ntp client\nset enabled=yes servers=pool.ntp.org\n"
    assert messages(v7_on_v6, version="6.49.7") == [
        "2: /system ntp client set servers: not on RouterOS 6.49.7 (from 7.0)"]
    renamed = "/ip route\nadd gateway=10.0.0.1 routing-mark=isp2\n"
    assert messages(renamed, version="7.14.3") == [
        "2: /ip route add routing-mark: not on RouterOS 7.14.3, which calls it routing-table"]
    assert messages(renamed, version="6.49.7") == []
    assert messages("/ip route\nadd gateway=10.0.0.1 routing-table=isp2\n", version="6.49.7") == [
        "2: /ip route add routing-table: not on RouterOS 6.49.7, which calls it routing-mark"]
    wifi = "/interface wifi\nset [ find default-name=wifi1 ] disabled=no\n"
    assert messages(wifi, version="7.12.1") == [
        "2: /interface wifi: no such menu on RouterOS 7.12.1; RouterOS 7.12.1 calls it /interface wifiwave2"]
    assert messages(wifi, version="7.14") == []
    assert messages(renamed) == []  # no version known: no version gates


def test_the_version_comes_from_the_header_when_not_given() -> None:
    export = "# 2024-05-15 22:25:49 by RouterOS 7.14.3\n/system ntp client\nset primary-ntp=1.1.1.1\n"
    assert [p.key for p in lint(parse(export))] == ["primary-ntp"]


def test_commands_that_do_not_fit_the_menu() -> None:
    assert messages("/system identity\nadd name=x\n") == [
        "2: /system identity add: /system identity has no items: only 'set' of its settings"]
    assert messages("/ip address\nset comment=x\n") == [
        "2: /ip address set comment: needs the items to change ([ find … ], a name or a number): /ip address is a list"]
    assert messages("/ip dns\nset allow-remote-requests=maybe\n") == [
        "2: /ip dns set allow-remote-requests: expects yes or no, not 'maybe'"]


def test_selectors_are_checked_and_may_use_what_names_built_in_items() -> None:
    assert messages("/interface ethernet\nset [ find default-name=ether1 ] comment=WAN\n"
                    "/interface list\nset [ find name=all ] comment=x\n/ip firewall filter\n"
                    "set [ find dynamic=yes ] comment=x\n") == []
    assert messages("/ip firewall filter\nremove [ find chian=input ]\n") == [
        "2: /ip firewall filter find chian: unknown property (did you mean chain?)"]


def test_packages_wifi_and_wireless() -> None:
    wireless = "/interface wireless\nset [ find default-name=wlan1 ] ssid=skola\n"
    ax = standard_packages("7.16.2", "wifi")
    assert messages(wireless, version="7.16.2", packages=ax) == [
        "2: /interface wireless: needs the wireless package (this router has: routeros, wifi)"]
    assert messages(wireless, version="7.16.2", packages=standard_packages("7.16.2", "wireless")) == []
    assert messages(wireless, version="6.49.7", packages=standard_packages("6.49.7")) == []  # in v6's bundle
    assert messages(wireless, version="7.16.2") == []  # packages unknown: not checked
    assert menu_packages("/container mounts", "7.16") == {"container"}
    assert menu_packages("/ip address", "7.16") == frozenset()
    assert menu_packages("/routing ospf instance", "6.49") == {"routing"}


def test_lint_text_maps_lines_to_their_origin_and_names_the_router() -> None:
    text = "/system identity\nset name=x\n/ip dns\nset alow-remote-requests=yes\n"
    origins = [("t.rsc.j2", 1), ("t.rsc.j2", 2), ("t.rsc.j2", 9), ("t.rsc.j2", 37)]
    (problem,) = lint_text(text, origins=origins, router="LV-0001/gw")
    assert str(problem) == ("t.rsc.j2:37: /ip dns set alow-remote-requests: unknown property "
                            "(did you mean allow-remote-requests?) [LV-0001/gw]")
    (broken,) = lint_text('/ip dns\nset servers="1.1.1.1\n', origins=lambda line: ("x.rsc.j2", line + 10))
    assert str(broken).startswith("x.rsc.j2:12: unterminated string in servers=")
    assert isinstance(broken, LintProblem) and broken.column == 13


@pytest.mark.parametrize("number", [p.name[:2] for p in EXPORTS])
def test_every_corpus_menu_is_known_to_the_schema(number: str) -> None:
    """Real exports name no menu the schema lacks (the properties are the schema's to complete)."""
    config = load(number, recover=number in DAMAGED)
    schema = default_schema()
    assert [p for p in config.sections if schema.get(p).opaque] == []
    assert not [p for p in lint(config) if p.problem == "unknown menu"]


def test_an_old_name_the_schema_knows_only_as_a_rename() -> None:
    from mikronet.routeros import PathSchema, Schema

    schema = Schema([PathSchema.parse("/x", {"singleton": True, "props": {
        "new-name": "text; since 7.0; was old-name"}}, "test")])
    config = parse("/x\nset old-name=1\n")
    assert [p.message for p in lint(config, schema=schema, version="7.1")] == [
        "/x set old-name: not on RouterOS 7.1, which calls it new-name"]
    assert lint(config, schema=schema, version="6.49") == []


def test_menus_that_changed_shape_between_versions() -> None:
    ldp = "/mpls ldp\nset enabled=yes lsr-id=10.0.0.1\n"
    assert messages(ldp, version="6.49.7") == []
    assert [p.problem.split(" (")[0] for p in lint(parse(ldp), version="7.16")] == ["needs the items to change"] * 2
    assert messages("/mpls ldp\nadd lsr-id=10.0.0.1\n", version="7.16") == []
    ovpn = "/interface ovpn-server server\nadd port=1194\n"
    assert messages(ovpn, version="7.19.4") == []
    assert messages(ovpn, version="7.12") == [
        "2: /interface ovpn-server server add: /interface ovpn-server server has no items: only 'set' of its settings"]
