"""Clients nobody here wrote, unmodified, against live simulated routers: routeros_api and napalm-ros."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
import routeros_api
from napalm import get_network_driver
from routeros_api.exceptions import RouterOsApiCommunicationError

from mikronet.sim.fleet import SimFleet


def _pool(fleet: SimFleet, router_id: str, password: str, **kwargs: object) -> routeros_api.RouterOsApiPool:
    endpoint = fleet.endpoint(router_id)
    kwargs.setdefault("port", endpoint.api)
    kwargs.setdefault("plaintext_login", True)
    return routeros_api.RouterOsApiPool(endpoint.host, username="admin", password=password, **kwargs)


@pytest.fixture
def rapi(fleet: SimFleet, sim_password: str) -> Iterator[routeros_api.api.RouterOsApi]:
    pool = _pool(fleet, "LV-0042/gw", sim_password)
    yield pool.get_api()
    pool.disconnect()


def test_routeros_api_tags_everything_and_reads(rapi: routeros_api.api.RouterOsApi) -> None:
    identity = rapi.get_resource("/system/identity").get()
    assert identity == [{"name": "MikroTik"}]
    ether1 = rapi.get_resource("/interface").get(name="ether1")
    assert len(ether1) == 1 and ether1[0]["type"] == "ether" and ether1[0]["running"] == "true"
    assert rapi.get_resource("/interface").get(name="no-such-port") == []


def test_routeros_api_add_set_remove(rapi: routeros_api.api.RouterOsApi) -> None:
    lists = rapi.get_resource("/interface/list")
    lists.add(name="LAN", comment="school LAN")
    row = lists.get(name="LAN")[0]
    lists.set(id=row["id"], comment="the school's LAN")
    assert lists.get(name="LAN")[0]["comment"] == "the school's LAN"
    lists.remove(id=row["id"])
    assert lists.get(name="LAN") == []


def test_routeros_api_trap_message(rapi: routeros_api.api.RouterOsApi) -> None:
    with pytest.raises(RouterOsApiCommunicationError) as caught:
        rapi.get_resource("/ip/address").add(address="10.5.5.1/24", interface="nope")
    assert caught.value.original_message == b"input does not match any value of interface"


def test_routeros_api_accepts_empty_on_7_19(fleet: SimFleet, sim_password: str) -> None:
    pool = _pool(fleet, "LV-0042/new", sim_password)
    api = pool.get_api()
    assert api.get_resource("/ip/address").get() == []
    assert api.get_resource("/system/identity").get() == [{"name": "MikroTik"}]
    pool.disconnect()


def test_routeros_api_challenge_login_before_6_43(fleet: SimFleet, sim_password: str) -> None:
    pool = _pool(fleet, "LV-0043/old", sim_password, plaintext_login=False)
    assert pool.get_api().get_resource("/system/identity").get() == [{"name": "MikroTik"}]
    pool.disconnect()


def test_routeros_api_over_tls_verified(fleet: SimFleet, sim_password: str) -> None:
    assert fleet.ca_path is not None
    endpoint = fleet.endpoint("LV-0044/gw")
    context = ssl.create_default_context(cafile=str(fleet.ca_path))
    pool = _pool(
        fleet,
        "LV-0044/gw",
        sim_password,
        port=endpoint.api_ssl,
        use_ssl=True,
        ssl_context=context,
        ssl_verify=True,
        ssl_verify_hostname=True,
    )
    resource = pool.get_api().get_resource("/system/resource").get()[0]
    assert resource["version"] == "7.18.2 (stable)" and resource["board-name"] == "RB4011iGS+"
    pool.disconnect()


@pytest.fixture
def napalm_device(fleet: SimFleet, sim_password: str) -> Iterator[object]:
    endpoint = fleet.endpoint("LV-0042/gw")
    driver = get_network_driver("ros")
    device = driver(endpoint.host, "admin", sim_password, timeout=10, optional_args={"port": endpoint.api})
    device.open()
    yield device
    device.close()


def test_napalm_get_facts(napalm_device: object) -> None:
    facts = napalm_device.get_facts()  # type: ignore[attr-defined]
    assert facts["vendor"] == "MikroTik"
    assert facts["model"] == "hAP ac^2"
    assert facts["os_version"] == "7.14.3 (stable)"
    assert facts["serial_number"] == "HD0420001"
    assert facts["hostname"] == "MikroTik"
    assert facts["interface_list"][:2] == ["ether1", "ether2"] and "wlan2" in facts["interface_list"]
    assert facts["uptime"] >= 0


def test_napalm_get_interfaces_counters_and_users(napalm_device: object) -> None:
    interfaces = napalm_device.get_interfaces()  # type: ignore[attr-defined]
    assert interfaces["ether1"]["is_up"] is True and interfaces["ether1"]["is_enabled"] is True
    assert interfaces["wlan1"]["is_enabled"] is False
    assert interfaces["ether1"]["mac_address"].startswith("48:8F:5A")
    counters = napalm_device.get_interfaces_counters()  # type: ignore[attr-defined]
    assert counters["ether1"]["rx_octets"] > 0
    users = napalm_device.get_users()  # type: ignore[attr-defined]
    assert users["admin"]["level"] == 15
    assert napalm_device.is_alive() == {"is_alive": True}  # type: ignore[attr-defined]


def test_napalm_get_environment(napalm_device: object) -> None:
    environment = napalm_device.get_environment()  # type: ignore[attr-defined]
    assert environment["memory"]["available_ram"] > environment["memory"]["used_ram"] > 0
    assert len(environment["cpu"]) == 4


def test_napalm_get_config_through_librouteros_config(napalm_device: object) -> None:
    """7.13+: napalm-ros reads the export the way librouteros's Config does (export to a file, read it)."""
    config = napalm_device.get_config(retrieve="running")  # type: ignore[attr-defined]
    running = config["running"]
    assert running.startswith("# by RouterOS 7.14.3\n")
    assert "# serial number = HD0420001" in running
