"""Provisioning onto another model carries each item over by its port's role and lists, line by line,
what it could not carry (radios on a model without any, the old certificates) instead of dropping it
silently."""

from __future__ import annotations

from mikronet.ops.swap import carry_over, port_roles
from mikronet.routeros import parse
from mikronet.routeros.schema import default_schema

OLD = """\
# model = RouterBOARD 941-2nD
/certificate
add name=api-ssl common-name=LV-0101-gw
/ip address
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
add address=198.51.100.7/29 interface=ether1 network=198.51.100.0
add address=10.99.0.1/24 interface=wlan1 network=10.99.0.0
/ip dhcp-client
add interface=ether1
/interface bridge port
add bridge=bridge-lan interface=ether3
add bridge=bridge-lan interface=wlan1
"""


def test_ports_map_by_role_from_a_hap_lite_to_an_rb5009() -> None:
    roles = port_roles("RB941-2nD", "RB5009UG+S+")
    assert roles["ether1"] == "ether1"  # WAN to WAN
    assert roles["ether2"] == "ether2" and roles["ether4"] == "ether4"  # the n-th LAN port to the n-th
    assert roles["wlan1"] is None  # the RB5009 has no radio


def test_a_wan_port_moves_to_the_new_models_wan_port_and_what_cannot_go_is_listed() -> None:
    schema = default_schema()
    template = parse("/ip dns\nset servers=1.1.1.1\n", schema=schema)
    config, left_out = carry_over(template, OLD, "RB5009UG+S+", schema, old_model="RB941-2nD")
    addresses = {str(item.get("address")): item.get("interface") for item in config.sections["/ip address"].items}
    assert addresses == {"192.168.88.1/24": "ether2", "198.51.100.7/29": "ether1"}
    assert [item.get("interface") for item in config.sections["/ip dhcp-client"].items] == ["ether1"]
    assert [item.get("interface") for item in config.sections["/interface bridge port"].items] == ["ether3"]
    assert "/interface bridge port: an item on wlan1, which has no counterpart on RB5009" in left_out
    assert "/ip address: an item on wlan1, which has no counterpart on RB5009" in left_out
    assert any(line.startswith("/certificate: 1 entry of the old hardware not carried over") and "tls-enroll" in line
               for line in left_out)


def test_without_the_old_model_items_on_ports_the_new_model_has_stay() -> None:
    schema = default_schema()
    config, left_out = carry_over(parse("", schema=schema), OLD, "RB5009UG+S+", schema)
    assert len(config.sections["/ip address"].items) == 2
    assert "/ip address: an item on wlan1, which has no counterpart on RB5009" in left_out
