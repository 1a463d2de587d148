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


class _StandInLedger:
    """The ledger's contract (``open_ledger``, ``append``, ``events``, ``close``), in memory: used only
    while ``mikronet.ledger`` is not installed; with it, the tests below run on the real SQLite ledger."""

    def __init__(self, rows: list[object]) -> None:
        self.rows = rows

    def append(self, *, school: str, kind: str, technician: str, router: str | None = None, serial: str | None = None,
               details: dict[str, object] | None = None, outcome: str = "completed", time: object = None,
               category: str | None = None, programme: str | None = None) -> object:
        from reports.fixtures import Event

        from mikronet.reports.common import DEFAULT_CATEGORIES

        found = Event(len(self.rows) + 1, f"ev-{len(self.rows) + 1}", time, technician, school, router, serial,  # type: ignore[arg-type]
                      kind, programme or category or DEFAULT_CATEGORIES[kind],
                      {**(details or {}), **({"programme": True} if programme else {})}, outcome)
        self.rows.append(found)
        return found

    def events(self) -> list[object]:
        return list(self.rows)

    def close(self) -> None:
        pass


@pytest.fixture
def ledger_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, object]:
    """A copy of the sample inventory with a ledger beside it holding a few events."""
    import shutil
    import sys
    import types

    from reports.fixtures import at

    home = tmp_path / "inventory"
    shutil.copytree(SAMPLE, home)
    try:
        from mikronet.ledger import open_ledger  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:
        module = types.ModuleType("mikronet.ledger")
        stores: dict[str, list[object]] = {}  # one list of events per folder, for this test only
        module.open_ledger = (  # type: ignore[attr-defined]
            lambda url=None, base_dir=Path("."): _StandInLedger(stores.setdefault(str(base_dir), [])))
        monkeypatch.setitem(sys.modules, "mikronet.ledger", module)
        open_ledger = module.open_ledger  # type: ignore[attr-defined]
    ledger = open_ledger(url=None, base_dir=home)
    ledger.append(school="LV-0042", kind="consultation", technician="Anna Bērziņa", details={"note": "Wi-Fi"},
                  time=at("2021-04-06 10:00"), programme="consultation")
    ledger.append(school="LV-0042", kind="routeros-upgrade", technician="Jānis Ķēniņš", router="LV-0042/gw",
                  details={"from_version": "6.49.13", "to_version": "7.16.2", "campaign": "pavasaris",
                           "backup_sha256": "ef" * 32, "channel": "stable"}, time=at("2021-06-30 21:30"))
    ledger.close()
    return home, open_ledger


def test_progress_and_upgrades_from_the_ledger_beside_the_inventory(ledger_home: tuple[Path, object],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    home, _ = ledger_home
    assert main(["-i", str(home), "report", "progress", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    assert data["done"] == 1 and data["done_schools"][0]["school"] == "LV-0042"
    assert main(["-i", str(home), "report", "progress", "--as-of", "2021-06-30", "--lang", "lv"]) == 0
    out = capsys.readouterr().out
    assert "2021. gada 30. jūnijs" in out and "Konsultācijas" in out
    assert main(["-i", str(home), "report", "upgrades", "--campaign", "pavasaris", "--target", "7.16.2",
                 "-o", str(home / "audit.html"), "--lang", "lv"]) == 0
    page = (home / "audit.html").read_text(encoding="utf-8")
    assert "ef" * 32 in page and "Jānis Ķēniņš" in page
