"""Apply a plan over the API with as few round trips as the plan allows.

Selectors are resolved to ``.id`` s against the state read before planning — no query per operation —
and the commands are pipelined. A batch is cut only where an operation needs the id of an item added
earlier in the same plan (``place-before`` or a move naming a new firewall rule), since that id is only
known from the add's ``=ret=``; the caller's ``stop()`` is asked at every cut.

The report lists exactly which operations took effect: the commands pipelined behind a refused one
have run as well, and are reported among the applied. The push pipeline then restores the router's
backup, so no router is left half-configured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from mikronet.errors import TransportError
from mikronet.routeros import (
    Add,
    Item,
    Move,
    Op,
    Plan,
    Props,
    Ref,
    Remove,
    Schema,
    Selector,
    Set,
    canonical_path,
    matches,
)
from mikronet.transport.base import ActualState, ApplyReport, Command, Transport
from mikronet.transport.rows import api_path

__all__ = ["apply_over_api"]


@dataclass
class _Entry:
    item: Item
    id: str | None  # None while an add's =ret= is not yet known


class _Resolver:
    """Tracks every touched path's items and ids as the plan is applied, like the router does."""

    def __init__(self, config_sections: Mapping[str, Sequence[Item]], ids: Mapping[str, Sequence[str]],
                 schema: Schema) -> None:
        self.schema = schema
        self.entries: dict[str, list[_Entry]] = {
            path: [_Entry(item, ids[path][i] if path in ids else None) for i, item in enumerate(items)]
            for path, items in config_sections.items()
        }

    def select(self, path: str, selector: Selector) -> list[_Entry]:
        entries = self.entries.setdefault(path, [])
        if isinstance(selector, Ref) and selector.is_id:
            return [e for e in entries if e.id in selector.values]
        ps = self.schema.get(path)
        return [e for e in entries if matches(ps, selector, e.item)]


class _ApiBatch:
    def __init__(self, transport: Transport, report: ApplyReport) -> None:
        self.transport = transport
        self.report = report
        self.commands: list[Command] = []
        self.ops: list[Op] = []
        self.pending: dict[int, _Entry] = {}  # command index -> entry waiting for its id

    def add(self, op: Op, command: Command, new_entry: _Entry | None = None) -> None:
        if new_entry is not None:
            self.pending[len(self.commands)] = new_entry
        self.commands.append(command)
        self.ops.append(op)

    def flush(self) -> bool:
        if not self.commands:
            return True
        try:
            replies = self.transport.run(self.commands)
        except TransportError as exc:
            # The batch was sent and the session broke: which of its commands ran is not known.
            self.report.uncertain, self.report.lost = list(self.ops), exc.message
            self.commands, self.ops, self.pending = [], [], {}
            return False
        self.report.round_trips += 1
        ok = True
        for index, (op, reply) in enumerate(zip(self.ops, replies, strict=True)):
            if not ok:
                continue  # pipelined behind a failure: see below
            if reply.error is not None:
                self.report.failed, self.report.error = op, reply.error
                ok = False
                continue
            self.report.applied.append(op)
            if index in self.pending:
                self.pending[index].id = reply.ret
        if not ok:
            # Commands pipelined after the failed one did run on the router; they count as applied.
            failed_at = self.ops.index(self.report.failed)  # type: ignore[arg-type]
            for op, reply in list(zip(self.ops, replies, strict=True))[failed_at + 1:]:
                if reply.error is None:
                    self.report.applied.append(op)
        self.commands, self.ops, self.pending = [], [], {}
        return ok


def _words(props: Props) -> dict[str, str]:
    return {(k if v is not None else f"!{k}"): (v if v is not None else "") for k, v in props.items()}


def apply_over_api(
    transport: Transport, plan: Plan, state: ActualState, schema: Schema, *, stop: Callable[[], bool] | None = None
) -> ApplyReport:
    """Apply ``plan`` with the items and ``.id`` s of ``state``; see the module's docstring."""
    report = ApplyReport()
    sections = {p: s.items for p, s in state.config.sections.items()}
    applier = _ApiApplier(transport, report, _Resolver(sections, state.ids, schema), stop)
    for op in plan:
        if not applier.apply(op):
            return report
    applier.batch.flush()
    return report


class _Stop(Exception):
    """A batch flushed early failed: stop applying (the report says where)."""


class _ApiApplier:
    """Turns each operation into an API command with ``.id`` s, batching as far as ids are known."""

    def __init__(self, transport: Transport, report: ApplyReport, resolver: _Resolver,
                 stop: Callable[[], bool] | None) -> None:
        self.report = report
        self.resolver = resolver
        self.batch = _ApiBatch(transport, report)
        self.stop = stop

    def _ids(self, entries: list[_Entry]) -> str:
        """Comma-separated ids; flushes the batch first when an entry's add has not answered yet."""
        if any(e.id is None for e in entries):
            if not self.batch.flush():
                raise _Stop
            if self.stop is not None and self.stop():
                self.report.stopped = True
                raise _Stop
        return ",".join(str(e.id) for e in entries)

    def _place(self, path: str, entries: list[_Entry], before: Selector | None) -> tuple[int, str | None]:
        """Where an item goes (index into ``entries``) and the id it goes before, if any."""
        found = self.resolver.select(path, before) if before is not None else []
        if not found:
            return len(entries), None
        return entries.index(found[0]), self._ids(found[:1])

    def apply(self, op: Op) -> bool:
        try:
            self._apply(op)
        except _Stop:
            return False
        return self.report.failed is None and not self.report.stopped

    def _apply(self, op: Op) -> None:
        path = canonical_path(op.path)
        api = api_path(path)
        entries = self.resolver.entries.setdefault(path, [])
        if isinstance(op, Set) and op.selector is None:
            self.batch.add(op, Command(api, "set", _words(op.props)))
            return
        if isinstance(op, Add):
            args = _words(Props((k, v) for k, v in op.props.items() if v is not None))
            position, before_id = self._place(path, entries, op.before)
            if before_id is not None:
                args["place-before"] = before_id
            new = _Entry(Item(op.props), None)
            entries.insert(position, new)
            self.batch.add(op, Command(api, "add", args), new)
            return
        assert isinstance(op, Set | Remove | Move) and op.selector is not None
        targets = self.resolver.select(path, op.selector)
        if not targets:
            self.report.failed, self.report.error = op, "no such item"
            self.batch.flush()
            raise _Stop
        id_list = self._ids(targets)
        if isinstance(op, Set):
            self.batch.add(op, Command(api, "set", {".id": id_list, **_words(op.props)}))
            for entry in targets:
                merged = {**entry.item.props.to_dict(), **op.props.to_dict()}
                entry.item = Item(Props((k, v) for k, v in merged.items() if v is not None))
        elif isinstance(op, Remove):
            self.batch.add(op, Command(api, "remove", {".id": id_list}))
            for entry in targets:
                entries.remove(entry)
        else:
            for entry in targets:
                entries.remove(entry)
            position, before_id = self._place(path, entries, op.before)
            args = {"numbers": id_list, **({"destination": before_id} if before_id is not None else {})}
            entries[position:position] = targets
            self.batch.add(op, Command(api, "move", args))
