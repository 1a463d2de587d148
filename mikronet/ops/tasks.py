"""Every workflow as a task for :meth:`mikronet.ops.fleet.Fleet.run`, and the table playbooks use.

Each task is a small value over its workflow module: what it prepares before any router is touched,
its work on one router, and the intervention a result makes in the ledger (none for the read-only
ones). None of them writes the ledger, the state or the run record: the fleet's observers do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mikronet.errors import InputError
from mikronet.ops.fleet import Fleet
from mikronet.ops.push import Desired, Pusher
from mikronet.routeros.version import is_v6
from mikronet.runner import Context, RunResult
from mikronet.runner.observers import touched
from mikronet.runner.results import Intervention, RouterResult, Status

if TYPE_CHECKING:
    from mikronet.inventory import Router
    from mikronet.ops.swap import SwapPlan
    from mikronet.ops.upgrade import UpgradeOptions, Upgrader, UpgradeTarget

__all__ = ["TASKS", "AddDevice", "Backup", "Facts", "Measure", "Plan", "Push", "Restore", "Swap", "TlsEnroll",
           "Trust", "Upgrade", "task_for"]

_SUMMARY_LINES = 50


class _Task:
    """What most tasks share: no preparation, no intervention."""

    name = "task"
    changes = False

    def prepare(self, fleet: Fleet, routers: Sequence[Router]) -> None:
        self.fleet = fleet

    def work(self, router: Router, ctx: Context) -> RouterResult:  # pragma: no cover - every task has its own
        raise NotImplementedError

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        return None

    def finish(self, fleet: Fleet, run: RunResult) -> None:
        return None


class _Pinning(_Task):
    """A task that pins: once every router is done, the pins are read again, and a router whose pin is
    not what it presented fails (``pin-lost``), whatever overwrote it."""

    def finish(self, fleet: Fleet, run: RunResult) -> None:
        from mikronet.ops.identity import confirm_pins

        confirm_pins(run, fleet.trust_store)


def _changes(result: RouterResult, **details: Any) -> Intervention:
    """A configuration change's ledger entry: the operations that took effect, as the result lists them."""
    return Intervention(details.pop("kind"), {"changes": len(result.plan), **details,
                                              "summary": list(result.applied[:_SUMMARY_LINES])})


class _Rendered(_Task):
    """A task over each router's rendered template (rendered once, whatever the number of calls)."""

    check = False

    def __init__(self) -> None:
        self.desired: dict[str, Desired] = {}
        self.pusher: Pusher | None = None

    def prepare(self, fleet: Fleet, routers: Sequence[Router]) -> None:
        super().prepare(fleet, routers)
        if self.pusher is None:
            self.pusher = fleet.pusher(check=self.check)
        missing = [r for r in routers if r.id not in self.desired]
        if missing:  # a template error raises here, before any router is touched
            self.desired.update((d.router.id, d) for d in self.pusher.render(missing))


class Plan(_Rendered):
    """What a push would change on each router (reads only)."""

    name = "plan"
    check = True

    def work(self, router: Router, ctx: Context) -> RouterResult:
        assert self.pusher is not None
        return self.pusher.push(self.desired[router.id], check=True, report=ctx.report)


class Push(_Rendered):
    """Each router to its template, safely (see :mod:`mikronet.ops.push`)."""

    name = "push"
    changes = True

    def work(self, router: Router, ctx: Context) -> RouterResult:
        assert self.pusher is not None
        return self.pusher.push(self.desired[router.id], stop=ctx.stop, report=ctx.report)

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        return _changes(result, kind="push", template=router.template) if touched(result) else None


class Facts(_Task):
    """What each router is and runs (model, serial, RouterOS, firmware, storage, packages)."""

    name = "facts"

    def work(self, router: Router, ctx: Context) -> RouterResult:
        from mikronet.ops.facts import facts_result, read_facts

        return self.fleet.session(router, lambda t: facts_result(router, read_facts(t)))


class Backup(_Task):
    """Each router's export, committed to the backup history."""

    name = "backup"

    def work(self, router: Router, ctx: Context) -> RouterResult:
        from mikronet.ops.facts import backup_router

        store = self.fleet.backups
        return self.fleet.session(router, lambda t: backup_router(t, store))


@dataclass
class Trust(_Pinning):
    """What each router presents (SSH host key, TLS certificate) against its pins; with ``pin`` new
    routers are pinned, and a changed identity only with ``replace`` (a replaced router)."""

    pin: bool = False
    replace: bool = False
    name: str = field(default="trust", init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def changes(self) -> bool:  # type: ignore[override]
        return self.replace

    def work(self, router: Router, ctx: Context) -> RouterResult:
        from mikronet.ops.identity import check_identity

        return check_identity(router, self.fleet.trust_store, self._lock, pin=self.pin, replace=self.replace,
                              timeout=self.fleet.push_options.timeout)

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        if result.status is Status.CHANGED and result.details.get("replaced"):
            return Intervention("re-pin", {"ssh": (result.details.get("ssh") or {}).get("fingerprint"),
                                           "tls": (result.details.get("tls") or {}).get("fingerprint")})
        return None


@dataclass
class TlsEnroll(_Pinning):
    """A certificate of its own for api-ssl on each router, pinned; ``api`` routers move to ``api-ssl``
    in the inventory file (see :mod:`mikronet.ops.enroll`)."""

    check: bool = False
    name: str = field(default="tls-enroll", init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def changes(self) -> bool:  # type: ignore[override]
        return not self.check

    def work(self, router: Router, ctx: Context) -> RouterResult:
        from mikronet.inventory.edit import update_router
        from mikronet.ops.enroll import enroll_router

        fleet = self.fleet
        result = enroll_router(router, fleet.trust_store, timeout=max(fleet.push_options.timeout, 15.0),
                               check=self.check)
        if result.status is Status.CHANGED and router.transport == "api":
            with self._lock:
                update_router(fleet.inventory, router.id, transport="api-ssl")
            result.notes.append("the inventory now says transport: api-ssl")
        return result

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        if result.status is Status.CHANGED:
            return Intervention("tls-enroll", {"tls": result.details.get("tls_fingerprint")})
        return None


@dataclass
class Upgrade(_Task):
    """RouterOS (and RouterBOARD firmware) to a target on each router (see :mod:`mikronet.ops.upgrade`)."""

    target: UpgradeTarget
    options: UpgradeOptions | None = None
    check: bool = False
    _upgrader: Upgrader | None = field(default=None, init=False, repr=False)

    @property
    def name(self) -> str:  # type: ignore[override]
        return "upgrade-check" if self.check else "upgrade"

    @property
    def changes(self) -> bool:  # type: ignore[override]
        return not self.check

    def prepare(self, fleet: Fleet, routers: Sequence[Router]) -> None:
        from mikronet.ops.upgrade import Upgrader

        super().prepare(fleet, routers)
        self._upgrader = Upgrader(fleet.connect, self.target, backups=fleet.backups, options=self.options)

    def work(self, router: Router, ctx: Context) -> RouterResult:
        assert self._upgrader is not None
        return self._upgrader.upgrade(router, check=self.check, stop=ctx.stop, report=ctx.report)

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        if self.check or result.status in (Status.OK, Status.SKIPPED) or result.status.before_change:
            return None
        details = {k: v for k, v in result.details.items() if k not in ("facts", "plan")}
        details["target"] = self.target.version or self.target.channel
        versions_moved = details.get("from_version") != details.get("to_version")
        kind = "routeros-upgrade" if versions_moved or result.status.is_failure else "firmware-upgrade"
        return Intervention(kind, details)


@dataclass
class Restore(_Task):
    """A router back to a stored export (``to`` a revision, or the newest ``before`` a moment; default:
    the export before its last change) through the push's safe path (see :mod:`mikronet.ops.restore`)."""

    to: str | None = None
    before: datetime | None = None
    check: bool = False
    name: str = field(default="restore", init=False)

    @property
    def changes(self) -> bool:  # type: ignore[override]
        return not self.check

    def prepare(self, fleet: Fleet, routers: Sequence[Router]) -> None:
        from mikronet.ops.restore import choose_commit

        super().prepare(fleet, routers)
        self.points = {r.id: choose_commit(fleet.backups, r, to=self.to, before=self.before) for r in routers}
        self.pusher = fleet.pusher(check=self.check)

    def work(self, router: Router, ctx: Context) -> RouterResult:
        from mikronet.ops.facts import export_whole
        from mikronet.ops.restore import restore_config

        point = self.points[router.id]

        def current(session: Any) -> RouterResult:
            version = session.read_state([], self.pusher.schema).version or ""
            text = export_whole(session, "mikronet-restore", hide_sensitive=is_v6(version))
            return RouterResult(router.id, Status.OK, details={"export": text})

        read = self.fleet.session(router, current)
        if read.status.is_failure:
            return read
        desired = Desired(router, restore_config(point, read.details["export"], self.pusher.schema))
        result = self.pusher.push(desired, check=self.check, stop=ctx.stop, report=ctx.report)
        result.details.update(revision=point.commit.revision, restored=point.commit.subject,
                              restored_time=point.commit.time)
        return result

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        if self.check or not touched(result):
            return None
        return _changes(result, kind="restore", revision=result.details.get("revision"),
                        restored=result.details.get("restored"))


@dataclass
class Measure(_Task):
    """RouterOS's bandwidth test from each router (``server``: else its ``bandwidth_test_server``)."""

    server: str | None = None
    seconds: int = 10
    name: str = field(default="measure", init=False)

    def prepare(self, fleet: Fleet, routers: Sequence[Router]) -> None:
        from mikronet.ops.measure import server_for

        super().prepare(fleet, routers)
        self.servers = {r.id: server_for(r, self.server) for r in routers}  # a missing server stops here

    def work(self, router: Router, ctx: Context) -> RouterResult:
        from mikronet.ops.measure import measure_router

        server = self.servers[router.id]
        return self.fleet.session(router, lambda t: measure_router(t, router, server, seconds=self.seconds))

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        return Intervention("measure", dict(result.details)) if result.status is Status.OK else None


@dataclass
class Swap(_Task):
    """A replaced router recorded: the new serial and model in the inventory file, the new device's
    pins; with ``provision``, its template (for the new model) and what the old router had beyond it
    pushed (see :mod:`mikronet.ops.swap`)."""

    plan: SwapPlan
    provision: bool = False
    name: str = field(default="swap", init=False)
    changes: bool = field(default=True, init=False)
    left_out: list[str] = field(default_factory=list, init=False)

    def work(self, router: Router, ctx: Context) -> RouterResult:
        from mikronet.inventory.edit import update_router
        from mikronet.ops.swap import carry_over, confirm_swap, record_pins, result_of

        fleet, plan = self.fleet, self.plan
        update_router(fleet.inventory, router.id, serial=plan.new_serial, model=plan.new_model)
        record_pins(fleet.trust_store, plan)
        fresh = fleet.reloaded()
        new = fresh.select(router.id)[0]
        pushed: RouterResult | None = None
        self.left_out = []
        confirmed = fresh.session(new, lambda t: confirm_swap(plan, t))  # facts first: the right device?
        if confirmed.status is not Status.OK:
            return confirmed
        if self.provision:
            pusher = fresh.pusher()
            desired = pusher.render_one(new)
            config, self.left_out = carry_over(desired.config, fleet.backups.read(router.id), plan.new_model,
                                               pusher.schema, old_model=router.model)
            pushed = pusher.push(Desired(new, config), stop=ctx.stop, report=ctx.report)
        result = result_of(plan, pushed)
        result.details.setdefault("facts", confirmed.details.get("facts"))  # what the new device is: the state's
        result.notes += [f"left out from the old router: {line}" for line in self.left_out[:20]]
        return result

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        from mikronet.ops.swap import swap_details

        provisioned = self.provision and not result.status.is_failure
        return Intervention("swap", swap_details(self.plan, provisioned, {"left_out": len(self.left_out)}),
                            serial=self.plan.new_serial)


@dataclass
class AddDevice(_Task):
    """A device just added to the inventory (:func:`mikronet.inventory.edit.add_router`): pinned, with
    ``provision`` brought to its template, and recorded as an additional device."""

    pin: bool = True
    provision: bool = False
    name: str = field(default="add-device", init=False)
    changes: bool = field(default=True, init=False)

    def work(self, router: Router, ctx: Context) -> RouterResult:
        from mikronet.ops.identity import check_identity

        fleet = self.fleet
        result = RouterResult(router.id, Status.CHANGED, notes=["added to the inventory"])
        if self.pin:
            pinned = check_identity(router, fleet.trust_store, threading.Lock(), pin=True, replace=False)
            result.notes.append(f"identity: {pinned.status}")
            if pinned.status.is_failure:
                result = pinned
        if self.provision and not result.status.is_failure:
            pusher = fleet.pusher()
            pushed = pusher.push(pusher.render_one(router), stop=ctx.stop, report=ctx.report)
            result.notes.append(f"provisioned: {pushed.status}")
            if pushed.status.is_failure:
                result = pushed
        return result

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        return Intervention("add-device", {"device": router.id, "model": router.model,
                                           "provisioned": self.provision and not result.status.is_failure})


TASKS: Mapping[str, Callable[[str | None], Any]] = {
    "facts": lambda arg: Facts(),
    "backup": lambda arg: Backup(),
    "plan": lambda arg: Plan(),
    "push": lambda arg: Push(),
    "trust": lambda arg: Trust(pin=False),
    "measure": lambda arg: Measure(server=arg),
}
"""The tasks a playbook step names (``push: school-gateway``: the argument, here the template the
playbook narrows the step to, is the playbook's to use)."""


def task_for(step: str, argument: str | None = None, *, check: bool = False) -> Any:
    """The task a playbook step names; with ``check`` a push only plans."""
    if check and step == "push":
        step = "plan"
    factory = TASKS.get(step)
    if factory is None:
        raise InputError(f"unknown step {step!r} (known: {', '.join(TASKS)})")
    return factory(argument if step == "measure" else None)
