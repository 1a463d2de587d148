"""Run records and the SQLite ledger are the technician's alone: files 0600, folders 0700."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mikronet.ledger import open_ledger
from mikronet.runner.record import RunRecord


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture(autouse=True)
def lax_umask() -> object:
    old = os.umask(0o022)  # what most accounts have: files 0644 unless the code says otherwise
    yield
    os.umask(old)


def test_a_run_record_is_written_private(tmp_path: Path) -> None:
    record = RunRecord(tmp_path / "runs", "push", command=["mikronet", "push"], selection=["LV-0001/gw"])
    assert _mode(record.path) == 0o600
    assert _mode(tmp_path / "runs") == 0o700


def test_the_sqlite_ledger_and_its_wal_files_are_private(tmp_path: Path) -> None:
    with open_ledger(base_dir=tmp_path) as ledger:
        ledger.append(school="LV-0001", kind="consultation", technician="Anna Bērziņa")
        files = [tmp_path / name for name in ("ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm")]
        assert all(f.exists() for f in files)
        assert [_mode(f) for f in files] == [0o600] * 3


def test_an_older_ledger_found_readable_by_all_is_narrowed(tmp_path: Path) -> None:
    with open_ledger(base_dir=tmp_path) as ledger:
        ledger.append(school="LV-0001", kind="consultation", technician="Anna Bērziņa")
    os.chmod(tmp_path / "ledger.sqlite", 0o644)
    with open_ledger(base_dir=tmp_path) as ledger:
        assert ledger.count() == 1
    assert _mode(tmp_path / "ledger.sqlite") == 0o600
