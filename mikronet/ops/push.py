"""Plan and push: bring one router to what its template describes, safely.

The path of a push (one function a fleet runner calls per router)::

    render → parse → read the router (its configuration for the template's paths, and what earlier
    pushes left on it: lock, armed revert, files) → diff → plan
      --check: stop here
    → finish or undo what an interrupted push left (see below)
    → take the router's lock (an atomic add; a second push at the same time is refused)
    → back up: export fetched whole and committed beside the inventory, binary backup saved on the
      router, revert armed (a scheduler entry that loads that backup after N seconds)
    → apply → verify over a fresh session that the router answers and holds the plan
    → disarm, release the lock, remove the files, commit the verified export → result

What a push guarantees (each is a test):

* no router is left half-configured: if applying fails, is interrupted, or the router answers but does
  not hold the plan, the backup is loaded at once; if the management path was cut, the router loads it
  by itself when the revert fires. The result names the operations that had been applied;
* a push never reports success while a revert is armed, and never lets an exception escape: an error
  in any phase is a result with its cause;
* a backup never contains a revert, and the revert disarms itself before it loads anything, so a
  revert cannot start another;
* a re-run after an interrupted push finds what it left: if the router already holds the template,
  the push disarms the revert and finishes; otherwise the backup is loaded now (the armed revert would
  have loaded it anyway) and the push starts again from there. With ``check`` it reports
  ``revert-pending`` and when the revert fires;
* a router whose export cannot be fetched whole, or whose backup cannot be committed, is not changed.
"""

from __future__ import annotations

import codecs
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from mikronet.errors import (
    InputError,
    LintError,
    MikronetError,
    RouterBusyError,
    TemplateError,
    TransportError,
    TransportTimeout,
)
from mikronet.ops import guard
from mikronet.ops.backup import BackupError, BackupStore, check_export
from mikronet.render import Renderer
from mikronet.routeros import (
    Config,
    Item,
    Plan,
    Schema,
    Section,
    canonical_path,
    default_schema,
    diff,
    lint,
    matches,
    parse,
)
from mikronet.routeros import Set as SetOp
from mikronet.routeros.version import is_v6
from mikronet.runner.results import RouterResult, Stands, Status, op_line
from mikronet.secret import MASK, REDACTOR
from mikronet.transport import ActualState, Command, Reply, Transport, TrustStore, connect, export_commands

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["Desired", "PushOptions", "Pusher"]

log = logging.getLogger(__name__)

Stop = Callable[[], bool]
Report = Callable[[str, "str | None"], None]


def _never() -> bool:
    return False


def _silent(phase: str, revert_at: str | None) -> None:
    pass


@dataclass(frozen=True)
class PushOptions:
    """How a push behaves.

    ``revert_after``: the seconds the router waits, once the plan is applied, for mikronet to verify
    it before restoring its backup by itself (the armed interval adds the time applying may take).
    ``come_back_within``: how long to wait for a router that is restoring its backup to answer again.
    """

    check: bool = False
    revert_after: float = 60.0
    timeout: float = 10.0
    come_back_within: float = 180.0
    poll_every: float = 0.5


@dataclass(frozen=True)
class Desired:
    """A router's rendered template, parsed."""

    router: Router
    config: Config


def _export_commands(hide_sensitive: bool) -> list[Command]:
    """The export a push reads back, in the same round trip as what rides with it."""
    return export_commands(guard.EXPORT_FILE, hide_sensitive=hide_sensitive)


def _without_own(state: ActualState) -> ActualState:
    """The state without mikronet's own lock and revert entries, which no template describes."""
    sections = dict(state.config.sections)
    ids = dict(state.ids)
    for path in ("/system script", "/system scheduler"):
        section = sections.get(path)
        if section is None or not any(item.get("name") in guard.OWN_NAMES for item in section.items):
            continue
        keep = [i for i, item in enumerate(section.items) if item.get("name") not in guard.OWN_NAMES]
        sections[path] = Section(path, items=tuple(section.items[i] for i in keep))
        if path in ids:
            ids[path] = tuple(ids[path][i] for i in keep)
    return replace(state, config=Config(sections), ids=ids)


@dataclass
class _Run:
    """One push in progress: what it knows so far."""

    desired: Desired
    result: RouterResult
    started: float
    stop: Stop
    report: Report = _silent
    state: ActualState | None = None
    plan: Plan = field(default_factory=lambda: Plan(()))
    before_export: str = ""
    inline: bool = False  # the router handed the export over inline (so it will the verified one)
    revert_at: datetime | None = None
    rts: int = 0


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
    technician: str = "mikronet"
    wall: Callable[[], datetime] = guard.utcnow

    # -- stages ---------------------------------------------------------------------------------

    def render(self, routers: Iterable[Router]) -> list[Desired]:
        """Render and parse every router's template first: a template error stops the run before
        any router is touched (it raises :class:`~mikronet.errors.InputError`)."""
        return [self.render_one(router) for router in routers]

    def render_one(self, router: Router) -> Desired:
        """Render, check the router's encoding can carry it, parse, and lint it against the schema for
        the router's RouterOS version: any problem raises (:class:`~mikronet.errors.LintError` names
        every one with its template line), so nothing RouterOS would refuse is ever sent."""
        text = self.renderer.render_router(router, reveal_secrets=True)
        config = parse(text, file=f"{router.template} ({router.id})", schema=self.schema)
        _check_encoding(config, router)
        from mikronet.render import lint_router, router_packages

        if lint(config, schema=self.schema, version=router.routeros, packages=router_packages(router)):
            # the slow path, only when there is a problem: render again to name each one's template line
            problems = lint_router(self.renderer, router, schema=self.schema)
            if problems:
                raise LintError(list(problems), router=router.id, template=router.template)
        return Desired(router, config)

    def _connect(self, router: Router) -> Transport:
        if self.connector is not None:
            return self.connector(router)
        return connect(router, self.trust, timeout=self.options.timeout)

    def plan(self, desired: Desired) -> RouterResult:
        """Read the router and say what a push would change; touches nothing."""
        return self.push(desired, check=True)

    def push(self, desired: Desired, *, check: bool | None = None, stop: Stop | None = None,
             report: Report | None = None) -> RouterResult:
        """Plan, or plan and apply safely; every outcome is a result, never an exception.

        ``stop()`` returning true asks the push to end safely (an interruption); ``report(phase,
        revert_at)`` hears each phase as it starts, with the time an armed revert fires.
        """
        check = self.options.check if check is None else check
        run = _Run(desired, RouterResult(desired.router.id, Status.OK), self.clock(), stop or _never,
                   report or _silent)
        try:
            transport = self._connect(desired.router)
        except Exception as exc:
            return RouterResult.from_error(desired.router.id, exc, stands=Stands.UNTOUCHED)
        try:
            return self._push(run, transport, check)
        except Exception as exc:  # every failure is a result, with where the router stands
            if not isinstance(exc, MikronetError):
                log.exception("%s: push failed", desired.router.id)
            status = cause = None
            if isinstance(exc, TransportError) and not isinstance(exc, TransportTimeout):
                status, cause = Status.FAILED, "session-lost"  # it answered the login, then the session broke
            result = RouterResult.from_error(desired.router.id, exc, status=status, cause=cause,
                                             plan=tuple(run.plan), applied=run.result.applied,
                                             timings=run.result.timings)
            result.stands = Stands.UNTOUCHED if run.revert_at is None else Stands.REVERT_PENDING
            result.revert_at = run.revert_at.isoformat(timespec="seconds") if run.revert_at else None
            return result
        finally:
            transport.close()

    # -- reading and leftovers --------------------------------------------------------------------

    def _read(self, run: _Run, transport: Transport) -> guard.Leftovers:
        state = transport.read_state(run.desired.config.paths(), self.schema, extra=guard.inspect_commands())
        leftovers = guard.inspect(state.extra)
        run.state = _without_own(state)
        run.plan = diff(run.desired.config, run.state.config, schema=self.schema, version=state.version)
        run.result.plan = tuple(run.plan)
        run.result.details["before"] = _old_values(run.plan, run.state.config, self.schema)
        return leftovers

    def _push(self, run: _Run, transport: Transport, check: bool) -> RouterResult:
        router = run.desired.router
        result = run.result
        leftovers = self._read(run, transport)
        result.timings["plan"] = self.clock() - run.started
        holder = self._live_lock(leftovers)
        if check:
            if leftovers.revert_armed:
                result.status, result.stands = Status.REVERT_PENDING, Stands.REVERT_PENDING
                result.revert_at = leftovers.revert_next_run
                result.reason = "an interrupted push left a revert armed; it restores the backup when it fires"
            else:
                result.status = Status.PLANNED if run.plan else Status.OK
            if holder is not None:
                result.notes.append(f"another push holds the lock: {holder.describe()}")
            result.round_trips = transport.stats.round_trips
            return result
        if holder is not None:
            exc = RouterBusyError(f"another push holds its lock: {holder.describe()}; nothing was changed",
                                  router=router.id)
            return RouterResult.from_error(router.id, exc, plan=tuple(run.plan), stands=Stands.UNTOUCHED)
        if leftovers.revert_armed:
            finished = self._finish_interrupted(run, transport, leftovers)
            if finished is not None:
                return finished
            transport = self._connect(router)  # the router restarted from its backup: read it again
            try:
                leftovers = self._read(run, transport)
                return self._from_clean(run, transport, leftovers)
            finally:
                transport.close()
        return self._from_clean(run, transport, leftovers)

    def _live_lock(self, leftovers: guard.Leftovers) -> guard.LockInfo | None:
        lock = leftovers.lock
        if lock is None or not leftovers.lock_present:
            return None
        return lock if lock.stale(self.wall(), leftovers.uptime_s) is None else None

    def _from_clean(self, run: _Run, transport: Transport, leftovers: guard.Leftovers) -> RouterResult:
        """Push from a router with no armed revert (a stale lock or files may be left)."""
        result = run.result
        if not run.plan:
            if leftovers.lock_present or leftovers.files:
                transport.run([guard.unlock_command(), *guard.cleanup_commands(leftovers.files)])
                result.notes.append("removed what an interrupted push left (lock, files)")
            self._complete_history(run, transport)
            result.status = Status.OK
            result.round_trips = transport.stats.round_trips
            return result
        if run.stop():
            result.status, result.stands, result.cause = Status.INTERRUPTED, Stands.UNTOUCHED, "interrupted"
            result.reason = "interrupted before the router was changed"
            return result
        return self._change(run, transport, stale_lock=leftovers.lock_present)

    def _complete_history(self, run: _Run, transport: Transport) -> None:
        """A push interrupted after the router held its plan may have committed its "before" export only:
        commit the router's export now, so the history keeps its before/after pair."""
        if self.backups is None or not self.backups.last_subject(transport.router_id).endswith(": before push"):
            return
        hide = is_v6(run.state.version if run.state else None)
        replies = transport.run(_export_commands(hide))
        self._store_after(run, transport, replies, interrupted=True)
        transport.run(guard.cleanup_commands((f"{guard.EXPORT_FILE}.rsc",)))

    def _finish_interrupted(self, run: _Run, transport: Transport, leftovers: guard.Leftovers) -> RouterResult | None:
        """An armed revert from an interrupted push. If the router holds the template, disarm and finish
        (a result). Otherwise load the backup now, wait for the router, and return None to push again."""
        router_id = run.desired.router.id
        result = run.result
        if not run.plan:
            hide = is_v6(run.state.version if run.state else None)
            replies = transport.run([guard.disarm_command(), guard.unlock_command(), *_export_commands(hide)])
            replies[0].raise_for_error(router_id)
            self._store_after(run, transport, replies[2:4], interrupted=True)
            transport.run(guard.cleanup_commands())
            result.status = Status.OK
            result.notes.append("finished an interrupted push: the router held the template; its revert is disarmed")
            result.round_trips = transport.stats.round_trips
            return result
        # The last committed export is what the router held before the interrupted push only if that push
        # committed it ("before push"); one killed before its commit left an older export (the router may
        # have changed since), and then the router's return is enough.
        before = None
        if self.backups is not None and self.backups.last_subject(router_id).endswith(": before push"):
            before = self.backups.read(router_id)
        self._revert_now(transport)
        waited = self._await_revert(run, before or "", f"an interrupted push left {router_id} half-changed",
                                    require_export=False)
        if waited.status is not Status.REVERTED:
            return waited
        result.status, result.reason, result.stands = Status.OK, None, None
        result.notes.append("an interrupted push had left a revert armed; the backup was loaded before this push")
        return None

    # -- the change -----------------------------------------------------------------------------

    def _change(self, run: _Run, transport: Transport, *, stale_lock: bool) -> RouterResult:
        router = run.desired.router
        result = run.result
        assert run.state is not None
        interval = self._revert_interval(transport, len(run.plan))
        now = self.wall()
        token = uuid.uuid4().hex[:10]
        lock = guard.lock_command(token, self.technician, now, interval + self.options.come_back_within + 60)
        run.report("locking", None)
        # The export rides with the lock, before it: the stored backup never holds mikronet's own items.
        replies = transport.run([*([guard.unlock_command()] if stale_lock else []),
                                 *_export_commands(is_v6(run.state.version)), lock])
        if not replies[-1].ok:
            transport.run(guard.cleanup_commands((f"{guard.EXPORT_FILE}.rsc",)))
            exc = RouterBusyError(f"another push took its lock first ({replies[-1].error}); nothing was changed",
                                  router=router.id)
            return RouterResult.from_error(router.id, exc, plan=tuple(run.plan), stands=Stands.UNTOUCHED)
        try:
            self._backup(run, transport, interval, tuple(replies[-3:-1]))
        except MikronetError as exc:
            self._abandon(transport)
            return RouterResult.from_error(router.id, exc, status=Status.FAILED, cause="backup", plan=tuple(run.plan),
                                           stands=Stands.UNTOUCHED, timings=result.timings)
        result.timings["backup"] = self.clock() - run.started
        if run.stop():
            self._abandon(transport)
            result.status, result.stands, result.cause = Status.INTERRUPTED, Stands.UNTOUCHED, "interrupted"
            result.reason = "interrupted after the backup, before anything was applied; the revert is disarmed"
            return result
        return self._apply(run, transport)

    def _backup(self, run: _Run, transport: Transport, interval: int, exported: tuple[Reply, ...]) -> None:
        """Save a binary backup and arm the revert (one round trip on the API), then fetch the export
        (taken with the lock) whole and commit it. Raises when any of it fails; the caller disarms."""
        replies = transport.run([
            Command("/system/backup", "save", {"name": guard.BACKUP_NAME, "dont-encrypt": "yes"}),
            guard.arm_command(interval),
        ])
        for reply in (*exported, *replies):
            reply.raise_for_error(transport.router_id)
        run.revert_at = self.wall() + timedelta(seconds=interval)
        run.result.revert_at = run.revert_at.isoformat(timespec="seconds")
        run.report("backup", run.result.revert_at)
        export = self._fetch_export(transport, exported[1])
        run.inline = any("contents" in row and str(len(str(row["contents"]).encode())) == str(row.get("size"))
                         for row in exported[1].rows)
        run.before_export = REDACTOR.redact(export)
        if self.backups is not None:
            run.result.backup = str(self.backups.save(transport.router_id, run.before_export, "before push"))

    def _fetch_export(self, transport: Transport, listing: Reply) -> str:
        """The export file's text, whole (checked against its size), or a :class:`BackupError`."""
        data = transport.fetch_file(f"{guard.EXPORT_FILE}.rsc", listing=listing)
        text = data.decode("utf-8", "surrogateescape").replace("\r\n", "\n")
        check_export(text, transport.router_id)
        return text

    def _abandon(self, transport: Transport) -> None:
        """Undo the lock and the armed revert of a push that changed nothing; best effort."""
        try:
            transport.run([guard.disarm_command(), guard.unlock_command(), *guard.cleanup_commands()])
        except MikronetError as exc:
            log.warning("%s: could not disarm: %s", transport.router_id, exc)

    def _apply(self, run: _Run, transport: Transport) -> RouterResult:
        router = run.desired.router
        result = run.result
        assert run.state is not None
        run.report("applying", result.revert_at)
        try:
            report = transport.apply(run.plan, run.state, self.schema, stop=run.stop)
        except TransportError as exc:
            transport.close()
            return self._await_revert(run, run.before_export,
                                      f"the session broke while applying: {REDACTOR.redact(exc.message)}")
        except Exception as exc:
            self._revert_now(transport)
            return self._await_revert(run, run.before_export, f"applying failed: {type(exc).__name__}: {exc}")
        result.applied = [result.line(op) for op in report.applied] + [
            f"{op_line(op)}  # sent; the session broke before RouterOS answered" for op in report.uncertain]
        result.timings["apply"] = self.clock() - run.started
        run.rts = transport.stats.round_trips
        if report.lost is not None:
            transport.close()
            return self._await_revert(run, run.before_export,
                                      f"the session broke while applying: {REDACTOR.redact(report.lost)}")
        if report.ok and run.stop():
            report.stopped = True  # interrupted while the apply batch was on its way: restore now
        if report.stopped:
            self._revert_now(transport)
            waited = self._await_revert(run, run.before_export, "interrupted while applying; the backup was loaded")
            if waited.status is Status.REVERTED:
                waited.status, waited.cause = Status.INTERRUPTED, "interrupted"
            return waited
        if not report.ok:
            reason = f"RouterOS refused {op_line(report.failed) if report.failed else 'a command'}: {report.error}"
            self._revert_now(transport)
            return self._await_revert(run, run.before_export, reason)
        transport.close()
        return self._verify(run, router)

    def _verify(self, run: _Run, router: Router) -> RouterResult:
        """Verify over a fresh session (the management path must still be open), disarm, commit."""
        result = run.result
        run.report("verifying", result.revert_at)
        try:
            fresh = self._connect(router)
        except MikronetError as exc:
            return self._await_revert(run, run.before_export, f"verification failed: {REDACTOR.redact(str(exc))}")
        try:
            # What the plan touched is what can have failed to take: the rest was equal when planned.
            touched = {canonical_path(op.path) for op in run.plan}
            desired = run.desired.config
            wanted = desired.with_sections({p: s for p, s in desired.sections.items() if canonical_path(p) in touched})
            after = fresh.read_state(wanted.paths(), self.schema)
            left = diff(wanted, _without_own(after).config, schema=self.schema, version=after.version)
            if left:
                self._revert_now(fresh)
                return self._await_revert(run, run.before_export,
                                          f"verification failed: the router does not hold {len(left)} planned "
                                          f"change(s), first: {op_line(next(iter(left)))}")
            hide = is_v6(after.version)
            # Where the export comes inline, its file goes in the same round trip (the print has it).
            files = (f"{guard.BACKUP_NAME}.backup", *((f"{guard.EXPORT_FILE}.rsc",) if run.inline else ()))
            done = fresh.run([guard.disarm_command(), guard.unlock_command(), *_export_commands(hide),
                              *guard.cleanup_commands(files)])
            done[0].raise_for_error(router.id)  # the revert must be disarmed
            run.revert_at = None
            result.revert_at = None
            result.timings["verify"] = self.clock() - run.started
            self._store_after(run, fresh, done[2:4])
            if not run.inline:
                fresh.run(guard.cleanup_commands((f"{guard.EXPORT_FILE}.rsc",)))
            result.status = Status.CHANGED
            result.round_trips = run.rts + fresh.stats.round_trips
            return result
        except TransportError as exc:
            return self._await_revert(run, run.before_export, f"verification failed: {REDACTOR.redact(exc.message)}")
        finally:
            fresh.close()

    def _store_after(self, run: _Run, transport: Transport, exported: list[Reply], *,
                     interrupted: bool = False) -> None:
        """Commit the verified configuration too, so the backup history shows what each push changed."""
        if self.backups is None:
            return
        try:
            for reply in exported:
                reply.raise_for_error(transport.router_id)
            text = self._fetch_export(transport, exported[1])
            self.backups.save(transport.router_id, text, "after push" + (" (finished on a re-run)" if interrupted
                                                                          else ""))
        except (BackupError, TransportError) as exc:
            # The push stands (verified, disarmed); its history has one commit less, and says why here.
            run.result.notes.append(f"the verified export was not stored: {exc}")

    def _revert_interval(self, transport: Transport, operations: int) -> int:
        """Seconds until the router restores its backup: the window for verification, plus the time
        applying the plan may take (one console line at a time over SSH; pipelined on the API)."""
        return max(1, round(self.options.revert_after + operations * transport.seconds_per_operation))

    def _revert_now(self, transport: Transport) -> None:
        """Load the backup at once; the router drops the session and restarts."""
        try:
            transport.run([guard.restore_command()])
        except TransportError:
            pass  # the expected way a backup load ends a session
        finally:
            transport.close()

    def _await_revert(self, run: _Run, before_export: str, reason: str, *, require_export: bool = True) -> RouterResult:
        """Wait until the router answers again with no revert armed, and check it holds the backup.

        Past the deadline the result is ``revert-pending`` (it answered, the revert has not fired) or
        ``failed`` (it never answered), with the applied operations either way.
        """
        result = run.result
        router = run.desired.router
        run.report("reverting", result.revert_at)
        result.reason = reason
        result.round_trips = run.rts
        result.status, result.stands = Status.REVERTED, Stands.BACKUP
        deadline = self.clock() + self.options.revert_after + len(run.plan) * 0.5 + self.options.come_back_within
        last_error, answered, answers_now = "", False, False
        while self.clock() < deadline:
            try:
                session = self._connect(router)
            except MikronetError as exc:
                last_error, answers_now = str(exc), False
                self.sleep(self.options.poll_every)
                continue
            try:
                state = session.read_state([], self.schema, extra=guard.inspect_commands())
                answered = answers_now = True
                if guard.inspect(state.extra).revert_armed:
                    self.sleep(self.options.poll_every)  # it answers but has not restored its backup yet
                    continue
                session.run([guard.unlock_command(), *guard.cleanup_commands()])  # the lock came back with it
                now = session.export(hide_sensitive=is_v6(state.version))
            except MikronetError as exc:
                last_error, answers_now = str(exc), False
                self.sleep(self.options.poll_every)
                continue
            finally:
                session.close()
            run.revert_at = None
            result.revert_at = None
            if not before_export.strip():
                if not require_export:
                    result.notes.append("the router restored its backup (no export of it was kept to compare)")
                    return result
                result.status, result.stands = Status.FAILED, Stands.UNKNOWN
                result.error = "the router restored its backup, but no whole export of it was kept to compare"
                return result
            same = not diff(parse(now, schema=self.schema, recover=True),
                            parse(before_export, schema=self.schema, recover=True), schema=self.schema, own="all")
            if not same:
                result.status, result.stands = Status.FAILED, Stands.UNKNOWN
                result.error = "the router came back but its configuration differs from the backup"
            return result
        fired = run.revert_at is not None and self.wall() >= run.revert_at
        if answered and not answers_now and fired:
            # It answered with the revert armed, then stopped answering once the revert's time had come.
            assert run.revert_at is not None
            result.status, result.stands, result.cause = Status.FAILED, Stands.UNKNOWN, "revert-fired"
            result.error = (f"its revert fired at {run.revert_at:%Y-%m-%d %H:%M:%S} UTC (it is probably "
                            f"restarting with its backup); it has not answered since")
            result.revert_at = None
            return result
        if answered:
            result.status, result.stands = Status.REVERT_PENDING, Stands.REVERT_PENDING
            result.revert_at = run.revert_at.isoformat(timespec="seconds") if run.revert_at else result.revert_at
            result.error = "the router answers, but its revert has not fired yet"
        else:
            result.status, result.stands = Status.FAILED, Stands.UNKNOWN
            result.error = f"the router did not come back after the revert ({REDACTOR.redact(last_error)})"
        result.cause = result.cause or "revert"
        return result


def _old_values(plan: Plan, config: Config, schema: Schema) -> list[dict[str, str | None]]:
    """For each operation of ``plan``, what each property it sets holds now (``None``: unset); other
    operations get ``{}``. Sensitive values are masked. This is what ``--diff`` shows as old → new."""
    out: list[dict[str, str | None]] = []
    for op in plan:
        if not isinstance(op, SetOp):
            out.append({})
            continue
        ps = schema.get(op.path)
        section = config.get(op.path)
        if op.selector is None:
            current = section.settings if section is not None else None
        else:
            found = [i for i in (section.items if section is not None else ()) if matches(ps, op.selector, i)]
            current = found[0].props if len(found) == 1 else None
        if current is None:
            out.append({})
            continue
        out.append({key: (MASK if key in ps.sensitive and current.get(key) is not None else current.get(key))
                    for key in op.props})
    return out


def _check_encoding(config: Config, router: Router) -> None:
    """Refuse, before any router is touched, a value the router's encoding cannot carry over the API
    (an emoji for a cp1257 router), naming the menu, the property and the line."""
    encoding = getattr(router, "encoding", "utf-8") or "utf-8"
    try:
        if codecs.lookup(encoding).name == "utf-8":
            return  # every text has a UTF-8 spelling
    except LookupError:
        raise InputError(f"{router.id}: unknown encoding {encoding!r}") from None
    for path, section in config.sections.items():
        for item in (Item(section.settings), *section.items):
            for key, value in item.props.items():
                if not isinstance(value, str):
                    continue
                try:
                    value.encode(encoding)
                except UnicodeEncodeError as exc:
                    char = value[exc.start:exc.end]
                    raise TemplateError(
                        f"{path} {key}: {char!r} cannot be sent to a router whose encoding is {encoding}",
                        template=f"{router.template}", line=getattr(item, "line", None), router=router.id,
                    ) from None
