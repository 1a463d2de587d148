"""Export for other tools, read back by those tools themselves (ansible-inventory, Nornir)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.services import require_executable, require_module

from mikronet.cli.main import main
from mikronet.inventory import Inventory, load_inventory, select
from mikronet.inventory.export import ansible_inventory, group_slug, nornir_inventory

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"
ANSIBLE_INVENTORY = Path(sys.executable).parent / "ansible-inventory"


@pytest.fixture(scope="module")
def sample() -> Inventory:
    return load_inventory(SAMPLE)


def test_group_slugs_are_ascii_identifiers() -> None:
    assert group_slug("municipality Ādažu novads") == "municipality_adazu_novads"
    assert group_slug("municipality Ķekavas novads") == "municipality_kekavas_novads"
    assert group_slug("group api-closed") == "group_api_closed"
    assert group_slug("2021") == "g_2021"


def _ansible(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
        "ANSIBLE_HOME": str(tmp_path / "home"),
        "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true",
    }
    return subprocess.run(
        [str(ANSIBLE_INVENTORY), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def _plain(value: object) -> object:
    """A value as `ansible-inventory --list` shows an !unsafe string: {"__ansible_unsafe": text}."""
    if isinstance(value, dict) and set(value) == {"__ansible_unsafe"}:
        return value["__ansible_unsafe"]
    return value


def test_ansible_inventory_reads_the_export(sample: Inventory, tmp_path: Path) -> None:
    require_executable(ANSIBLE_INVENTORY, "ansible-core")
    path = tmp_path / "hosts.yaml"
    path.write_text(ansible_inventory(sample, sample.routers), encoding="utf-8")
    done = _ansible(tmp_path, "-i", str(path), "--list")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    hostvars = data["_meta"]["hostvars"]
    assert set(hostvars) == {r.id for r in sample.routers}
    gw = {k: _plain(v) for k, v in hostvars["LV-0042/gw"].items()}
    router = sample.router("LV-0042/gw")
    assert gw["ansible_host"] == router.host
    assert gw["ansible_network_os"] == "community.routeros.routeros"
    assert gw["ansible_password"] == "{{ lookup('ansible.builtin.env', 'MIKRONET_PASSWORD') }}"
    assert gw["mikronet_municipality"] == "Rīga"
    riga = {r.id for r in sample.routers if r.school.municipality == "Rīga"}
    assert set(data["municipality_riga"]["hosts"]) == riga
    pilot = {r.id for r in sample.routers if "pilot" in r.school.groups}
    assert set(data["group_pilot"]["hosts"]) == pilot
    closed = next(r for r in sample.routers if "api-closed" in r.school.groups)
    assert hostvars[closed.id]["ansible_port"] == 2222  # the group's SSH port reaches Ansible
    assert "WARNING" not in done.stderr, done.stderr


def test_ansible_patterns_on_the_export(sample: Inventory, tmp_path: Path) -> None:
    require_executable(ANSIBLE_INVENTORY, "ansible-core")
    path = tmp_path / "hosts.yaml"
    path.write_text(ansible_inventory(sample, sample.routers), encoding="utf-8")
    done = _ansible(tmp_path, "-i", str(path), "--graph", "municipality_riga")
    assert done.returncode == 0, done.stderr
    assert "LV-0042/gw" in done.stdout


def test_nornir_reads_the_export(sample: Inventory, tmp_path: Path) -> None:
    nornir = require_module("nornir")
    routers = select(sample, "municipality=Rīga,group:api-closed")
    for name, text in nornir_inventory(sample, routers).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    nr = nornir.InitNornir(
        runner={"plugin": "serial"},
        logging={"enabled": False},
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(tmp_path / "hosts.yaml"),
                "group_file": str(tmp_path / "groups.yaml"),
                "defaults_file": str(tmp_path / "defaults.yaml"),
            },
        },
    )
    assert set(nr.inventory.hosts) == {r.id for r in routers}
    host = nr.inventory.hosts["LV-0042/gw"]
    assert host.hostname == sample.router("LV-0042/gw").host
    assert host.port == 8729 and host.username == "mikronet" and host.password is None  # api-ssl
    assert host.platform == "mikrotik_routeros"
    assert host.get_connection_parameters("netmiko").port == 22
    assert host.get_connection_parameters("napalm").platform == "ros"
    assert host["school_name"] == sample.router("LV-0042/gw").school.name
    assert host["municipality"] == "Rīga"  # inherited from the municipality group's data
    closed = [h for h in nr.inventory.hosts.values() if h.has_parent_group("group_api_closed")]
    assert closed and all(h.port == 2222 for h in closed)
    assert nr.filter(filter_func=lambda h: h.has_parent_group("municipality_riga")).inventory.hosts


def test_cli_export_writes_no_secret(
    sample: Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "export-test-Ņ-secret-991"
    monkeypatch.setenv("MIKRONET_PASSWORD", secret)
    assert main(["-i", str(SAMPLE), "inventory", "check"]) == 0  # resolves (and registers) the secret
    checked = capsys.readouterr()
    assert checked.out.startswith("ok: 120 schools") and secret not in checked.out + checked.err
    assert (
        main(["-i", str(SAMPLE), "inventory", "export", "-f", "ansible", "-o", str(tmp_path / "a.yaml")]) == 0
    )
    assert main(["-i", str(SAMPLE), "inventory", "export", "-f", "nornir", "-o", str(tmp_path / "nr")]) == 0
    assert main(["-i", str(SAMPLE), "inventory", "export", "-f", "csv", "-l", "group:pilot"]) == 0
    out, err = capsys.readouterr()
    written = [
        p.read_text(encoding="utf-8") for p in [tmp_path / "a.yaml", *sorted((tmp_path / "nr").iterdir())]
    ]
    assert secret not in out + err + "".join(written)
    hosts = yaml.safe_load((tmp_path / "nr" / "hosts.yaml").read_text(encoding="utf-8"))
    assert len(hosts) == len(sample.routers)
    assert out.splitlines()[0].startswith("id,name,municipality,")
    assert len(out.splitlines()) == 1 + len(select(sample, "group:pilot"))
    # the nornir folder is not overwritten without --force, and needs -o
    assert main(["-i", str(SAMPLE), "inventory", "export", "-f", "nornir", "-o", str(tmp_path / "nr")]) == 2
    assert main(["-i", str(SAMPLE), "inventory", "export", "-f", "nornir"]) == 2
    assert "give -o DIR" in capsys.readouterr().err
