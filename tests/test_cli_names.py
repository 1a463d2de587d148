"""Names as people type them on the command line: a mistyped command gets the nearest ones, and a wrong
router id given as ROUTER is reported as that argument, not as a --limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from mikronet.cli.main import main

SAMPLE = Path(__file__).resolve().parents[1] / "inventory"


@pytest.mark.parametrize(("typed", "meant"), [("puhs", "push"), ("plna", "plan"), ("legder", "ledger"),
                                              ("reprot", "report")])
def test_a_mistyped_command_gets_the_nearest(typed: str, meant: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-i", str(SAMPLE), typed]) == 2
    err = capsys.readouterr().err
    assert f"no such command {typed!r}" in err and f"did you mean {meant!r}" in err


def test_an_unknown_command_far_from_any_has_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-i", str(SAMPLE), "xyzzyq"]) == 2
    err = capsys.readouterr().err
    assert "no such command 'xyzzyq'" in err and "did you mean" not in err


@pytest.mark.parametrize("argv", [["restore", "LV-0042/gx", "--to", "HEAD"],
                                  ["swap", "LV-0042/gx", "--new-serial", "HCT0A1B2C3D", "--yes"]])
def test_a_wrong_router_argument_is_named_as_the_argument(argv: list[str], capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", "Names-Password")
    assert main(["-i", str(SAMPLE), *argv]) == 2
    err = capsys.readouterr().err
    assert "ROUTER 'LV-0042/gx': no such router; did you mean 'LV-0042/gw'" in err
    assert "--limit" not in err


def test_reading_or_a_refused_command_creates_no_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A report, the state, and a command refused for its ROUTER argument leave no ledger behind: only
    something to record creates one."""
    import shutil

    home = tmp_path / "inventory"
    shutil.copytree(SAMPLE, home, ignore=shutil.ignore_patterns("ledger.sqlite*"))
    monkeypatch.setenv("MIKRONET_PASSWORD", "Names-Password")
    assert main(["-i", str(home), "report", "progress", "--format", "csv"]) == 0
    assert main(["-i", str(home), "state", "--json"]) == 0
    assert main(["-i", str(home), "restore", "LV-0042/gx", "--to", "HEAD"]) == 2
    assert main(["-i", str(home), "--ledger", f"sqlite:///{tmp_path / 'nav.sqlite'}", "report", "progress"]) == 2
    assert "no ledger at" in capsys.readouterr().err
    assert not list(home.glob("ledger.sqlite*")) and not (tmp_path / "nav.sqlite").exists()
