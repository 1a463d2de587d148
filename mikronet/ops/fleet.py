"""The fleet from Python: every per-router workflow run across a selection, with a run record.

One composition root for scripts and the CLI alike::

    from mikronet import Fleet, load_inventory

    fleet = Fleet(load_inventory(Path("inventory")))
    run = fleet.push(limit="group:pilot", waves=("1", "25%", "rest"), canary="cover", max_fail="10%",
                     on_event=print)
    for result in run.results:
        print(result.router, result.status, result.cause)

Each method renders what it needs first (a template error raises before any router is touched),
then hands one operation to a :class:`~mikronet.runner.Runner`; the run record is written to
``runs/`` beside the inventory, and ``resume=True`` carries on from the newest one.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mikronet.ops.backup import BackupStore
from mikronet.ops.push import Desired, Pusher, PushOptions
from mikronet.render import Renderer
from mikronet.routeros.version import is_v6
from mikronet.runner import Context, Event, Interrupt, Observer, RolloutPolicy, Runner, RunResult
from mikronet.runner.results import RouterResult, Stands, Status, op_line
from mikronet.transport import Transport, TrustStore, connect

if TYPE_CHECKING:
    from mikronet.inventory import Inventory, Router
    from mikronet.ops.swap import SwapPlan
    from mikronet.ops.upgrade import UpgradeOptions, UpgradeTarget

__all__ = ["Fleet"]


@dataclass
class Fleet:
    """An inventory's routers and the collaborators every fleet workflow needs (each replaceable)."""

    inventory: Inventory
    templates: Path | None = None
    policy: RolloutPolicy = field(default_factory=RolloutPolicy)
    push_options: PushOptions = field(default_factory=PushOptions)
    observers: Sequence[Observer] = ()
    interrupt: Interrupt | None = None
    technician: str | None = None
    command: Sequence[str] = field(default_factory=lambda: list(sys.argv))
    record: bool = True
    connector: Callable[[Router], Transport] | None = None
    ledger: Any = None
    """Where interventions are recorded (:func:`mikronet.ledger.open_ledger`); None records nothing."""

    def __post_init__(self) -> None:
        from mikronet.ledger import resolve_technician

        self.technician = resolve_technician(self.technician)
        self.interrupt = self.interrupt or Interrupt()
        self.runner: Runner | None = None  # the run in progress (its routers' phases), for Ctrl-C

    # -- collaborators -------------------------------------------------------------------------

    @property
    def trust_store(self) -> TrustStore:
        return TrustStore(self.inventory.known_hosts)

    @property
    def backups(self) -> BackupStore:
        return BackupStore(self.inventory.trust_dir / "backups", author=self.technician,
                           remote=self.inventory.backups.remote)

    @property
    def runs_dir(self) -> Path:
        return self.inventory.trust_dir / "runs"

    def pusher(self, **options: Any) -> Pusher:
        return Pusher(Renderer(self.templates), self.trust_store, self.backups,
                      options=replace(self.push_options, **options), connector=self.connector,
                      technician=self.technician or "mikronet")

    def select(self, limit: str | Sequence[Router] | None) -> list[Router]:
        """The routers a ``--limit`` expression selects, secrets resolved (a list is taken as chosen)."""
        from mikronet.inventory import resolve_secrets, select

        if limit is not None and not isinstance(limit, str):
            return list(limit)
        return resolve_secrets(select(self.inventory, limit))

    def connect(self, router: Router) -> Transport:
        if self.connector is not None:
            return self.connector(router)
        return connect(router, self.trust_store, timeout=self.push_options.timeout)

    # -- running ---------------------------------------------------------------------------------

    def run(self, operation: str, routers: Sequence[Router],
            work: Callable[[Router, Context], RouterResult], *, resume: str | bool | None = None,
            on_event: Observer | None = None, **policy: Any) -> RunResult:
        """Run ``work`` on ``routers`` under the fleet's policy (overridden by ``policy``) with a run record."""
        from mikronet.runner.record import RunRecord, find_record, finished_results, git_revision

        overrides: dict[str, Any] = {k: (tuple(v.split(",")) if k == "waves" and isinstance(v, str) else v)
                                     for k, v in policy.items() if v is not None}
        chosen = replace(self.policy, **overrides)
        skip = {}
        if resume:
            path = find_record(self.runs_dir, operation, resume if isinstance(resume, str) else None)
            skip = {k: v for k, v in finished_results(path).items() if k in {r.id for r in routers}}
        observers: list[Observer] = [*self.observers, *([on_event] if on_event else [])]
        if self.record:
            templates = self.templates or Renderer(None).template_dir
            observers.append(RunRecord(self.runs_dir, operation, command=self.command,
                                       selection=[r.id for r in routers],
                                       revisions={"inventory": git_revision(self.inventory.path if
                                                                            self.inventory.path.is_dir() else
                                                                            self.inventory.path.parent),
                                                  "templates": git_revision(templates)},
                                       extra={"technician": self.technician}))
        runner = Runner(chosen, observers=observers, interrupt=self.interrupt,
                        window_for=getattr(self.inventory, "window_for", None))
        self.runner = runner
        plain = sum(1 for r in routers if r.transport == "api")
        if plain:
            runner.emit(Event("warning", detail=f"{plain} router(s) use plain `api`: their password crosses "
                                                f"the network in clear (set transport: api-ssl and run "
                                                f"`mikronet tls-enroll`)"))
        return runner.run(routers, work, name=operation, skip=skip)

    def plan(self, limit: str | Sequence[Router] | None = None, **run: Any) -> RunResult:
        """What a push would change on every selected router (reads only)."""
        pusher = self.pusher(check=True)
        routers = self.select(limit)
        desired = {d.router.id: d for d in pusher.render(routers)}
        return self.run("plan", routers, lambda r, ctx: pusher.push(desired[r.id], check=True, report=ctx.report),
                        **run)

    def push(self, limit: str | Sequence[Router] | None = None, *, rendered: Sequence[Desired] | None = None,
             **run: Any) -> RunResult:
        """Bring every selected router to its template, safely (see :mod:`mikronet.ops.push`).
        ``rendered``: the routers' templates as :meth:`Pusher.render` gave them, when the caller rendered
        them already (to stop on a template error before asking); they are not rendered again."""
        pusher = self.pusher()
        if rendered is None:
            routers = self.select(limit)
            rendered = pusher.render(routers)
        else:
            routers = [d.router for d in rendered]
        desired = {d.router.id: d for d in rendered}

        def work(router: Router, ctx: Context) -> RouterResult:
            result = pusher.push(desired[router.id], stop=ctx.stop, report=ctx.report)
            if result.status in (Status.CHANGED, Status.REVERTED):
                self.record_event(router, "push", result, changes=len(result.plan), template=router.template,
                                  summary=[op_line(op) for op in result.plan[:50]])
            return result

        return self.run("push", routers, work, **run)

    def upgrade(self, limit: str | Sequence[Router] | None = None, *, target: UpgradeTarget,
                check: bool = False, options: UpgradeOptions | None = None, **run: Any) -> RunResult:
        """Upgrade RouterOS (and the RouterBOARD firmware) on every selected router; see
        :mod:`mikronet.ops.upgrade`. Each router's outcome goes into the ledger."""
        from mikronet.ops.upgrade import Upgrader

        upgrader = Upgrader(self.connect, target, backups=self.backups, options=options)

        def work(router: Router, ctx: Context) -> RouterResult:
            result = upgrader.upgrade(router, check=check, stop=ctx.stop, report=ctx.report)
            if not check and result.status is not Status.OK:
                kind = "routeros-upgrade" if result.details.get("from_version") != result.details.get(
                    "to_version") or result.status.is_failure else "firmware-upgrade"
                self.record_event(router, kind, result)
            return result

        return self.run("upgrade" if not check else "upgrade-check", self.select(limit), work, **run)

    def restore(self, router: Router, *, to: str | None = None, before: datetime | None = None,
                check: bool = False, **run: Any) -> RunResult:
        """Bring ``router`` back to a stored export (see :mod:`mikronet.ops.restore`) through the push's
        safe path: plan, backup, armed revert, apply, verify."""
        from mikronet.ops.facts import export_whole
        from mikronet.ops.restore import choose_commit, restore_config

        point = choose_commit(self.backups, router, to=to, before=before)
        pusher = self.pusher(check=check)

        def work(target: Router, ctx: Context) -> RouterResult:
            def current(session: Transport) -> RouterResult:
                version = session.read_state([], pusher.schema).version or ""
                text = export_whole(session, "mikronet-restore", hide_sensitive=is_v6(version))
                return RouterResult(target.id, Status.OK, details={"export": text})

            read = self._session(target, current)
            if read.status.is_failure:
                return read
            desired = Desired(target, restore_config(point, read.details["export"], pusher.schema))
            result = pusher.push(desired, check=check, stop=ctx.stop, report=ctx.report)
            result.details.update(revision=point.commit.revision, restored=point.commit.subject,
                                  restored_time=point.commit.time)
            if not check and result.status in (Status.CHANGED, Status.REVERTED):
                self.record_event(target, "restore", result, changes=len(result.plan),
                                  summary=[op_line(op) for op in result.plan[:50]])
            return result

        return self.run("restore", [router], work, **run)

    def measure(self, limit: str | Sequence[Router] | None = None, *, server: str | None = None,
                seconds: int = 10, **run: Any) -> RunResult:
        """RouterOS's bandwidth test from every selected router; each result goes into the ledger."""
        from mikronet.ops.measure import measure_router, server_for

        routers = self.select(limit)
        servers = {r.id: server_for(r, server) for r in routers}  # a missing server stops before any router

        def work(router: Router, ctx: Context) -> RouterResult:
            result = self._session(router, lambda t: measure_router(t, router, servers[router.id], seconds=seconds))
            if result.status is Status.OK:
                self.record_event(router, "measure", result)
            return result

        return self.run("measure", routers, work, **run)

    def tls_enroll(self, limit: str | Sequence[Router] | None = None, *, check: bool = False,
                   **run: Any) -> RunResult:
        """Give every selected router a certificate of its own for api-ssl and pin it (see
        :mod:`mikronet.ops.enroll`); a router that was on plain ``api`` is switched to ``api-ssl`` in
        the inventory file."""
        from mikronet.inventory.edit import update_router
        from mikronet.ops.enroll import enroll_router

        store = self.trust_store
        lock = threading.Lock()

        def work(router: Router, ctx: Context) -> RouterResult:
            result = enroll_router(router, store, timeout=max(self.push_options.timeout, 15.0), check=check)
            if result.status is Status.CHANGED and router.transport == "api":
                with lock:
                    update_router(self.inventory, router.id, transport="api-ssl")
                result.notes.append("the inventory now says transport: api-ssl")
            return result

        return self.run("tls-enroll", self.select(limit), work, **run)

    def reloaded(self) -> Fleet:
        """The same fleet over the inventory as its files say now (after an edit)."""
        from mikronet.inventory import load_inventory

        return replace(self, inventory=load_inventory(self.inventory.path))

    def swap(self, plan: SwapPlan, *, provision: bool = False) -> RouterResult:
        """Record a device swap: the inventory file, the pins, the ledger; with ``provision``, push the
        template (for the new model) and what the old router had beyond it. See :mod:`mikronet.ops.swap`."""
        from mikronet.inventory.edit import update_router
        from mikronet.ops.swap import carry_over, record_pins, result_of, swap_details

        router = plan.router
        update_router(self.inventory, router.id, serial=plan.new_serial, model=plan.new_model)
        record_pins(self.trust_store, plan)
        fresh = self.reloaded()
        new = fresh.select(router.id)[0]
        pushed: RouterResult | None = None
        left_out: list[str] = []
        if provision:
            pusher = fresh.pusher()
            desired = pusher.render_one(new)
            config, left_out = carry_over(desired.config, self.backups.read(router.id), plan.new_model,
                                          pusher.schema)
            pushed = pusher.push(Desired(new, config))
        result = result_of(plan, pushed)
        result.notes += [f"left out from the old router: {line}" for line in left_out[:20]]
        self.record_event(new, "swap", result, **swap_details(plan, provision and not result.status.is_failure,
                                                               {"left_out": len(left_out)}))
        return result

    def add_device(self, school_id: str, name: str, *, pin: bool = True, provision: bool = False,
                   **fields: Any) -> RouterResult:
        """Add a router to a school in the inventory file, pin it, optionally push its template, and
        record it in the ledger as an additional device."""
        from mikronet.inventory.edit import add_router
        from mikronet.ops.identity import check_identity

        add_router(self.inventory, school_id, name, **fields)
        fresh = self.reloaded()
        router = fresh.select(f"{school_id}/{name}")[0]
        result = RouterResult(router.id, Status.CHANGED, notes=["added to the inventory"])
        if pin:
            pinned = check_identity(router, fresh.trust_store, threading.Lock(), pin=True, replace=False)
            result.notes.append(f"identity: {pinned.status}")
            if pinned.status.is_failure:
                result = pinned
        if provision and not result.status.is_failure:
            pusher = fresh.pusher()
            pushed = pusher.push(pusher.render_one(router))
            result.notes.append(f"provisioned: {pushed.status}")
            if pushed.status.is_failure:
                result = pushed
        self.record_event(router, "add-device", result, device=router.id, model=router.model,
                          provisioned=provision and not result.status.is_failure)
        return result

    def record_event(self, router: Router, kind: str, result: RouterResult, **details: Any) -> None:
        """Write one intervention on ``router`` to the ledger (when there is one)."""
        if self.ledger is None:
            return
        outcome = {Status.CHANGED: "completed", Status.OK: "completed", Status.REVERTED: "reverted",
                   Status.INTERRUPTED: "interrupted"}.get(result.status, "failed")
        payload = {**result.details, **details}
        payload.pop("before", None)
        if result.cause:
            payload["cause"] = result.cause
        if result.error:
            payload["error"] = result.error
        self.ledger.append(school=router.school.id, kind=kind, technician=self.technician, router=router.id,
                           serial=router.serial, details=payload, outcome=outcome)

    def facts(self, limit: str | Sequence[Router] | None = None, **run: Any) -> RunResult:
        """What every selected router is and runs; kept in the run record for reports."""
        from mikronet.ops.facts import read_facts

        def work(router: Router, ctx: Context) -> RouterResult:
            return self._session(router, lambda t: RouterResult(router.id, Status.OK,
                                                                details={"facts": read_facts(t)}))

        return self.run("facts", self.select(limit), work, **run)

    def backup(self, limit: str | Sequence[Router] | None = None, **run: Any) -> RunResult:
        """Every selected router's export, committed to the backup history."""
        from mikronet.ops.facts import backup_router

        store = self.backups
        return self.run("backup", self.select(limit),
                        lambda router, ctx: self._session(router, lambda t: backup_router(t, store)), **run)

    def _session(self, router: Router, work: Callable[[Transport], RouterResult]) -> RouterResult:
        """Open a session, run ``work``, close; any error is the router's result."""
        try:
            transport = self.connect(router)
        except Exception as exc:  # every failure is a result
            return RouterResult.from_error(router.id, exc, stands=Stands.UNTOUCHED)
        try:
            return work(transport)
        except Exception as exc:  # every failure is a result
            return RouterResult.from_error(router.id, exc)
        finally:
            transport.close()

    def trust(self, limit: str | Sequence[Router] | None = None, *, pin: bool = False, replace_changed: bool = False,
              **run: Any) -> RunResult:
        """Read what every selected router presents (SSH host key, TLS certificate) and compare it with
        its pins. With ``pin``, routers with nothing pinned are pinned; a changed identity is re-pinned
        only with ``replace_changed`` (a swapped router), otherwise it is ``identity-changed``."""
        from mikronet.ops.identity import check_identity

        store = self.trust_store
        lock = threading.Lock()
        timeout = self.push_options.timeout
        return self.run("trust", self.select(limit),
                        lambda router, ctx: check_identity(router, store, lock, pin=pin, replace=replace_changed,
                                                           timeout=timeout), **run)
