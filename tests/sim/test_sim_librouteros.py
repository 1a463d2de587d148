"""librouteros, unmodified, against live simulated routers: login, CRUD, queries, traps, TLS, reboot."""

from __future__ import annotations

import hashlib
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import librouteros
import pytest
from librouteros.exceptions import ConnectionClosed, FatalError, TrapError
from librouteros.login import token
from librouteros.query import And, Key, Or

from mikronet.sim.api import encode_sentence
from mikronet.sim.fleet import SimFleet

Connect = Callable[..., Any]
RawSession = Callable[..., tuple[socket.socket, Callable[[int], list[list[str]]]]]


def test_plain_login_on_7x_and_6_49(fleet: SimFleet, connect: Connect) -> None:
    for router_id, version in (
        ("LV-0042/gw", "7.14.3"),
        ("LV-0043/gw", "6.49.18"),
        ("LV-0042/new", "7.19.4"),
    ):
        api = connect(fleet, router_id)
        resource = next(iter(api.path("system", "resource")))
        assert resource["version"] == f"{version} (stable)"
        assert resource["platform"] == "MikroTik"
        assert isinstance(resource["total-memory"], int)  # raw bytes, not "128.0MiB"
        api.close()


def test_wrong_password_is_a_trap_with_routeros_text(fleet: SimFleet) -> None:
    endpoint = fleet.endpoint("LV-0042/gw")
    with pytest.raises(TrapError, match=r"^invalid user name or password \(6\)$"):
        librouteros.connect(endpoint.host, "admin", "not-the-password", port=endpoint.api, timeout=5)


def test_md5_challenge_login_before_6_43(fleet: SimFleet, sim_password: str) -> None:
    endpoint = fleet.endpoint("LV-0043/old")
    api = librouteros.connect(endpoint.host, "admin", sim_password, port=endpoint.api, login_method=token)
    assert next(iter(api.path("system", "identity")))["name"] == "MikroTik"
    with pytest.raises(TrapError, match=r"^cannot log in$"):
        librouteros.connect(endpoint.host, "admin", "wrong", port=endpoint.api, login_method=token, timeout=5)


def test_md5_login_refused_on_6_49(fleet: SimFleet, sim_password: str) -> None:
    endpoint = fleet.endpoint("LV-0043/gw")
    with pytest.raises(TrapError, match=r"invalid user name or password \(6\)"):
        librouteros.connect(endpoint.host, "admin", sim_password, port=endpoint.api, login_method=token, timeout=5)


def test_add_set_remove_and_ids(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0042/gw")
    addresses = api.path("ip", "address")
    new_id = addresses.add(address="10.0.42.1/24", interface="ether2", comment="school LAN")
    assert new_id.startswith("*") and new_id[1:] == new_id[1:].upper()
    row = next(iter(addresses.select(Key(".id"), Key("address"), Key("network")).where(Key(".id") == new_id)))
    assert row == {".id": new_id, "address": "10.0.42.1/24", "network": "10.0.42.0"}
    addresses.update(**{".id": new_id, "comment": "LAN of the school"})
    changed = next(r for r in addresses if r[".id"] == new_id)
    assert changed["comment"] == "LAN of the school"
    assert changed["disabled"] is False and changed["invalid"] is False
    addresses.remove(new_id)
    assert all(r[".id"] != new_id for r in addresses)
    with pytest.raises(TrapError, match=r"^no such item$"):
        addresses.remove(new_id)
    api.close()


def test_duplicate_address_trap_then_session_stays_in_step(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0042/gw")
    addresses = api.path("ip", "address")
    first = addresses.add(address="10.9.9.1/24", interface="ether3")
    with pytest.raises(TrapError) as caught:
        addresses.add(address="10.9.9.1/24", interface="ether3")
    assert caught.value.message == "failure: already have such address"
    with pytest.raises(TrapError, match="input does not match any value of interface"):
        addresses.add(address="10.9.8.1/24", interface="no-such-port")
    # after traps the next command still gets its own answer
    assert next(iter(api.path("system", "identity")))["name"] == "MikroTik"
    addresses.remove(first)
    api.close()


def test_unknown_path_and_verb(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0042/gw")
    with pytest.raises(TrapError, match=r"^no such command prefix$"):
        tuple(api("/routing/bgp/peer/print"))
    with pytest.raises(TrapError, match=r"^no such command$"):
        tuple(api("/ip/address/frobnicate"))
    api.close()


def test_routerboard_menu_missing_on_chr_like_answer(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0042/gw")
    board = next(iter(api.path("system", "routerboard")))
    assert board["model"] == "RBD52G-5HacD2HnD" and board["serial-number"] == "HD0420001"
    api.close()


def test_queries_select_and_stack_machine(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0042/gw")
    interfaces = api.path("interface")
    names = {r["name"] for r in interfaces.select(Key("name")).where(Key("type") == "ether")}
    assert names == {"ether1", "ether2", "ether3", "ether4", "ether5"}
    either = {
        r["name"] for r in interfaces.select(Key("name")).where(Or(Key("name") == "ether1", Key("name") == "wlan2"))
    }
    assert either == {"ether1", "wlan2"}
    inside = {r["name"] for r in interfaces.select(Key("name")).where(Key("name").In("ether2", "ether4"))}
    assert inside == {"ether2", "ether4"}
    not_ether = {r["name"] for r in interfaces.select(Key("name")).where(Key("type") != "ether")}
    assert not_ether == {"wlan1", "wlan2", "lo"}  # RouterOS 7 has a loopback interface from the factory
    both = list(interfaces.select(Key("name")).where(And(Key("type") == "ether", Key("disabled") == False)))  # noqa: E712
    assert len(both) == 5
    # raw words: the documented example ?type=ether ?type=wlan ?#|
    raw = [r["name"] for r in api.rawCmd("/interface/print", "=.proplist=name", "?type=wlan", "?type=ether", "?#|")]
    assert len(raw) == 7
    count = list(api.rawCmd("/interface/print", "=count-only=", "?type=wlan"))
    assert count == [{"ret": 2}]
    api.close()


def test_proplist_of_absent_property_gives_bare_rows(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0042/gw")
    # librouteros drops rows without words, so count them on the raw wire below
    assert list(api.rawCmd("/ip/service/print", "=.proplist=comment")) == []
    api.close()


def test_tags_echoed_on_every_sentence_and_only_when_sent(fleet: SimFleet, raw_session: RawSession) -> None:
    sock, read = raw_session(fleet, "LV-0042/gw")
    sock.sendall(encode_sentence(["/ip/service/print", "=.proplist=name", "?name=api", ".tag=7"]))
    assert read(2) == [["!re", ".tag=7", "=name=api"], ["!done", ".tag=7"]]
    sock.sendall(encode_sentence(["/nosuch/print", ".tag=x1"]))
    trap, done = read(2)
    assert trap[:2] == ["!trap", ".tag=x1"] and trap[-1] == "=message=no such command prefix"
    assert done == ["!done", ".tag=x1"]
    sock.sendall(encode_sentence(["/system/identity/print"]))
    assert read(2) == [["!re", "=name=MikroTik"], ["!done"]]
    sock.close()


def test_raw_trap_carries_only_message_and_category(fleet: SimFleet, raw_session: RawSession) -> None:
    sock, read = raw_session(fleet, "LV-0042/gw")
    sock.sendall(encode_sentence(["/ip/address/add", "=address=10.1.1.1/24", "=interface=nope", ".tag=9"]))
    trap, done = read(2)
    assert trap == ["!trap", ".tag=9", "=category=1", "=message=input does not match any value of interface"]
    assert done == ["!done", ".tag=9"]
    sock.sendall(encode_sentence(["/ip/service/print", "=.proplist=comment"]))
    sentences = read(9)
    assert sentences == [["!re"]] * 8 + [["!done"]]  # bare !re rows, no tag when none was sent
    sock.close()


def test_empty_only_from_7_18(fleet: SimFleet, raw_session: RawSession, connect: Connect) -> None:
    for router_id, expect_empty in (("LV-0042/new", True), ("LV-0044/gw", True), ("LV-0042/gw", False)):
        sock, read = raw_session(fleet, router_id)
        sock.sendall(encode_sentence(["/ip/address/print", ".tag=e"]))
        first = read(1)[0]
        if expect_empty:
            assert first == ["!empty", ".tag=e"]
            assert read(1)[0] == ["!done", ".tag=e"]
        else:
            assert first == ["!done", ".tag=e"]
        sock.close()
    # librouteros ignores !empty: an empty print is just empty
    assert list(connect(fleet, "LV-0042/new").path("ip", "address")) == []


def test_five_byte_length_accepted_on_input(fleet: SimFleet, raw_session: RawSession) -> None:
    sock, read = raw_session(fleet, "LV-0042/gw")
    word = b"/system/identity/print"
    sock.sendall(b"\xf0" + len(word).to_bytes(4, "big") + word + b"\x00")
    assert read(2) == [["!re", "=name=MikroTik"], ["!done"]]
    sock.close()


def test_command_before_login_is_refused(fleet: SimFleet, raw_session: RawSession) -> None:
    sock, read = raw_session(fleet, "LV-0042/gw", login=False)
    sock.sendall(encode_sentence(["/system/identity/print"]))
    trap, done = read(2)
    assert trap[0] == "!trap" and done == ["!done"]
    sock.close()


def test_quit_is_fatal_with_routeros_reason(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0042/gw")
    with pytest.raises(FatalError, match=r"^session terminated on request$"):
        tuple(api("/quit"))


def test_tls_verified_against_the_fleet_ca(fleet: SimFleet, connect: Connect) -> None:
    assert fleet.ca_path is not None
    endpoint = fleet.endpoint("LV-0042/gw")
    context = ssl.create_default_context(cafile=str(fleet.ca_path))
    api = connect(
        fleet,
        "LV-0042/gw",
        port=endpoint.api_ssl,
        ssl_wrapper=lambda s: context.wrap_socket(s, server_hostname=endpoint.host),
    )
    assert next(iter(api.path("system", "identity")))["name"] == "MikroTik"
    api.close()
    with (
        socket.create_connection((endpoint.host, endpoint.api_ssl), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=endpoint.host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    seen = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    assert seen == fleet.tls_fingerprint("LV-0042/gw")  # what `mikronet trust` would pin, stable per serial
    unverified = ssl.create_default_context()
    with pytest.raises(ssl.SSLCertVerificationError):
        connect(
            fleet,
            "LV-0042/gw",
            port=endpoint.api_ssl,
            ssl_wrapper=lambda s: unverified.wrap_socket(s, server_hostname=endpoint.host),
        )


def test_reboot_drops_the_connection_then_comes_back(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0042/new")
    with pytest.raises(ConnectionClosed):
        tuple(api("/system/reboot"))
    endpoint = fleet.endpoint("LV-0042/new")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((endpoint.host, endpoint.api), timeout=2)
    deadline = time.monotonic() + 5
    while True:
        try:
            api = connect(fleet, "LV-0042/new")
            break
        except OSError:
            assert time.monotonic() < deadline, "the router did not come back"
            time.sleep(0.05)
    uptime = next(iter(api.path("system", "resource").select(Key("uptime"))))["uptime"]
    assert uptime in ("0s", "1s")
    api.close()


def test_listen_and_cancel_with_tags(fleet: SimFleet, raw_session: RawSession) -> None:
    sock, read = raw_session(fleet, "LV-0042/gw")
    sock.sendall(encode_sentence(["/ip/address/listen", ".tag=10"]))
    sock.sendall(encode_sentence(["/cancel", "=tag=10", ".tag=20"]))
    assert read(3) == [
        ["!trap", ".tag=10", "=category=2", "=message=interrupted"],
        ["!done", ".tag=20"],
        ["!done", ".tag=10"],
    ]
    sock.close()


def test_api_ssl_without_certificate_offers_anonymous_dh_only(
    sim_inventory: Path, tmp_path: Path, start_sim_fleet: Callable[..., SimFleet], connect: Connect
) -> None:
    adh_fleet = start_sim_fleet(sim_inventory, tmp_path, api_ssl_certificate=False, ssh=False)
    try:
        endpoint = adh_fleet.endpoint("LV-0043/gw")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # what Ansible's force_no_cert and mktxp do
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_ciphers("ADH:@SECLEVEL=0")
        api = connect(adh_fleet, "LV-0043/gw", port=endpoint.api_ssl, ssl_wrapper=context.wrap_socket)
        assert next(iter(api.path("system", "identity")))["name"] == "MikroTik"
        api.close()
        with pytest.raises(ssl.SSLError):  # a client that insists on a certificate gets nowhere
            connect(
                adh_fleet,
                "LV-0043/gw",
                port=endpoint.api_ssl,
                ssl_wrapper=lambda s: ssl.create_default_context().wrap_socket(s, server_hostname=endpoint.host),
            )
        assert adh_fleet.ca_path is None
    finally:
        adh_fleet.stop()


def test_a_disabled_api_service_closes_new_connections(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0043/gw")
    tuple(api.path("ip", "service")("disable", **{".id": "api"}))
    try:
        time.sleep(0.2)  # the listener follows the setting on the fleet's loop
        with pytest.raises((ConnectionClosed, ConnectionResetError, ConnectionRefusedError)):
            connect(fleet, "LV-0043/gw")
        assert next(iter(api.path("system", "identity")))["name"] == "MikroTik"  # open sessions stay
    finally:
        fleet.device("LV-0043/gw").call("/ip/service/enable", {".id": "api"})
    time.sleep(0.2)
    assert connect(fleet, "LV-0043/gw")


@pytest.mark.parametrize("second_line", [
    "/ip dns set alow-remote-requests=yes",  # a misspelled property: expected end of command
    "/ip dnss set allow-remote-requests=yes",  # a misspelled menu: bad command name
    '/system identity set name="unterminated',  # syntax error
])
def test_import_with_a_syntax_error_on_line_two_changes_nothing(fleet: SimFleet, connect: Connect,
                                                                second_line: str) -> None:
    """librouteros's Config.apply: RouterOS compiles the whole script first; nothing of it runs."""
    api = connect(fleet, "LV-0042/new")
    config = api.config()
    before = config.export(show_sensitive=True)
    script = f"/interface list add name=imported comment=line-one\n{second_line}\n/ip dns set cache-size=4096KiB\n"
    with pytest.raises(TrapError) as caught:
        config.apply(script)
    assert "(line 2 column " in str(caught.value)
    after = config.export(show_sensitive=True)
    assert after.split("\n", 1)[1] == before.split("\n", 1)[1]  # the same, header date aside
    assert not [row for row in api.path("interface", "list") if row.get("name") == "imported"]
    api.close()


def test_import_stops_at_a_runtime_error_after_the_lines_before_it(fleet: SimFleet, connect: Connect) -> None:
    api = connect(fleet, "LV-0042/new")
    script = ("/interface list add name=before-the-error\n"
              "/ip address add address=10.66.0.1/24 interface=no-such-port\n"
              "/interface list add name=after-the-error\n")
    with pytest.raises(TrapError) as caught:
        api.config().apply(script)
    assert "input does not match any value of interface" in str(caught.value)
    names = {row.get("name") for row in api.path("interface", "list")}
    assert "before-the-error" in names and "after-the-error" not in names
    api.close()
