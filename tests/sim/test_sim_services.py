"""The fleet follows what the routers and the inventory say: ``/ip service`` settings move, close and
restrict the listeners, and edits of the source inventory reach the written one without a restart."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import librouteros
import paramiko
import pytest
import yaml

from mikronet.inventory import load_inventory
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

INVENTORY = """\
defaults:
  transport: api
  username: admin
  password: {env: MIKRONET_PASSWORD}
  template: school-gateway
schools:
  - id: LV-0101
    name: "Valmieras tehnikums"
    municipality: "Valmieras novads"
    connection: {type: optical, contracted_mbps: 200}
    routers:
      - {name: gw, host: 10.101.0.1, model: RB750Gr3, serial: HE1010001, routeros: 7.16.2}
      - {name: ap, host: 10.101.0.2, model: RBD52G-5HacD2HnD, serial: HD1010002, routeros: 6.49.18}
"""


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "source" / "fleet.yaml"
    path.parent.mkdir()
    path.write_text(INVENTORY, encoding="utf-8")
    return path


@pytest.fixture
def running(source: Path, tmp_path: Path, start_sim_fleet: Callable[..., SimFleet]) -> Iterator[SimFleet]:
    fleet = start_sim_fleet(source, tmp_path / "sim")
    try:
        yield fleet
    finally:
        fleet.stop()


def _refused(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.settimeout(2)
            return sock.recv(1) == b""  # accepted, then dropped at once
    except (ConnectionError, TimeoutError, OSError):
        return True


def _wait(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_ip_service_settings_move_close_and_restrict_the_listeners(running: SimFleet, sim_password: str) -> None:
    endpoint = running.endpoint("LV-0101/gw")
    api = librouteros.connect(endpoint.host, "admin", sim_password, port=endpoint.api, timeout=5)
    services = api.path("ip", "service")
    services.update(**{".id": "api", "port": 18728})
    services.update(**{".id": "ssh", "disabled": True})
    api.close()
    assert _wait(lambda: running.endpoint("LV-0101/gw").api == 18728)
    assert _refused(endpoint.host, 8728)
    moved = librouteros.connect(endpoint.host, "admin", sim_password, port=18728, timeout=5)
    assert endpoint.ssh is not None and _wait(lambda: _refused(endpoint.host, endpoint.ssh or 0))
    written = load_inventory(running.inventory_path).router("LV-0101/gw")
    assert written.ports.api == 18728  # the fleet's inventory says where the router listens now
    moved.path("ip", "service").update(**{".id": "api", "address": "10.0.0.0/8,192.168.88.0/24"})
    moved.close()
    client = socket.create_connection((endpoint.host, 18728), timeout=2)
    client.settimeout(2)
    assert client.recv(1) == b""  # a client from 127.0.0.0/8 is not let in
    client.close()


def test_a_backup_that_moves_ssh_is_served_on_its_port(source: Path, tmp_path: Path, sim_password: str) -> None:
    backup = "/ip service\nset ssh port=2222\nset telnet disabled=yes\n"
    options = FleetOptions(device=DeviceOptions(boot_time=0.3, install_boot_time=0.6))
    fleet = SimFleet(source, directory=tmp_path / "sim2", options=options, initial_configs={"LV-0101/gw": backup},
                     environ={"MIKRONET_PASSWORD": sim_password}).start()
    try:
        endpoint = fleet.endpoint("LV-0101/gw")
        assert endpoint.ssh == 2222
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        client.connect(endpoint.host, 2222, "admin", sim_password, look_for_keys=False, allow_agent=False,
                       timeout=5)
        client.close()
    finally:
        fleet.stop()


def test_the_written_inventory_follows_edits_of_the_source(running: SimFleet, source: Path,
                                                          sim_password: str) -> None:
    first = load_inventory(running.inventory_path).router("LV-0101/gw")
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    doc["schools"][0]["name"] = "Valmieras Valsts tehnikums"
    doc["schools"][0]["routers"].pop()  # the AP went away
    doc["schools"][0]["routers"].append(
        {"name": "lab", "host": "10.101.0.3", "model": "RB5009UG+S+", "serial": "HF1010003", "routeros": "7.19.4"})
    source.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert running.refresh()
    written = load_inventory(running.inventory_path)
    assert written.schools[0].name == "Valmieras Valsts tehnikums"
    assert [r.id for r in written.routers] == ["LV-0101/gw", "LV-0101/lab"]
    gw = written.router("LV-0101/gw")
    assert (gw.host, gw.ports.api) == (first.host, first.ports.api)  # addresses stay the fleet's
    lab = written.router("LV-0101/lab")
    api = librouteros.connect(lab.host, "admin", sim_password, port=lab.ports.api, timeout=5)
    assert next(iter(api.path("system", "routerboard")))["model"] == "RB5009UG+S+"
    api.close()
    source.write_text("schools: [", encoding="utf-8")  # an edit half done: the fleet keeps its inventory
    assert not running.refresh()
    assert load_inventory(running.inventory_path).schools[0].name == "Valmieras Valsts tehnikums"
