"""Fleet facts: what each router runs, as the reports read it.

The fleet state (:mod:`mikronet.ledger.state`) is where they come from: every operation that reads a
router (``facts``, an upgrade's last look) keeps its row, so a report shows each router's newest known
version, whichever run learned it (:func:`facts_from_state`). A single facts run record
(``runs/<UTC stamp>-facts.jsonl``) can still be read on its own (``--facts FILE``): a ``run`` header,
one ``result`` per router, a ``summary``; routers whose result is not ``ok`` have no facts there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mikronet.errors import InputError

__all__ = ["FactsRun", "facts_from_state", "latest_facts", "read_facts"]


@dataclass(frozen=True)
class FactsRun:
    path: Path
    started: str | None
    facts: Mapping[str, Mapping[str, Any]]
    """Router id → its facts (``version``, ``channel``, ``model``, ``firmware_current`` …)."""
    mismatches: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))
    """Router id → what differs from the inventory (``serial``/``model``: inventory and device values)."""

    @property
    def name(self) -> str:
        return self.path.name


def read_facts(path: Path) -> FactsRun:
    """Read one facts run record; a line that is not JSON is an :class:`InputError` naming file and line."""
    facts: dict[str, Mapping[str, Any]] = {}
    mismatches: dict[str, Mapping[str, Any]] = {}
    started = None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the run record: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not a JSON line of a run record ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InputError(f"{path}:{number}: a run record line must be a JSON object")
        if row.get("type") == "run":
            started = row.get("started")
        elif row.get("type") == "result" and row.get("status") in ("ok", "mismatch"):
            # a mismatched device's facts are still what it runs; the mismatch itself is kept apart
            got = (row.get("details") or {}).get("facts")
            if isinstance(got, dict) and isinstance(row.get("router"), str):
                facts[row["router"]] = MappingProxyType(dict(got))
                differs = (row.get("details") or {}).get("mismatch")
                if row.get("status") == "mismatch" and isinstance(differs, dict):
                    mismatches[row["router"]] = MappingProxyType(dict(differs))
    return FactsRun(path, started, MappingProxyType(facts), MappingProxyType(mismatches))


def latest_facts(runs_dir: Path) -> FactsRun | None:
    """The newest ``*-facts.jsonl`` in ``runs_dir``, or ``None`` when there is none."""
    if not runs_dir.is_dir():
        return None
    found = sorted(runs_dir.glob("*-facts.jsonl"))
    return read_facts(found[-1]) if found else None


def facts_from_state(states: Iterable[Any], *, source: str = "the fleet state") -> FactsRun:
    """Each router's newest known facts, from the fleet state's rows (:class:`~mikronet.ledger.RouterState`)."""
    facts: dict[str, Mapping[str, Any]] = {}
    newest: str | None = None
    for state in states:
        if not state.routeros:
            continue
        facts[state.router] = MappingProxyType({
            "version": state.routeros, "channel": state.channel, "model": state.model, "serial": state.serial,
            "firmware_current": state.firmware, "architecture": state.architecture,
        })
        newest = max(newest or "", state.facts_at or "") or newest
    return FactsRun(Path(source), newest, MappingProxyType(facts))
