"""SSH on a running simulated fleet: each router's console on its own address, through reboots and faults."""

from __future__ import annotations

import re
import socket
import time
from typing import Any

import paramiko
import pytest
from netmiko import ConnectHandler

from mikronet.sim.fleet import SimFleet


def _client(fleet: SimFleet, router_id: str, password: str, user: str = "admin") -> paramiko.SSHClient:
    endpoint = fleet.endpoint(router_id)
    assert endpoint.ssh is not None
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(endpoint.host, endpoint.ssh, user, password, look_for_keys=False, allow_agent=False,
                   timeout=5, banner_timeout=5, auth_timeout=5)
    return client


def _exec(fleet: SimFleet, router_id: str, password: str, command: str) -> tuple[str, str]:
    """Run one command over the exec channel; returns its output and the router's host key."""
    client = _client(fleet, router_id, password)
    try:
        _, stdout, _ = client.exec_command(command, timeout=5)
        output = stdout.read().decode()
        transport = client.get_transport()
        assert transport is not None
        return output, transport.get_remote_server_key().get_base64()
    finally:
        client.close()


def test_each_router_has_its_console(fleet: SimFleet, sim_password: str) -> None:
    old, _ = _exec(fleet, "LV-0043/gw", sim_password, "/system resource print")
    assert "version: 6.49.18" in old
    new, _ = _exec(fleet, "LV-0042/new", sim_password, "/system/resource/print")
    assert "version: 7.19.4" in new
    identity, _ = _exec(fleet, "LV-0042/gw", sim_password, "/system identity print")
    assert identity.startswith("  name: ")


def test_netmiko_on_a_fleet_router(fleet: SimFleet, sim_password: str) -> None:
    endpoint = fleet.endpoint("LV-0044/gw")
    conn: Any = ConnectHandler(device_type="mikrotik_routeros", host=endpoint.host, port=endpoint.ssh,
                               username="admin", password=sim_password, conn_timeout=5)
    try:
        assert conn.base_prompt.startswith("[admin@")
        conn.send_config_set(["/ip address add address=172.16.44.1/24 interface=ether2 comment=lab"])
        rows = fleet.call(lambda: fleet.device("LV-0044/gw").call("/ip/address/print", {}).rows)
        assert any(r["address"] == "172.16.44.1/24" and r.get("comment") == "lab" for r in rows)
        assert "172.16.44.1/24" in conn.send_command("/ip address print")
    finally:
        conn.disconnect()


def test_reboot_drops_ssh_and_the_router_comes_back_with_the_same_host_key(
    fleet: SimFleet, sim_password: str
) -> None:
    router_id = "LV-0042/gw"
    _, key = _exec(fleet, router_id, sim_password, "/system identity print")
    client = _client(fleet, router_id, sim_password, "admin+ct511w4098h")
    try:
        chan = client.invoke_shell()
        chan.settimeout(5)
        data = b""
        while not data.endswith(b"] > "):
            data += chan.recv(4096)
        chan.send(b"/system reboot\r\n")
        while not data.endswith(b"[y/N]: "):
            data += chan.recv(4096)
        chan.send(b"y")
        while chan.recv(4096):
            pass
    finally:
        client.close()
    deadline = time.monotonic() + 10
    while True:
        try:
            uptime, again = _exec(fleet, router_id, sim_password, "/system resource print")
            break
        except (paramiko.SSHException, OSError, EOFError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    assert again == key
    assert re.search(r"uptime: \d{1,2}s\r$", uptime, re.M) is not None  # seconds since the boot


def test_faulty_routers_refuse_or_reject(fleet: SimFleet, sim_password: str) -> None:
    endpoint = fleet.endpoint("LV-0090/refuse")
    assert endpoint.ssh is not None
    with pytest.raises(OSError):
        socket.create_connection((endpoint.host, endpoint.ssh), timeout=2).close()
    with pytest.raises(paramiko.AuthenticationException):
        _client(fleet, "LV-0090/wrong-password", sim_password).close()
