"""The access points' secrets through a real plan and push against simulated routers: the Wi-Fi
passphrase (a variable) reaches the routers, and it and the RADIUS secret (a template default,
resolved by the same commands) appear in no output, JSON, log, backup or backup history, in any
spelling."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote as url_quote

import pytest

from mikronet.cli.main import main
from mikronet.inventory import load_inventory, resolve_secrets
from mikronet.routeros import quote
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import TrustStore, connect

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "Push-Ap-Pa55"
WIFI = 'Skolas "Wi-Fi" $ā\\?'
RADIUS = "radius-Š-%20-secret"
INVENTORY = """\
defaults:
  username: mikronet
  password: {env: MIKRONET_PASSWORD}
  template: school-ap
schools:
  - id: LV-0301
    name: "Rēzeknes 1. vidusskola"
    municipality: "Rēzekne"
    connection: {type: optical, contracted_mbps: 300}
    vars: {lan_subnet: 10.131.0.0/24}
    routers:
      - name: ap1
        host: 10.131.0.2
        model: "hAP ac²"
        routeros: 7.16.2
        vars: {wifi_passphrase: {env: MIKRONET_WIFI_PASSPHRASE}}
      - name: ap2
        host: 10.131.0.3
        model: L009UiGS-2HaxD
        routeros: 7.18.2
        vars: {wifi_passphrase: {env: MIKRONET_WIFI_PASSPHRASE}}
"""


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("ap-push")
    source = root / "inventory.yaml"
    source.write_text(INVENTORY, encoding="utf-8")
    options = FleetOptions(device=DeviceOptions(boot_time=0.3, install_boot_time=0.5))
    with SimFleet(source, directory=root / "sim", options=options, environ={"MIKRONET_PASSWORD": PASSWORD}) as running:
        yield running


def spellings(secret: str) -> list[str]:
    return [secret, quote(secret), json.dumps(secret)[1:-1], repr(secret)[1:-1], url_quote(secret)]


def test_access_point_secrets_reach_the_router_and_nothing_else(
    fleet: SimFleet,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    monkeypatch.setenv("MIKRONET_WIFI_PASSPHRASE", WIFI)
    monkeypatch.setenv("MIKRONET_RADIUS_SECRET", RADIUS)
    caplog.set_level(logging.DEBUG)
    inventory = str(fleet.inventory_path)
    templates = str(REPO / "templates")
    outputs = []
    for command in (
        ["trust", "LV-0301/ap1", "--yes"],
        ["trust", "LV-0301/ap2", "--yes"],
        ["render", "LV-0301/ap1", "--templates", templates],
        ["plan", "--templates", templates],
        ["--json", "plan", "--templates", templates],
        ["push", "--templates", templates, "--revert-after", "3"],
        ["--json", "push", "--templates", templates, "--revert-after", "3"],
        ["inventory", "show", "LV-0301/ap2"],
    ):
        code = main(["-i", inventory, *command])
        captured = capsys.readouterr()
        outputs += [captured.out, captured.err]
        assert code == 0, (command, captured.err)
    assert "wpa2-pre-shared-key=***" in "\n".join(outputs)  # the plan showed the change, masked
    # the routers hold the real values
    sim = load_inventory(fleet.inventory_path)
    trust = TrustStore(sim.known_hosts)
    ap1 = resolve_secrets([sim.router("LV-0301/ap1")])[0]
    with connect(ap1, trust) as session:
        profile = session.print("/interface/wireless/security-profiles", "?=name=school")
    assert profile[0]["wpa2-pre-shared-key"] == WIFI
    # … and nothing else does
    backups = sim.trust_dir / "backups"
    written = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sim.trust_dir.rglob("*")
        if p.is_file() and ".git" not in p.parts
    ]
    history = subprocess.run(
        ["git", "-C", str(backups), "log", "-p", "--all"], capture_output=True, text=True, check=True
    ).stdout
    logged = [record.getMessage() for record in caplog.records]
    everything = "\n".join([*outputs, *written, history, *logged])
    assert "LV-0301/ap2" in history and len(logged) > 10  # backups were committed, debug logs written
    for secret in (WIFI, RADIUS, PASSWORD):
        for spelling in spellings(secret):
            assert spelling not in everything, (secret, spelling)
