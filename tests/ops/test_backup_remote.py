"""Backups shared through a git remote: two technicians' stores push to one bare repository at once
and each ends with every router's history; a remote that cannot be reached keeps the commits pending,
says why, and the next push delivers them."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from mikronet.ops.backup import BackupStore

EXPORT = "# 2026-11-29 10:00:00 by RouterOS 7.16.2\n# model = RB5009UG+S+\n/system identity\nset name={name}\n"


SCHOOL = """\
schools:
  - id: LV-0001
    name: "Rīgas 1. vidusskola"
    municipality: "Rīga"
    connection: {type: optical}
    routers:
      - name: gw
        host: 10.1.0.1
        model: RB4011iGS+
        username: admin
        template: school
        password: {env: MIKRONET_PASSWORD}
"""
REMOTE_LINE = SCHOOL.count("\n") + 2


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def bare(path: Path) -> Path:
    git("init", "--quiet", "--bare", str(path))
    return path


def remote_subjects(remote: Path) -> list[str]:
    branch = git("-C", str(remote), "symbolic-ref", "--short", "HEAD").strip()
    return git("-C", str(remote), "log", "--format=%s", branch).splitlines()


def remote_file(remote: Path, name: str) -> str:
    branch = git("-C", str(remote), "symbolic-ref", "--short", "HEAD").strip()
    return git("-C", str(remote), "show", f"{branch}:{name}")


def test_two_stores_pushing_at_once_both_land_with_one_commit_per_router(tmp_path: Path) -> None:
    remote = bare(tmp_path / "shared.git")
    anna = BackupStore(tmp_path / "anna" / "backups", author="Anna Bērziņa", remote=str(remote))
    janis = BackupStore(tmp_path / "janis" / "backups", author="Jānis Kalniņš", remote=str(remote))
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(store: BackupStore, school: int) -> None:
        try:
            start.wait()
            for round_ in range(3):
                store.save(f"LV-{school:04d}/gw", EXPORT.format(name=f"s{school}-r{round_}"), f"round {round_}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(anna if i % 2 else janis, i)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # Whatever raced last may still be pending on one side; one more push settles it.
    for store in (anna, janis):
        status = store.push()
        assert status is not None and status.ok, status
    subjects = remote_subjects(remote)
    for school in range(8):
        mine = [s for s in subjects if s.startswith(f"LV-{school:04d}/gw: ")]
        assert sorted(mine) == [f"LV-{school:04d}/gw: round {r}" for r in range(3)]
        assert remote_file(remote, f"LV-{school:04d}/gw.rsc") == EXPORT.format(name=f"s{school}-r2")
    # Each technician's checkout ends with everyone's backups (the rebase brought them in).
    assert anna.read("LV-0000/gw") == EXPORT.format(name="s0-r2")  # written by Jānis
    assert janis.read("LV-0001/gw") == EXPORT.format(name="s1-r2")  # written by Anna
    assert [c.subject for c in anna.commits("LV-0000/gw")] == [f"LV-0000/gw: round {r}" for r in (2, 1, 0)]
    authors = {line for line in git("-C", str(remote), "log", "--all", "--format=%an").splitlines()}
    assert {"Anna Bērziņa", "Jānis Kalniņš"} <= authors


def test_an_unreachable_remote_keeps_the_commits_pending_and_the_next_push_delivers_them(tmp_path: Path) -> None:
    remote = tmp_path / "not-yet" / "shared.git"
    store = BackupStore(tmp_path / "backups", remote=str(remote), push_timeout=20)
    store.save("LV-0001/gw", EXPORT.format(name="a"), "before push")  # the save itself succeeds
    store.save("LV-0002/gw", EXPORT.format(name="b"), "before push")
    status = store.push_status()
    assert status is not None and not status.ok
    assert status.pending >= 2
    assert status.error is not None and "not-yet" in status.error
    assert "not yet on" in status.line()
    assert store.read("LV-0001/gw") == EXPORT.format(name="a")
    again = BackupStore(tmp_path / "backups", remote=str(remote)).push_status()  # another run, later
    assert again == status  # what is pending and why are kept with the repository

    remote.parent.mkdir()
    bare(remote)
    store.save("LV-0003/gw", EXPORT.format(name="c"), "before push")  # the next save pushes everything
    status = store.push_status()
    assert status is not None and status.ok, status
    subjects = remote_subjects(remote)
    for school in (1, 2, 3):
        assert f"LV-{school:04d}/gw: before push" in subjects


def test_a_new_store_starts_from_the_teams_backups(tmp_path: Path) -> None:
    remote = bare(tmp_path / "shared.git")
    first = BackupStore(tmp_path / "a" / "backups", remote=str(remote))
    first.save("LV-0001/gw", EXPORT.format(name="a"), "backup")
    second = BackupStore(tmp_path / "b" / "backups", remote=str(remote))
    second.save("LV-0002/gw", EXPORT.format(name="b"), "backup")
    assert second.read("LV-0001/gw") == EXPORT.format(name="a")
    # one history: the second store's commit sits on top of the first's, nothing duplicated
    assert remote_subjects(remote) == ["LV-0002/gw: backup", "LV-0001/gw: backup", "backups: ignore the lock file"]


def test_a_password_in_the_remote_url_is_never_shown(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups", remote="https://anna:hunter2-secret@127.0.0.1:9/backups.git",
                        push_timeout=10)
    store.save("LV-0001/gw", EXPORT.format(name="a"), "backup")
    status = store.push_status()
    assert status is not None and status.error is not None
    assert "hunter2-secret" not in status.line()
    assert "anna:***@" in status.remote


def test_without_a_remote_nothing_is_pushed(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups")
    store.save("LV-0001/gw", EXPORT.format(name="a"), "backup")
    assert store.push() is None and store.push_status() is None
    assert git("-C", str(tmp_path / "backups"), "remote").strip() == ""


@pytest.mark.parametrize("remote", ["", "   ", "--upload-pack=touch /tmp/x"])
def test_the_inventory_refuses_a_bad_remote_with_file_and_line(tmp_path: Path, remote: str) -> None:
    from mikronet.errors import InventoryError
    from mikronet.inventory import load_inventory

    (tmp_path / "inventory.yaml").write_text(
        SCHOOL + f"backups:\n  remote: {remote!r}\n", encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        load_inventory(tmp_path / "inventory.yaml")
    first = str(caught.value).splitlines()[0]
    assert f"inventory.yaml:{REMOTE_LINE}: backups.remote" in first
    assert len(str(caught.value).splitlines()) == 1  # nothing else is wrong with the file


def test_the_inventory_names_the_remote_relative_to_its_own_folder(tmp_path: Path) -> None:
    from mikronet.inventory import load_inventory

    (tmp_path / "inventory.yaml").write_text(
        SCHOOL + "backups:\n  remote: ../shared/backups.git\n", encoding="utf-8")
    inventory = load_inventory(tmp_path / "inventory.yaml")
    assert inventory.backups.remote == str(tmp_path.parent / "shared" / "backups.git")
    assert inventory.backups.line == REMOTE_LINE
    url = "git@git.example.lv:skolas/backups.git"
    (tmp_path / "inventory.yaml").write_text(
        (tmp_path / "inventory.yaml").read_text(encoding="utf-8").replace("../shared/backups.git", url),
        encoding="utf-8")
    assert load_inventory(tmp_path / "inventory.yaml").backups.remote == url
