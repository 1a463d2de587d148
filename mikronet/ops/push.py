"""Plan and push: bring one router to what its template describes, safely.

The path of a push (one function a fleet runner can call per router)::

    render → parse → read the router's state for the template's paths → diff → plan
      --check: stop here
    → back up (export stored in git beside the inventory, binary backup saved on the router)
    → arm the revert (a scheduler entry that loads that backup after N seconds)
    → apply → verify over a fresh session that the router answers and holds the desired state
    → disarm → result

If the fresh session cannot be opened (the change cut the management path), the router restores
its backup by itself when the revert fires; mikronet waits for it to come back and checks that its
configuration is the one backed up. If applying fails or the router answers but does not hold the
plan, mikronet loads the backup at once. Either way the result is ``reverted`` with the reason and
the operations that had been applied. Every failure is a result, never an exception.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mikronet.errors import MikronetError, TransportError
from mikronet.ops.apply import apply_plan, op_line
from mikronet.ops.backup import BackupStore
from mikronet.ops.result import RouterResult, Status
from mikronet.ops.state import ActualState, read_state
from mikronet.render import Renderer
from mikronet.routeros import Config, Plan, Schema, default_schema, diff, parse, parse_version
from mikronet.secret import REDACTOR
from mikronet.transport import Command, Reply, Transport, TrustStore, connect

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["Desired", "PushOptions", "Pusher"]

log = logging.getLogger(__name__)

BACKUP_NAME = "mikronet-pre-push"
REVERT_NAME = "mikronet-revert"
EXPORT_FILE = "mikronet-export"


@dataclass(frozen=True)
class PushOptions:
    """How a push behaves.

    ``revert_after``: the seconds the router waits, once the plan is applied, for mikronet to verify
    it before restoring its backup by itself (the armed interval adds the time applying may take).
    """

    check: bool = False
    revert_after: float = 60.0
    timeout: float = 10.0
    come_back_within: float = 180.0  # how long to wait for a reverting router to answer again
    poll_every: float = 0.5


@dataclass(frozen=True)
class Desired:
    """A router's rendered template, parsed."""

    router: Router
    config: Config


def _export_commands(hide_sensitive: bool) -> tuple[Command, Command]:
    """``/export file=…`` and the print of its contents (RouterOS 6 needs ``hide-sensitive``)."""
    args = {"file": EXPORT_FILE, **({"hide-sensitive": ""} if hide_sensitive else {})}
    return (
        Command("/", "export", args),
        Command("/file", "print", {".proplist": ".id,contents"}, (f"?name={EXPORT_FILE}.rsc",)),
    )


def _disarm() -> Command:
    return Command("/system/scheduler", "remove", {".id": REVERT_NAME})


def _cleanup(transport: Transport) -> list[Command]:
    """Disarm the revert, and remove the export file the API push left (SSH exports to the screen)."""
    if transport.kind == "ssh":
        return [_disarm()]
    return [_disarm(), Command("/file", "remove", {"numbers": f"{EXPORT_FILE}.rsc"})]


def _is_v6(version: str | None) -> bool:
    try:
        return version is not None and parse_version(version).major == 6
    except ValueError:
        return False


@dataclass
class Pusher:
    """The push pipeline with its collaborators; every one can be replaced (tests, rehearsals)."""

    renderer: Renderer
    trust: TrustStore
    backups: BackupStore | None = None
    schema: Schema = field(default_factory=default_schema)
    options: PushOptions = field(default_factory=PushOptions)
    connector: Callable[[Router], Transport] | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    # -- stages ---------------------------------------------------------------------------------

    def render(self, routers: Iterable[Router]) -> list[Desired]:
        """Render and parse every router's template first: a template error stops the run before
        any router is touched (it raises :class:`~mikronet.errors.InputError`)."""
        out = []
        for router in routers:
            text = self.renderer.render_router(router, reveal_secrets=True)
            out.append(Desired(router, parse(text, file=f"{router.template} ({router.id})", schema=self.schema)))
        return out

    def _connect(self, router: Router) -> Transport:
        if self.connector is not None:
            return self.connector(router)
        return connect(router, self.trust, timeout=self.options.timeout)

    def plan(self, desired: Desired) -> RouterResult:
        """Read the router and say what a push would change; touches nothing."""
        return self.push(desired, check=True)

    def push(self, desired: Desired, *, check: bool | None = None) -> RouterResult:
        check = self.options.check if check is None else check
        router = desired.router
        started = self.clock()
        timings: dict[str, float] = {}
        try:
            transport = self._connect(router)
        except MikronetError as exc:
            return RouterResult.from_error(router.id, exc, status=Status.UNREACHABLE)
        try:
            state = read_state(transport, desired.config.paths(), schema=self.schema)
            plan = diff(desired.config, state.config, schema=self.schema, version=state.version)
            timings["plan"] = self.clock() - started
            if check or not plan:
                return RouterResult(router.id, Status.PLANNED if plan else Status.OK, plan=tuple(plan),
                                    timings=timings, round_trips=transport.stats.round_trips)
            return self._change(desired, transport, state, plan, timings, started)
        except MikronetError as exc:
            return RouterResult.from_error(router.id, exc, timings=timings)
        finally:
            transport.close()

    # -- the change -----------------------------------------------------------------------------

    def _change(self, desired: Desired, transport: Transport, state: ActualState, plan: Plan,
                timings: dict[str, float], started: float) -> RouterResult:
        router = desired.router
        result = RouterResult(router.id, Status.CHANGED, plan=tuple(plan), timings=timings)
        before_export = self._backup(transport, state, result)
        timings["backup"] = self.clock() - started
        try:
            report = apply_plan(transport, plan, sections={p: s.items for p, s in state.config.sections.items()},
                                ids=state.ids, schema=self.schema)
        except TransportError as exc:
            transport.close()
            return self._await_revert(desired, before_export, result,
                                      f"the session broke while applying: {REDACTOR.redact(exc.message)}",
                                      transport.stats.round_trips)
        result.applied = [op_line(op) for op in report.applied]
        timings["apply"] = self.clock() - started
        if not report.ok:
            reason = f"RouterOS refused {op_line(report.failed) if report.failed else 'a command'}: {report.error}"
            self._revert_now(transport, router.id)
            rts = transport.stats.round_trips
            return self._await_revert(desired, before_export, result, reason, rts)
        rts = transport.stats.round_trips
        transport.close()
        # Verify over a fresh session: the management path must still be open.
        try:
            fresh = self._connect(router)
        except TransportError as exc:
            return self._await_revert(desired, before_export, result,
                                      f"verification failed: {REDACTOR.redact(exc.message)}", rts)
        try:
            hide = _is_v6(state.version)
            after = read_state(fresh, desired.config.paths(), schema=self.schema)
            left = diff(desired.config, after.config, schema=self.schema, version=after.version)
            if left:
                self._revert_now(fresh, router.id)
                return self._await_revert(desired, before_export, result,
                                          f"verification failed: the router does not hold {len(left)} planned "
                                          f"change(s), first: {op_line(next(iter(left)))}",
                                          rts + fresh.stats.round_trips)
            # Disarm; then export the verified configuration (in the same round trip on the API) so the
            # backup history shows what the push changed.
            exporting = fresh.kind != "ssh" and self.backups is not None
            done = fresh.run([_disarm(), *(_export_commands(hide) if exporting else ()), *_cleanup(fresh)[1:]])
            done[0].raise_for_error(router.id)  # the revert must be disarmed; the export file may be gone
            timings["verify"] = self.clock() - started
            self._store_after(fresh, tuple(done[1:3]) if exporting else (), hide)
            result.round_trips = rts + fresh.stats.round_trips
            return result
        finally:
            fresh.close()

    def _backup(self, transport: Transport, state: ActualState, result: RouterResult) -> str:
        """Export, save a binary backup on the router and arm the revert: one round trip on the API.

        The export is stored (sensitive values hidden by the router, known secrets masked again) before
        anything is applied. If any of it fails, the revert is disarmed again and the push stops.
        """
        hide = _is_v6(state.version)
        if transport.kind == "ssh":
            export_commands: tuple[Command, ...] = ()
            export = transport.export(hide_sensitive=hide)
        else:
            export_commands = _export_commands(hide)
        on_event = f'/system backup load name={BACKUP_NAME}.backup password=""'
        replies = transport.run([
            *export_commands,
            Command("/system/backup", "save", {"name": BACKUP_NAME, "dont-encrypt": "yes"}),
            Command("/system/scheduler", "remove", {".id": REVERT_NAME}),  # a leftover from a lost push
            Command("/system/scheduler", "add", {
                "name": REVERT_NAME,
                "interval": f"{self._revert_interval(transport, len(result.plan))}s",
                "on-event": on_event,
                "policy": "ftp,reboot,read,write,policy,test,password,sensitive",
                "comment": "mikronet: restores the pre-push backup unless the push is verified",
            }),
        ])
        try:
            for reply in replies:
                if reply.command.verb != "remove":
                    reply.raise_for_error(transport.router_id)
            if export_commands:
                export = self._export_contents(transport, tuple(replies[:2]))
        except MikronetError:
            transport.run([_disarm()])
            raise
        export = REDACTOR.redact(export)
        if self.backups is not None:
            result.backup = str(self.backups.save(transport.router_id, export, "before push"))
        return export

    def _store_after(self, transport: Transport, exported: tuple[Reply, ...], hide: bool) -> None:
        """Commit the verified configuration too, so the backup history shows what each push changed."""
        if self.backups is None:
            return
        if transport.kind == "ssh":
            text = transport.export(hide_sensitive=hide)
        elif len(exported) == 2 and all(reply.ok for reply in exported) and exported[1].rows:
            text = self._export_contents(transport, exported)
        else:
            return  # the export did not come back: the push stands, its history has one commit less
        self.backups.save(transport.router_id, REDACTOR.redact(text), "after push")

    def _revert_interval(self, transport: Transport, operations: int) -> int:
        """Seconds until the router restores its backup: the window for verification, plus the time
        applying the plan is allowed (one console line at a time over SSH; pipelined on the API)."""
        per_op = 0.5 if transport.kind == "ssh" else 0.02
        return max(1, round(self.options.revert_after + operations * per_op))

    @staticmethod
    def _export_contents(transport: Transport, replies: tuple[Reply, ...]) -> str:
        """The export's text from the ``/export file=…`` and ``/file print`` replies."""
        rows = replies[1].rows
        if not rows:
            raise TransportError(f"the export {EXPORT_FILE}.rsc did not appear on the router",
                                 router=transport.router_id, path="/file")
        return str(rows[0].get("contents", "")).replace("\r\n", "\n")

    def _revert_now(self, transport: Transport, router_id: str) -> None:
        """Load the backup at once; the router drops the session and reboots."""
        try:
            transport.run([Command("/system/backup", "load", {"name": f"{BACKUP_NAME}.backup", "password": ""})])
        except TransportError:
            pass  # the expected way a backup load ends a session
        finally:
            transport.close()

    def _await_revert(self, desired: Desired, before_export: str, result: RouterResult, reason: str,
                      rts: int) -> RouterResult:
        """Wait until the router answers again and check it holds the backed-up configuration."""
        router = desired.router
        result.reason = reason
        result.round_trips = rts
        deadline = self.clock() + self.options.revert_after + len(result.plan) * 0.5 + self.options.come_back_within
        last_error = ""
        while self.clock() < deadline:
            try:
                session = self._connect(router)
            except TransportError as exc:
                last_error = exc.message
                self.sleep(self.options.poll_every)
                continue
            try:
                state = read_state(session, ["/system scheduler"], schema=self.schema)
                section = state.config.get("/system scheduler")
                if section is not None and any(i.get("name") == REVERT_NAME for i in section.items):
                    # The router answers again but has not reverted yet: wait for the revert to fire.
                    self.sleep(self.options.poll_every)
                    continue
                now = session.export(hide_sensitive=_is_v6(state.version))
                session.run(_cleanup(session)[1:])  # the pre-push export file, if the revert left it
            except TransportError as exc:
                last_error = exc.message
                self.sleep(self.options.poll_every)
                continue
            finally:
                session.close()
            same = not diff(parse(now, schema=self.schema), parse(before_export, schema=self.schema),
                            schema=self.schema, own="all")
            result.status = Status.REVERTED if same else Status.FAILED
            if not same:
                result.error = "the router came back but its configuration differs from the backup"
            return result
        result.status = Status.FAILED
        result.error = f"the router did not come back after the revert ({last_error})"
        return result

