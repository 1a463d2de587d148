"""``mikronet assess [--plan]`` and ``mikronet report assessment`` through the CLI, on a real inventory
and SQLite ledger: the findings go into the ledger, accepted ones into the school's plan (comments
kept), and the progress report then knows the school as planned."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from mikronet.cli.main import cli
from mikronet.inventory import load_inventory
from mikronet.ledger import open_ledger

INVENTORY = """\
defaults:
  transport: api
  username: mikronet
  password: {env: MIKRONET_PASSWORD}
  template: school-gateway
schools:
# Līvāni: the router was bought with the old 100 Mbit/s line
- id: LV-0101
  name: Līvānu 1. vidusskola
  municipality: Līvānu novads
  connection: {type: optical, contracted_mbps: 300}  # līgums no 2026. gada
  routers:
  - {name: gw, host: 10.1.12.1, model: hAP lite, serial: 50DB9FB4DC2B, routeros: 7.16.2}
- id: LV-0103
  name: Zilupes sākumskola
  municipality: Ludzas novads
  connection: {type: other, contracted_mbps: 20}
  routers:
  - {name: gw, host: 10.1.13.1, model: RB750Gr3, routeros: 7.16.2}
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "inventory"
    folder.mkdir()
    (folder / "schools.yaml").write_text(INVENTORY, encoding="utf-8")
    monkeypatch.setenv("MIKRONET_PASSWORD", "Ņ7-slepena")
    monkeypatch.setenv("MIKRONET_TECHNICIAN", "Anna Bērziņa")
    with open_ledger(None, base_dir=folder) as ledger:
        for down in (92.0, 95.0, 94.0):
            ledger.append(school="LV-0101", kind="measure", details={"down_mbps": down, "up_mbps": 80.0},
                          time=datetime(2026, 11, 2, 9, tzinfo=UTC))
    return folder


def run(home: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-i", str(home), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_assess_records_the_findings_and_plan_writes_them_into_the_inventory(home: Path) -> None:
    code, out, _ = run(home, "assess")
    assert code == 0
    assert "LV-0101: measured 94 of 300 Mbit/s (3 measurements): router-capacity → equipment-replacement" in out
    assert "LV-0103: measured – of 20 Mbit/s (0 measurements): line → line" in out
    assert load_inventory(home).school("LV-0101").plan == ()  # assessing alone plans nothing

    code, out, _ = run(home, "assess", "--plan", "--limit", "LV-0101")
    assert code == 0 and "planned equipment-replacement at LV-0101" in out
    text = (home / "schools.yaml").read_text(encoding="utf-8")
    assert "# Līvāni: the router was bought with the old 100 Mbit/s line" in text
    assert "# līgums no 2026. gada" in text
    plan = load_inventory(home).school("LV-0101").plan
    assert [(p.category, p.note) for p in plan] == [("equipment-replacement", "assessment: router-capacity")]
    assert load_inventory(home).school("LV-0103").plan == ()  # not selected; the line is never planned anyway

    code, out, _ = run(home, "assess", "--plan", "--limit", "LV-0101")
    assert "planned" not in out  # already planned: nothing written twice

    with open_ledger(None, base_dir=home) as ledger:
        assessed = ledger.events(kind="assessment")
    assert [(e.school, e.category) for e in assessed] == [("LV-0101", None), ("LV-0103", None), ("LV-0101", None),
                                                          ("LV-0101", None)]
    assert assessed[0].details["findings"][0]["evidence"]["port_mbps"] == 100

    code, out, _ = run(home, "report", "assessment", "--format", "json")
    data = json.loads(out)["data"]
    assert [s["school"] for s in data["schools"]] == ["LV-0101", "LV-0103"]
    assert data["schools"][0]["planned"] == ["equipment-replacement"]
    code, out, _ = run(home, "report", "progress", "--format", "json")
    pending = {p["school"]: p["stage"] for p in json.loads(out)["data"]["pending"]}
    assert pending == {"LV-0101": "planned", "LV-0103": "assessed"}
    code, out, _ = run(home, "report", "assessment", "--lang", "lv", "--format", "md")
    assert code == 0 and "Vidējā/ilgā termiņā: pats pieslēgums" in out
