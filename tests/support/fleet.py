"""A simulated fleet with every router's identity pinned: the starting point of most workflow tests.

``pinned_fleet`` writes an inventory, starts a simulated router for each of its routers on loopback,
sets the password the inventory refers to, loads the fleet's own inventory (hosts pointing at the
twins) and pins every router's SSH host key and TLS certificate, as ``mikronet trust`` would.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from mikronet.inventory import Inventory, Router, load_inventory
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import TrustStore, fetch_identity

__all__ = ["QUICK", "PinnedFleet", "pin_all", "pinned_fleet"]

QUICK = FleetOptions(device=DeviceOptions(boot_time=0.3, install_boot_time=0.5))
"""Routers that restart in a fraction of a second: what most tests want."""


def pin_all(inventory: Inventory, routers: Iterable[Router] | None = None) -> TrustStore:
    """Pin what each router presents (SSH host key, TLS certificate) in the inventory's trust store."""
    store = TrustStore(inventory.known_hosts)
    for router in inventory.routers if routers is None else routers:
        presented = fetch_identity(router)
        for pin in (presented.ssh, presented.tls):
            if pin is not None:
                store.record(pin)
    return store


@dataclass(frozen=True)
class PinnedFleet:
    """A running simulated fleet and its inventory (every router pinned)."""

    fleet: SimFleet
    inventory: Inventory

    @property
    def inventory_path(self) -> Path:
        return self.fleet.inventory_path


@contextlib.contextmanager
def pinned_fleet(
    inventory_text: str,
    root: Path,
    *,
    environ: Mapping[str, str],
    options: FleetOptions = QUICK,
    pin: bool = True,
) -> Iterator[PinnedFleet]:
    """Write ``inventory_text`` to ``root/inventory.yaml``, start its fleet under ``root/sim`` with
    ``environ`` (the secrets the inventory names) set for the test too, and pin every router."""
    root.mkdir(parents=True, exist_ok=True)
    source = root / "inventory.yaml"
    source.write_text(inventory_text, encoding="utf-8")
    patch = pytest.MonkeyPatch()
    for name, value in environ.items():
        patch.setenv(name, value)
    try:
        with SimFleet(source, directory=root / "sim", options=options, environ=dict(environ)) as running:
            inventory = load_inventory(running.inventory_path)
            if pin:
                pin_all(inventory)
            yield PinnedFleet(running, inventory)
    finally:
        patch.undo()
