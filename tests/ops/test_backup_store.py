"""The backup history under concurrency and failure: one commit per router's file, correctly labelled,
never an empty or headless export, a failed commit is a failed backup."""

from __future__ import annotations

import multiprocessing
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from mikronet.ops.backup import BackupError, BackupStore

EXPORT = "# 2026-11-29 10:00:00 by RouterOS 7.16.2\n# model = RB5009UG+S+\n/system identity\nset name={name}\n"


def commits(root: Path) -> list[tuple[str, list[str]]]:
    """(subject, files) of every commit, oldest first."""
    out = subprocess.run(["git", "-C", str(root), "log", "--reverse", "--name-only", "--format=\x1e%s"],
                         capture_output=True, text=True, check=True).stdout
    result = []
    for block in out.split("\x1e")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        result.append((lines[0], lines[1:]))
    return result


def test_an_empty_or_headless_export_is_never_stored(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups")
    store.save("LV-0001/gw", EXPORT.format(name="a"), "before push")
    for bad in ("", "\n\n", "/system identity\nset name=x\n"):
        with pytest.raises(BackupError, match="refusing to store"):
            store.save("LV-0001/gw", bad, "before push")
    assert store.read("LV-0001/gw") == EXPORT.format(name="a")  # the good one stands
    assert len(store.commits("LV-0001/gw")) == 1


def test_threads_saving_at_once_each_get_one_commit_holding_exactly_their_file(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups", author="Jānis Ozoliņš")
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            store.save(f"LV-{n:04d}/gw", EXPORT.format(name=n), "before push")
            store.save(f"LV-{n:04d}/gw", EXPORT.format(name=f"{n}-after"), "after push")
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    history = [c for c in commits(store.root) if not c[0].startswith("backups:")]
    assert len(history) == 60
    for subject, files in history:
        router = subject.split(":")[0]
        school, name = router.split("/")
        assert files == [f"{school}/{name}.rsc"], (subject, files)
    for n in range(30):
        assert [c.subject for c in store.commits(f"LV-{n:04d}/gw")] == [
            f"LV-{n:04d}/gw: after push", f"LV-{n:04d}/gw: before push"]
        assert store.commits(f"LV-{n:04d}/gw")[0].author == "Jānis Ozoliņš"


def _process_saves(root: str, first: int) -> None:
    store = BackupStore(Path(root))
    for n in range(first, first + 3):
        store.save(f"LV-{n:04d}/gw", EXPORT.format(name=n), "before push")
        store.save(f"LV-{n:04d}/gw", EXPORT.format(name=f"{n}-after"), "after push")


def test_five_processes_backing_up_fifteen_routers_make_thirty_labelled_commits(tmp_path: Path) -> None:
    root = tmp_path / "backups"
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_process_saves, args=(str(root), first)) for first in range(0, 15, 3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    history = [c for c in commits(root) if not c[0].startswith("backups:")]
    assert len(history) == 30
    for subject, files in history:
        school = subject.split("/")[0]
        assert files == [f"{school}/gw.rsc"], (subject, files)
    before = {s.split(":")[0] for s, _ in history if s.endswith("before push")}
    assert len(before) == 15


def test_a_commit_that_fails_is_a_failed_backup(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups")
    store.save("LV-0001/gw", EXPORT.format(name="a"), "before push")
    (store.root / ".git" / "index.lock").write_text("", encoding="utf-8")  # another git holds the index
    with pytest.raises(BackupError, match="git"):
        store.save("LV-0002/gw", EXPORT.format(name="b"), "before push")


def test_backups_are_private(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups")
    path = store.save("LV-0001/gw", EXPORT.format(name="a"), "before push")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
