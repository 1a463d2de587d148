"""A simulated router exports its menus in the order RouterOS of its version does: the order is data
(``mikronet/sim/data/export-order.yaml``) derived from the real exports, and every real export loaded
into a router of its model and version comes back with its menus in the original order."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from sim_corpus import EXPORTS, RealExport, clean_exports

from mikronet.routeros import Config, parse
from mikronet.routeros.version import parse_version
from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceSpec, SimDevice
from mikronet.sim.export_order import ExportOrder, derive_from_exports, derive_order, export_order, order_sections
from mikronet.sim.models import registered_kinds

REAL = clean_exports()


def _first_seen(config: Config) -> list[str]:
    return list(config.sections)


def test_the_recorded_order_is_what_the_corpus_gives() -> None:
    assert derive_from_exports(EXPORTS) == {era: list(paths) for era, paths in export_order().eras.items()}


def test_derive_order_follows_the_majority_and_the_era() -> None:
    order = derive_order([(["/a", "/b", "/c"], 100), (["/b", "/a"], 10), (["/c", "/d"], 1)])
    assert order == ["/a", "/b", "/c", "/d"]
    order = derive_order([(["/a", "/b"], 1), (["/b", "/a"], 100)])
    assert order == ["/b", "/a"]


def test_version_picks_the_era() -> None:
    order = ExportOrder({"6": ("/a", "/b"), "7": ("/b", "/a"), "7.16": ("/a", "/b")}, {})
    config = parse("/b\nset x=1\n/a\nset y=2\n")
    assert order_sections(config, parse_version("6.49.18"), order) == ["/a", "/b"]
    assert order_sections(config, parse_version("7.12.1"), order) == ["/b", "/a"]
    assert order_sections(config, parse_version("7.16.2"), order) == ["/a", "/b"]
    assert order_sections(config, parse_version("7.20.1"), order) == ["/a", "/b"]
    late = order_sections(parse("/port\nset 0 name=serial0\n/ip vrf\nadd interfaces=ether2 name=v1\n"),
                          parse_version("7.16.2"))
    assert late == ["/ip vrf", "/port"]  # 28, 29, 43: 7.16 writes /port after /ip vrf


def test_v6_writes_bridge_ports_after_ppp_profiles() -> None:
    config = parse("/interface bridge port\nadd bridge=b interface=ether2\n/ip neighbor discovery-settings\n"
                   "set discover-interface-list=LAN\n/ppp profile\nadd name=p\n")
    ordered = order_sections(config, parse_version("6.49.18"))
    assert ordered == ["/ppp profile", "/interface bridge port", "/ip neighbor discovery-settings"]


def test_a_menu_the_data_lacks_goes_after_its_nearest_relative() -> None:
    order = ExportOrder({"7.16": ("/routing ospf instance", "/routing ospf area", "/system identity")}, {})
    config = parse("/system identity\nset name=x\n/routing isis instance\nadd name=i\n"
                   "/routing ospf instance\nadd name=o\n")
    ordered = order_sections(config, parse_version("7.19.4"), order)
    assert ordered == ["/routing ospf instance", "/routing isis instance", "/system identity"]


def test_a_wireless_interface_naming_its_profile_follows_the_profiles() -> None:
    named = parse("/interface wireless security-profiles\nadd name=skola\n/interface wireless\n"
                  "set [ find default-name=wlan1 ] security-profile=skola\n/interface list\nadd name=LAN\n")
    plain = parse("/interface wireless security-profiles\nadd name=skola\n/interface wireless\n"
                  "set [ find default-name=wlan1 ] ssid=Skola\n/interface list\nadd name=LAN\n")
    v6 = parse_version("6.49.18")
    assert order_sections(named, v6) == ["/interface list", "/interface wireless security-profiles",
                                         "/interface wireless"]
    assert order_sections(plain, v6)[0] == "/interface wireless"


def test_port_menus_come_in_the_order_the_unit_registered_its_ports() -> None:
    config = parse("/interface vlan\nadd interface=ether1 name=v20 vlan-id=20\n/interface ethernet\n"
                   "set [ find default-name=ether1 ] comment=up\n/interface wireless\n"
                   "set [ find default-name=wlan1 ] ssid=Skola\n/interface bridge\nadd name=bridge\n")
    v6 = parse_version("6.49.7")
    wireless_first = order_sections(config, v6, ports=["/interface wireless", "/interface ethernet"])
    ethernet_first = order_sections(config, v6, ports=["/interface ethernet", "/interface wireless"])
    assert wireless_first == ["/interface bridge", "/interface wireless", "/interface ethernet", "/interface vlan"]
    assert ethernet_first == ["/interface bridge", "/interface ethernet", "/interface wireless", "/interface vlan"]


def test_the_registration_order_is_read_from_the_export() -> None:
    assert registered_kinds("/interface bridge\nadd name=b\n/interface wireless\nset [ find default-name=wlan1 ] "
                            "ssid=S\n/interface ethernet\nset [ find default-name=ether1 ] comment=x\n") == (
        "wlan", "ether")
    assert registered_kinds("/interface lte\nset [ find ] name=lte1\n/interface wifi\nset [ find "
                            "default-name=wifi1 ] disabled=no\n") == ("lte", "wifi")
    assert registered_kinds("/system identity\nset name=x\n") == ()


def _device(model: str, version: str, config: str | None = None) -> SimDevice:
    return SimDevice(DeviceSpec("LV-0001/gw", model, "SIM00001", version), clock=ManualClock(),
                     initial_config=config)


def test_a_router_keeps_the_port_order_its_backup_shows() -> None:
    wireless_first = ("/interface wireless\nset [ find default-name=wlan1 ] ssid=Skola\n/interface ethernet\n"
                      "set [ find default-name=ether1 ] comment=WAN\n")
    loaded = _device("RB951Ui-2HnD", "6.49.7", wireless_first)
    loaded.call("/interface/ethernet/set", {"numbers": "ether2", "comment": "LAN"})
    sections = list(parse(loaded.export(show_sensitive=True)).sections)
    assert sections.index("/interface wireless") < sections.index("/interface ethernet")
    fresh = _device("RB951Ui-2HnD", "6.49.7")
    fresh.call("/interface/ethernet/set", {"numbers": "ether2", "comment": "LAN"})
    fresh.call("/interface/wireless/set", {"numbers": "wlan1", "ssid": "Skola"})
    sections = list(parse(fresh.export(show_sensitive=True)).sections)
    assert sections.index("/interface ethernet") < sections.index("/interface wireless")


def test_nstreme_settings_follow_the_interfaces_they_tune() -> None:
    config = parse('/ip dhcp-server option\nadd code=15 name=d value="s\'x\'"\n/interface wireless nstreme\n'
                   'set "wlan 2Ghz" enable-polling=no\n/interface wireless security-profiles\nadd name=private\n'
                   '/interface wireless\nset [ find default-name=wlan1 ] name="wlan 2Ghz" security-profile=private\n'
                   "/interface list\nadd name=LAN\n")
    ordered = order_sections(config, parse_version("6.44.1"))
    assert ordered.index("/interface wireless nstreme") == ordered.index("/interface wireless") + 1


def test_a_dhcp_server_naming_a_pool_follows_the_pools() -> None:
    named = parse("/ip dhcp-server\nadd address-pool=p interface=bridge name=d1\n/ip pool\nadd name=p ranges=10.0.0.2\n"
                  "/ip dhcp-server option\nadd code=15 name=d value=\"s'x'\"\n")
    mixed = parse("/ip dhcp-server\nadd interface=bridge name=d0\nadd address-pool=p interface=guest name=d1\n"
                  "/ip pool\nadd name=p ranges=10.0.0.2\n/ip dhcp-server option\nadd code=15 name=d value=\"s'x'\"\n")
    for version in ("6.49.7", "7.15.3", "7.19.4"):
        assert order_sections(named, parse_version(version))[-2:] == ["/ip pool", "/ip dhcp-server"]
    # an item naming nothing later is written at the menu's own place, before /ip pool (37, 40)
    ordered = order_sections(mixed, parse_version("6.44.1"))
    assert ordered.index("/ip dhcp-server") < ordered.index("/ip pool")


# Exports whose order depends on more than menus and the references of `after` (not modelled yet):
ORDER_GAPS = {
    # 7.16: the DHCP server (naming its pool) after /ip address and /ip dhcp-client, not right after
    # /ip pool. The oxidized RB5009 capture of 7.18.2 in the corpus does the same, while 12 (7.19.4
    # and later) and other public exports of 7.16.1, 7.17 and 7.18.2 write it right after /ip pool
    # (one of 7.18.2 writes there only a server on a deleted interface, `interface=*18`): not a
    # version rule, and no rule of what the items name found.
    "30": "dhcp-server after /ip dhcp-client on some 7.16-7.18 routers",
}


def _order_param(export: RealExport) -> object:
    gap = ORDER_GAPS.get(export.id)
    marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
    return pytest.param(export, id=export.path.name[:30], marks=marks)


@pytest.mark.parametrize("export", [_order_param(e) for e in REAL])
def test_a_real_export_reads_back_in_its_own_order(export: RealExport) -> None:
    device = SimDevice(DeviceSpec("LV-0001/gw", export.model, "CORPUS01", export.version), clock=ManualClock(),
                       initial_config=export.text)
    again = parse(device.export(show_sensitive=True), file="readback")
    shared = set(_first_seen(again)) & set(_first_seen(export.config))
    assert [p for p in _first_seen(again) if p in shared] == [p for p in _first_seen(export.config) if p in shared]


def test_the_order_data_names_its_derivation() -> None:
    text = resources.files("mikronet.sim").joinpath("data/export-order.yaml").read_text(encoding="utf-8")
    assert any("derive_order" in line for line in text.splitlines() if line.startswith("#"))
    assert set(yaml.safe_load(text)["eras"]) == {"6", "7", "7.16"}
