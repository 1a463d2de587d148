"""``mikronet sim up | down`` as a technician runs them: a background fleet, its inventory, its state."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import librouteros
import pytest
import yaml

from mikronet.inventory import load_inventory


def mikronet(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mikronet", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture
def env(sim_password: str) -> dict[str, str]:
    return {**os.environ, "MIKRONET_PASSWORD": sim_password}


def test_up_writes_inventory_and_down_stops(
    sim_inventory: Path, tmp_path: Path, env: dict[str, str], sim_password: str
) -> None:
    backups = tmp_path / "backups" / "LV-0042"
    backups.mkdir(parents=True)
    (backups / "gw.rsc").write_text(
        "# 2025-01-01 10:00:00 by RouterOS 7.14.3\n/system identity\n"
        'set name="R\\C4\\ABgas 1. \\C4\\A3imn\\C4\\81zija"\n',
        encoding="utf-8",
    )
    directory = tmp_path / "sim"
    up = mikronet(
        "-i",
        str(sim_inventory),
        "sim",
        "up",
        "--dir",
        str(directory),
        "--boot-time",
        "0.2",
        "--from-backups",
        str(tmp_path / "backups"),
        "--fault",
        "hang=LV-0090/hang",
        env=env,
    )
    try:
        assert up.returncode == 0, up.stderr
        assert "13 simulated routers listening" in up.stdout
        written = directory / "inventory.yaml"
        text = written.read_text(encoding="utf-8")
        assert sim_password not in text and "MIKRONET_PASSWORD" in text
        inventory = load_inventory(written)
        router = inventory.router("LV-0042/gw")
        assert router.host.startswith("127.") and router.school.name == "Rīgas Valsts 1. ģimnāzija"
        api = librouteros.connect(
            router.host, "admin", sim_password, port=router.ports.api, timeout=5, encoding="utf-8"
        )
        assert next(iter(api.path("system", "identity")))["name"] == "Rīgas 1. ģimnāzija"  # from its backup
        api.close()
        again = mikronet("-i", str(sim_inventory), "sim", "up", "--dir", str(directory), env=env)
        assert again.returncode == 2 and "already running" in again.stderr
    finally:
        down = mikronet("sim", "down", "--dir", str(directory), env=env)
    assert down.returncode == 0 and "stopped" in down.stdout
    with pytest.raises(OSError):
        librouteros.connect(router.host, "admin", sim_password, port=router.ports.api, timeout=2)
    assert "no simulated fleet running" in mikronet("sim", "down", "--dir", str(directory), env=env).stdout


def test_bad_input_is_exit_2_and_starts_nothing(sim_inventory: Path, tmp_path: Path, env: dict[str, str]) -> None:
    bad = mikronet("-i", str(sim_inventory), "sim", "up", "--dir", str(tmp_path), "--fault", "explode", env=env)
    assert bad.returncode == 2 and "unknown kind 'explode'" in bad.stderr
    assert not (tmp_path / "state.json").exists()
    no_password = {k: v for k, v in env.items() if k != "MIKRONET_PASSWORD"}
    missing = mikronet("-i", str(sim_inventory), "sim", "run", "--dir", str(tmp_path), env=no_password)
    assert missing.returncode == 2 and "MIKRONET_PASSWORD" in missing.stderr
    unknown = mikronet(
        "-i", str(sim_inventory), "sim", "up", "--dir", str(tmp_path), "--fault", "refuse=LV-9999/gw", env=env
    )
    assert unknown.returncode == 2 and "LV-9999/gw" in unknown.stderr


def test_written_inventory_keeps_secret_references(sim_inventory: Path, tmp_path: Path, sim_password: str) -> None:
    from mikronet.sim.fleet import SimFleet

    with SimFleet(sim_inventory, directory=tmp_path, environ={"MIKRONET_PASSWORD": sim_password}) as fleet:
        doc = yaml.safe_load(fleet.inventory_path.read_text(encoding="utf-8"))
    assert doc["defaults"]["password"] == {"env": "MIKRONET_PASSWORD"}
    assert doc["defaults"]["ca_file"].endswith("tls/ca.pem")
    hosts = [r["host"] for s in doc["schools"] for r in s["routers"]]
    assert len(set(hosts)) == len(hosts) == 13 and all(h.startswith("127.") for h in hosts)


def test_up_lists_every_refused_line_and_strict_fails(sim_inventory: Path, tmp_path: Path,
                                                      env: dict[str, str]) -> None:
    backups = tmp_path / "backups" / "LV-0043"
    backups.mkdir(parents=True)
    backup = backups / "gw.rsc"
    backup.write_text(
        "# jan/01/2025 10:00:00 by RouterOS 6.49.18\n"
        "/ip dns\nset alow-remote-requests=yes servers=1.1.1.1\n"
        "/interface ethernet\nset ether9 comment=nope\n"
        "/system identity\nset name=Cesis\n",
        encoding="utf-8",
    )
    directory = tmp_path / "sim"
    base = ["-i", str(sim_inventory), "sim", "up", "--dir", str(directory), "--no-ssh",
            "--from-backups", str(tmp_path / "backups")]
    strict = mikronet(*base, "--strict", env=env)
    assert strict.returncode == 2, strict.stderr
    assert "--strict: 2 refused line(s)" in strict.stderr
    assert f"{backup}:3: expected end of command (line 3 column 5)" in strict.stderr
    assert f"{backup}:5: no such item (line 5 column 1)" in strict.stderr
    assert not (directory / "state.json").exists()
    up = mikronet(*base, env=env)
    try:
        assert up.returncode == 0, up.stderr
        assert "LV-0043/gw: 2 lines of its backup refused" in up.stderr
        assert f"{backup}:3: expected end of command (line 3 column 5)" in up.stderr
        inventory = load_inventory(directory / "inventory.yaml")
        router = inventory.router("LV-0043/gw")
        api = librouteros.connect(router.host, "admin", env["MIKRONET_PASSWORD"], port=router.ports.api, timeout=5)
        assert next(iter(api.path("system", "identity")))["name"] == "Cesis"  # the rest of the backup loaded
        assert "alow-remote-requests" not in next(iter(api.path("ip", "dns")))
        api.close()
    finally:
        mikronet("sim", "down", "--dir", str(directory), env=env)
