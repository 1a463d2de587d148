"""The push's promises under faults and concurrency: no reboot loop, no silent revert, no truncated
backup, every error a result. Each test reproduces a way the push used to break."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support.fleet import pinned_fleet

from mikronet.errors import TransportError
from mikronet.inventory import Inventory, Router, resolve_secrets
from mikronet.ops.backup import BackupStore
from mikronet.ops.push import Pusher, PushOptions
from mikronet.render import Renderer
from mikronet.routeros import Plan, Schema
from mikronet.runner.results import Stands, Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import ActualState, ApplyReport, Command, Reply, Transport, TrustStore, connect, fetch_identity

pytestmark = pytest.mark.timeout(180)

PASSWORD = "Safe-\"$\\?ā-ty"
REVERT = 2.0
INVENTORY = """\
defaults: {transport: api, username: mikronet, password: {env: MIKRONET_PASSWORD}, template: school-gateway}
schools:
  - id: LV-0201
    name: "Drošības skola"
    municipality: Rīga
    connection: {type: optical, contracted_mbps: 100}
    vars: {lan_subnet: 10.201.0.0/24}
    routers:
"""
NAMES = ("twins", "killed", "verified", "verify", "big", "emoji", "bigssh", "dollar")


@pytest.fixture(scope="module")
def safety(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimFleet, Inventory]]:
    root = tmp_path_factory.mktemp("safety")
    lines = [INVENTORY]
    for n, name in enumerate(NAMES, start=1):
        version = "6.49.18" if name.startswith("big") else "7.16.2"
        transport = ", transport: ssh" if name == "dollar" else ""
        lines.append(f"      - {{name: {name}, host: 10.201.0.{n}, model: RB750Gr3, serial: S{n:04d}, "
                     f"routeros: {version}{transport}}}\n")
    options = FleetOptions(latency_ms=60, device=DeviceOptions(boot_time=0.3))
    with pinned_fleet("".join(lines), root, environ={"MIKRONET_PASSWORD": PASSWORD}, options=options) as pinned:
        yield pinned.fleet, pinned.inventory


def the(inventory: Inventory, name: str) -> Router:
    return resolve_secrets([r for r in inventory.routers if r.name == name])[0]


def pusher(inventory: Inventory, **kwargs: object) -> Pusher:
    return Pusher(Renderer(), TrustStore(inventory.known_hosts), BackupStore(inventory.trust_dir / "backups"),
                  options=PushOptions(revert_after=REVERT, come_back_within=15.0, poll_every=0.2), **kwargs)


def leftovers(inventory: Inventory, router: Router) -> tuple[list[str], list[str], list[str]]:
    with connect(router, TrustStore(inventory.known_hosts)) as session:
        files = [r["name"] for r in session.print("/file") if r["name"].startswith("mikronet-")]
        scheduled = [r["name"] for r in session.print("/system/scheduler")]
        scripts = [r["name"] for r in session.print("/system/script")]
    return files, scheduled, scripts


class Killed(BaseException):
    """Stands for SIGKILL: nothing in the push runs after it (no cleanup, no result)."""


class KillAt(Transport):
    """A session that dies (as the process would) when ``at`` says so."""

    def __init__(self, inner: Transport, at: Callable[[str, Sequence[Command]], bool]) -> None:
        super().__init__(inner.router_id)
        self.inner, self.kind, self.stats, self.at = inner, inner.kind, inner.stats, at
        self.applying = False

    def run(self, commands: Sequence[Command]) -> list[Reply]:
        if self.applying and self.at("mid-apply", commands):
            self.inner.run(commands[: len(commands) // 2])  # half the batch reached the router
            raise Killed
        if self.at("run", commands):
            raise Killed
        return self.inner.run(commands)

    def read_state(self, paths: Sequence[str], schema: Schema, *, extra: Sequence[Command] = ()) -> ActualState:
        if self.at("read", ()):
            raise Killed
        return self.inner.read_state(paths, schema, extra=extra)

    def apply(self, plan: Plan, state: ActualState, schema: Schema, *,
              stop: Callable[[], bool] | None = None) -> ApplyReport:
        from mikronet.transport.api_apply import apply_over_api

        self.applying = True
        report = apply_over_api(self, plan, state, schema, stop=stop)
        self.applying = False
        if self.at("applied", ()):
            raise Killed
        return report

    def fetch_file(self, name: str, *, listing: Reply | None = None) -> bytes:
        return self.inner.fetch_file(name, listing=listing)

    def export(self, **kwargs: object) -> str:  # type: ignore[override]
        return self.inner.export(**kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        self.inner.close()


def test_two_pushes_at_once_are_one_push_and_the_router_never_loops(safety: tuple[SimFleet, Inventory]) -> None:
    fleet, inventory = safety
    router = the(inventory, "twins")
    results = []

    def go() -> None:
        p = pusher(inventory)
        results.append(p.push(p.render_one(router)))

    threads = [threading.Thread(target=go) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(str(r.status) for r in results)
    assert statuses in (["changed", "failed"], ["changed", "ok"]), [(r.status, r.error) for r in results]
    loser = next(r for r in results if r.status is not Status.CHANGED)
    if loser.status is Status.FAILED:
        assert loser.cause == "locked" and loser.stands is Stands.UNTOUCHED
    # Three revert intervals later the router is up, has not restarted, holds the template, arms nothing.
    boots = fleet.call(lambda: fleet.device(router.id).boot_count)
    time.sleep(3 * (REVERT + 1))
    assert fleet.call(lambda: fleet.device(router.id).boot_count) == boots
    assert pusher(inventory).plan(pusher(inventory).render_one(router)).status is Status.OK
    assert leftovers(inventory, router) == ([], [], [])


def killed_push(inventory: Inventory, router: Router, at: Callable[[str, Sequence[Command]], bool]) -> None:
    """A push that dies at ``at`` (its lock dated so that it has expired, as a dead process's has)."""
    store = TrustStore(inventory.known_hosts)
    p = pusher(inventory, connector=lambda r: KillAt(connect(r, store), at),
               wall=lambda: datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(Killed):
        p.push(p.render_one(router))


def mid_apply(what: str, commands: Sequence[Command]) -> bool:
    return what == "mid-apply"


def test_a_rerun_after_a_push_killed_mid_apply_never_says_ok_while_a_revert_is_armed(
    safety: tuple[SimFleet, Inventory],
) -> None:
    _, inventory = safety
    router = the(inventory, "killed")
    killed_push(inventory, router, mid_apply)
    files, scheduled, _ = leftovers(inventory, router)
    assert "mikronet-revert" in scheduled and "mikronet-export.rsc" in files
    planned = pusher(inventory).plan(pusher(inventory).render_one(router))
    assert planned.status is Status.REVERT_PENDING and planned.revert_at
    p = pusher(inventory)
    result = p.push(p.render_one(router))
    assert result.status is Status.CHANGED, (result.error, result.reason)
    assert any("backup was loaded" in note for note in result.notes)
    assert leftovers(inventory, router) == ([], [], [])
    subjects = [line.split(": ", 1)[1] for line in p.backups.history(router.id)] if p.backups else []
    assert subjects[:2] == ["after push", "before push"]


def test_a_rerun_after_a_push_killed_before_its_disarm_finishes_it(safety: tuple[SimFleet, Inventory]) -> None:
    _, inventory = safety
    router = the(inventory, "verified")
    state = {"reads": 0}

    def before_disarm(what: str, commands: Sequence[Command]) -> bool:
        return what == "run" and any(c.path == "/system/scheduler" and c.verb == "remove" for c in commands) \
            and state.__setitem__("reads", 1) is None

    killed_push(inventory, router, before_disarm)
    assert "mikronet-revert" in leftovers(inventory, router)[1]
    p = pusher(inventory)
    result = p.push(p.render_one(router))
    assert result.status is Status.OK and any("finished an interrupted push" in n for n in result.notes), result
    assert leftovers(inventory, router) == ([], [], [])
    subjects = [line.split(": ", 1)[1] for line in p.backups.history(router.id)] if p.backups else []
    assert subjects[0].startswith("after push") and "before push" in subjects


def test_a_session_lost_during_verification_lists_what_was_applied_and_waits_for_the_revert(
    safety: tuple[SimFleet, Inventory],
) -> None:
    _, inventory = safety
    router = the(inventory, "verify")
    store = TrustStore(inventory.known_hosts)
    sessions = {"n": 0}

    def connector(r: Router) -> Transport:
        sessions["n"] += 1
        if sessions["n"] == 2:  # the verifying session: the line is cut as it opens
            raise TransportError("connection reset", router=r.id)
        return connect(r, store)

    p = pusher(inventory, connector=connector)
    result = p.push(p.render_one(router))
    assert result.status is Status.REVERTED and result.stands is Stands.BACKUP, result
    assert len(result.applied) == len(result.plan) > 20
    assert "verification failed" in (result.reason or "")
    assert leftovers(inventory, router) == ([], [], [])


def test_a_v6_export_too_big_for_the_api_is_fetched_whole_or_the_router_is_not_changed(
    safety: tuple[SimFleet, Inventory],
) -> None:
    _, inventory = safety
    router = the(inventory, "big")
    with connect(router, TrustStore(inventory.known_hosts)) as session:
        session.run([Command("/ip/firewall/address-list", "add", {"list": "bulk", "address": f"192.0.2.{n}",
                                                                   "comment": f"school device number {n}"})
                     for n in range(1, 200)])
    store = TrustStore(inventory.known_hosts)
    ssh_pin = store.ssh_key(router.id)
    store.forget(router.id)
    store.record(next(p for p in [fetch_identity(router).tls] if p is not None))
    try:
        p = pusher(inventory)
        refused = p.push(p.render_one(router))
    finally:
        if ssh_pin is not None:
            store.record(ssh_pin)
    assert refused.status is Status.FAILED and refused.cause == "backup" and refused.stands is Stands.UNTOUCHED
    assert "SCP" in (refused.error or "") and refused.applied == ()
    assert p.backups is not None and p.backups.read(router.id) is None  # nothing (empty or cut) was stored
    assert leftovers(inventory, router)[1:] == ([], [])


def test_text_the_routers_encoding_cannot_carry_stops_before_any_router(safety: tuple[SimFleet, Inventory]) -> None:
    from mikronet.errors import TemplateError

    _, inventory = safety
    router = the(inventory, "emoji")
    school = replace(router.school, name="Skola 🏫 Rīgā")
    cp1257 = replace(router, encoding="cp1257", school=school)
    with pytest.raises(TemplateError, match="cp1257"):
        pusher(inventory).render_one(cp1257)
    assert pusher(inventory).render_one(replace(router, school=replace(router.school, name="Rīgas skola")))


def test_a_backup_that_cannot_be_committed_changes_nothing(safety: tuple[SimFleet, Inventory], tmp_path: Path) -> None:
    _, inventory = safety
    router = the(inventory, "emoji")
    store = BackupStore(tmp_path / "backups")
    store.save("LV-0000/x", "# 2026-01-01 by RouterOS 7.16.2\n", "seed")
    (store.root / ".git" / "index.lock").write_text("", encoding="utf-8")
    p = Pusher(Renderer(), TrustStore(inventory.known_hosts), store,
               options=PushOptions(revert_after=REVERT, come_back_within=10.0, poll_every=0.2))
    result = p.push(p.render_one(router))
    assert result.status is Status.FAILED and result.cause == "backup" and result.stands is Stands.UNTOUCHED
    assert "git" in (result.error or "")
    assert leftovers(inventory, router) == ([], [], [])


def test_a_v6_export_too_big_for_the_api_is_fetched_whole_over_scp(safety: tuple[SimFleet, Inventory]) -> None:
    _, inventory = safety
    router = the(inventory, "bigssh")
    with connect(router, TrustStore(inventory.known_hosts)) as session:
        session.run([Command("/ip/firewall/address-list", "add", {"list": "bulk", "address": f"192.0.2.{n}",
                                                                   "comment": f"school device number {n}"})
                     for n in range(1, 200)])
    p = pusher(inventory)
    result = p.push(p.render_one(router))
    assert result.status is Status.CHANGED, (result.error, result.reason)
    assert p.backups is not None
    before = p.backups.read(router.id, p.backups.commits(router.id)[1].revision) or ""
    assert len(before.encode()) > 4095 and before.rstrip().endswith("comment=\"school device number 199\" list=bulk")


def test_a_user_name_with_dollar_and_quotes_is_read_as_data_over_ssh(safety: tuple[SimFleet, Inventory]) -> None:
    _, inventory = safety
    router = the(inventory, "dollar")
    odd = 'mācību$konts"1\\x'
    with connect(router, TrustStore(inventory.known_hosts)) as session:
        session.run([Command("/user", "add", {"name": odd, "group": "read", "password": "Xy-3tFv!9q"})])
    p = pusher(inventory)
    first = p.push(p.render_one(router))
    assert first.status is Status.CHANGED, (first.error, first.reason)
    assert p.push(p.render_one(router)).status is Status.OK  # read back as it is: nothing left to change
    with connect(router, TrustStore(inventory.known_hosts)) as session:
        names = [row.get("name") for row in session.run([Command("/user", "print")])[0].rows]
    assert odd in names


def _forward(target: tuple[str, int]) -> int:
    """A loopback port whose connections go to ``target``: a router's traffic redirected elsewhere."""
    import socket

    server = socket.create_server(("127.0.0.1", 0))

    def pump(a: socket.socket, b: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        with contextlib.suppress(OSError):
            b.shutdown(socket.SHUT_WR)

    def serve() -> None:
        while True:
            client, _ = server.accept()
            upstream = socket.create_connection(target)
            threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pump, args=(upstream, client), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return int(server.getsockname()[1])


def test_with_a_ca_file_the_certificate_must_name_the_router(safety: tuple[SimFleet, Inventory],
                                                            tmp_path: Path) -> None:
    from mikronet.errors import IdentityChangedError

    fleet, inventory = safety
    router = the(inventory, "twins")
    other = the(inventory, "killed")
    assert fleet.ca_path is not None
    unpinned = TrustStore(tmp_path / "known_hosts")  # nothing pinned: the CA is the only check
    tls = replace(router, transport="api-ssl", ca_file=fleet.ca_path)
    with connect(tls, unpinned) as session:
        assert session.run([Command("/system/identity", "print")])[0].ok
    # Someone sends this router's traffic to another router of the fleet, whose certificate the fleet
    # CA signed too: it names that router, not this one, and is refused before the login.
    port = _forward((other.host, other.ports.api_ssl))
    impostor = replace(tls, host="127.0.0.1", ports=replace(tls.ports, api_ssl=port))
    with pytest.raises(IdentityChangedError, match="names"):
        connect(impostor, unpinned)
