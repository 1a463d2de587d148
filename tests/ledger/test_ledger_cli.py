"""``mikronet record`` and ``mikronet ledger …`` through click's runner (SQLite and PostgreSQL via
``--ledger``), and as a real process; who the technician is."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger_support import run_sql

from mikronet.cli.main import cli
from mikronet.ledger import resolve_technician, technician_source

INVENTORY = """\
defaults:
  transport: api
  username: mikronet
  password: {env: MIKRONET_PASSWORD}
  template: school-gateway
schools:
- id: LV-0042
  name: Rīgas Kalna sākumskola
  municipality: Rīga
  connection: {type: other}
  routers:
  - {name: gw, host: 10.1.12.1, model: RBD52G-5HacD2HnD, serial: 50DB9FB4DC2B}
  - {name: lab, host: 10.1.12.2, model: L009UiGS-2HaxD}
- id: LV-0107
  name: Ludzas Ežezera pamatskola
  municipality: Ludzas novads
  connection: {type: optical}
  routers:
  - {name: gw, host: 10.1.13.1, model: RBD52G-5HacD2HnD}
"""
NOTE = "Skolotāju istabā vājš Wi-Fi signāls; ieteikts papildu piekļuves punkts (ķēde, ūdens, žogs)"
PASSWORD = "Ņ7-ļoti-slepena-parole-čūska"


@pytest.fixture
def inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "inventory"
    folder.mkdir()
    (folder / "schools.yaml").write_text(INVENTORY, encoding="utf-8")
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    monkeypatch.setenv("MIKRONET_TECHNICIAN", "Anna Bērziņa")
    return folder


def run(inventory: Path, *args: str, ledger: str | None = None) -> tuple[int, str, str]:
    head = ["-i", str(inventory)] + (["--ledger", ledger] if ledger else [])
    result = CliRunner().invoke(cli, [*head, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_record_list_show_verify(inventory: Path, ledger_url: str) -> None:
    code, out, _ = run(inventory, "record", "LV-0042", "--note", NOTE, "--router", "gw", ledger=ledger_url)
    assert code == 0 and "recorded consultation at LV-0042 (Rīgas Kalna sākumskola) by Anna Bērziņa" in out
    code, _, _ = run(
        inventory,
        "record",
        "LV-0107",
        "--kind",
        "technical-fix",
        "--note",
        f"parole {PASSWORD} nomainīta",
        "--outcome",
        "failed",
        "--technician",
        "Jānis Ozoliņš",
        ledger=ledger_url,
    )
    assert code == 0

    code, out, _ = run(inventory, "--json", "ledger", "list", ledger=ledger_url)
    events = json.loads(out)
    assert [
        (e["school"], e["router"], e["serial"], e["kind"], e["category"], e["outcome"], e["technician"]) for e in events
    ] == [
        ("LV-0042", "LV-0042/gw", "50DB9FB4DC2B", "consultation", "consultation", "completed", "Anna Bērziņa"),
        ("LV-0107", None, None, "technical-fix", "technical-improvement", "failed", "Jānis Ozoliņš"),
    ]
    assert events[0]["details"] == {"note": NOTE}
    assert events[1]["details"] == {"note": "parole *** nomainīta"}

    code, out, _ = run(inventory, "ledger", "list", "--kind", "technical-fix", ledger=ledger_url)
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:3] == ["SEQ", "TIME", "(UTC)"] and len(lines) == 2
    assert "LV-0107" in lines[1] and "Jānis Ozoliņš" in lines[1] and "parole *** nomainīta" in lines[1]
    code, out, err = run(
        inventory,
        "ledger",
        "list",
        "--school",
        "LV-0042",
        "--since",
        "2000-01-01",
        "--until",
        "2000-12-31",
        ledger=ledger_url,
    )
    assert code == 0 and out == "" and err == "no events\n"

    code, out, _ = run(inventory, "ledger", "show", events[0]["id"][:8], ledger=ledger_url)
    assert code == 0 and ["id", events[0]["id"]] in [line.split() for line in out.splitlines()] and NOTE in out
    code, out, _ = run(inventory, "ledger", "verify", ledger=ledger_url)
    assert code == 0 and out.startswith("ok: 2 events, chain intact")

    run_sql(ledger_url, "UPDATE ledger_events SET outcome = 'completed' WHERE seq = 2")
    code, out, _ = run(inventory, "ledger", "verify", ledger=ledger_url)
    assert code == 1
    assert out == f"broken: event {events[1]['id']} (seq 2): edited: its content no longer matches its hash\n"
    code, out, _ = run(inventory, "--json", "ledger", "verify", ledger=ledger_url)
    assert code == 1 and json.loads(out)["first_bad"] == events[1]["id"]


def test_the_default_ledger_sits_beside_the_inventory(inventory: Path) -> None:
    code, _, err = run(inventory, "ledger", "list")
    assert code == 2 and f"no ledger at {inventory / 'ledger.sqlite'}" in err
    assert run(inventory, "record", "LV-0042", "--note", NOTE)[0] == 0
    assert (inventory / "ledger.sqlite").is_file()
    code, out, _ = run(inventory, "ledger", "verify")
    assert code == 0 and f"sqlite:///{inventory / 'ledger.sqlite'}" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["LV-0043", "--note", "x"], "no school 'LV-0043' in"),
        (
            ["LV-0042", "--router", "ap9", "--note", "x"],
            "--router 'ap9': LV-0042 has the routers LV-0042/gw, LV-0042/lab",
        ),
    ],
)
def test_record_refuses_what_the_inventory_does_not_have(inventory: Path, args: list[str], message: str) -> None:
    code, out, err = run(inventory, "record", *args)
    assert code == 2 and message in err and out == ""
    assert not (inventory / "ledger.sqlite").exists()


def test_export_csv_json_jsonl_and_import_twice(inventory: Path, tmp_path: Path, ledger_url: str) -> None:
    laptop = f"sqlite:///{tmp_path / 'laptop.sqlite'}"
    for school in ("LV-0042", "LV-0107"):
        assert run(inventory, "record", school, "--note", NOTE, ledger=laptop)[0] == 0

    out_csv = tmp_path / "ledger.csv"
    assert run(inventory, "ledger", "export", "--format", "csv", "-o", str(out_csv), ledger=laptop)[0] == 0
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and NOTE.encode("utf-8") in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["school"] for r in rows] == ["LV-0042", "LV-0107"] and json.loads(rows[0]["details"]) == {"note": NOTE}
    assert rows[0]["technician"] == "Anna Bērziņa"
    code, _, err = run(inventory, "ledger", "export", "--format", "csv", "-o", str(out_csv), ledger=laptop)
    assert code == 2 and "already exists; use --force" in err

    code, out, _ = run(inventory, "ledger", "export", "--format", "json", "--school", "LV-0107", ledger=laptop)
    assert code == 0 and [e["school"] for e in json.loads(out)] == ["LV-0107"]

    jsonl = tmp_path / "lauka-darbs.jsonl"
    assert run(inventory, "ledger", "export", "--format", "jsonl", "-o", str(jsonl), ledger=laptop)[0] == 0
    code, out, _ = run(inventory, "ledger", "import", str(jsonl), ledger=ledger_url)
    assert code == 0 and out.startswith(f"merged 2 events from {jsonl} into ") and out.endswith("(0 already there)\n")
    code, out, _ = run(inventory, "--json", "ledger", "import", str(jsonl), ledger=ledger_url)
    assert code == 0 and json.loads(out)["added"] == 0 and json.loads(out)["skipped"] == 2
    assert run(inventory, "ledger", "verify", ledger=ledger_url)[0] == 0

    lines = jsonl.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Anna Bērziņa", "Kāds Cits")
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(inventory, "ledger", "import", str(jsonl), ledger=f"sqlite:///{tmp_path / 'third.sqlite'}")
    first_id = json.loads(lines[1])["id"]
    assert code == 2 and f"the events' own chain is broken at {first_id}: edited" in err


def test_a_real_process_exits_2_on_a_bad_ledger_url(inventory: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mikronet", "-i", str(inventory), "--ledger", "mysql://db/ledger", "ledger", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "MIKRONET_PASSWORD": PASSWORD},
        check=False,
    )
    assert done.returncode == 2
    assert (
        done.stderr
        == "error: --ledger 'mysql://db/ledger': unknown kind of URL 'mysql'; use sqlite:///PATH or postgresql://…\n"
    )


def test_the_technician_comes_from_option_environment_git_then_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    repo = tmp_path / "inventory"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "user.name", "Ilze Siliņa"], check=True)
    env = {"MIKRONET_TECHNICIAN": "Līga Kalniņa"}
    assert technician_source("Jānis Ozoliņš", environ=env, cwd=repo) == ("Jānis Ozoliņš", "--technician")
    assert technician_source(None, environ=env, cwd=repo) == ("Līga Kalniņa", "MIKRONET_TECHNICIAN")
    assert technician_source("  ", environ={"MIKRONET_TECHNICIAN": ""}, cwd=repo) == ("Ilze Siliņa", "git user.name")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    name, source = technician_source(None, environ={}, cwd=elsewhere)
    assert source == "os user" and name
    assert resolve_technician(None, environ={}, cwd=repo) == "Ilze Siliņa"


def test_record_marks_work_as_the_programmes(inventory: Path, ledger_url: str) -> None:
    code, out, _ = run(inventory, "record", "LV-0042", "--note", NOTE, "--programme", "consultation", ledger=ledger_url)
    assert code == 0 and "marked as the programme's consultation" in out
    code, out, _ = run(inventory, "ledger", "show", "1", "--json", ledger=ledger_url)
    shown = json.loads(out)
    assert shown["category"] == "consultation" and shown["details"]["programme"] is True
    code, _, err = run(inventory, "record", "LV-0042", "--note", "x", "--programme", "upgrade", ledger=ledger_url)
    assert code == 2 and "upgrade" in err


def test_ledger_list_shows_riga_time_with_its_offset(inventory: Path, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from mikronet.ledger import open_ledger

    url = f"sqlite:///{tmp_path / 'l.sqlite'}"
    with open_ledger(url) as ledger:
        ledger.append(school="LV-0042", kind="consultation", technician="A", time=datetime(2026, 12, 6, 7, 12, 5,
                                                                                             tzinfo=UTC))
    code, out, _ = run(inventory, "ledger", "list", ledger=url)
    assert code == 0 and "2026-12-06 09:12:05 +02:00" in out
    code, out, _ = run(inventory, "--json", "ledger", "list", ledger=url)
    assert json.loads(out)[0]["time"] == "2026-12-06T07:12:05.000000Z"  # JSON keeps ISO 8601 with its zone
