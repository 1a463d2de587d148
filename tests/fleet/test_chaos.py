"""A push across 60 simulated routers with every fault the simulator has, then a resume.

Each faulted router must come out with its own status and cause; no router may be left
half-applied (its configuration is its backup or its template); after the faults are mended a
``resume`` converges every router; and ``--max-fail`` starts no router past the threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from mikronet.errors import TransportError
from mikronet.inventory import Inventory, Router, resolve_secrets
from mikronet.ops import tasks
from mikronet.ops.fleet import Fleet
from mikronet.ops.push import PushOptions
from mikronet.routeros import Config, Plan, Schema, Section, diff, parse
from mikronet.runner import Event, RolloutPolicy
from mikronet.runner.results import Stands, Status
from mikronet.sim.fleet import SimFleet
from mikronet.transport import ActualState, ApplyReport, Command, Reply, Transport, TrustStore, connect
from mikronet.transport.api_apply import apply_over_api
from mikronet.transport.trust import TLS_KIND, Pin

from .conftest import load, pin_all, write_templates

OTHER_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIBlYHtEiGBzzVZ3O6FBo1Wib7nCvcQFh6L4DqyRzsqWl"  # some other router's key
OPTIONS = PushOptions(revert_after=2.0, timeout=1.5, come_back_within=8.0, poll_every=0.2)


class DropMidApply(Transport):
    """A session that breaks halfway through the apply batch, as a cut line would: the first half of
    the commands reach the router, then the connection is gone."""

    def __init__(self, inner: Transport) -> None:
        super().__init__(inner.router_id)
        self.inner = inner
        self.kind = inner.kind
        self.stats = inner.stats
        self.applying = False

    def run(self, commands: Sequence[Command]) -> list[Reply]:
        if self.applying and len(commands) > 1:
            self.inner.run(commands[: len(commands) // 2])
            self.inner.close()
            raise TransportError("the connection was cut", router=self.router_id)
        return self.inner.run(commands)

    def read_state(self, paths: Sequence[str], schema: Schema, *, extra: Sequence[Command] = ()) -> ActualState:
        return self.inner.read_state(paths, schema, extra=extra)

    def apply(self, plan: Plan, state: ActualState, schema: Schema, *,
              stop: Callable[[], bool] | None = None) -> ApplyReport:
        self.applying = True
        return apply_over_api(self, plan, state, schema, stop=stop)

    def fetch_file(self, name: str, *, listing: Reply | None = None) -> bytes:
        return self.inner.fetch_file(name, listing=listing)

    def export(self, **kwargs: object) -> str:  # type: ignore[override]
        return self.inner.export(**kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        self.inner.close()


def without_lock(config: Config) -> Config:
    sections = dict(config.sections)
    scripts = sections.get("/system script")
    if scripts is not None:
        kept = tuple(i for i in scripts.items if i.get("name") != "mikronet-lock")
        sections["/system script"] = Section("/system script", items=kept)
        if not kept:
            del sections["/system script"]
    return Config(sections)


def exports(inventory: Inventory, routers: Sequence[Router]) -> dict[str, str]:
    store = TrustStore(inventory.known_hosts)
    out = {}
    for router in routers:
        with connect(router, store, timeout=5) as session:
            out[router.id] = session.export(hide_sensitive=(router.routeros or "").startswith("6."))
    return out


def test_every_fault_is_reported_by_cause_nothing_is_half_applied_and_resume_converges(
    chaos_fleet: SimFleet, env: None, tmp_path: Path
) -> None:
    inventory = load(chaos_fleet)
    pin_all(inventory)
    routers = resolve_secrets(list(inventory.routers))
    assert len(routers) == 60
    ids = [r.id for r in routers]
    tls = [r.id for r in routers[21:] if r.transport == "api-ssl"]  # plain api has no identity to check
    groups = {
        "refuse": ids[0:3], "wrong-password": ids[3:6], "hang": ids[6:9], "drop": ids[9:12],
        "mid-apply": ids[12:15], "lockout": ids[15:18], "never-return": ids[18:21],
        "untrusted": tls[0:3], "identity-changed": tls[3:6],
    }
    before = exports(inventory, routers)
    for kind in ("refuse", "wrong-password", "hang", "drop", "never-return"):
        for router_id in groups[kind]:
            chaos_fleet.set_fault(router_id, kind)
    store = TrustStore(inventory.known_hosts)
    for router_id in groups["untrusted"]:
        store.forget(router_id)
    for router_id in groups["identity-changed"]:
        store.record(Pin(router_id, TLS_KIND, "ab" * 32))
        store.record(Pin(router_id, "ssh-ed25519", OTHER_KEY))
    lockout = set(groups["lockout"]) | set(groups["never-return"])
    pinned_only = set(groups["untrusted"]) | set(groups["identity-changed"])  # no fleet CA to fall back on
    chosen = [replace(r, template="lockout") if r.id in lockout else
              replace(r, ca_file=None) if r.id in pinned_only else r for r in routers]

    cut = set(groups["mid-apply"])  # the line to these routers breaks while they are being changed

    def connector(router: Router) -> Transport:
        session = connect(router, TrustStore(inventory.known_hosts), timeout=OPTIONS.timeout)
        return DropMidApply(session) if router.id in cut else session

    templates = write_templates(tmp_path / "templates")
    fleet = Fleet(inventory, templates=templates, push_options=OPTIONS, connector=connector,
                  command=["pytest"])
    run = fleet.run(tasks.Push(), chosen, RolloutPolicy(forks=30, retries=1, backoff=0.1))
    by = {r.router: r for r in run.results}

    expected = {
        "refuse": (Status.UNREACHABLE, "unreachable"), "wrong-password": (Status.AUTH_FAILED, "auth-failed"),
        "hang": (Status.TIMEOUT, "timeout"), "drop": (Status.FAILED, "session-lost"),
        "untrusted": (Status.UNTRUSTED, "untrusted"), "identity-changed": (Status.IDENTITY_CHANGED,
                                                                          "identity-changed"),
    }
    for kind, (status, cause) in expected.items():
        for router_id in groups[kind]:
            assert (by[router_id].status, by[router_id].cause) == (status, cause), (kind, by[router_id])
            assert by[router_id].stands is Stands.UNTOUCHED
    for router_id in groups["mid-apply"] + groups["lockout"]:
        result = by[router_id]
        assert result.status is Status.REVERTED and result.stands is Stands.BACKUP, result
        assert result.applied, "the operations that took effect are listed"
    for router_id in groups["never-return"]:
        result = by[router_id]
        assert result.status is Status.FAILED and result.stands is Stands.UNKNOWN, result
        assert "did not come back" in (result.error or "")
    healthy = [i for i in ids if not any(i in g for g in groups.values())]
    assert all(by[i].status is Status.CHANGED for i in healthy), [by[i] for i in healthy if by[i].status
                                                                   is not Status.CHANGED]

    # Mend everything (the never-returning routers are powered on again) and look at every router:
    # each holds either what it held before or its template, never something in between.
    cut.clear()
    for kind in ("refuse", "wrong-password", "hang", "drop", "never-return"):
        for router_id in groups[kind]:
            chaos_fleet.set_fault(router_id, kind, on=False)
    pin_all(inventory)
    TrustStore(inventory.known_hosts)  # pins refreshed for the untrusted and the changed
    plans = fleet.run(tasks.Plan(), routers, RolloutPolicy(forks=30))
    now = exports(inventory, routers)
    for result in plans.results:
        at_template = result.status is Status.OK
        # A router that restored its backup by itself has the push's lock in it (the backup is saved
        # once the lock is held); the next push sees the router restarted since and clears it.
        left = diff(without_lock(parse(now[result.router], recover=True)),
                    parse(before[result.router], recover=True), own="all")
        assert at_template or not left, (result.router, result.plan[:3], left)
        assert "mikronet-revert" not in now[result.router]

    # The template of the locked-out routers is mended too; resuming converges every router.
    resumed = fleet.run(tasks.Push(), routers, RolloutPolicy(forks=30), resume=True)
    assert {str(r.status) for r in resumed.results} <= {"changed", "ok"}, [
        (r.router, r.status, r.error) for r in resumed.results if r.status.is_failure]
    repeated = [r.router for r in resumed.results if not r.notes or "finished in" not in r.notes[0]]
    assert sorted(repeated) == sorted(set(ids) - set(healthy))  # the finished ones were not run again
    assert all(r.status is Status.OK for r in fleet.run(tasks.Plan(), routers, RolloutPolicy(forks=30)).results)


def test_max_fail_starts_no_router_past_the_threshold(chaos_fleet: SimFleet, env: None, tmp_path: Path) -> None:
    inventory = load(chaos_fleet)
    pin_all(inventory)
    routers = resolve_secrets(list(inventory.routers))[:12]
    for router in routers[:6]:
        chaos_fleet.set_fault(router.id, "refuse")
    events: list[Event] = []
    try:
        fleet = Fleet(inventory, push_options=OPTIONS, command=["pytest"])
        run = fleet.run(tasks.Plan(), routers, RolloutPolicy(forks=2, retries=0, max_fail="2"), on_event=events.append)
    finally:
        for router in routers[:6]:
            chaos_fleet.set_fault(router.id, "refuse", on=False)
    crossed = next(i for i, e in enumerate(events) if e.kind == "threshold-crossed")
    assert not any(e.kind == "router-started" for e in events[crossed:])
    started = [e.router for e in events if e.kind == "router-started"]
    assert len(started) <= 3 + 1  # the third failure crosses "2"; at most one more was already in flight
    skipped = [r for r in run.results if r.status is Status.SKIPPED]
    assert skipped and all(r.cause == "threshold" for r in skipped)
    assert len(skipped) + len(started) == 12


def test_trust_with_a_glob_pins_every_router_it_matches(chaos_fleet: SimFleet, env: None) -> None:
    from click.testing import CliRunner

    from mikronet.cli.main import cli
    from mikronet.inventory import select

    inventory = load(chaos_fleet)
    store = TrustStore(inventory.known_hosts)
    matched = [r.id for r in select(inventory, "LV-000[1-5]*")]
    assert len(matched) == 15
    for router_id in matched:
        store.forget(router_id)
    result = CliRunner().invoke(cli, ["-i", str(chaos_fleet.inventory_path), "trust", "LV-000[1-5]*", "--yes"])
    assert result.exit_code == 0, result.output
    assert all(store.tls_fingerprint(i) and store.ssh_key(i) for i in matched)
    assert "pinned 15 router(s)" in result.stdout
