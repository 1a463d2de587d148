"""``mikronet demo --dir``: the folder the run's data stays in replaces only a previous demo's folder.

The whole demo runs in ``tests/test_readme_tour.py`` (``make demo``'s command, slow); these are its
folder rules, which hold before anything starts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mikronet.cli.demo import MARKER, fresh_folder
from mikronet.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_folder_is_made_and_marked(tmp_path: Path) -> None:
    made = fresh_folder(tmp_path / ".sim" / "demo")
    assert made == (tmp_path / ".sim" / "demo").resolve() and made.is_absolute()
    assert [p.name for p in made.iterdir()] == [MARKER]


def test_a_previous_demos_folder_is_replaced(tmp_path: Path) -> None:
    old = fresh_folder(tmp_path / "demo")
    (old / "ledger.sqlite").write_bytes(b"old run")
    (old / "runs").mkdir()
    (old / "runs" / "x.jsonl").write_text("{}\n", encoding="utf-8")
    again = fresh_folder(tmp_path / "demo")
    assert again == old and [p.name for p in again.iterdir()] == [MARKER]


@pytest.mark.parametrize("empty", [True, False])
def test_an_empty_folder_is_taken_and_any_other_refused(tmp_path: Path, empty: bool) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    if empty:
        assert fresh_folder(folder) == folder.resolve()
        return
    (folder / "notes.txt").write_text("mani faili", encoding="utf-8")
    with pytest.raises(InputError, match=rf"--dir {folder}: the folder is not empty and is not a previous demo's"):
        fresh_folder(folder)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mani faili"
    assert not (folder / MARKER).exists()


def test_the_command_refuses_someone_elses_folder_before_starting_anything(tmp_path: Path) -> None:
    folder = tmp_path / "darbs"
    folder.mkdir()
    (folder / "inventory.yaml").write_text("# not a demo's\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MIKRONET_PASSWORD": "Demo-Pa55-x"}
    done = subprocess.run([sys.executable, "-m", "mikronet", "-i", str(ROOT / "inventory"), "demo", "--dir",
                           str(folder)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"--dir {folder}: the folder is not empty" in done.stderr
    assert "Traceback" not in done.stderr and "Inventory:" not in done.stdout  # refused before the first step
    assert [p.name for p in folder.iterdir()] == ["inventory.yaml"]
    assert not (tmp_path / "demo-run").exists()
