"""The SSH console of a real simulated router (:class:`SimDevice`), through netmiko, paramiko and the API."""

from __future__ import annotations

import io
import re
import socket
from collections.abc import Iterator
from typing import Any

import librouteros
import paramiko
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from napalm import get_network_driver
from netmiko import ConnectHandler
from support.loops import ThreadLoop

from mikronet.sim.api import ApiServer
from mikronet.sim.console import Console
from mikronet.sim.device import DeviceSpec, SimDevice
from mikronet.sim.ssh import SimSSHServer, start_ssh_server

LATVIAN = "Rīgas Valsts 1. ģimnāzija — ā č ē ģ ī ķ ļ ņ š ū ž"
PASSWORD = "S3cret-parole"


def router(version: str = "7.14.3", model: str = "RBD52G-5HacD2HnD", serial: str = "HF095R4B6E") -> SimDevice:
    return SimDevice(DeviceSpec("lv-0042", model, serial, version, password=PASSWORD))


def hex_escaped(text: str) -> str:
    """RouterOS's export form of a string: every byte beyond ASCII as two uppercase hex digits."""
    return "".join(ch if ord(ch) < 128 else "".join(f"\\{b:02X}" for b in ch.encode("utf-8")) for ch in text)


@pytest.fixture
def ssh(loop: ThreadLoop) -> Iterator[Any]:
    servers: list[SimSSHServer] = []

    def serve(device: SimDevice, host: str = "127.0.0.6") -> SimSSHServer:
        server: SimSSHServer = loop.run(start_ssh_server(device, host, 0))
        servers.append(server)
        return server

    yield serve

    async def close() -> None:
        for server in servers:
            server.close()
            await server.wait_closed()

    loop.run(close())


def netmiko(server: SimSSHServer, host: str = "127.0.0.6") -> Any:
    return ConnectHandler(device_type="mikrotik_routeros", host=host, port=server.port, username="admin",
                          password=PASSWORD, conn_timeout=5, fast_cli=True)


@pytest.mark.parametrize("identity", ["Skola 1", "a,b.c", LATVIAN])
def test_netmiko_resource_config_set_and_export(ssh: Any, identity: str) -> None:
    device = router()
    assert device.call("/system/identity/set", {"name": identity}).trap is None
    conn = netmiko(ssh(device))
    try:
        assert conn.base_prompt == f"[admin@{identity}]"
        resource = conn.send_command("/system resource print")
        assert re.search(r"version:\s(.*)\s*$", resource, re.M).group(1) == "7.14.3 (stable)"  # type: ignore[union-attr]
        assert re.search(r"free-memory:\s(\d+\.?\d*)([KMG]iB)", resource, re.M) is not None
        assert re.search(r"cpu-load:\s(\d+)%", resource, re.M) is not None
        conn.send_config_set([
            "/ip address add address=192.168.88.1/24 interface=ether2 comment=\"skolas LAN\"",
            "/ip service set telnet disabled=yes",
            "/ip address add address=192.168.88.1/24 interface=ether2",
        ])
        rows = device.call("/ip/address/print", {}).rows
        assert [(r["address"], r["interface"], r.get("comment")) for r in rows] == [
            ("192.168.88.1/24", "ether2", "skolas LAN")
        ]
        telnet = [r for r in device.call("/ip/service/print", {}).rows if r["name"] == "telnet"]
        assert telnet[0]["disabled"] == "true"
        export = conn.send_command("/export")
        assert re.match(r"# \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by RouterOS 7\.14\.3$", export.splitlines()[0])
        assert "192.168.88.1/24" in export
    finally:
        conn.disconnect()


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def test_latvian_text_through_api_reads_back_through_api_and_ssh(loop: ThreadLoop, ssh: Any) -> None:
    device = router()
    host = "127.0.0.7"
    api = ApiServer(device, host, _free_port(host))
    loop.run(api.start())
    try:
        conn = librouteros.connect(host=host, username="admin", password=PASSWORD, port=api.port,
                                   encoding="utf-8", timeout=5)
        try:
            tuple(conn.path("system", "identity")("set", name=LATVIAN))
            assert next(iter(conn.path("system", "identity")))["name"] == LATVIAN
        finally:
            conn.close()
        cli = netmiko(ssh(device, host), host)
        try:
            assert cli.base_prompt == f"[admin@{LATVIAN}]"
            assert cli.send_command("/system identity print").strip() == f"name: {LATVIAN}"
            export = cli.send_command("/system identity export")
            assert f'set name="{hex_escaped(LATVIAN)}"' in export.replace("\\\n    ", "")
        finally:
            cli.disconnect()
    finally:
        loop.run(api.stop())


def test_ansible_facts_regexes_read_the_real_router() -> None:
    console = Console(router(), "admin", 80)
    identity = console.feed("/system identity print without-paging").text
    assert re.search(r"name:\s(.*)\s*$", identity, re.M).group(1) == "MikroTik"  # type: ignore[union-attr]
    board = console.feed("/system routerboard print without-paging").text
    assert re.search(r"model:\s(.*)\s*$", board, re.M).group(1) == "RBD52G-5HacD2HnD"  # type: ignore[union-attr]
    assert re.search(r"serial-number:\s(.*)\s*$", board, re.M).group(1) == "HF095R4B6E"  # type: ignore[union-attr]
    resource = console.feed("/system resource print without-paging").text
    for key in ("free-hdd-space", "total-hdd-space"):
        assert re.search(rf"{key}:\s(.*)([KMG]iB)", resource, re.M) is not None, key
    for key in ("free-memory", "total-memory"):
        assert re.search(rf"{key}:\s(\d+\.?\d*)([KMG]iB)", resource, re.M) is not None, key
    detail_re = re.compile(r'([\w\d\-]+)=\"?(\w{3}/\d{2}/\d{4}\s\d{2}:\d{2}:\d{2}|[\w\d\-\.:/]+)')
    interfaces = console.feed("/interface print detail without-paging").text
    records = [line for line in interfaces.split("\n") if line and not line.startswith("Flags")
               and not re.match(r"^\s+(?!\d)", line)]
    names = [re.search(r"name=\"([\w\d\-]+)\"", line).group(1) for line in records]  # type: ignore[union-attr]
    assert names[:5] == ["ether1", "ether2", "ether3", "ether4", "ether5"]
    assert all(dict(re.findall(detail_re, line)).get("type") for line in records)
    console.feed("/ip address add address=10.20.30.1/24 interface=ether3")
    addresses = console.feed("/ip address print detail without-paging").text
    assert re.search(r"interface=([\w\d\-]+)", addresses).group(1) == "ether3"  # type: ignore[union-attr]


def test_console_errors_from_the_real_router() -> None:
    console = Console(router(), "admin", 80)
    assert console.feed("/system backup print").text == "bad command name print (line 1 column 16)\n"
    assert console.feed("/ip address remove 5").text == "no such item\n"
    assert console.feed("/ip address add address=10.0.0.1/24 interface=nosuch").text == (
        "input does not match any value of interface\n"
    )
    console.feed("/ip address add address=10.0.0.1/24 interface=ether1")
    assert console.feed("/ip address add address=10.0.0.1/24 interface=ether1").text == (
        "failure: already have such address\n"
    )


def test_check_for_updates_and_install_drop_the_session() -> None:
    device = router()
    console = Console(device, "admin", 80)
    blocks = console.feed("/system package update check-for-updates").text.rstrip("\n").split("\n\n")
    assert blocks[0].splitlines()[-1].strip() == "status: finding out latest version..."
    assert blocks[-1].splitlines()[-1].strip() == "status: New version is available"
    out = console.feed("/system package update install")
    assert out.close
    assert "Downloaded, rebooting..." in out.text
    assert not device.online


def test_reboot_over_ssh_asks_and_drops(ssh: Any) -> None:
    device = router()
    server = ssh(device)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.6", server.port, "admin+ct511w4098h", PASSWORD, look_for_keys=False,
                   allow_agent=False, timeout=5)
    try:
        chan = client.invoke_shell()
        chan.settimeout(5)
        data = b""
        while not data.endswith(b"] > "):
            data += chan.recv(4096)
        chan.send(b"/system reboot\r\n")
        while not data.endswith(b"Reboot, yes? [y/N]: "):
            data += chan.recv(4096)
        chan.send(b"y")
        while True:
            piece = chan.recv(4096)
            if not piece:
                break
            data += piece
        assert data.endswith(b"Reboot, yes? [y/N]: y\r\n")
        assert not device.online
    finally:
        client.close()


def test_public_key_from_user_ssh_keys(ssh: Any) -> None:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()).decode()
    device = router()
    server = ssh(device)
    key = paramiko.Ed25519Key.from_private_key(io.StringIO(pem))

    def login() -> bytes:
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        client.connect("127.0.0.6", server.port, "admin", pkey=key, look_for_keys=False, allow_agent=False,
                       timeout=5)
        try:
            _, stdout, _ = client.exec_command("/system identity print", timeout=5)
            return bytes(stdout.read())
        finally:
            client.close()

    with pytest.raises(paramiko.AuthenticationException):
        login()
    added = device.call("/user/ssh-keys/add", {"user": "admin", "key": public + " tehnikis@skola"})
    assert added.trap is None
    assert login() == b"  name: MikroTik\r\n"


@pytest.mark.parametrize("version", ["7.12.1", "6.49.17"])
def test_napalm_ros_get_config_reads_the_export_over_ssh_exec(loop: ThreadLoop, ssh: Any, version: str) -> None:
    device = router(version=version)
    device.call("/system/identity/set", {"name": "Skola 7"})
    host = "127.0.0.8"
    api = ApiServer(device, host, _free_port(host))
    loop.run(api.start())
    server = ssh(device, host)
    driver = get_network_driver("ros")(host, "admin", PASSWORD, timeout=5, optional_args={
        "port": api.port, "ssh_port": server.port, "paramiko_allow_agent": False})
    driver.open()
    try:
        running = driver.get_config(retrieve="running")["running"]
    finally:
        driver.close()
        loop.run(api.stop())
    assert running.startswith(f"# by RouterOS {version}")
    assert '/system identity set name="Skola 7"' in running.splitlines()
