"""A ledger cut short is found: its head is witnessed in the backups' git history after each
append (``record``, ``ledger import``, a fleet run), and ``ledger verify`` checks the database against
the newest witness. An append after the head record was deleted repairs it or refuses clearly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger_support import run_sql

from mikronet.cli.main import cli
from mikronet.inventory import load_inventory
from mikronet.ledger import open_ledger, read_witness, record_witness
from mikronet.ops.backup import BackupStore

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
- id: LV-0107
  name: Ludzas Ežezera pamatskola
  municipality: Ludzas novads
  connection: {type: optical}
  routers:
  - {name: gw, host: 10.1.13.1, model: RBD52G-5HacD2HnD}
"""


@pytest.fixture
def inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "inventory"
    folder.mkdir()
    (folder / "schools.yaml").write_text(INVENTORY, encoding="utf-8")
    monkeypatch.setenv("MIKRONET_PASSWORD", "Ņ7-parole")
    monkeypatch.setenv("MIKRONET_TECHNICIAN", "Anna Bērziņa")
    return folder


def run(inventory: Path, ledger: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-i", str(inventory), "--ledger", ledger, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def record(inventory: Path, ledger: str, note: str) -> tuple[int, str, str]:
    return run(inventory, ledger, "record", "LV-0042", "--note", note)


def subjects(inventory: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(inventory / "backups"), "log", "--format=%s"], capture_output=True,
                         text=True, check=True)
    return out.stdout.splitlines()


def test_each_record_is_witnessed_and_verify_reaches_the_witness(inventory: Path, ledger_url: str) -> None:
    for n in range(3):
        assert record(inventory, ledger_url, f"konsultācija {n}")[0] == 0
    assert next(s for s in subjects(inventory) if s.startswith("ledger:")).startswith("ledger: head at seq 3 ")
    code, out, _ = run(inventory, ledger_url, "ledger", "verify")
    assert code == 0 and "reaches the head witnessed at seq 3" in out


def test_the_last_events_deleted_with_the_head_are_found(inventory: Path, ledger_url: str) -> None:
    for n in range(3):
        record(inventory, ledger_url, f"konsultācija {n}")
    run_sql(ledger_url, "DELETE FROM ledger_events WHERE seq >= 2")
    run_sql(ledger_url, "DELETE FROM ledger_head")
    code, out, _ = run(inventory, ledger_url, "ledger", "verify")
    assert code == 1
    assert "broken" in out and "reached seq 3" in out and "it ends at seq 1" in out and "cut away" in out


def test_a_ledger_emptied_by_hand_is_not_ok(inventory: Path, ledger_url: str) -> None:
    record(inventory, ledger_url, "konsultācija")
    run_sql(ledger_url, "DELETE FROM ledger_events")
    run_sql(ledger_url, "DELETE FROM ledger_head")
    code, out, _ = run(inventory, ledger_url, "ledger", "verify")
    assert code == 1 and "holds no event at all" in out


def test_a_lost_head_is_rebuilt_when_the_chain_holds(inventory: Path, ledger_url: str) -> None:
    for n in range(2):
        record(inventory, ledger_url, f"konsultācija {n}")
    run_sql(ledger_url, "DELETE FROM ledger_head")
    code, out, err = record(inventory, ledger_url, "pēc galvas zuduma")
    assert code == 0, err
    assert "(seq 3)" in out
    code, out, _ = run(inventory, ledger_url, "ledger", "verify")
    assert code == 0 and "ok: 3 events" in out


def test_an_append_over_a_broken_chain_without_head_is_refused_clearly(inventory: Path, ledger_url: str) -> None:
    for n in range(3):
        record(inventory, ledger_url, f"konsultācija {n}")
    run_sql(ledger_url, "DELETE FROM ledger_events WHERE seq = 2")
    run_sql(ledger_url, "DELETE FROM ledger_head")
    code, out, err = record(inventory, ledger_url, "vēl viena")
    assert code == 2
    assert "head is gone and the chain does not verify" in err and "UNIQUE" not in err + out
    with open_ledger(ledger_url) as ledger:
        assert ledger.count() == 2


def test_a_head_that_does_not_name_the_last_event_is_refused(inventory: Path, ledger_url: str) -> None:
    for n in range(2):
        record(inventory, ledger_url, f"konsultācija {n}")
    run_sql(ledger_url, "UPDATE ledger_head SET seq = 1")
    code, _, err = record(inventory, ledger_url, "vēl viena")
    assert code == 2 and "names seq 1 but the ledger holds seq 2" in err


def test_a_chain_rewritten_past_the_witness_is_found_and_never_witnessed(inventory: Path, ledger_url: str) -> None:
    for n in range(3):
        record(inventory, ledger_url, f"konsultācija {n}")
    run_sql(ledger_url, "DELETE FROM ledger_events WHERE seq >= 2")
    run_sql(ledger_url, "DELETE FROM ledger_head")
    for n in range(3):  # the head is rebuilt from event 1; the new events are appended, not witnessed
        code, _, err = record(inventory, ledger_url, f"aizstājējs {n}")
        assert code == 1 and "not recording its head in the backups" in err
    code, out, _ = run(inventory, ledger_url, "ledger", "verify")
    assert code == 1 and "edited: the event at seq 3" in out and "rewritten" in out
    store = BackupStore(inventory / "backups")
    with open_ledger(ledger_url) as ledger:
        witness = read_witness(store, ledger.url)
        assert witness is not None and witness.head.seq == 3


def test_record_witness_is_callable_by_a_fleet_run(inventory: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    store = BackupStore(load_inventory(inventory).trust_dir / "backups")
    with open_ledger(url) as ledger:
        assert record_witness(ledger, store, author="Jānis Ozols") is None  # nothing to witness yet
        event = ledger.append(school="LV-0042", kind="consultation", technician="Jānis Ozols")
        witness = record_witness(ledger, store, author="Jānis Ozols")
        assert witness is not None and witness.head.hash == event.hash
        assert record_witness(ledger, store) == witness  # the same head: nothing new committed
    author = subprocess.run(["git", "-C", str(inventory / "backups"), "log", "-1", "--format=%an"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert author == "Jānis Ozols"
    assert len([s for s in subjects(inventory) if s.startswith("ledger:")]) == 1
