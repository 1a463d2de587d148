"""How a fleet run looks: a progress bar on a terminal, plain lines elsewhere, JSON lines with --json.

Each is an observer of the run (:class:`~mikronet.runner.Event` s in, text out) and a summary at the
end. On a terminal only routers that changed or failed get a line; ``--diff`` adds their plans with
every ``set`` shown old → new. Every line passes the secret redactor.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from mikronet.clock import for_people_text
from mikronet.errors import InputError
from mikronet.files import write_atomic
from mikronet.runner import Event, RunResult
from mikronet.runner.results import RouterResult, Status, op_line
from mikronet.secret import REDACTOR

__all__ = ["JsonLines", "Lines", "echo", "print_result", "print_summary", "print_table", "progress_for", "write_output"]

_OP_STYLE = {"add": ("+", "green"), "set": ("~", "yellow"), "remove": ("-", "red"), "move": ("↕", "cyan")}
_STATUS_STYLE = {"ok": "green", "changed": "yellow", "planned": "cyan", "skipped": "bright_black"}


def echo(text: str = "", *, err: bool = False, **style: Any) -> None:
    text = REDACTOR.redact(text)
    if style and (sys.stderr if err else sys.stdout).isatty():
        text = click.style(text, **style)
    click.echo(text, err=err)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None) -> None:
    """A rich table on a terminal; plain space-aligned columns otherwise (for grep, awk, cut).

    Cells are shown as text with control characters escaped, so inventory or router text cannot move
    the cursor, erase a line, ring the bell or (as rich markup) make a link; secrets are masked.
    """
    from mikronet.inventory.views import printable

    cells = [[printable(str(cell)) for cell in row] for row in rows]
    title = printable(title) if title is not None else None
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        # Text, not str: rich would read "[link=…]" or "[blink]" in a school name as its markup
        table = Table(title=Text(title) if title is not None else None, header_style="bold", show_lines=False,
                      highlight=False)
        for header in headers:
            table.add_column(Text(header))
        for row in cells:
            table.add_row(*(Text(REDACTOR.redact(cell)) for cell in row))
        Console().print(table)
        return
    if title:
        echo(title)
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    for row in [list(headers), *cells]:
        echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


def write_output(path: Path, text: str, *, force: bool) -> None:
    """Write a command's output file whole or not at all; an existing file only with ``--force``."""
    if path.exists() and not force:
        raise InputError(f"{path}: already exists; use --force to replace it")
    if path.parent and not path.parent.exists():
        raise InputError(f"{path.parent}: no such folder")
    write_atomic(path, text)


def _counts(plan: Sequence[Any]) -> str:
    out: dict[str, int] = {}
    for op in plan:
        name = type(op).__name__.lower()
        out[name] = out.get(name, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in out.items()) or "no changes"


def _shown(value: Any, sensitive: bool) -> str:
    if value is None:
        return "(unset)"
    if sensitive:
        return "***"
    text = str(value)
    return f'"{text}"' if not text or any(c in text for c in ' ";') else text


def _set_line(op: Any, before: dict[str, Any]) -> str:
    """``/queue simple set [ find name=x ] max-limit: 10M/10M → 100M/100M``."""
    head = op_line(type(op)(op.path, op.selector, type(op.props)(), op.sensitive)).rstrip()
    changes = [f"{key}: {_shown(before.get(key), key in op.sensitive)} → {_shown(value, key in op.sensitive)}"
               for key, value in op.props.items()]
    return f"{head} " + "; ".join(changes)


def print_result(result: RouterResult, *, show_plan: bool) -> None:
    status = str(result.status)
    colour = _STATUS_STYLE.get(status, "red")
    summary = _cause(result) if result.status.is_failure else (
        _counts(result.plan) if result.plan or result.status in (Status.PLANNED, Status.OK) else "")
    described = result.details.get("plan")  # an upgrade's plan: its steps, restarts and final version
    if result.status is Status.PLANNED and isinstance(described, str) and described:
        echo(f"{result.router}: {status}: {described}", fg=colour, bold=True)
    else:
        echo(f"{result.router}: {status}" + (f" ({summary})" if summary else ""), fg=colour, bold=True)
    if show_plan:
        befores = list(result.details.get("before") or [])
        for index, op in enumerate(result.plan):
            mark, fg = _OP_STYLE[type(op).__name__.lower()]
            before = befores[index] if index < len(befores) else {}
            line = _set_line(op, before) if type(op).__name__ == "Set" and before else op_line(op)
            echo(f"  {mark} {line}", fg=fg)
    for label, text in (("reason", result.reason), ("error", result.error)):
        if text:
            echo(f"  {label}: {text}", fg="red")
    if result.stands is not None and result.status not in (Status.OK, Status.CHANGED, Status.PLANNED):
        pending = result.revert_at and str(result.stands) == "revert-pending"
        at = f" at {for_people_text(result.revert_at)}" if pending else ""
        echo(f"  the router stands: {result.stands}{at}")
    if result.applied and result.status is not Status.CHANGED:
        echo(f"  applied before it stopped: {len(result.applied)} operation(s)")
        for line in result.applied:
            echo(f"    {line}")
    for note in result.notes:
        echo(f"  note: {note}", dim=True)


def _cause(result: RouterResult) -> str:
    """The one-word cause, when it says more than the status (never ``auth-failed (auth-failed)``)."""
    return result.cause if result.cause and result.cause != str(result.status) else ""


_NOT_STARTED = frozenset({"not-started", "interrupted", "threshold"})


def _not_started(result: RouterResult) -> bool:
    """Skipped before it started: the run was stopped (Ctrl-C, the failure threshold) first."""
    return result.status is Status.SKIPPED and result.cause in _NOT_STARTED


def _worth_a_line(result: RouterResult) -> bool:
    """Routers that changed or failed; those never started are one line in the summary instead."""
    return result.status not in (Status.OK,) and not _not_started(result)


class Lines:
    """Plain lines (no terminal): one per router worth a line (changed or failed; with ``failures_only``
    failed only), as each finishes."""

    def __init__(self, *, show_plan: bool, failures_only: bool = False) -> None:
        self.show_plan = show_plan
        self.failures_only = failures_only
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            result = event.result
            if (event.kind == "router-finished" and result is not None and _worth_a_line(result)
                    and (result.status.is_failure or not self.failures_only)):
                print_result(result, show_plan=self.show_plan and bool(result.plan))
            elif event.kind == "threshold-crossed":  # the run stopping as asked (--max-fail), not a warning
                echo(f"stopping: {event.detail}; no new router starts", err=True)
            elif event.kind == "warning":
                echo(f"warning: {event.detail}", err=True)
            elif event.kind == "wave-started" and event.wave and (event.wave > 1 or event.data.get("canary")):
                what = ", the canary" if event.data.get("canary") else ""
                echo(f"wave {event.wave} of {event.data.get('of')}{what}: {event.data.get('size')} router(s)",
                     dim=True)


class JsonLines:
    """``--json``: one JSON object per router as it finishes (the summary comes at the end)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        if event.kind == "router-finished" and event.result is not None:
            with self._lock:
                echo(json.dumps(event.result.to_json(), ensure_ascii=False, default=str))


class _Progress:
    """A rich progress bar on stderr with counts per status and an ETA; lines print above it."""

    def __init__(self, total: int, *, show_plan: bool) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = Console(stderr=True)
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), TextColumn("{task.fields[counts]}"),
                                 console=self.console, transient=True)
        self.task = self.progress.add_task("routers", total=total, counts="")
        self.counts: dict[str, int] = {}
        self.lines = Lines(show_plan=show_plan)
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            if event.kind == "run-started":
                self.progress.start()
            if event.kind == "router-finished" and event.result is not None:
                status = str(event.result.status)
                self.counts[status] = self.counts.get(status, 0) + 1
                self.progress.update(self.task, advance=1,
                                     counts=" ".join(f"{k} {v}" for k, v in sorted(self.counts.items())))
            if event.kind == "run-finished":
                self.progress.stop()
            else:
                self.lines(event)  # printed above the bar: the live display redirects stdout


def progress_for(total: int, *, json_output: bool, show_plan: bool) -> Callable[[Event], None]:
    """The right observer for where output goes."""
    if json_output:
        return JsonLines()
    if sys.stderr.isatty() and sys.stdout.isatty():
        return _Progress(total, show_plan=show_plan)
    return Lines(show_plan=show_plan)


def print_summary(run: RunResult, *, json_output: bool, operation: str, resume_hint: bool = True) -> None:
    """Counts per status, failed routers with their causes, the routers never started in one line (with
    the ``--resume`` that carries on, unless ``resume_hint`` is false), the slowest routers."""
    counts = run.counts()
    if json_output:
        echo(json.dumps({"summary": {
            "operation": operation, "counts": counts, "routers": len(run.results),
            "seconds": round(run.finished - run.started, 3), "stopped": run.crossed, "resumed": run.resumed,
            "interrupted": run.interrupted, "run": run.run_id or None, "warnings": list(run.warnings),
            "failed": [{"router": r.router, "status": str(r.status), "cause": r.cause} for r in run.failed],
        }}, ensure_ascii=False))
        return
    for warning in run.warnings:  # what the record could not keep: a ledger down, backups not on their remote
        echo(f"warning: {warning}", err=True)
    echo(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no routers", bold=True)
    if run.resumed:
        echo(f"{run.resumed} of them finished in the run resumed, and were not run again", dim=True)
    if run.crossed:
        echo(run.crossed, fg="red")
    not_started = [r for r in run.results if _not_started(r)]
    if not_started:
        why = "interrupted" if run.interrupted else "the failure threshold" if run.crossed else "not started"
        hint = (f"; to carry on, run the same command with --resume (mikronet {operation} … --resume)"
                if resume_hint else "")
        echo(f"{len(not_started)} router(s) not started ({why}){hint}", fg="yellow")
    failed = run.failed
    if failed:
        echo(f"failed ({len(failed)}):", fg="red")
        for result in failed[:20]:
            text = (result.error or result.reason or "").splitlines()[0] if (result.error or result.reason) else ""
            echo(f"  {result.router:<14} {result.status!s:<16} {_cause(result):<16} {text[:90]}".rstrip())
        if len(failed) > 20:
            echo(f"  … and {len(failed) - 20} more (--json lists them all)")
    timed = sorted((r for r in run.results if r.timings.get("total")), key=lambda r: -r.timings["total"])[:3]
    if timed and len(run.results) > 3:
        echo("slowest: " + ", ".join(f"{r.router} {r.timings['total']:.1f} s" for r in timed), dim=True)
    echo(f"{len(run.results)} routers in {run.finished - run.started:.1f} s", dim=True)
