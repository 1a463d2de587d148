"""Every command that reads a file refuses a bad one with ``error: FILE…`` and exit status 2, never a
traceback: random bytes, and good files cut short or with a byte changed (a property test), plus the
files found refused badly before (a run record with an array line, a playbook of millions of steps, a
header version that is not one)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mikronet.cli.main import main
from mikronet.ledger import open_ledger
from mikronet.ledger.exchange import export_text
from mikronet.playbook import MAX_PLAYBOOK_BYTES, MAX_STEPS

ROOT = Path(__file__).resolve().parents[1]
INVENTORY = f"""\
templates: {ROOT / "templates"}
defaults:
  transport: api
  username: mikronet
  password: {{env: MIKRONET_PASSWORD}}
  template: school-gateway
  vars: {{timezone: Europe/Riga, dns_servers: [1.1.1.1], ntp_servers: [0.lv.pool.ntp.org], admin_subnet: 10.1.0.0/16}}
schools:
- id: LV-0042
  name: Rīgas Kalna sākumskola
  municipality: Rīga
  connection: {{type: other}}
  vars: {{lan_subnet: 10.42.0.0/24}}
  routers:
  - {{name: gw, host: 127.0.0.1, model: RB750Gr3, ports: {{api: 9}}}}
"""
PLAYBOOK = "name: nightly\nstrategy: {retries: 0, forks: 1}\nsteps:\n- plan\n"
RECORD = (json.dumps({"type": "run", "version": 1, "operation": "plan", "command": ["mikronet", "plan"],
                      "selection": ["LV-0042/gw"]}) + "\n"
          + json.dumps({"type": "result", "router": "LV-0042/gw", "status": "planned"}) + "\n")
CSV = ("id,name,municipality,connection_type,router_name,router_host,router_model\r\n"
       "LV-0107,Ludzas Ežezera pamatskola,Ludzas novads,optical,gw,10.1.13.1,RB750Gr3\r\n")
RSC = ("# 2024-03-01 10:00:00 by RouterOS 7.14.3\n# software id = ABCD-1234\n/ip dns\n"
       "set allow-remote-requests=yes servers=1.1.1.1\n/ip address\nadd address=10.42.0.1/24 interface=bridge\n")


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in CSV.splitlines():
        sheet.append(line.split(","))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.xlsx"
        book.save(path)
        return path.read_bytes()


def _ledger_file() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        ledger = open_ledger(url=f"sqlite:///{folder}/l.sqlite")
        ledger.append(school="LV-0042", kind="consultation", technician="Anna Bērziņa", details={"note": "Wi-Fi"})
        text = export_text(ledger.events(), "jsonl")
        ledger.close()
    return text.encode()


# command → (file suffix, a good file, argv with FILE for the file)
COMMANDS: dict[str, tuple[str, Callable[[], bytes], list[str]]] = {
    "inventory": (".yaml", INVENTORY.encode, ["-i", "FILE", "inventory", "check"]),
    "import-csv": (".csv", CSV.encode, ["inventory", "import", "FILE"]),
    "import-xlsx": (".xlsx", _xlsx, ["inventory", "import", "FILE"]),
    "playbook": (".yaml", PLAYBOOK.encode, ["run", "FILE", "--yes"]),
    "resume": (".jsonl", RECORD.encode, ["plan", "--resume", "FILE"]),
    "ledger-import": (".jsonl", _ledger_file, ["--ledger", "sqlite:///LEDGER", "ledger", "import", "FILE"]),
    "config-parse": (".rsc", RSC.encode, ["config", "parse", "FILE"]),
    "config-diff": (".rsc", RSC.encode, ["config", "diff", "FILE", "FILE"]),
    "config-normalize": (".rsc", RSC.encode, ["config", "normalize", "FILE"]),
}


def damaged(good: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes; the good file cut short; the good file with one byte changed."""
    cut = st.integers(0, len(good)).map(lambda n: good[:n])
    flipped = st.tuples(st.integers(0, max(len(good) - 1, 0)), st.integers(0, 255)).map(
        lambda pb: good[: pb[0]] + bytes([pb[1]]) + good[pb[0] + 1 :])
    return st.one_of(st.binary(max_size=400), cut, flipped)


def run_on(command: str, data: bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    suffix, _, argv = COMMANDS[command]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "fleet.yaml").write_text(INVENTORY, encoding="utf-8")
        file = base / f"input{suffix}"
        file.write_bytes(data)
        args = [a.replace("FILE", str(file)).replace("LEDGER", str(base / "l.sqlite")) for a in argv]
        if args[0] != "-i":
            args = ["-i", str(base / "fleet.yaml"), *args]
        status = main(args)
    captured = capsys.readouterr()
    return status, captured.err


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", "Input-Password")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_good_file_is_read(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = run_on(command, COMMANDS[command][1](), capsys)
    assert status == (1 if command == "playbook" else 0), err  # the playbook runs: its router is unreachable


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_damaged_file_is_refused_cleanly(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    good = COMMANDS[command][1]()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=damaged(good))
    def check(data: bytes) -> None:
        status, err = run_on(command, data, capsys)  # an exception escaping main fails the test
        assert status in (0, 1, 2)
        if status == 2:
            assert err.strip() and "Traceback" not in err

    check()


def test_a_record_line_that_is_an_array_or_bytes_names_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    for data, says in ((RECORD.encode() + b"[1, 2]\n", ":3: not a run record line"),
                       (b"\xff\xfe\x00garbage\n" + RECORD.encode(), ":1: not a run record line")):
        status, err = run_on("resume", data, capsys)
        assert status == 2 and says in err


def test_a_record_of_another_operation_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = run_on("resume", RECORD.replace('"plan"', '"upgrade"', 1).encode(), capsys)
    assert status == 2 and "record of a 'upgrade' run, not of 'plan'" in err


def test_a_playbook_over_the_caps_is_refused_naming_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    many = "name: many\nsteps:\n" + "- plan\n" * (MAX_STEPS + 1)
    status, err = run_on("playbook", many.encode(), capsys)
    assert status == 2 and "input.yaml" in err and f"at most {MAX_STEPS}" in err
    huge = "name: huge\nsteps: [plan]\ndescription: " + "x" * MAX_PLAYBOOK_BYTES + "\n"
    status, err = run_on("playbook", huge.encode(), capsys)
    assert status == 2 and "input.yaml" in err and f"at most {MAX_PLAYBOOK_BYTES:,}" in err


@pytest.mark.parametrize("command", ["config-parse", "config-diff", "config-normalize"])
def test_a_header_version_that_is_not_one_is_refused(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = run_on(command, RSC.replace("7.14.3", "6.27x").encode(), capsys)
    assert status == 2 and "input.rsc:1:" in err and "'6.27x'" in err
