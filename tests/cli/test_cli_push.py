"""`mikronet trust | render | plan | push` through the CLI, against a simulated fleet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ops.conftest import PASSWORD

from mikronet.cli.main import cli, main
from mikronet.inventory import Inventory
from mikronet.sim.fleet import SimFleet

ROOT = Path(__file__).resolve().parents[2]


def run(fleet: SimFleet, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-i", str(fleet.inventory_path), *args], env={"MIKRONET_PASSWORD": PASSWORD})
    return result.exit_code, result.stdout, result.stderr


def test_trust_pins_and_a_changed_identity_needs_replace(fleet: SimFleet, sim_inventory: Inventory) -> None:
    from mikronet.transport import TrustStore

    TrustStore(sim_inventory.known_hosts).forget("LV-0101/api")
    code, out, _ = run(fleet, "trust", "LV-0101/api", "--yes")
    assert code == 0, out
    assert "pinned 1 router(s) in" in out and "ssh-ed25519" in out and "tls sha256" in out
    known = sim_inventory.known_hosts.read_text(encoding="utf-8")
    assert "LV-0101/api ssh-ed25519 " in known and "LV-0101/api tls-sha256 " in known


def test_plan_json_then_push_then_nothing_to_do(fleet: SimFleet, sim_inventory: Inventory) -> None:
    code, out, _ = run(fleet, "plan", "--limit", "LV-0102/v6", "--json")
    assert code == 0
    router_line, summary = (json.loads(line) for line in out.splitlines())
    assert router_line["router"] == "LV-0102/v6" and router_line["status"] == "planned"
    assert summary["summary"]["counts"] == {"planned": 1}
    code, out, _ = run(fleet, "push", "--limit", "LV-0102/v6")
    assert code == 0, out
    assert "LV-0102/v6: changed" in out
    code, out, _ = run(fleet, "push", "--limit", "LV-0102/v6")
    assert code == 0 and "LV-0102/v6" not in out and "1 ok" in out  # only changed or failed routers get a line


def test_an_unreachable_router_is_exit_status_1_and_named(fleet: SimFleet, sim_inventory: Inventory) -> None:
    fleet.set_fault("LV-0101/again", "refuse")
    try:
        code, out, _ = run(fleet, "plan", "--limit", "LV-0101/again")
    finally:
        fleet.set_fault("LV-0101/again", "refuse", on=False)
    assert code == 1
    assert "LV-0101/again: unreachable" in out


def test_a_template_error_is_exit_status_2_and_touches_nothing(
    fleet: SimFleet, sim_inventory: Inventory, tmp_path: Path
) -> None:
    (tmp_path / "school-gateway.rsc.j2").write_text("/system identity\nset name={{ nope }}\n", encoding="utf-8")
    code, out, err = run(fleet, "push", "--limit", "LV-0101/*", "--templates", str(tmp_path))
    assert code == 2
    assert "school-gateway.rsc.j2:2" in err and "nope" in err
    assert out == ""


def test_render_masks_the_password_and_runs_as_a_process(fleet: SimFleet, sim_inventory: Inventory) -> None:
    env = {**os.environ, "MIKRONET_PASSWORD": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "mikronet", "-i", str(fleet.inventory_path), "render", "LV-0102/tls"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "password=***" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    assert "/ip service\n" in done.stdout and "set api disabled=yes" in done.stdout  # api-ssl closes plain API


def test_main_returns_the_status() -> None:
    assert main(["--version"]) == 0


def test_trust_refuses_to_replace_a_different_pin_without_replace(fleet: SimFleet, sim_inventory: Inventory) -> None:
    from mikronet.transport import TrustStore
    from mikronet.transport.trust import TLS_KIND, Pin

    store = TrustStore(sim_inventory.known_hosts)
    assert run(fleet, "trust", "LV-0101/hand", "--yes")[0] == 0
    genuine = store.tls_fingerprint("LV-0101/hand")
    store.record(Pin("LV-0101/hand", TLS_KIND, "ab" * 32))
    code, out, _ = run(fleet, "trust", "LV-0101/hand", "--yes")
    assert code == 1 and "LV-0101/hand: identity-changed" in out and "differs from the pinned one" in out
    assert store.tls_fingerprint("LV-0101/hand") == "ab" * 32
    assert run(fleet, "trust", "LV-0101/hand", "--yes", "--replace")[0] == 0
    assert store.tls_fingerprint("LV-0101/hand") == genuine


def test_render_check_lists_every_router_whose_template_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    monkeypatch.setenv("MIKRONET_WIFI_PASSPHRASE", "Wi-Fi-" + PASSWORD)  # the sample access points' secrets
    monkeypatch.setenv("MIKRONET_RADIUS_SECRET", "Radius-" + PASSWORD)
    for source in (ROOT / "templates").iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    good = main(["-i", str(ROOT / "inventory"), "render", "--check", "--templates", str(tmp_path)])
    assert good == 0
    gateway = tmp_path / "school-gateway.rsc.j2"
    gateway.write_text(gateway.read_text(encoding="utf-8").replace("{{ timezone }}", "{{ time_zone }}"),
                       encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["-i", str(ROOT / "inventory"), "render", "--check", "--limit", "LV-0042/*",
                                 "--templates", str(tmp_path)], env={"MIKRONET_PASSWORD": PASSWORD,
                                 "MIKRONET_WIFI_PASSPHRASE": "w", "MIKRONET_RADIUS_SECRET": "radius"})
    assert result.exit_code == 2
    assert "school-gateway.rsc.j2:" in result.stderr and "time_zone" in result.stderr
    assert "2 routers: LV-0042/gw, LV-0042/lab" in result.stderr  # one failure, every router it hits
    assert "LV-0042/ap1" not in result.stderr  # the access point's template is fine
    assert "1 of 3 routers render and parse" in result.stdout
