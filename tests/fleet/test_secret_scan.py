"""No secret, in any spelling, anywhere a fleet run writes: every command's output, DEBUG logs,
backups and their git history, run records, the ledger, reports, JSON.

The password has `" $ \\ ?` and a Latvian letter, so that each way of writing it down (as is,
Python's repr, JSON, RouterOS quoting, URL encoding, bytes) differs from the others.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import subprocess
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.ledger import open_ledger
from mikronet.routeros.quoting import escape
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

from .conftest import ENV, PASSWORD, fleet_inventory

pytestmark = pytest.mark.timeout(240)


def ledger_kinds(folder: Path) -> Counter[str]:
    """How many events of each kind the ledger beside the inventory holds (none before it exists)."""
    if not (folder / "ledger.sqlite").exists():
        return Counter()
    with open_ledger(base_dir=folder, create=False) as ledger:
        return Counter(event.kind for event in ledger.events())


def spellings(secret: str) -> set[str]:
    return {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
            escape(secret), urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret),
            repr(secret.encode())[2:-1]}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("scan")
    (root / "inventory.yaml").write_text(fleet_inventory(2, 2, transports=("api-ssl", "ssh")), encoding="utf-8")
    with SimFleet(root / "inventory.yaml", directory=root / "sim",
                  options=FleetOptions(device=DeviceOptions(boot_time=0.3)), environ=ENV) as running:
        yield running


@dataclass
class Scan:
    """What every command of the scan returned, printed, logged and added to the ledger."""

    inventory: Path
    reports: Path
    statuses: dict[str, int] = field(default_factory=dict)
    added: dict[str, Counter[str]] = field(default_factory=dict)
    removed: dict[str, Counter[str]] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    logged: list[str] = field(default_factory=list)


def commands(inventory: Path, reports: Path) -> list[list[str]]:
    return [
        ["trust", "--yes"], ["plan", "--json"], ["plan", "--diff"], ["push", "--yes", "--json"], ["push", "--yes"],
        ["facts"], ["facts", "--json"], ["backup"], ["history", "LV-0001/r0"], ["history", "LV-0001/r1", "--json"],
        ["measure", "--server", "192.0.2.1", "--seconds", "1"], ["upgrade", "--version", "7.16.2", "--check"],
        ["restore", "LV-0002/r0", "--check"], ["ledger", "list"], ["ledger", "export", "--format", "jsonl"],
        ["ledger", "verify"], ["report", "progress", "--format", "json"],
        ["report", "upgrades", "--format", "html", "-o", str(reports / "upgrades.html")],
        ["report", "drift", "--format", "md"], ["render", "LV-0001/r0"],
        ["config", "parse", str(inventory.parent / "backups" / "LV-0001" / "r0.rsc")],
    ]


@pytest.fixture(scope="module")
def scan(scanned: SimFleet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scan]:
    """Every command once, in order, as a technician would run them, with DEBUG logging on."""
    patch = pytest.MonkeyPatch()
    patch.setenv("MIKRONET_PASSWORD", PASSWORD)
    patch.setenv("MIKRONET_TECHNICIAN", "Skeneris")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    result = Scan(scanned.inventory_path, tmp_path_factory.mktemp("reports"))
    try:
        for command in commands(result.inventory, result.reports):
            name = " ".join(command)
            before = ledger_kinds(result.inventory.parent)
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                result.statuses[name] = main(["-i", str(result.inventory), *command])
            after = ledger_kinds(result.inventory.parent)
            result.added[name], result.removed[name] = after - before, before - after
            result.outputs += [out.getvalue(), err.getvalue()]
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
        patch.undo()
    result.logged = [record.getMessage() for record in records]
    yield result


def test_every_command_ends_with_its_exit_status(scan: Scan) -> None:
    """Each command here succeeds on a healthy fleet: 0, never 1 or 2 (a failure would hide in a scan
    that only looks for secrets)."""
    assert len(scan.statuses) == len(commands(scan.inventory, scan.reports))
    assert scan.statuses == {name: 0 for name in scan.statuses}


LEDGER_KINDS = {
    "measure --server 192.0.2.1 --seconds 1": Counter(measure=4),  # one event per router measured
}
FIRST_PUSH = "push --yes --json"


def test_each_command_adds_the_ledger_events_it_should_and_no_other(scan: Scan) -> None:
    for name, added in scan.added.items():
        if name == FIRST_PUSH:
            continue  # the next test
        assert added == LEDGER_KINDS.get(name, Counter()), name
        assert not scan.removed[name], f"{name} removed ledger events"


def test_a_push_records_one_push_event_per_changed_router(scan: Scan) -> None:
    assert scan.added[FIRST_PUSH] == Counter(push=4)  # it changes the four routers (the second push, none)


def test_no_spelling_of_the_password_anywhere(scan: Scan) -> None:
    folder = scan.inventory.parent
    written = [p.read_bytes().decode("utf-8", "replace") for p in (*folder.rglob("*"), *scan.reports.rglob("*"))
               if p.is_file() and ".git" not in p.parts]
    history = subprocess.run(["git", "-C", str(folder / "backups"), "log", "-p", "--all"], capture_output=True,
                             text=True, check=True).stdout
    everything = "\n".join(scan.outputs + written + scan.logged + [history])
    printed = "\n".join(scan.outputs)
    assert "LV-0001/r0" in printed and len(printed) > 20_000  # the commands ran and printed
    assert len(everything) > 50_000
    assert any(p.name.endswith("-push.jsonl") for p in (folder / "runs").iterdir())
    assert (scan.reports / "upgrades.html").exists()
    assert "before push" in history and "after push" in history
    for spelling in spellings(PASSWORD):
        assert spelling not in everything, spelling
