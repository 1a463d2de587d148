"""Run records: ``runs/<UTC time>-<operation>.jsonl`` beside the inventory, and resuming from them.

A record is an observer of a run. Its first line says what ran (the command line, the selection, the
git revisions of the inventory and the templates); then one line per router as each finishes, flushed
at once, so a record is whole up to the moment a run was stopped, even by a second Ctrl-C; then a
summary line. ``--resume`` reads a record back: the routers it finished are not run again.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from mikronet.errors import InputError
from mikronet.runner.model import Event
from mikronet.runner.results import RouterResult, Status

__all__ = ["FINISHED", "MAX_RECORD_BYTES", "RunRecord", "find_record", "finished_results", "git_revision",
           "read_record"]

FORMAT_VERSION = 1
FINISHED = frozenset({Status.OK, Status.CHANGED, Status.PLANNED})
"""Statuses a resumed run does not repeat."""


def git_revision(folder: Path) -> str | None:
    """The commit ``folder`` is at (``+dirty`` when it has uncommitted changes), or None outside git."""
    try:
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=False, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--", "."], capture_output=True,
                               text=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def _now() -> datetime:
    return datetime.now(UTC)


class RunRecord:
    """Writes one run's record; use as an observer of the :class:`~mikronet.runner.Runner`."""

    def __init__(self, folder: Path, operation: str, *, command: Sequence[str], selection: Sequence[str],
                 revisions: dict[str, str | None] | None = None, extra: dict[str, Any] | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)  # a record names routers, addresses and errors: the technician's alone
        started = _now()
        stem = f"{started:%Y%m%dT%H%M%SZ}-{operation}"
        path = folder / f"{stem}.jsonl"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"{stem}-{n}.jsonl"
        self.path = path
        self.run_id = path.stem
        self._lock = threading.Lock()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._handle: IO[str] | None = os.fdopen(fd, "w", encoding="utf-8")
        header = {
            "type": "run", "version": FORMAT_VERSION, "operation": operation, "command": list(command),
            "started": started.isoformat(timespec="seconds"), "selection": list(selection),
            **{f"{k}_revision": v for k, v in (revisions or {}).items()}, **(extra or {}),
        }
        self._write(header)

    def _write(self, line: dict[str, Any]) -> None:
        with self._lock:
            if self._handle is None:
                return
            self._handle.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
            self._handle.flush()

    def __call__(self, event: Event) -> None:
        if event.kind == "router-finished" and event.result is not None:
            kept = {"resumed": True} if event.data.get("resumed") else {}
            self._write({"type": "result", "finished": event.time.isoformat(timespec="seconds"), **kept,
                         **event.result.to_json()})
        elif event.kind == "run-finished":
            self._write({"type": "summary", "finished": event.time.isoformat(timespec="seconds"), **event.data})
            self.close()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


MAX_RECORD_BYTES = 64 * 1024 * 1024
"""A run record larger than this is not read (one line per router: a fleet's record is far smaller)."""


def _record_line(raw: bytes, path: Path, number: int) -> dict[str, Any] | None:
    """One line of a record as an object; ``None`` for a torn last line (no line break: a killed run)."""
    try:
        text = raw.decode("utf-8")
        line = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        if raw.endswith(b"\n"):
            raise InputError(f"{path}:{number}: not a run record line (expected one JSON object)") from None
        return None
    if not isinstance(line, dict):
        raise InputError(f"{path}:{number}: not a run record line (expected a JSON object, found "
                         f"{type(line).__name__})")
    if line.get("type") == "result" and not (isinstance(line.get("router"), str)
                                             and isinstance(line.get("status"), str)):
        raise InputError(f"{path}:{number}: a result line needs 'router' and 'status' as text")
    return line


def read_record(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header and the result lines of a record (a torn last line, from a killed run, is ignored).
    Anything else that is not a record line is an :class:`~mikronet.errors.InputError` naming the line."""
    header: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            raise InputError(f"{path}: the file is {size:,} bytes; a run record may have at most "
                             f"{MAX_RECORD_BYTES:,}")
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                line = _record_line(raw, path, number)
                if line is None:
                    continue
                if line.get("type") == "run":
                    header = line
                elif line.get("type") == "result":
                    results.append(line)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the run record ({exc.strerror or exc})") from None
    if not header or not isinstance(header.get("operation"), str):
        raise InputError(f"{path}: not a mikronet run record (no header line)")
    return header, results


def find_record(folder: Path, operation: str, name: str | None = None) -> Path:
    """The record to resume: ``name`` (a file or a file name in ``folder``), else the newest of ``operation``.
    A record of another operation is refused (resuming a push from an upgrade's record would skip
    routers that were never pushed)."""
    if name:
        for candidate in (Path(name), folder / name, folder / f"{name}.jsonl"):
            if candidate.is_file():
                header, _ = read_record(candidate)
                if header["operation"] != operation:
                    raise InputError(f"--resume {name}: {candidate} is the record of a {header['operation']!r} "
                                     f"run, not of {operation!r}")
                return candidate
        raise InputError(f"--resume {name}: no such run record in {folder}")
    # <UTC time>-<operation>[-N].jsonl: "upgrade" must not find an "upgrade-check" record
    named = re.compile(rf"\d{{8}}T\d{{6}}Z-{re.escape(operation)}(-\d+)?\.jsonl")
    found = {p: m for p in folder.glob(f"*-{operation}*.jsonl") if (m := named.fullmatch(p.name))}
    if not found:
        raise InputError(f"--resume: no earlier {operation} run in {folder}")
    newest = max(found, key=lambda p: (p.name[:16], int(found[p].group(1)[1:]) if found[p].group(1) else 1))
    header, _ = read_record(newest)
    if header["operation"] != operation:
        raise InputError(f"--resume: {newest} is the record of a {header['operation']!r} run, not of {operation!r}")
    return newest


def finished_results(path: Path) -> dict[str, RouterResult]:
    """The routers a recorded run finished, as results a resumed run keeps (their last word wins)."""
    _, lines = read_record(path)
    last: dict[str, dict[str, Any]] = {}
    for line in lines:
        last[str(line["router"])] = line
    kept = {}
    for router_id, line in last.items():
        try:
            status = Status(line["status"])
        except ValueError:
            continue
        if status in FINISHED:
            kept[router_id] = RouterResult(router_id, status, notes=[f"finished in {path.name}"],
                                           details=dict(line.get("details") or {}))
    return kept
