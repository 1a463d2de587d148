"""The observers that keep the record of a run: the ledger recorder and the fleet state.

Neither a task nor a command writes the ledger or the state: the runner hands every result to these
observers, like to the progress display and the run record. So a new workflow cannot forget to be
recorded, and every command records the same way.

* :class:`LedgerRecorder` appends one event per router whose result carries an
  :class:`~mikronet.runner.results.Intervention` (a router the task touched), with its outcome, the
  run id and the technician.
* :class:`StateRecorder` updates each router's row of the fleet state from what its result learned
  (:func:`state_changes`), and at the end of the run the newest backup commit of the routers whose
  history the run may have moved. ``mikronet state rebuild`` (:func:`rebuild_states`) replays the run
  records through the same function, so both give the same rows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mikronet.ledger.state import COLUMNS, RouterState
from mikronet.runner.model import Event
from mikronet.runner.record import read_record
from mikronet.runner.results import RouterResult, Stands, Status

if TYPE_CHECKING:
    from mikronet.inventory import Router
    from mikronet.ledger import Ledger

__all__ = ["CHANGING", "LedgerRecorder", "StateRecorder", "outcome_of", "rebuild_states", "state_changes",
           "touched"]

log = logging.getLogger(__name__)

CHANGING = frozenset({"push", "upgrade", "restore", "swap", "add-device", "tls-enroll", "trust"})
"""Operations whose result is a router's last change in the state."""

_BACKED_UP = frozenset({"push", "backup", "upgrade", "restore", "swap", "add-device"})
"""Operations that may commit to the backup history."""

_NOT_SEEN = frozenset({Status.SKIPPED, Status.UNREACHABLE, Status.TIMEOUT, Status.UNTRUSTED,
                       Status.IDENTITY_CHANGED})
"""Results that did not reach the router (or reached something that is not it)."""


def outcome_of(status: Status) -> str:
    """The ledger outcome of a result: completed, reverted, interrupted or failed."""
    return {Status.CHANGED: "completed", Status.OK: "completed", Status.REVERTED: "reverted",
            Status.INTERRUPTED: "interrupted"}.get(status, "failed")


def touched(result: RouterResult) -> bool:
    """Whether the operation may have changed the router: it changed it, reverted it, was interrupted
    or failed once it had started changing it (a failure before any change — unreachable, refused
    login, a lock held by another push — touched nothing)."""
    if result.status in (Status.CHANGED, Status.REVERTED):
        return True
    if result.status in (Status.OK, Status.PLANNED, Status.SKIPPED) or result.status.before_change:
        return False
    return result.stands not in (None, Stands.UNTOUCHED)


class _Backups(Protocol):
    def newest(self, routers: Sequence[str]) -> Mapping[str, tuple[str, str]]: ...


class LedgerRecorder:
    """Appends each result's intervention to the ledger (one event per router touched)."""

    def __init__(self, ledger: Ledger, routers: Iterable[Router], *, run_id: str, operation: str,
                 technician: str | None, programme: str | None = None,
                 on_append: Callable[[], None] | None = None) -> None:
        self.ledger = ledger
        self.routers = {r.id: r for r in routers}
        self.run_id = run_id
        self.operation = operation
        self.technician = technician
        self.programme = programme
        self.appended = 0
        self.errors: list[str] = []
        self._on_append = on_append

    def __call__(self, event: Event) -> None:
        if event.kind == "run-finished" and self.appended and self._on_append is not None:
            try:
                self._on_append()
            except Exception as exc:  # the run's results stand; the summary says the witness is missing
                log.error("the ledger's head was not witnessed: %s", exc)
                self.errors.append(f"the ledger's head was not witnessed in the backups ({exc})")
        result = event.result
        if event.kind != "router-finished" or result is None or result.intervention is None \
                or event.data.get("resumed"):
            return
        router = self.routers.get(result.router)
        if router is None:
            return
        made = result.intervention
        details = {**made.details, "run": self.run_id, "operation": self.operation}
        if result.cause and result.status.is_failure:
            details["cause"] = result.cause
        if result.error:
            details["error"] = result.error
        try:
            self.ledger.append(school=router.school.id, kind=made.kind, technician=self.technician,
                               router=router.id, serial=made.serial or router.serial, details=details,
                               outcome=outcome_of(result.status), time=event.time, programme=self.programme)
            self.appended += 1
        except Exception as exc:  # the run goes on; the summary says what was not recorded
            log.error("%s: not recorded in the ledger: %s", router.id, exc)
            self.errors.append(f"{router.id}: not recorded in the ledger ({exc})")


def _facts_columns(facts: Mapping[str, Any], at: str) -> dict[str, Any]:
    return {
        "model": facts.get("model"), "serial": facts.get("serial"), "routeros": facts.get("version"),
        "firmware": facts.get("firmware_current"), "architecture": facts.get("architecture"),
        "channel": facts.get("channel"), "facts_at": at,
    }


def _mismatch_text(found: Any) -> str | None:
    """``facts``' ``mismatch`` detail (what the device reports that the inventory does not say) as one line."""
    if not isinstance(found, Mapping) or not found:
        return None
    return "; ".join(f"{key} {v.get('device')} (the inventory says {v.get('inventory')})" if isinstance(v, Mapping)
                     else f"{key} {v}" for key, v in sorted(found.items()))


def state_changes(operation: str, result: Mapping[str, Any], at: str, run_id: str,
                  router: Router | None = None) -> dict[str, Any]:
    """The state columns a result (as :meth:`RouterResult.to_json` gives it, or a run record line)
    sets; ``at`` is when it finished (ISO 8601 UTC to the second)."""
    try:
        status = Status(str(result.get("status")))
    except ValueError:
        return {}
    if status is Status.SKIPPED:
        return {}
    changes: dict[str, Any] = {"updated_at": at}
    details = result.get("details") or {}
    if status not in _NOT_SEEN:
        changes["seen_at"] = at
    facts = details.get("facts") if isinstance(details, Mapping) else None
    if isinstance(facts, Mapping) and status not in _NOT_SEEN:
        changes.update(_facts_columns(facts, at))
        if operation == "facts":  # the operation that compares the device with the inventory
            changes["mismatch"] = _mismatch_text(details.get("mismatch"))
    if operation == "plan":
        if status in (Status.PLANNED, Status.OK):
            changes.update(drift=status is Status.PLANNED, drift_ops=int(result.get("changes") or 0), drift_at=at)
    elif operation == "push" and status in (Status.CHANGED, Status.OK):  # it holds its template now
        changes.update(drift=False, drift_ops=0, drift_at=at)
    elif operation == "restore" and status is Status.CHANGED:  # an older export: drift unknown until planned
        changes.update(drift=None, drift_ops=None, drift_at=at)
    if operation in ("trust", "tls-enroll", "swap") and status in (Status.OK, Status.CHANGED):
        for kind, column in (("ssh", "ssh_pin"), ("tls", "tls_pin")):
            shown = details.get(kind)
            if isinstance(shown, Mapping) and shown.get("fingerprint") and details.get("pinned"):
                changes[column] = str(shown["fingerprint"])
        if details.get("tls_fingerprint"):
            changes["tls_pin"] = str(details["tls_fingerprint"])
    if operation in CHANGING and (operation != "trust" or status is Status.CHANGED):
        changes.update(last_operation=operation, last_status=str(status), last_cause=result.get("cause"),
                       last_at=at, last_run=run_id)
    return changes


class StateRecorder:
    """Updates the fleet state from every finished router, and the backup commits at the end."""

    def __init__(self, ledger: Ledger, routers: Iterable[Router], *, run_id: str, operation: str,
                 backups: _Backups | None = None) -> None:
        self.ledger = ledger
        self.routers = {r.id: r for r in routers}
        self.run_id = run_id
        self.operation = operation
        self.backups = backups
        self.errors: list[str] = []
        self._pending: list[tuple[str, str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._seen: list[str] = []

    def __call__(self, event: Event) -> None:
        if event.kind == "run-finished":
            self.flush()
            return
        result = event.result
        if event.kind != "router-finished" or result is None or event.data.get("resumed"):
            return
        router = self.routers.get(result.router)
        if router is None:
            return
        at = event.time.isoformat(timespec="seconds")
        brief = {"status": str(result.status), "cause": result.cause, "changes": len(result.plan),
                 "details": result.details}  # what state_changes reads of a run record's line
        changes = state_changes(self.operation, brief, at, self.run_id, router)
        if not changes:
            return
        with self._lock:
            self._pending.append((router.id, router.school.id, changes))
            self._seen.append(router.id)
            batch = self._pending if len(self._pending) >= 50 else None
            if batch is not None:
                self._pending = []
        if batch:
            self._write(batch)

    def _write(self, batch: list[tuple[str, str, dict[str, Any]]]) -> None:
        try:
            self.ledger.state.update_many(batch)
        except Exception as exc:  # the run goes on; the summary says the state lags
            log.error("fleet state not updated: %s", exc)
            self.errors.append(f"the fleet state of {len(batch)} router(s) was not updated ({exc})")

    def flush(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
            seen = list(dict.fromkeys(self._seen))
        if self.backups is not None and self.operation in _BACKED_UP and seen:
            try:
                newest = self.backups.newest(seen)
            except Exception as exc:  # a backup store that cannot be read leaves the commits as they were
                log.error("backup commits not read: %s", exc)
                newest = {}
            for router_id, (commit, when) in newest.items():
                router = self.routers[router_id]
                batch.append((router_id, router.school.id, {"backup_commit": commit, "backup_at": when}))
        if batch:
            self._write(batch)


def rebuild_states(runs_dir: Path, routers: Sequence[Router], backups: _Backups | None) -> list[RouterState]:
    """The fleet state recomputed from the run records (in the order they were written) and the
    backups' newest commits: what the incremental updates give."""
    by_id = {r.id: r for r in routers}
    rows: dict[str, dict[str, Any]] = {}
    records = sorted(runs_dir.glob("*.jsonl")) if runs_dir.is_dir() else []
    for path in records:  # named by their UTC start: oldest first
        try:
            header, lines = read_record(path)
        except Exception as exc:  # a record that cannot be read is skipped, and said so
            log.warning("%s: skipped: %s", path, exc)
            continue
        operation = str(header.get("operation", ""))
        for line in lines:
            router = by_id.get(str(line.get("router")))
            if router is None or line.get("resumed"):
                continue
            changes = state_changes(operation, line, str(line.get("finished", "")), path.stem, router)
            if changes:
                rows.setdefault(router.id, {"router": router.id, "school": router.school.id}).update(changes)
    if backups is not None:
        for router_id, (commit, when) in backups.newest(list(by_id)).items():
            row = rows.setdefault(router_id, {"router": router_id, "school": by_id[router_id].school.id})
            row.update(backup_commit=commit, backup_at=when)
    return [RouterState(**{k: v for k, v in row.items() if k in COLUMNS}) for _, row in sorted(rows.items())]

