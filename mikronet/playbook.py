"""Playbooks: named sequences of fleet operations with one rollout strategy, kept in YAML.

::

    name: baseline
    description: Every school gateway at the baseline template, pilot schools first
    limit: "!group:api-closed"          # optional: the routers (a --limit on the command narrows it)
    strategy:
      waves: [1, 10%, rest]
      canary: cover
      max_fail: 5%
      forks: 50
      window: wait                      # wait | skip | ignore (maintenance windows)
    steps:
      - facts
      - backup
      - plan
      - push: school-gateway            # routers whose template is school-gateway

Each step is one fleet run over the selection (with its own run record); a step whose stop threshold
is crossed, or that was interrupted, ends the playbook. ``check`` turns every ``push`` into a
``plan``. Errors name the playbook file, line and field.

A playbook is a page of YAML: a file over :data:`MAX_PLAYBOOK_BYTES` or with more than
:data:`MAX_STEPS` steps is refused before it is parsed or run (a 27 MB file of three million ``plan``
steps would otherwise run for many minutes), as an inventory file over its own cap is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mikronet.errors import InventoryError
from mikronet.ops.tasks import TASKS, task_for
from mikronet.runner.model import RolloutPolicy

if TYPE_CHECKING:
    from mikronet.inventory import Router
    from mikronet.ops.fleet import Fleet
    from mikronet.runner.model import Observer, RunResult

__all__ = ["MAX_PLAYBOOK_BYTES", "MAX_STEPS", "STEPS", "Playbook", "Step", "load_playbook", "playbook_routers",
           "run_playbook"]

STEPS = tuple(TASKS)
MAX_PLAYBOOK_BYTES = 256 * 1024
MAX_STEPS = 100
_STRATEGY = {"waves", "canary", "max_fail", "forks", "timeout", "window", "retries"}
_WINDOW = {"wait": {}, "skip": {"wait_for_window": False}, "ignore": {"ignore_windows": True}}


@dataclass(frozen=True)
class Step:
    """One operation of a playbook; ``template`` narrows a push to routers using that template."""

    operation: str
    template: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Playbook:
    name: str
    file: Path
    steps: tuple[Step, ...]
    description: str = ""
    limit: str | None = None
    strategy: dict[str, Any] = field(default_factory=dict)

    def policy(self, base: RolloutPolicy | None = None) -> RolloutPolicy:
        """The strategy as a rollout policy over ``base`` (the fleet's)."""
        out = {k: v for k, v in self.strategy.items() if k != "window"}
        if "waves" in out:
            out["waves"] = tuple(str(w) for w in out["waves"])
        if "max_fail" in out:
            out["max_fail"] = str(out["max_fail"])
        out.update(_WINDOW[self.strategy.get("window", "wait")])
        return replace(base or RolloutPolicy(), **out)


def load_playbook(path: Path) -> Playbook:
    """Read and check a playbook; :class:`~mikronet.errors.InventoryError` names file, line and field."""
    from mikronet.inventory.source import decode_utf8, read_yaml

    if not path.is_file():
        raise InventoryError("no such playbook", file=path)
    size = path.stat().st_size
    if size > MAX_PLAYBOOK_BYTES:
        raise InventoryError(f"the file is {size:,} bytes; a playbook may have at most {MAX_PLAYBOOK_BYTES:,}",
                             file=path)
    doc = read_yaml(decode_utf8(path.read_bytes(), path), path)
    data = doc.data

    def fail(message: str, *where: str | int) -> InventoryError:
        return InventoryError(message, file=path, line=doc.line_of(tuple(where)),
                              field=".".join(str(w) for w in where) or None)

    if not isinstance(data, dict):
        raise fail("a playbook is a mapping with name, strategy and steps")
    unknown = set(data) - {"name", "description", "limit", "strategy", "steps"}
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r} (known: name, description, limit, strategy, steps)",
                   sorted(unknown)[0])
    strategy = data.get("strategy") or {}
    if not isinstance(strategy, dict):
        raise fail("strategy must be a mapping", "strategy")
    for key, value in strategy.items():
        if key not in _STRATEGY:
            raise fail(f"unknown strategy {key!r} (known: {', '.join(sorted(_STRATEGY))})", "strategy", key)
        if key == "window" and value not in _WINDOW:
            raise fail("window is wait, skip or ignore", "strategy", key)
        if key == "waves" and not (isinstance(value, list)
                                   and all(isinstance(w, str | int) and not isinstance(w, bool) for w in value)):
            raise fail("waves is a list of sizes, e.g. [1, 10%, rest]", "strategy", key)
        if key in ("forks", "retries") and (isinstance(value, bool) or not isinstance(value, int)
                                            or value < (1 if key == "forks" else 0)):
            raise fail(f"{key} is a whole number{' above 0' if key == 'forks' else ''}", "strategy", key)
        if key == "timeout" and (isinstance(value, bool) or not isinstance(value, int | float) or value <= 0):
            raise fail("timeout is a number of seconds above 0", "strategy", key)
        if key in ("canary", "max_fail") and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise fail(f"{key} is text or a number", "strategy", key)
    steps = []
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise fail("steps must be a non-empty list", "steps")
    if len(raw_steps) > MAX_STEPS:
        raise fail(f"{len(raw_steps):,} steps; a playbook may have at most {MAX_STEPS}", "steps")
    limit = data.get("limit")
    if limit is not None and not (isinstance(limit, str) and limit.strip()):
        raise fail("limit is a --limit pattern (text), e.g. \"group:pilot\"", "limit")
    for key in ("name", "description"):
        if data.get(key) is not None and not isinstance(data[key], str | int | float):
            raise fail(f"{key} is text", key)
    for index, raw in enumerate(raw_steps):
        name, template = (raw, None) if isinstance(raw, str) else next(iter(raw.items())) if (
            isinstance(raw, dict) and len(raw) == 1) else (None, None)
        if name not in STEPS:
            raise fail(f"unknown step {name!r} (known: {', '.join(STEPS)})", "steps", index)
        if template is not None and (name not in ("push", "measure") or not isinstance(template, str)):
            raise fail("only push (the template it rolls out) and measure (the test server) take an argument",
                       "steps", index)
        steps.append(Step(str(name), template, doc.line_of(("steps", index))))
    return Playbook(str(data.get("name") or path.stem), path, tuple(steps), str(data.get("description") or ""),
                    limit, dict(strategy))


def playbook_routers(playbook: Playbook, fleet: Fleet, limit: str | None = None) -> list[Router]:
    """The routers a playbook runs over: its own selection, narrowed by ``limit``."""
    from mikronet.inventory import select

    chosen = fleet.select(playbook.limit)
    if limit is not None:
        narrowed = {r.id for r in select(fleet.inventory, limit)}
        chosen = [r for r in chosen if r.id in narrowed]
    return chosen


def run_playbook(playbook: Playbook, fleet: Fleet, *, limit: str | None = None, check: bool = False,
                 on_event: Observer | None = None,
                 on_step: Callable[[Step, RunResult], None] | None = None) -> list[tuple[Step, RunResult]]:
    """Run every step in order over the playbook's selection (narrowed by ``limit``); stop after a step
    that crossed its threshold or was interrupted."""
    chosen = playbook_routers(playbook, fleet, limit)
    done: list[tuple[Step, RunResult]] = []
    policy = playbook.policy(fleet.policy)
    for step in playbook.steps:
        narrowed = step.operation == "push" and step.template is not None
        routers: Sequence[Any] = [r for r in chosen if not narrowed or r.template == step.template]
        run = fleet.run(task_for(step.operation, step.template, check=check), list(routers), policy,
                        on_event=on_event)
        done.append((step, run))
        if on_step is not None:
            on_step(step, run)
        if run.crossed or run.interrupted:
            break
    return done
