"""Drift and compliance: does each router's last backup match what its template says, and which
routers run RouterOS versions with known advisories.

Read-only and offline: the template is rendered with secrets masked, the backup
(``backups/<school>/<router>.rsc``, a git history written by every push) is parsed, and the RouterOS
diff between them is the drift, shown as the console commands that would remove it (sensitive
values masked). Menus that RouterOS's ``/export`` never writes (``/user``) cannot be compared with a
backup; they are listed as unchecked rather than reported as drift.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mikronet.errors import MikronetError
from mikronet.reports.advisories import Advisory
from mikronet.reports.common import collation_key
from mikronet.reports.facts import FactsRun
from mikronet.secret import REDACTOR

__all__ = ["NOT_EXPORTED", "AdvisoryHit", "DriftReport", "RouterDrift", "TemplateDrift", "build_drift"]

NOT_EXPORTED = ("/user",)
"""Menus ``/export`` leaves out (users and their passwords are never exported)."""

STATUSES = ("in-sync", "drift", "no-backup", "error")


@dataclass(frozen=True)
class RouterDrift:
    router: str
    school: str
    template: str
    status: str
    """``in-sync``, ``drift``, ``no-backup`` or ``error`` (template or backup unreadable)."""
    backup: str | None
    """The backup's path relative to the backups folder."""
    backup_commit: str | None
    backup_time: datetime | None
    backup_version: str | None
    changes: int
    differences: tuple[str, ...]
    unchecked: tuple[str, ...]
    error: str | None


@dataclass(frozen=True)
class TemplateDrift:
    template: str
    in_sync: int
    drift: int
    no_backup: int
    error: int


@dataclass(frozen=True)
class AdvisoryHit:
    router: str
    school: str
    version: str
    source: str
    """Where the version comes from: ``facts``, ``backup`` or ``inventory``."""
    advisories: tuple[str, ...]


@dataclass(frozen=True)
class DriftReport:
    generated: datetime
    backups_dir: str
    routers: tuple[RouterDrift, ...]
    templates: tuple[TemplateDrift, ...]
    in_sync: int
    drifted: int
    no_backup: int
    errors: int
    advisories: tuple[Advisory, ...]
    exposed: tuple[AdvisoryHit, ...]

    @property
    def any_drift(self) -> bool:
        return self.drifted > 0


def _git_times(root: Path) -> dict[str, tuple[str, datetime]]:
    """Backup path (relative) → its newest commit and that commit's time, from one ``git log``."""
    if shutil.which("git") is None or not (root / ".git").exists():
        return {}
    out = subprocess.run(["git", "-C", str(root), "log", "--format=%x01%H %cI", "--name-only"],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {}
    found: dict[str, tuple[str, datetime]] = {}
    for block in out.stdout.split("\x01")[1:]:
        head, _, names = block.partition("\n")
        sha, _, when = head.partition(" ")
        stamp = datetime.fromisoformat(when.strip()).astimezone(UTC)
        for name in names.split("\n"):
            if name.strip():
                found.setdefault(name.strip(), (sha, stamp))
    return found


@dataclass(frozen=True)
class _Checked:
    status: str
    changes: int = 0
    differences: tuple[str, ...] = ()
    unchecked: tuple[str, ...] = ()
    version: str | None = None
    error: str | None = None


def _check(router: Any, path: Path, renderer: Any, schema: Any) -> _Checked:
    """Render the template (an error even without a backup), then diff it against the backup."""
    from mikronet.routeros import canonical_path, diff, parse, render_script

    try:
        desired = parse(renderer.render_router(router), file=f"{router.template} ({router.id})", schema=schema)
    except MikronetError as exc:
        return _Checked("error", error=f"template: {exc}")
    if not path.exists():
        return _Checked("no-backup")
    try:
        actual = parse(path.read_text(encoding="utf-8"), file=str(path), schema=schema)
    except (OSError, UnicodeDecodeError, MikronetError) as exc:
        return _Checked("error", error=f"backup: {exc}")
    version = actual.header.version if actual.header is not None else None
    skipped = {canonical_path(p) for p in NOT_EXPORTED}
    unchecked = tuple(p for p in desired.sections if p in skipped)
    desired = desired.with_sections({p: s for p, s in desired.sections.items() if p not in skipped})
    plan = diff(desired, actual, schema=schema)
    lines = tuple(REDACTOR.redact(line) for line in render_script(plan).splitlines())
    return _Checked("drift" if plan else "in-sync", len(plan), lines, unchecked, version)


_PARALLEL_FROM = 64
"""Below this many routers the check runs in this process; above, in forked workers (one per core)."""
_worker_job: tuple[Sequence[Any], Sequence[Path], Any, Any] | None = None


def _init_worker(routers: Sequence[Any], paths: Sequence[Path], renderer: Any, schema: Any) -> None:
    global _worker_job
    _worker_job = (routers, paths, renderer, schema)


def _check_at(index: int) -> _Checked:
    assert _worker_job is not None
    routers, paths, renderer, schema = _worker_job
    return _check(routers[index], paths[index], renderer, schema)


def _check_all(routers: Sequence[Any], paths: Sequence[Path], renderer: Any, schema: Any,
               workers: int | None) -> list[_Checked]:
    """Check every router; on many routers, in parallel worker processes forked from this one (they
    inherit the inventory, renderer and schema, so nothing is pickled but each result). Forking is
    used only where it is safe: a platform with ``fork`` and a process with no other threads."""
    import multiprocessing
    import os
    import threading

    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(routers) >= _PARALLEL_FROM else 1
    forkable = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if workers <= 1 or not forkable or len(routers) < 2:
        return [_check(r, p, renderer, schema) for r, p in zip(routers, paths, strict=True)]
    if routers:
        _check(routers[0], paths[0], renderer, schema)  # compile the template and load the schema once, before forking
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_init_worker, initargs=(routers, paths, renderer, schema)) as pool:
        return pool.map(_check_at, range(len(routers)), chunksize=max(1, len(routers) // (workers * 8)))


def build_drift(
    inventory: Any,
    *,
    backups_dir: Path,
    renderer: Any = None,
    advisories: Sequence[Advisory] = (),
    facts: FactsRun | None = None,
    routers: Iterable[Any] | None = None,
    schema: Any = None,
    now: datetime | None = None,
    workers: int | None = None,
) -> DriftReport:
    """Compare each router's (of ``routers``, default all) last backup with its rendered template.

    ``workers``: processes to check in (default: one per core, up to 4, from 64 routers on; 1 = here)."""
    from mikronet.render import Renderer
    from mikronet.routeros import default_schema

    renderer = renderer or Renderer()
    schema = schema or default_schema()
    commits = _git_times(backups_dir)
    chosen = list(inventory.routers if routers is None else routers)
    relatives = []
    for router in chosen:
        school, _, name = router.id.partition("/")
        relatives.append(f"{school}/{name or 'router'}.rsc")
    paths = [backups_dir / relative for relative in relatives]
    results = []
    for router, relative, path, checked in zip(chosen, relatives, paths,
                                               _check_all(chosen, paths, renderer, schema, workers), strict=True):
        commit = commits.get(relative) if path.exists() else None
        results.append(RouterDrift(router.id, router.school.id, router.template, checked.status,
                                   relative if path.exists() else None, commit[0] if commit else None,
                                   commit[1] if commit else None, checked.version, checked.changes,
                                   checked.differences, checked.unchecked, checked.error))
    per_template: dict[str, dict[str, int]] = {}
    for r in results:
        per_template.setdefault(r.template, dict.fromkeys(STATUSES, 0))[r.status] += 1
    templates = tuple(TemplateDrift(t, c["in-sync"], c["drift"], c["no-backup"], c["error"])
                      for t, c in sorted(per_template.items(), key=lambda kv: collation_key(kv[0])))
    return DriftReport(
        generated=now or datetime.now(UTC),
        backups_dir=str(backups_dir),
        routers=tuple(results),
        templates=templates,
        in_sync=sum(1 for r in results if r.status == "in-sync"),
        drifted=sum(1 for r in results if r.status == "drift"),
        no_backup=sum(1 for r in results if r.status == "no-backup"),
        errors=sum(1 for r in results if r.status == "error"),
        advisories=tuple(advisories),
        exposed=_exposed(chosen, results, advisories, facts.facts if facts else {}),
    )


def _exposed(routers: Sequence[Any], results: Sequence[RouterDrift], advisories: Sequence[Advisory],
             facts: Mapping[str, Mapping[str, Any]]) -> tuple[AdvisoryHit, ...]:
    """Routers whose version (facts, else the backup's header, else the inventory) has advisories."""
    backup_version = {r.router: r.backup_version for r in results}
    out = []
    for router in routers:
        got = facts.get(router.id) or {}
        for source, version in (("facts", got.get("version")), ("backup", backup_version.get(router.id)),
                                ("inventory", router.routeros)):
            if version:
                hits = tuple(a.id for a in advisories if a.affects(str(version)))
                if hits:
                    out.append(AdvisoryHit(router.id, router.school.id, str(version), source, hits))
                break
    return tuple(out)
