"""A small simulated fleet for the push pipeline: one router per transport, shared per module.

Each test that changes a router uses a router of its own, so the module's tests share one fleet
without depending on each other's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.fleet import PinnedFleet
from support.inprocess import Twins

from mikronet.inventory import Inventory, Router, load_inventory, resolve_secrets, select
from mikronet.ops.backup import BackupStore
from mikronet.ops.push import Pusher, PushOptions
from mikronet.render import Renderer
from mikronet.sim.fleet import SimFleet
from mikronet.transport import TrustStore

PASSWORD = "Push-Test-Pa55"
ENV = {"MIKRONET_PASSWORD": PASSWORD}

INVENTORY = """\
defaults:
  transport: api
  username: mikronet
  password: {env: MIKRONET_PASSWORD}
  template: school-gateway
  vars: {admin_subnet: 10.1.0.0/16}
schools:
  - id: LV-0101
    name: "Rīgas Valsts 1. ģimnāzija"
    municipality: "Rīga"
    connection: {type: optical, contracted_mbps: 500}
    vars: {lan_subnet: 10.101.0.0/24}
    routers:
      - {name: api, host: 10.101.0.1, model: RBD52G-5HacD2HnD, serial: HD1010001, routeros: 7.14.3}
      - {name: again, host: 10.101.0.2, model: RBD52G-5HacD2HnD, serial: HD1010002, routeros: 7.14.3}
      - {name: hand, host: 10.101.0.3, model: RB750Gr3, serial: HD1010003, routeros: 7.16.2}
      - {name: lock, host: 10.101.0.4, model: RB750Gr3, serial: HD1010004, routeros: 7.16.2}
      - {name: inject, host: 10.101.0.5, model: RB750Gr3, serial: HD1010005, routeros: 7.16.2}
      - {name: fail, host: 10.101.0.6, model: RB750Gr3, serial: HD1010006, routeros: 7.16.2}
      - {name: order, host: 10.101.0.7, model: RB750Gr3, serial: HD1010007, routeros: 7.16.2}
  - id: LV-0102
    name: "Cēsu Pilsētas vidusskola — ā č ē ģ ī ķ ļ ņ š ū ž"
    municipality: "Cēsu novads"
    connection: {type: other, contracted_mbps: 100}
    vars: {lan_subnet: 10.102.0.0/24}
    routers:
      - {name: tls, host: 10.102.0.1, model: RB5009UG+S+, serial: HF1020001, routeros: 7.18.2, transport: api-ssl}
      - {name: ssh, host: 10.102.0.2, model: RB4011iGS+, serial: HF1020002, routeros: 7.16.2, transport: ssh}
      - {name: v6, host: 10.102.0.3, model: RB750Gr3, serial: HF1020003, routeros: 6.49.18}
      - {name: sshv6, host: 10.102.0.4, model: RB750Gr3, serial: HF1020004, routeros: 6.49.18, transport: ssh}
      - {name: pinned, host: 10.102.0.5, model: RB750Gr3, serial: HF1020005, routeros: 7.16.2, transport: ssh}
      - {name: badtls, host: 10.102.0.6, model: RB750Gr3, serial: HF1020006, routeros: 7.16.2, transport: api-ssl}
      - {name: order, host: 10.102.0.7, model: RB750Gr3, serial: HF1020007, routeros: 7.16.2, transport: ssh}
      - {name: fail, host: 10.102.0.8, model: RB750Gr3, serial: HF1020008, routeros: 7.16.2, transport: ssh}
"""


@pytest.fixture(scope="module")
def pinned(start_pinned_fleet: Callable[..., PinnedFleet]) -> PinnedFleet:
    return start_pinned_fleet(INVENTORY, environ=ENV)


@pytest.fixture(scope="module")
def fleet(pinned: PinnedFleet) -> SimFleet:
    return pinned.fleet


@pytest.fixture(scope="module")
def sim_inventory(pinned: PinnedFleet) -> Inventory:
    return pinned.inventory


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    patch = pytest.MonkeyPatch()
    patch.setenv("MIKRONET_PASSWORD", PASSWORD)
    yield patch
    patch.undo()


@pytest.fixture(scope="module")
def plain_inventory(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch) -> Inventory:
    """The same inventory, for routers simulated in this process (no fleet, no sockets)."""
    folder = tmp_path_factory.mktemp("in-process")
    (folder / "inventory.yaml").write_text(INVENTORY, encoding="utf-8")
    return load_inventory(folder / "inventory.yaml")


@pytest.fixture
def twins(plain_inventory: Inventory) -> Twins:
    """A factory-fresh twin of every router, in this process, for one test."""
    return Twins.of(resolve_secrets(plain_inventory.routers), password=PASSWORD)


def router(inventory: Inventory, router_id: str) -> Router:
    return resolve_secrets(select(inventory, router_id))[0]


def pusher(inventory: Inventory, templates: Path | None = None, *, twins: Twins | None = None,
           **options: object) -> Pusher:
    """A pusher for the inventory's routers: over the network to the simulated fleet, or straight into
    ``twins`` in this process."""
    return Pusher(
        Renderer(templates),
        TrustStore(inventory.known_hosts),
        BackupStore(inventory.trust_dir / "backups"),
        # A window no loaded machine runs out of before the push verifies; a test that wants the
        # router's own revert to fire passes a short one.
        options=PushOptions(**{"revert_after": 30.0, "come_back_within": 20.0, "poll_every": 0.2, **options}),
        connector=twins.connect if twins is not None else None,
        # in this process the routers' time is the simulator's clock: waiting moves it
        **({"sleep": twins.sleep, "clock": twins.monotonic} if twins is not None else {}),
    )
