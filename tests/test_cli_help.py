"""The help says what the commands do: every exit status, and when --yes is needed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mikronet.cli.main import main

REPO = Path(__file__).resolve().parents[1]


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args, "--help"]) == 0
    return " ".join(capsys.readouterr().out.split())


def test_the_top_help_and_the_readme_list_every_exit_status_a_command_gives(capsys: pytest.CaptureFixture[str]) -> None:
    top = _help(capsys)
    assert re.search(r"Exit status: 0 success, 1 some routers failed, 2 bad input, 3 differences found", top), top
    for command in (("plan",), ("config", "diff"), ("report", "drift")):
        assert "--exit-code" in _help(capsys, *command)
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "Exit status: 0 success, 1 some routers failed, 2 bad input, 3" in readme


def test_swap_help_and_behaviour_agree_that_every_swap_needs_yes_without_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = _help(capsys, "swap")
    assert "Needed for every swap run without a terminal" in shown
    assert "more than one school" not in shown
    monkeypatch.setenv("MIKRONET_PASSWORD", "x")
    shutil.copytree(REPO / "inventory", tmp_path / "inventory")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code = main(["-i", str(tmp_path / "inventory"), "swap", "LV-0042/gw", "--new-serial", "HEX0123"])
    err = capsys.readouterr().err
    assert code == 2
    assert "refusing to re-pin a router without --yes" in err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing recorded
