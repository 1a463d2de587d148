"""``mikronet report`` from the command line: formats, files, languages and bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mikronet.cli.main import main

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"


def test_compensation_on_the_sample_inventory_in_every_format(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-i", str(SAMPLE), "report", "compensation", "--months", "2021-04..2021-06", "--lang", "lv"]) == 0
    out = capsys.readouterr().out
    assert "Interneta maksas kompensācija" in out and "495\u00a0000,00\u00a0€" in out
    for suffix in ("md", "csv", "json", "html"):
        target = tmp_path / f"kompensacija.{suffix}"
        assert main(["-i", str(SAMPLE), "report", "compensation", "--lang", "lv", "-o", str(target)]) == 0
        assert target.stat().st_size > 1000
    data = json.loads((tmp_path / "kompensacija.json").read_text(encoding="utf-8"))
    assert data["report"] == "compensation" and data["data"]["months"] == ["2021-04", "2021-05", "2021-06"]
    assert (tmp_path / "kompensacija.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_format_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-i", str(SAMPLE), "report", "compensation", "--format", "csv", "--table", "municipalities"]) == 0
    lines = capsys.readouterr().out.lstrip("\ufeff").splitlines()
    assert lines[0] == "Municipality,Contract signed,Contract amount,Schools,Computed,Payable"


@pytest.mark.parametrize(("argv", "says"), [
    (["report", "compensation", "--months", "2021-13"], "--months '2021-13'"),
    (["report", "compensation", "--format", "pdf"], "pdf"),
    (["report", "compensation", "-o", "out.pdf"], "--format"),
    (["report", "compensation", "--format", "csv", "--table", "nope"], "--table 'nope'"),
    (["report", "progress", "--as-of", "30.06.2021"], "--as-of '30.06.2021'"),
    (["report", "upgrades", "--since", "yesterday"], "--since 'yesterday'"),
    (["report", "upgrades", "--target", "stable=latest"], "--target 'stable=latest'"),
    (["report", "drift", "--limit", "LV-9999/*"], "LV-9999"),
])
def test_bad_input_exits_2_and_says_why(argv: list[str], says: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["-i", str(SAMPLE), *argv]) == 2
    err = capsys.readouterr().err
    assert says in err, err
    assert not list(tmp_path.iterdir()), "nothing half-written"
