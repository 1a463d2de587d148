"""No secret, in any spelling, anywhere a fleet run writes: every command's output, DEBUG logs,
backups and their git history, run records, the ledger, reports, JSON.

The password has `" $ \\ ?` and a Latvian letter, so that each way of writing it down (as is,
Python's repr, JSON, RouterOS quoting, URL encoding, bytes) differs from the others.
"""

from __future__ import annotations

import json
import logging
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.routeros.quoting import escape
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

from .conftest import ENV, PASSWORD, fleet_inventory

pytestmark = pytest.mark.timeout(240)


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


def test_no_spelling_of_the_password_anywhere(scanned: SimFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    monkeypatch.setenv("MIKRONET_TECHNICIAN", "Skeneris")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    reports = tmp_path / "reports"
    inventory = scanned.inventory_path
    commands = [
        ["trust", "--yes"], ["plan", "--json"], ["plan", "--diff"], ["push", "--yes", "--json"], ["push", "--yes"],
        ["facts"], ["facts", "--json"], ["backup"], ["history", "LV-0001/r0"], ["history", "LV-0001/r1", "--json"],
        ["measure", "--server", "192.0.2.1", "--seconds", "1"], ["upgrade", "--version", "7.16.2", "--check"],
        ["restore", "LV-0002/r0", "--check"], ["ledger", "list"], ["ledger", "export", "--format", "jsonl"],
        ["ledger", "verify"], ["report", "progress", "--format", "json"],
        ["report", "upgrades", "--format", "html", "-o", str(reports / "upgrades.html")],
        ["report", "drift", "--format", "md"], ["render", "LV-0001/r0"],
        ["config", "parse", str(inventory.parent / "backups" / "LV-0001" / "r0.rsc")],
    ]
    outputs = []
    try:
        for command in commands:
            main(["-i", str(inventory), *command])
            captured = capsys.readouterr()
            outputs += [captured.out, captured.err]
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
    folder = inventory.parent
    written = [p.read_bytes().decode("utf-8", "replace") for p in (*folder.rglob("*"), *tmp_path.rglob("*"))
               if p.is_file() and ".git" not in p.parts]
    history = subprocess.run(["git", "-C", str(folder / "backups"), "log", "-p", "--all"], capture_output=True,
                             text=True, check=True).stdout
    logged = [record.getMessage() for record in records]
    everything = "\n".join(outputs + written + logged + [history])
    assert "LV-0001/r0" in everything and len(everything) > 50_000  # the commands ran and wrote
    assert any(p.name.endswith("-push.jsonl") for p in (folder / "runs").iterdir())
    assert (folder / "ledger.sqlite").exists() and (reports / "upgrades.html").exists()
    assert "before push" in history and "after push" in history
    for spelling in spellings(PASSWORD):
        assert spelling not in everything, spelling
