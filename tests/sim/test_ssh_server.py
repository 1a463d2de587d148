"""The SSH server of the simulated routers, driven by real clients (netmiko, paramiko) over loopback."""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Iterator
from typing import Any

import paramiko
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st
from netmiko import ConnectHandler
from support.loops import ThreadLoop
from test_ssh_console import LATVIAN, FakeRouter

from mikronet.sim.hostkey import host_key_for
from mikronet.sim.ssh import SimSSHServer, parse_login_name


@pytest.fixture
def served(loop: ThreadLoop) -> Iterator[tuple[FakeRouter, SimSSHServer]]:
    router = FakeRouter()
    server = loop.serve(router, "127.0.0.2")
    yield router, server
    loop.stop(server)


def netmiko(server: SimSSHServer, host: str = "127.0.0.2") -> Any:
    return ConnectHandler(device_type="mikrotik_routeros", host=host, port=server.port,
                          username="admin", password="secret", conn_timeout=5, fast_cli=True)


def shell(server: SimSSHServer, host: str = "127.0.0.2", user: str = "admin") -> tuple[Any, Any]:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, server.port, user, "secret", look_for_keys=False, allow_agent=False, timeout=5)
    chan = client.invoke_shell(term="vt100", width=80, height=24)
    return client, chan


def read_until(chan: Any, marker: bytes, timeout: float = 5) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while marker not in data:
        if time.monotonic() > deadline:
            raise AssertionError(f"{marker!r} not seen in {data!r}")
        if chan.recv_ready():
            data += chan.recv(65536)
        else:
            time.sleep(0.01)
    return data


def test_login_name_options() -> None:
    opts = parse_login_name("admin+ct511w4098h")
    assert (opts.user, opts.width, opts.height) == ("admin", 511, 4098)
    assert not opts.colors and not opts.detect_terminal
    assert parse_login_name("admin+cet512w").dumb
    assert parse_login_name("admin").user == "admin"
    assert parse_login_name("a+b+c80w").user == "a+b"
    assert parse_login_name("user+name").user == "user+name"


@pytest.mark.parametrize("identity", ["Skola 1", "a,b.c", LATVIAN])
def test_netmiko_against_identities(loop: ThreadLoop, identity: str) -> None:
    router = FakeRouter(identity=identity)
    server = loop.serve(router, "127.0.0.3")
    try:
        conn = netmiko(server, "127.0.0.3")
        try:
            assert conn.base_prompt == f"[admin@{identity}]"
            resource = conn.send_command("/system resource print")
            assert "version: 7.14.3 (stable)" in resource
            assert "free-memory: 988.3MiB" in resource
            assert conn.send_command("/system identity print").strip() == f"name: {identity}"
            conn.send_config_set(["/ip address add address=10.9.8.7/24 interface=ether2 comment=lab",
                                  "/ip service set telnet disabled=yes"])
            assert router.tables[("ip", "address")][0]["address"] == "10.9.8.7/24"
            assert router.tables[("ip", "service")][0]["disabled"] == "true"
            export = conn.send_command("/export")
            assert export.startswith("# 2024-05-15 22:25:49 by RouterOS 7.14.3")
            assert "add address=10.9.8.7/24 comment=lab interface=ether2 network=10.9.8.0" in export
        finally:
            conn.disconnect()
    finally:
        loop.stop(server)


def test_netmiko_sees_errors_and_submenus(served: tuple[FakeRouter, SimSSHServer]) -> None:
    _, server = served
    conn = netmiko(server)
    try:
        assert conn.send_command("/system backup print") == "bad command name print (line 1 column 16)"
        out = conn.send_command("/ip address", expect_string=r"/ip/address>")
        assert out == ""
        assert "[admin@MikroTik] /ip/address>" in conn.find_prompt()
    finally:
        conn.disconnect()


def test_enter_as_cr_lf_or_crlf_split_across_packets(served: tuple[FakeRouter, SimSSHServer]) -> None:
    _, server = served
    client, chan = shell(server, user="admin+ct80w")
    try:
        banner = read_until(chan, b"] > ")
        assert b"MikroTik RouterOS 7.14.3" in banner and b"Press F1 for help" in banner
        assert banner.endswith(b"[admin@MikroTik] > ")
        chan.send(b"/system identity print\r")
        time.sleep(0.05)
        chan.send(b"\n")  # the \n of a \r\n, late: must not be a second Enter
        out = read_until(chan, b"name: MikroTik\r\n[admin@MikroTik] > ")
        time.sleep(0.2)
        if chan.recv_ready():
            out += chan.recv(65536)
        assert out == b"/system identity print\r\n  name: MikroTik\r\n[admin@MikroTik] > "
        chan.send(b"/system identity print\n")
        assert read_until(chan, b"> ").endswith(b"  name: MikroTik\r\n[admin@MikroTik] > ")
        chan.send("/system identity set name=\"Rīga\"\r\n".encode())
        assert read_until(chan, "[admin@Rīga] > ".encode())
        chan.send(b"/sys\x7f\x7f\x7fsystem identity print\x1b[A\r")
        assert read_until(chan, "name: Rīga".encode())
        chan.send(b"quit\r\n")
        assert read_until(chan, b"interrupted\r\n").endswith(b"quit\r\ninterrupted\r\n")
        chan.settimeout(5)
        assert chan.recv(1024) == b""  # the session is closed
    finally:
        client.close()


def test_reboot_question_single_key_and_drop(served: tuple[FakeRouter, SimSSHServer]) -> None:
    router, server = served
    client, chan = shell(server)
    try:
        read_until(chan, b"] > ")
        chan.send(b"/system reboot\r\n")
        assert read_until(chan, b"Reboot, yes? [y/N]: ").endswith(b"Reboot, yes? [y/N]: ")
        chan.send(b"y")  # one key, no Enter
        read_until(chan, b"y\r\n")
        chan.settimeout(5)
        assert chan.recv(1024) == b""  # the router drops the session
        assert not router.online
    finally:
        client.close()
    with pytest.raises((paramiko.SSHException, OSError, EOFError)):
        shell(server)  # an offline router refuses logins


def test_exec_channel_runs_one_command(served: tuple[FakeRouter, SimSSHServer]) -> None:
    _, server = served
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.2", server.port, "admin", "secret", look_for_keys=False, allow_agent=False)
    try:
        for command in ("/export terse", "export terse", "  /export terse"):
            _, stdout, _ = client.exec_command(command, timeout=5)
            text = stdout.read().decode()
            assert stdout.channel.recv_exit_status() == 0
            assert text.startswith("# 2024-05-15 22:25:49 by RouterOS 7.14.3\r\n")
            assert "/system identity set name=MikroTik\r\n" in text
        _, stdout, _ = client.exec_command("/nosuch print", timeout=5)
        assert stdout.read() == b"bad command name nosuch (line 1 column 2)\r\n"
        assert stdout.channel.recv_exit_status() == 0
        stdin, stdout, _ = client.exec_command("/system reboot", timeout=5)
        stdin.write(b"n")
        stdin.flush()
        assert stdout.read() == b"Reboot, yes? [y/N]: n\r\naction cancelled\r\n"
        assert stdout.channel.recv_exit_status() == 0
    finally:
        client.close()


def test_password_and_public_key_login(loop: ThreadLoop) -> None:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()).decode()
    public = private.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
    router = FakeRouter()
    router.tables[("user", "ssh-keys")].append({".id": "*1", "user": "admin", "key": public + " tech@laptop"})
    server = loop.serve(router, "127.0.0.4")
    try:
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        key = paramiko.Ed25519Key.from_private_key(io.StringIO(pem))
        client.connect("127.0.0.4", server.port, "admin+ct80w", pkey=key, look_for_keys=False,
                       allow_agent=False, timeout=5)
        _, stdout, _ = client.exec_command("/system identity print", timeout=5)
        assert stdout.read() == b"  name: MikroTik\r\n"
        client.close()
        other = Ed25519PrivateKey.generate().private_bytes(
            Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption())
        stranger = paramiko.Ed25519Key.from_private_key(io.StringIO(other.decode()))
        refused = paramiko.SSHClient()
        refused.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        with pytest.raises(paramiko.AuthenticationException):
            refused.connect("127.0.0.4", server.port, "admin", pkey=stranger, look_for_keys=False,
                            allow_agent=False, timeout=5)
        with pytest.raises(paramiko.AuthenticationException):
            refused.connect("127.0.0.4", server.port, "admin+ct511w4098h", "wrong", look_for_keys=False,
                            allow_agent=False, timeout=5)
        refused.close()
    finally:
        loop.stop(server)


def _host_key(port: int, host: str) -> str:
    transport = paramiko.Transport(socket.create_connection((host, port), timeout=5))
    try:
        transport.start_client(timeout=5)
        return transport.get_remote_server_key().get_base64()  # type: ignore[no-any-return]
    finally:
        transport.close()


def test_host_key_is_stable_per_serial_and_changes_on_swap(loop: ThreadLoop) -> None:
    router = FakeRouter(serial="HF095R4B6E")
    first = loop.serve(router, "127.0.0.5")
    key = _host_key(first.port, "127.0.0.5")
    loop.stop(first)
    again = loop.serve(router, "127.0.0.5")
    try:
        assert _host_key(again.port, "127.0.0.5") == key
        public = host_key_for("HF095R4B6E").public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
        assert key == public.split()[1].decode()
        router.serial = "NEWSERIAL1"
        loop.loop.call_soon_threadsafe(again.refresh_host_key)
        time.sleep(0.05)
        assert _host_key(again.port, "127.0.0.5") != key
    finally:
        loop.stop(again)


class _Channel:
    """Just enough of an asyncssh channel to drive a session's line editor without a socket."""

    def __init__(self) -> None:
        self.data = b""
        self.closed = False

    def write(self, data: bytes) -> None:
        self.data += data

    def close(self) -> None:
        self.closed = True

    def exit(self, status: int) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> None:
        return None


def _typed(chunks: list[bytes]) -> bytes:
    from mikronet.sim.ssh import LoginOptions, _Session

    owner = SimSSHServer(FakeRouter())  # type: ignore[arg-type]
    session = _Session(owner, LoginOptions("admin"))
    channel = _Channel()
    session.connection_made(channel)  # type: ignore[arg-type]
    session.shell_requested()
    session.session_started()
    channel.data = b""
    for chunk in chunks:
        session.data_received(chunk, None)
    return channel.data


@given(st.lists(st.integers(min_value=1, max_value=60), max_size=12))
@settings(max_examples=60, deadline=None)
def test_any_packet_split_gives_the_same_screen(cuts: list[int]) -> None:
    typed = "/system identity print\r\n/ip service print count-only\r:put Rīga\n\r\n".encode()
    points = sorted({min(c * 3 % len(typed), len(typed)) for c in cuts})
    chunks = [typed[a:b] for a, b in zip([0, *points], [*points, len(typed)], strict=True) if b > a]
    assert _typed(chunks) == _typed([typed])
    screen = _typed([typed]).decode()
    assert screen.count("[admin@MikroTik] > ") == 4  # three commands and one empty Enter
    assert "  name: MikroTik\r\n" in screen and "\r\n4\r\n" in screen and "\r\nRīga\r\n" in screen
