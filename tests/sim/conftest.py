"""Fixtures for the simulator tests: a small inventory and one fleet shared per test module.

Routers cover the version-dependent behaviour (6.40 MD5 login, 6.49, 7.14, 7.19 with ``!empty``) and
each fault kind has a router of its own, so tests can share a fleet without disturbing each other.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import librouteros
import librouteros.api
import pytest
from support.loops import ThreadLoop

from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

SIM_PASSWORD = "Sim-Pa55-word"  # ASCII: librouteros encodes ASCII by default, as Ansible does
ENV = {"MIKRONET_PASSWORD": SIM_PASSWORD}

FAULT_ROUTERS = (
    "refuse",
    "wrong-password",
    "hang",
    "drop",
    "never-return",
    "old-version",
    "download-fail",
    "disk-full",
)

INVENTORY = """\
defaults:
  transport: api
  username: admin
  password: {{env: MIKRONET_PASSWORD}}
  template: school-gateway
schools:
  - id: LV-0042
    name: "Rīgas Valsts 1. ģimnāzija"
    municipality: "Rīga"
    connection: {{type: optical, contracted_mbps: 500}}
    routers:
      - {{name: gw, host: 10.42.0.1, model: RBD52G-5HacD2HnD, serial: HD0420001, routeros: 7.14.3}}
      - {{name: new, host: 10.42.0.2, model: RB5009UG+S+, serial: HF0420002, routeros: 7.19.4}}
  - id: LV-0043
    name: "Cēsu pamatskola"
    municipality: "Cēsu novads"
    connection: {{type: optical, contracted_mbps: 100}}
    routers:
      - {{name: gw, host: 10.43.0.1, model: RB750Gr3, serial: HE0430001, routeros: 6.49.18}}
      - {{name: old, host: 10.43.0.2, model: RB750Gr3, serial: HE0430002, routeros: 6.40.5}}
  - id: LV-0044
    name: "Ludzas vidusskola"
    municipality: "Ludzas novads"
    connection: {{type: other, contracted_mbps: 30}}
    routers:
      - {{name: gw, host: 10.44.0.1, model: RB4011iGS+, serial: HG0440001, routeros: 7.18.2}}
  - id: LV-0090
    name: "Faulty school"
    municipality: "Rīga"
    connection: {{type: optical, contracted_mbps: 50}}
    routers:
{}
""".format(
    "\n".join(
        f"      - {{name: {kind}, host: 10.90.0.{n}, model: RB750Gr3, serial: HF09000{n:02d}, "
        "routeros: 7.16.2}"
        for n, kind in enumerate(FAULT_ROUTERS, start=1)
    )
)


@pytest.fixture(scope="session")
def sim_inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inventory") / "fleet.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


def _connect(fleet: SimFleet, router_id: str, **kwargs: object) -> librouteros.api.Api:
    """A librouteros connection to a simulated router (plain API unless ``port``/``ssl_wrapper`` say)."""
    endpoint = fleet.endpoint(router_id)
    kwargs.setdefault("port", endpoint.api)
    kwargs.setdefault("timeout", 5)
    return librouteros.connect(endpoint.host, "admin", SIM_PASSWORD, **kwargs)


def start_fleet(inventory: Path, directory: Path, **options: object) -> SimFleet:
    device = DeviceOptions(boot_time=0.3, install_boot_time=0.6)
    fleet_options = FleetOptions(device=device, **options)  # type: ignore[arg-type]
    return SimFleet(inventory, directory=directory, options=fleet_options, environ=ENV).start()


@pytest.fixture(scope="module")
def fleet(sim_inventory: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    """One fleet per test module (faults on their own routers), stopped at the end."""
    running = start_fleet(sim_inventory, tmp_path_factory.mktemp("fleet"))
    for kind in FAULT_ROUTERS:
        running.set_fault(f"LV-0090/{kind}", kind)
    try:
        yield running
    finally:
        running.stop()


Connect = Callable[..., librouteros.api.Api]


@pytest.fixture(scope="session")
def connect() -> Connect:
    """``connect(fleet, router_id, **librouteros_kwargs)``: log in to a simulated router as admin."""
    return _connect


@pytest.fixture(scope="session")
def sim_password() -> str:
    return SIM_PASSWORD


def _raw_session(fleet: SimFleet, router_id: str, *, login: bool = True) -> tuple[socket.socket, Any]:
    """A bare socket to a router's API and a reader of whole sentences (librouteros's own reader)."""
    from librouteros.connections import SocketTransport
    from librouteros.protocol import ApiProtocol

    from mikronet.sim.api import encode_sentence

    endpoint = fleet.endpoint(router_id)
    sock = socket.create_connection((endpoint.host, endpoint.api), timeout=5)
    protocol = ApiProtocol(SocketTransport(sock), "utf-8")

    def read(count: int) -> list[list[str]]:
        out = []
        for _ in range(count):
            reply, words = protocol.readSentence()
            out.append([reply, *words])
        return out

    if login:
        sock.sendall(encode_sentence(["/login", "=name=admin", f"=password={SIM_PASSWORD}"]))
        assert read(1) == [["!done"]]
    return sock, read


@pytest.fixture(scope="session")
def raw_session() -> Callable[..., tuple[socket.socket, Any]]:
    """``raw_session(fleet, router_id, login=True)`` -> (socket, read(n) -> n sentences as word lists)."""
    return _raw_session


@pytest.fixture(scope="session")
def start_sim_fleet() -> Callable[..., SimFleet]:
    """``start_sim_fleet(inventory, directory, **FleetOptions fields)``: a started fleet (stop it yourself)."""
    return start_fleet


@pytest.fixture(scope="module")
def loop() -> Iterator[ThreadLoop]:
    running = ThreadLoop()
    yield running
    running.close()
