"""Every command that changes a router leaves the same record: one ledger event per router it touched,
with its outcome, the run id and the technician, and the router's row of the fleet state; on SQLite
and on PostgreSQL. The commands run as a technician runs them (the CLI, in-process)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.inventory import load_inventory
from mikronet.ledger import Event, open_ledger
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

from .conftest import ENV, PASSWORD, fleet_inventory, pin_all

TECHNICIAN = "Ilze Kalniņa"


@pytest.fixture
def school(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimFleet]:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    (tmp_path / "inventory.yaml").write_text(fleet_inventory(2, 2, transports=("api-ssl",)), encoding="utf-8")
    options = FleetOptions(device=DeviceOptions(boot_time=0.3, install_boot_time=0.5))
    with SimFleet(tmp_path / "inventory.yaml", directory=tmp_path / "sim", options=options, environ=ENV) as running:
        pin_all(load_inventory(running.inventory_path))
        yield running


def _cli(sim: SimFleet, url: str, *args: str) -> int:
    return main(["-i", str(sim.inventory_path), "--ledger", url, "--technician", TECHNICIAN, *args])


def _push_first(sim: SimFleet, url: str) -> None:
    assert _cli(sim, url, "push", "--limit", "LV-0001/r0", "--yes", "--revert-after", "10") == 0


def _replace_device(sim: SimFleet, url: str) -> None:
    sim.replace("LV-0001/r0", "NEW000777")


# command -> (what to do first, its arguments, the kind it records, the routers it touches)
CASES: dict[str, tuple[Callable[[SimFleet, str], None] | None, tuple[str, ...], str, set[str]]] = {
    "push": (None, ("push", "--limit", "LV-0001/*", "--yes", "--revert-after", "10"), "push",
             {"LV-0001/r0", "LV-0001/r1"}),
    "run": (None, ("run", "PLAYBOOK", "--limit", "LV-0001/*", "--yes"), "push", {"LV-0001/r0", "LV-0001/r1"}),
    "upgrade": (None, ("upgrade", "--version", "7.16.2", "--limit", "LV-0001/r0", "--yes", "--first-check", "0.2",
                       "--come-back-within", "20"), "routeros-upgrade", {"LV-0001/r0"}),
    "restore": (_push_first, ("restore", "LV-0001/r0", "--yes"), "restore", {"LV-0001/r0"}),
    "swap": (_replace_device, ("swap", "LV-0001/r0", "--new-serial", "NEW000777", "--yes"), "swap", {"LV-0001/r0"}),
    "add-device": (None, ("add-device", "LV-0001", "--name", "ap9", "--host", "10.1.1.99", "--model", "cAP ac",
                          "--serial", "CAP0099", "--no-pin"), "add-device", {"LV-0001/ap9"}),
    "tls-enroll": (None, ("tls-enroll", "--limit", "LV-0001/r0", "--yes"), "tls-enroll", {"LV-0001/r0"}),
    "trust --replace": (_replace_device, ("trust", "LV-0001/r0", "--yes", "--replace"), "re-pin", {"LV-0001/r0"}),
}


@pytest.mark.parametrize("command", list(CASES))
def test_every_changing_command_records_one_event_per_router_it_touched(
    school: SimFleet, ledger_url: str, tmp_path: Path, command: str
) -> None:
    first, args, kind, touched = CASES[command]
    if first is not None:
        first(school, ledger_url)
    with open_ledger(ledger_url) as ledger:
        before = {e.id for e in ledger.events()}
    if "PLAYBOOK" in args:
        book = tmp_path / "book.yaml"
        book.write_text("name: baseline\nsteps: [push]\n", encoding="utf-8")
        args = tuple(str(book) if a == "PLAYBOOK" else a for a in args)

    assert _cli(school, ledger_url, *args) == 0

    with open_ledger(ledger_url) as ledger:
        new: list[Event] = [e for e in ledger.events() if e.id not in before]
        assert sorted(e.router or "" for e in new) == sorted(touched)  # exactly one each, nothing else
        assert {e.kind for e in new} == {kind}
        assert all(e.outcome == "completed" and e.technician == TECHNICIAN for e in new), new
        runs = school.inventory_path.parent / "runs"
        for event in new:
            run = event.details["run"]
            assert (runs / f"{run}.jsonl").is_file(), run  # the run record it came from
            state = ledger.state.get(event.router or "")
            assert state is not None and state.last_run == run and state.last_status in ("changed", "ok")
        assert ledger.verify().ok
    if command == "swap":
        assert new[0].serial == "NEW000777"
        with open_ledger(ledger_url) as ledger:  # the state knows the new device from the swap's own check
            swapped = ledger.state.get("LV-0001/r0")
        assert swapped is not None and swapped.serial == "NEW000777" and swapped.last_operation == "swap"


def test_read_only_commands_record_no_event_but_keep_the_state(school: SimFleet, ledger_url: str) -> None:
    assert _cli(school, ledger_url, "facts", "--limit", "LV-0002/*") == 0
    assert _cli(school, ledger_url, "plan", "--limit", "LV-0002/*") == 0
    assert _cli(school, ledger_url, "backup", "--limit", "LV-0002/*") == 0
    with open_ledger(ledger_url) as ledger:
        assert ledger.count() == 0
        rows = {s.router: s for s in ledger.state.all()}
    assert set(rows) == {"LV-0002/r0", "LV-0002/r1"}
    for row in rows.values():
        assert row.routeros and row.model and row.serial and row.seen_at
        assert row.drift is True and (row.drift_ops or 0) > 0  # factory routers: away from their template
        assert row.backup_commit and len(row.backup_commit) == 40
        assert row.last_operation is None  # nothing set out to change them


def test_the_state_rebuilt_from_the_records_equals_the_incremental_one(school: SimFleet, ledger_url: str) -> None:
    for args in (("trust", "--limit", "LV-000*", "--yes"), ("facts",), ("plan",),
                 ("push", "--limit", "LV-0001/*", "--yes", "--revert-after", "10"), ("plan", "--limit", "LV-0001/*"),
                 ("upgrade", "--version", "7.16.2", "--limit", "LV-0002/r1", "--yes", "--first-check", "0.2"),
                 ("backup", "--limit", "LV-0002/*")):
        assert _cli(school, ledger_url, *args) in (0, 1), args
    with open_ledger(ledger_url) as ledger:
        incremental = ledger.state.all()
    assert _cli(school, ledger_url, "state", "rebuild") == 0
    with open_ledger(ledger_url) as ledger:
        rebuilt = ledger.state.all()
    assert len(incremental) == 4
    assert rebuilt == incremental


def test_state_prints_a_table_in_riga_time(school: SimFleet, ledger_url: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import re

    assert _cli(school, ledger_url, "facts", "--limit", "LV-0001/*") == 0
    capsys.readouterr()
    assert _cli(school, ledger_url, "state") == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if "LV-000" in line]
    assert len(rows) == 4 and "never run" in out  # LV-0002's routers have no state yet
    seen = next(line for line in rows if "LV-0001/r0" in line)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? \+0[23]:00", seen), seen  # Europe/Riga with its offset


def test_after_an_upgrade_campaign_the_state_and_the_reports_show_the_new_versions(
    school: SimFleet, ledger_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    assert _cli(school, ledger_url, "facts") == 0  # the versions before: what a facts run saw
    assert _cli(school, ledger_url, "upgrade", "--version", "7.16.2", "--limit", "LV-0001/*", "--yes",
                "--first-check", "0.2", "--campaign", "ziema-2026") == 0
    capsys.readouterr()

    assert _cli(school, ledger_url, "state", "--json") == 0  # no facts run in between
    rows = {r["router"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["LV-0001/r0"]["routeros"] == rows["LV-0001/r1"]["routeros"] == "7.16.2"
    assert rows["LV-0001/r0"]["last_operation"] == "upgrade"

    assert _cli(school, ledger_url, "report", "upgrades", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)["data"]
    assert report["targets"] == ["7.16.2"]  # the campaign's own target
    versions = {r["router"]: r for r in report["routers"]}
    assert versions["LV-0001/r0"]["version"] == "7.16.2" and versions["LV-0001/r0"]["status"] == "on-target"
    assert versions["LV-0001/r1"]["version"] == "7.16.2"
    assert versions["LV-0002/r0"]["version"] == rows["LV-0002/r0"]["routeros"]  # not upgraded: as facts saw it

    assert _cli(school, ledger_url, "report", "drift", "--limit", "LV-0001/*", "--format", "json") in (0, 3)
    drift = {r["router"]: r for r in json.loads(capsys.readouterr().out)["data"]["routers"]}
    assert drift["LV-0001/r0"]["backup_version"] == drift["LV-0001/r1"]["backup_version"] == "7.16.2"


def test_backups_that_cannot_reach_their_shared_remote_are_said_in_the_summary_and_go_later(
    school: SimFleet, ledger_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    remote = tmp_path / "shared-backups.git"  # not there yet: the first backups cannot reach it
    path = school.inventory_path
    path.write_text(path.read_text(encoding="utf-8") + f"backups:\n  remote: {remote}\n", encoding="utf-8")
    capsys.readouterr()
    assert _cli(school, ledger_url, "backup", "--limit", "LV-0001/*") == 0  # the backups themselves are fine
    err = capsys.readouterr().err
    assert "warning:" in err and "not yet on" in err and str(remote) in err

    subprocess.run(["git", "init", "--bare", "-q", str(remote)], check=True)
    assert _cli(school, ledger_url, "backup", "--limit", "LV-0002/*") == 0
    assert "not yet on" not in capsys.readouterr().err
    shown = subprocess.run(["git", "-C", str(remote), "log", "--format=%s"], capture_output=True, text=True,
                           check=True).stdout
    assert "LV-0001/r0" in shown and "LV-0002/r0" in shown  # the first run's commits went with the second
