"""The push pipeline against simulated routers, through the real transports (API, API-SSL, SSH)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from support.inprocess import Twins

from mikronet.inventory import Inventory, Router
from mikronet.ops.push import Pusher
from mikronet.routeros import Set, diff, parse
from mikronet.runner.results import RouterResult, Status
from mikronet.sim.fleet import SimFleet
from mikronet.transport import Transport, TrustStore, connect

from .conftest import PASSWORD, pusher, router

pytestmark = pytest.mark.timeout(120)


def _export(fleet: SimFleet, router_id: str) -> str:
    return fleet.call(lambda: fleet.device(router_id).export())


def _push_twice_then_nothing_left(p: Pusher, inventory: Inventory, router_id: str,
                                  session: Callable[[Router], Transport]) -> None:
    desired = p.render([router(inventory, router_id)])[0]

    first = p.push(desired)
    assert first.status is Status.CHANGED, (first.error, first.reason)
    assert len(first.plan) > 20
    assert first.backup is not None and Path(first.backup).exists()

    history = p.backups.history(router_id) if p.backups else []
    assert [line.split(": ", 1)[1] for line in history] == ["after push", "before push"]
    stored = Path(first.backup).read_text(encoding="utf-8")
    assert f"name={router_id.replace('/', '-')}" in stored  # the verified configuration, identity included
    assert "mikronet-revert" not in stored  # exported after the disarm

    second = p.push(desired)
    assert second.status is Status.OK, (second.error, second.plan)
    assert second.plan == ()
    assert len(p.backups.history(router_id) if p.backups else []) == 2  # nothing changed, nothing committed

    # Nothing left behind: the revert is disarmed, the lock released, the backup and export files removed.
    with session(router(inventory, router_id)) as opened:
        files = {row["name"] for row in opened.print("/file")}
        scheduled = [row["name"] for row in opened.print("/system/scheduler")]
        scripts = [row["name"] for row in opened.print("/system/script")]
    assert not {name for name in files if name.startswith("mikronet-")}, files
    assert "mikronet-revert" not in scheduled
    assert "mikronet-lock" not in scripts


@pytest.mark.parametrize("router_id", ["LV-0101/api", "LV-0102/v6"])
def test_push_brings_a_factory_router_to_its_template_and_a_second_push_changes_nothing(
    plain_inventory: Inventory, twins: Twins, router_id: str
) -> None:
    """The pipeline itself, on routers simulated in this process (no sockets)."""
    _push_twice_then_nothing_left(pusher(plain_inventory, twins=twins), plain_inventory, router_id, twins.connect)


@pytest.mark.parametrize("router_id", ["LV-0102/tls", "LV-0102/ssh", "LV-0102/sshv6"])
def test_push_over_each_transport_brings_the_router_to_its_template_and_a_second_push_changes_nothing(
    sim_inventory: Inventory, router_id: str
) -> None:
    """The same over the network: API-SSL and SSH (v7 and v6), with their pins."""
    trust = TrustStore(sim_inventory.known_hosts)

    def session(r: Router) -> Transport:
        # the template closes the plain API for api-ssl routers
        return connect(r, trust, transport="api-ssl" if r.transport == "api-ssl" else "api")

    _push_twice_then_nothing_left(pusher(sim_inventory), sim_inventory, router_id, session)


def test_plan_on_a_hand_modified_router_shows_exactly_the_modification(
    plain_inventory: Inventory, twins: Twins
) -> None:
    p = pusher(plain_inventory, twins=twins)
    desired = p.render([router(plain_inventory, "LV-0101/hand")])[0]
    assert p.push(desired).status is Status.CHANGED

    r = router(plain_inventory, "LV-0101/hand")
    with twins.connect(r) as session:
        rows = session.print("/queue/simple", "?=name=school-internet", proplist=[".id"])
        session.call(session_command("/queue/simple", "set", {".id": rows[0][".id"], "max-limit": "5M/5M"}))
        session.call(session_command("/ip/dns", "set", {"servers": "8.8.8.8"}))

    planned = p.plan(desired)
    assert planned.status is Status.PLANNED
    assert len(planned.plan) == 2
    kinds = {(type(op).__name__, op.path) for op in planned.plan}
    assert kinds == {("Set", "/queue simple"), ("Set", "/ip dns")}
    by_path = {op.path: op for op in planned.plan if isinstance(op, Set)}
    assert dict(by_path["/queue simple"].props) == {"max-limit": "500M/500M"}
    assert dict(by_path["/ip dns"].props) == {"servers": "1.1.1.1,8.8.8.8"}


def session_command(path: str, verb: str, args: dict[str, str]):  # type: ignore[no-untyped-def]
    from mikronet.transport import Command

    return Command(path, verb, args)


def test_latvian_names_and_comments_read_back_exactly(fleet: SimFleet, sim_inventory: Inventory) -> None:
    p = pusher(sim_inventory)
    r = router(sim_inventory, "LV-0102/tls")
    p.push(p.render([r])[0])
    with connect(r, TrustStore(sim_inventory.known_hosts)) as session:
        note = session.print("/system/note")[0]["note"]
        bridge = session.print("/interface/bridge", "?=name=bridge-lan")[0]["comment"]
    assert note == "Cēsu Pilsētas vidusskola — ā č ē ģ ī ķ ļ ņ š ū ž"
    assert bridge == "Skolas LAN — Cēsu Pilsētas vidusskola — ā č ē ģ ī ķ ļ ņ š ū ž"
    export = _export(fleet, "LV-0102/tls")
    assert "\\C4\\93" in export  # ē as RouterOS writes it


INJECTIONS = [
    '"; /system reset-configuration; "',
    'x" ; /system reset-configuration ; :put "',
    "$(/system reboot)",
    "[/system reboot]",
    "a\nb /system reboot",
    "\\\"; /user remove admin; \\\"",
    "ok; :delay 1",
]


def _push_injections(p_of: Callable[[Path], Pusher], inventory: Inventory, router_id: str,
                     tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    lines = ["/ip firewall address-list"]
    for index, _ in enumerate(INJECTIONS):
        lines.append(f"add address=10.9.9.{index} list=inj comment={{{{ values[{index}] }}}}")
    (templates / "inject.rsc.j2").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = router(inventory, router_id)
    r = type(r)(**{**r.__dict__, "template": "inject", "vars": {"values": INJECTIONS}})
    p = p_of(templates)
    result = p.push(p.render([r])[0])
    assert result.status is Status.CHANGED, (result.error, result.reason)


def test_injection_attempts_over_the_api_are_configured_as_literal_strings(
    plain_inventory: Inventory, twins: Twins, tmp_path: Path
) -> None:
    _push_injections(lambda t: pusher(plain_inventory, t, twins=twins), plain_inventory, "LV-0101/inject", tmp_path)
    assert twins.devices["LV-0101/inject"].boot_count == 1  # nothing rebooted it
    with twins.connect(router(plain_inventory, "LV-0101/inject")) as session:
        rows = session.print("/ip/firewall/address-list", "?=list=inj")
        users = session.print("/user")
    assert sorted(row["comment"] for row in rows) == sorted(INJECTIONS)
    assert users, "users still there"


def test_injection_attempts_over_ssh_are_configured_as_literal_strings(
    fleet: SimFleet, sim_inventory: Inventory, tmp_path: Path
) -> None:
    _push_injections(lambda t: pusher(sim_inventory, t), sim_inventory, "LV-0102/pinned", tmp_path)
    assert fleet.device("LV-0102/pinned").boot_count == 1  # nothing rebooted it
    r = router(sim_inventory, "LV-0102/pinned")
    with connect(r, TrustStore(sim_inventory.known_hosts), transport="api") as session:
        rows = session.print("/ip/firewall/address-list", "?=list=inj")
        users = session.print("/user")
    assert sorted(row["comment"] for row in rows) == sorted(INJECTIONS)
    assert users, "users still there"


BAD_TEMPLATE = ("/system identity\nset name=half-way\n/ip address\nadd address=10.5.5.1/24 interface=no-such-port\n"
                "/ip dns\nset servers=9.9.9.9\n")


def _push_bad_template(p_of: Callable[[Path], Pusher], inventory: Inventory, router_id: str,
                       tmp_path: Path) -> RouterResult:
    r = router(inventory, router_id)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "bad.rsc.j2").write_text(BAD_TEMPLATE, encoding="utf-8")
    r = type(r)(**{**r.__dict__, "template": "bad"})
    p = p_of(templates)
    result = p.push(p.render([r])[0])
    assert result.status is Status.REVERTED, (result.status, result.error)
    assert "input does not match any value of interface" in (result.reason or "")
    return result


def test_a_refused_operation_over_the_api_reverts_and_names_what_was_applied(
    plain_inventory: Inventory, twins: Twins, tmp_path: Path
) -> None:
    before = twins.export("LV-0101/fail")
    result = _push_bad_template(lambda t: pusher(plain_inventory, t, twins=twins), plain_inventory,
                                "LV-0101/fail", tmp_path)
    # Over the API the commands pipelined behind the refused one ran too: they are named as applied.
    assert result.applied == ["/system identity set name=half-way", "/ip dns set servers=9.9.9.9"]
    assert not diff(parse(twins.export("LV-0101/fail")), parse(before), own="all")


def test_a_refused_operation_over_ssh_reverts_and_names_what_was_applied(
    fleet: SimFleet, sim_inventory: Inventory, tmp_path: Path
) -> None:
    before = _export(fleet, "LV-0102/fail")
    result = _push_bad_template(lambda t: pusher(sim_inventory, t), sim_inventory, "LV-0102/fail", tmp_path)
    # Over SSH the console lines go one at a time: the first refusal stops the rest.
    assert result.applied == ["/system identity set name=half-way"]
    assert not diff(parse(_export(fleet, "LV-0102/fail")), parse(before), own="all")


def test_a_changed_ssh_host_key_is_refused_before_anything_is_sent(
    fleet: SimFleet, sim_inventory: Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mikronet.errors import TrustError
    from mikronet.transport.trust import Pin

    r = router(sim_inventory, "LV-0102/pinned")
    other = TrustStore(tmp_path / "known_hosts")
    genuine = TrustStore(sim_inventory.known_hosts).ssh_key(r.id)
    assert genuine is not None
    impostor_key = TrustStore(sim_inventory.known_hosts).ssh_key("LV-0102/ssh")
    assert impostor_key is not None
    other.record(Pin(r.id, impostor_key.kind, impostor_key.value))
    logins = _LoginCounter(fleet, r.id, monkeypatch)
    with pytest.raises(TrustError, match="host key"):
        connect(r, other)
    assert logins.calls == 0
    connect(r, TrustStore(sim_inventory.known_hosts)).close()  # the genuine pin logs in: the counter counts
    assert logins.calls == 1


def test_a_wrong_tls_fingerprint_is_refused_before_the_login(
    fleet: SimFleet, sim_inventory: Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mikronet.errors import TrustError

    r = router(sim_inventory, "LV-0102/badtls")
    wrong = type(r)(**{**r.__dict__, "tls_fingerprint": "00" * 32})
    logins = _LoginCounter(fleet, r.id, monkeypatch)
    with pytest.raises(TrustError, match="fingerprint"):
        connect(wrong, TrustStore(sim_inventory.known_hosts))
    assert logins.calls == 0
    connect(r, TrustStore(sim_inventory.known_hosts)).close()
    assert logins.calls == 1


class _LoginCounter:
    """Counts the logins a simulated router is asked to check (wraps its public ``authenticate``)."""

    def __init__(self, fleet: SimFleet, router_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
        device = fleet.device(router_id)
        self.calls = 0
        real = device.authenticate

        def counting(username: str, password: str) -> bool:
            self.calls += 1
            return real(username, password)

        monkeypatch.setattr(device, "authenticate", counting)


def test_the_password_never_appears_in_output_logs_backups_or_results(
    sim_inventory: Inventory, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    p = pusher(sim_inventory)
    results = [p.push(d) for d in p.render([router(sim_inventory, "LV-0101/again")])]
    texts = [repr(results), str([r.to_json() for r in results]), caplog.text]
    texts += [f.read_text(encoding="utf-8") for f in (sim_inventory.trust_dir / "backups").rglob("*.rsc")]
    captured = capsys.readouterr()
    texts += [captured.out, captured.err]
    assert results[0].status is Status.CHANGED
    assert "=password=***" in caplog.text  # librouteros logged the login sentence, redacted
    for text in texts:
        assert PASSWORD not in text


@pytest.mark.parametrize("router_id", ["LV-0101/order", "LV-0102/order"])
def test_an_owned_ordered_path_ends_in_the_template_order(
    fleet: SimFleet, sim_inventory: Inventory, tmp_path: Path, router_id: str
) -> None:
    """Rules the template does not name go, new ones are placed before existing ones (place-before),
    and the rest are moved; afterwards the router's order is the template's."""
    from mikronet.transport import Command

    r = router(sim_inventory, router_id)
    with connect(r, TrustStore(sim_inventory.known_hosts), transport="api") as session:
        for comment in ("c", "stray", "a", "b"):
            session.call(Command("/ip/firewall/filter", "add", {"chain": "input", "action": "accept",
                                                                "src-address": _source(comment), "comment": comment}))
    wanted = ["a", "new-1", "b", "c", "new-2"]
    templates = tmp_path / "templates"
    templates.mkdir()
    lines = ["#mikronet: own /ip firewall filter", "/ip firewall filter"]
    lines += [f"add chain=input action=accept src-address={_source(c)} comment={c}" for c in wanted]
    (templates / "order.rsc.j2").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = type(r)(**{**r.__dict__, "template": "order"})
    p = pusher(sim_inventory, templates)
    desired = p.render([r])[0]
    planned = p.plan(desired)
    kinds = sorted(type(op).__name__ for op in planned.plan)
    assert kinds.count("Remove") == 1 and kinds.count("Add") == 2
    result = p.push(desired)
    assert result.status is Status.CHANGED, (result.error, result.reason)
    with connect(r, TrustStore(sim_inventory.known_hosts), transport="api") as session:
        order = [row["comment"] for row in session.print("/ip/firewall/filter")]
    assert order == wanted
    assert p.plan(desired).plan == ()


def _source(comment: str) -> str:
    return {"a": "10.0.0.1", "b": "10.0.0.2", "c": "10.0.0.3", "stray": "10.0.0.4",
            "new-1": "10.0.0.5", "new-2": "10.0.0.6"}[comment]


def test_tls_is_verified_against_the_ca_file_when_no_fingerprint_is_pinned(
    fleet: SimFleet, sim_inventory: Inventory, tmp_path: Path
) -> None:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from mikronet.errors import TransportError

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "some other CA")])
    now = datetime.datetime.now(datetime.UTC)
    other_ca = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    other = tmp_path / "other-ca.pem"
    other.write_bytes(other_ca.public_bytes(serialization.Encoding.PEM))
    r = router(sim_inventory, "LV-0102/badtls")
    unpinned = TrustStore(tmp_path / "known_hosts")  # no pins at all
    assert fleet.ca_path is not None
    with connect(type(r)(**{**r.__dict__, "ca_file": fleet.ca_path}), unpinned) as session:
        assert session.print("/system/identity")
    with pytest.raises(TransportError, match=r"TLS handshake .* failed"):
        connect(type(r)(**{**r.__dict__, "ca_file": other}), unpinned)
    from mikronet.errors import TrustError

    with pytest.raises(TrustError, match="mikronet trust"):
        connect(type(r)(**{**r.__dict__, "ca_file": None}), unpinned)


def test_the_routers_own_revert_restores_a_lockout_on_the_simulators_clock(
    plain_inventory: Inventory, twins: Twins, tmp_path: Path
) -> None:
    """The template closes the API: verification cannot connect, and the router's scheduled revert loads
    the backup by itself. The routers' time is the simulator's clock, moved by the push's own waiting:
    a full-length revert window, no real seconds spent."""
    r = router(plain_inventory, "LV-0101/lock")
    before = twins.export(r.id)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "lockout.rsc.j2").write_text(
        "/system identity\nset name=locked-out\n/ip service\nset api disabled=yes\n", encoding="utf-8"
    )
    r = type(r)(**{**r.__dict__, "template": "lockout"})
    p = pusher(plain_inventory, templates, twins=twins, revert_after=60.0)
    result = p.push(p.render([r])[0])
    assert result.status is Status.REVERTED, (result.status, result.error, result.reason)
    assert result.reason and "verification failed" in result.reason
    assert any("api" in line for line in result.applied)
    assert twins.clock.monotonic() >= 60  # the router waited its whole window, on its own clock
    assert not diff(parse(twins.export(r.id)), parse(before), own="all")
