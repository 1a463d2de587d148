"""napalm-ros, unmodified, against simulated routers on RouterOS 6 and 7: the getters that read the
router's surroundings (MAC table, IPv6 neighbours, BGP) pass napalm's own result validation.

Each router gets a small school configuration first (a LAN bridge, an IPv6 address, a BGP peer on a
connected network and one elsewhere) through the API, as a technician's push would leave it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import librouteros
import pytest
from napalm import get_network_driver
from napalm.base import models
from napalm.base.test.helpers import test_model as napalm_valid

from mikronet.sim.fleet import SimFleet

V6, V7 = "LV-0043/gw", "LV-0042/gw"


def _configure(fleet: SimFleet, router_id: str, password: str) -> None:
    endpoint = fleet.endpoint(router_id)
    api = librouteros.connect(endpoint.host, "admin", password, port=endpoint.api, timeout=5)
    v7 = fleet.device(router_id).parsed_version.major >= 7
    try:
        api.path("interface", "bridge").add(name="bridge-lan")
        for port in ("ether2", "ether3"):
            api.path("interface", "bridge", "port").add(bridge="bridge-lan", interface=port)
        api.path("interface", "bridge", "host").add(
            **{"mac-address": "02:00:00:00:00:42", "interface": "ether3", "bridge": "bridge-lan"})
        api.path("ip", "address").add(address="192.0.2.1/24", interface="ether1")
        api.path("ipv6", "address").add(address="2001:db8:42::1/64", interface="bridge-lan")
        if v7:
            connections = api.path("routing", "bgp", "connection")
            connections.add(**{"name": "isp", "as": "65042", "remote.address": "192.0.2.254", "remote.as": "64500",
                               "local.role": "ebgp", "router-id": "192.0.2.1"})
            connections.add(**{"name": "far", "as": "65042", "remote.address": "203.0.113.9", "remote.as": "64501",
                               "local.role": "ebgp"})
        else:
            api.path("routing", "bgp", "instance").update(**{".id": "default", "as": "65043",
                                                             "router-id": "192.0.2.1"})
            peers = api.path("routing", "bgp", "peer")
            peers.add(name="isp", **{"remote-address": "192.0.2.254", "remote-as": "64500"})
            peers.add(name="far", **{"remote-address": "203.0.113.9", "remote-as": "64501"})
            api.path("routing", "bgp", "network").add(network="198.51.100.0/24")
    finally:
        api.close()


@pytest.fixture(scope="module")
def napalm_routers(fleet: SimFleet, sim_password: str) -> Iterator[dict[str, Any]]:
    opened = {}
    for router_id in (V6, V7):
        _configure(fleet, router_id, sim_password)
    for router_id in (V6, V7):
        endpoint = fleet.endpoint(router_id)
        device = get_network_driver("ros")(endpoint.host, "admin", sim_password, timeout=10,
                                           optional_args={"port": endpoint.api})
        device.open()
        opened[router_id] = device
    yield opened
    for device in opened.values():
        device.close()


@pytest.mark.parametrize("router_id", [V6, V7])
def test_mac_address_table(napalm_routers: dict[str, Any], router_id: str) -> None:
    table = napalm_routers[router_id].get_mac_address_table()
    assert table and all(napalm_valid(models.MACAdressTable, entry) for entry in table)
    static = [entry for entry in table if entry["static"]]
    assert [(e["mac"], e["interface"]) for e in static] == [("02:00:00:00:00:42", "ether3")]
    learned = [entry for entry in table if not entry["static"]]
    assert {e["interface"] for e in learned} >= {"ether2"}  # a host behind the running LAN port


@pytest.mark.parametrize("router_id", [V6, V7])
def test_ipv6_neighbors_table(napalm_routers: dict[str, Any], router_id: str) -> None:
    table = napalm_routers[router_id].get_ipv6_neighbors_table()
    assert table and all(napalm_valid(models.IPV6NeighborDict, entry) for entry in table)
    assert {entry["interface"] for entry in table} == {"ether1", "bridge-lan"}
    assert all(entry["ip"].startswith("fe80::") for entry in table)


@pytest.mark.parametrize("router_id", [V6, V7])
def test_bgp_neighbors(napalm_routers: dict[str, Any], router_id: str) -> None:
    neighbors = napalm_routers[router_id].get_bgp_neighbors()
    assert set(neighbors) == {"global"}
    table = neighbors["global"]
    assert isinstance(table["router_id"], str) and table["router_id"] == "192.0.2.1"
    for peer in table["peers"].values():  # what napalm's own getter test checks
        assert napalm_valid(models.PeerDict, peer)
        for family in peer["address_family"].values():
            assert napalm_valid(models.AFDict, family)
    assert set(table["peers"]) == {"192.0.2.254", "203.0.113.9"}
    isp, far = table["peers"]["192.0.2.254"], table["peers"]["203.0.113.9"]
    assert isp["remote_as"] == 64500 and isp["description"] == "isp" and isp["is_enabled"] is True
    assert far["is_up"] is False
