"""The fleet from Python: any task run across a selection, with one rollout policy and one record.

A workflow is a task value (:class:`Task`): its name, a ``prepare`` that renders and validates
before any router is touched, the per-router ``work``, and the ``intervention`` a result makes in
the ledger. :meth:`Fleet.run` runs any task under one :class:`~mikronet.runner.RolloutPolicy`
(waves, canary, forks, threshold, windows, resume); the tasks are in :mod:`mikronet.ops.tasks`::

    from mikronet import Fleet, RolloutPolicy, load_inventory
    from mikronet.ops.tasks import Push

    with Fleet(load_inventory(Path("inventory"))) as fleet:
        run = fleet.run(Push(), "group:pilot",
                        RolloutPolicy(waves=("1", "25%", "rest"), canary="cover", max_fail="10%"))
    for result in run.results:
        print(result.router, result.status, result.cause)

What a run leaves behind is the observers' work, never the task's: the run record
(``runs/<run id>.jsonl`` beside the inventory), the ledger (one event per router the task touched,
with its outcome, the run id and the technician) and the fleet state (each router's row), next to
the caller's own observers (the progress display). ``record=False`` leaves nothing behind.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from mikronet.ledger import Ledger, categories_of, open_ledger, record_witness, resolve_technician
from mikronet.ops.backup import BackupStore
from mikronet.ops.push import Pusher, PushOptions
from mikronet.render import Renderer
from mikronet.runner import Context, Event, Interrupt, Observer, RolloutPolicy, Runner, RunResult
from mikronet.runner.observers import LedgerRecorder, StateRecorder
from mikronet.runner.record import RunRecord, find_record, finished_results, git_revision
from mikronet.runner.results import Intervention, RouterResult, Stands
from mikronet.transport import Transport, TrustStore, connect

if TYPE_CHECKING:
    from mikronet.inventory import Inventory, Router

__all__ = ["Fleet", "Task"]


class Task(Protocol):
    """A workflow as a value. ``name`` names its run record and its ledger operation; ``changes``
    says whether it changes routers (a question before many schools)."""

    @property
    def name(self) -> str: ...

    @property
    def changes(self) -> bool: ...

    def prepare(self, fleet: Fleet, routers: Sequence[Router]) -> None:
        """Render and validate what the run needs; raise (an InputError) before any router is touched."""

    def work(self, router: Router, ctx: Context) -> RouterResult:
        """One router's work; every failure is a result, never an exception."""

    def intervention(self, router: Router, result: RouterResult) -> Intervention | None:
        """What the ledger records of ``result``: None for a router left untouched."""

    def finish(self, fleet: Fleet, run: RunResult) -> None:
        """After the run: checks that need every router done (the pins a run wrote are all still there)."""


@dataclass
class Fleet:
    """An inventory's routers and the collaborators every task needs (each replaceable)."""

    inventory: Inventory
    templates: Path | None = None
    policy: RolloutPolicy = field(default_factory=RolloutPolicy)
    push_options: PushOptions = field(default_factory=PushOptions)
    observers: Sequence[Observer] = ()
    interrupt: Interrupt | None = None
    technician: str | None = None
    command: Sequence[str] = field(default_factory=lambda: list(sys.argv))
    record: bool = True
    """Write the run record, the ledger and the fleet state (False: a rehearsal that leaves nothing)."""
    connector: Callable[[Router], Transport] | None = None
    ledger: Ledger | None = None
    """Where runs are recorded; None: the inventory's own (``ledger.sqlite`` beside it), opened on first use."""
    ledger_opener: Callable[[], Ledger] | None = None
    """Opens the ledger when a run first needs it (the command line's ``--ledger``, opened once per command
    and closed by it), so that a command refused for bad input creates no ledger."""
    programme: str | None = None
    """A programme category every event of this fleet's runs is marked with (``--programme``)."""

    def __post_init__(self) -> None:
        self.technician = resolve_technician(self.technician)
        self.interrupt = self.interrupt or Interrupt()
        self.runner: Runner | None = None  # the run in progress (its routers' phases), for Ctrl-C
        self._owns_ledger = False

    # -- collaborators -------------------------------------------------------------------------

    # One store of each per fleet: the trust store keeps the pins it read until known_hosts changes, and
    # the backup store batches the commits of routers saving at once and reads its history once.

    @functools.cached_property
    def trust_store(self) -> TrustStore:
        return TrustStore(self.inventory.known_hosts)

    @functools.cached_property
    def backups(self) -> BackupStore:
        return BackupStore(self.inventory.trust_dir / "backups", author=self.technician,
                           remote=self.inventory.backups.remote)

    @property
    def runs_dir(self) -> Path:
        return self.inventory.trust_dir / "runs"

    def open_ledger(self) -> Ledger:
        """The ledger runs are recorded in (the inventory's own unless one was given)."""
        if self.ledger is None and self.ledger_opener is not None:
            self.ledger = self.ledger_opener()
        if self.ledger is None:
            self.ledger = open_ledger(None, base_dir=self.inventory.trust_dir,
                                      categories=categories_of(self.inventory))
            self._owns_ledger = True
        return self.ledger

    def close(self) -> None:
        """Close the ledger this fleet opened itself."""
        if self._owns_ledger and self.ledger is not None:
            self.ledger.close()
            self.ledger = None
            self._owns_ledger = False

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

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

    def session(self, router: Router, work: Callable[[Transport], RouterResult]) -> RouterResult:
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

    def reloaded(self) -> Fleet:
        """The same fleet over the inventory as its files say now (after an edit)."""
        from mikronet.inventory import load_inventory

        fresh = replace(self, inventory=load_inventory(self.inventory.path))
        fresh._owns_ledger = False  # the ledger stays this fleet's to close
        return fresh

    # -- running ---------------------------------------------------------------------------------

    def prepare(self, task: Task, routers: str | Sequence[Router] | None = None) -> list[Router]:
        """Select and prepare (render, validate) without touching a router: a caller that asks before
        changing many schools stops here on bad input. :meth:`run` does not prepare the same routers again."""
        chosen = self.select(routers)
        task.prepare(self, chosen)
        return chosen

    def run(self, task: Task, routers: str | Sequence[Router] | None = None, policy: RolloutPolicy | None = None,
            *, resume: str | bool | None = None, on_event: Observer | None = None) -> RunResult:
        """Run ``task`` on ``routers`` (a ``--limit`` expression, routers, or None for the whole
        inventory) under ``policy`` (default: the fleet's); ``resume`` skips what the given (or the
        newest) run of the same task finished."""
        chosen = self.prepare(task, routers)
        skip: dict[str, RouterResult] = {}
        if resume:
            path = find_record(self.runs_dir, task.name, resume if isinstance(resume, str) else None)
            wanted = {r.id for r in chosen}
            skip = {k: v for k, v in finished_results(path).items() if k in wanted}
        observers: list[Observer] = [*self.observers, *([on_event] if on_event else [])]
        recorders: list[LedgerRecorder | StateRecorder] = []
        run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{task.name}"
        if self.record:
            record = self._run_record(task.name, chosen)
            run_id = record.run_id
            ledger = self.open_ledger()
            recorders = [
                LedgerRecorder(ledger, chosen, run_id=run_id, operation=task.name, technician=self.technician,
                               programme=self.programme, on_append=self._witness),
                StateRecorder(ledger, chosen, run_id=run_id, operation=task.name, backups=self.backups),
            ]
            observers = [*recorders, record, *observers]
        runner = Runner(policy or self.policy, observers=observers, interrupt=self.interrupt,
                        window_for=getattr(self.inventory, "window_for", None))
        self.runner = runner
        plain = sum(1 for r in chosen if r.transport == "api")
        if plain:
            runner.emit(Event("warning", detail=f"{plain} router(s) use plain `api`: their password crosses "
                                                f"the network in clear (set transport: api-ssl and run "
                                                f"`mikronet tls-enroll`)"))

        def work(router: Router, ctx: Context) -> RouterResult:
            result = task.work(router, ctx)
            if result.intervention is None:
                result.intervention = task.intervention(router, result)
            return result

        result = runner.run(chosen, work, name=task.name, skip=skip)
        result.run_id = run_id
        task.finish(self, result)
        for recorder in recorders:
            result.warnings.extend(recorder.errors)
        if self.record:
            result.warnings.extend(self._share_backups())
        return result

    def _share_backups(self) -> list[str]:
        """Where the inventory names a shared remote for the backups: push what an earlier push left
        pending, and say what is still not there (never lost: it goes with the next push)."""
        if self.inventory.backups.remote is None:
            return []
        store = self.backups
        status = store.push_status()
        if status is not None and not status.ok:
            status = store.push()
        return [status.line()] if status is not None and not status.ok else []

    def _witness(self) -> None:
        """After a run that appended: the ledger's head into the backups' history
        (:mod:`mikronet.ledger.witness`), so that a ledger cut short afterwards is seen by ``ledger verify``."""
        assert self.ledger is not None
        record_witness(self.ledger, self.backups, author=self.technician)

    def _run_record(self, operation: str, routers: Sequence[Router]) -> RunRecord:
        templates = self.templates or Renderer(None).template_dir
        home = self.inventory.path if self.inventory.path.is_dir() else self.inventory.path.parent
        return RunRecord(self.runs_dir, operation, command=self.command, selection=[r.id for r in routers],
                         revisions={"inventory": git_revision(home), "templates": git_revision(templates)},
                         extra={"technician": self.technician})
