"""``/ip service`` as a simulated router's listeners see it: which services are on, on which port, and
who may connect.

RouterOS listens for the API, api-ssl and SSH where ``/ip service`` says: a disabled service refuses
connections, a moved one answers on its new port only, one with ``address=`` set accepts only
clients from those networks. The fleet's listeners follow these settings as they change (a push that
moves SSH to 2222 finds SSH on 2222 afterwards). A port below 1024 that the fleet may not bind (SSH's
22 without root) is served 10000 higher, and the written inventory says so.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = ["SERVICES", "Service", "admits", "allowed", "service_from_row", "service_settings", "set_ports",
           "unprivileged"]

SERVICES: Mapping[str, int] = {"api": 8728, "api-ssl": 8729, "ssh": 22}
"""The services the fleet listens for, and their factory ports."""


@dataclass(frozen=True)
class Service:
    enabled: bool
    port: int
    addresses: tuple[str, ...] = ()
    """Networks clients may come from; empty: any."""


def service_settings(device: RouterState) -> dict[str, Service]:
    """The router's ``/ip service`` settings for the services the fleet listens for."""
    found: dict[str, Service] = {}
    table = device.store.tables.get(("ip", "service"))  # never touched: every service as it came
    for item in table if table is not None else ():
        name = item.get("name", "")
        if name in SERVICES:
            found[name] = service_from_row(name, item.values)
    for name, port in SERVICES.items():
        found.setdefault(name, Service(True, port))
    return found


def service_from_row(name: str, row: Mapping[str, str]) -> Service:
    """A service's settings from its ``/ip service`` row (values as printed)."""
    try:
        port = int(row.get("port", "") or SERVICES[name])
    except ValueError:
        port = SERVICES[name]
    addresses = tuple(a.strip() for a in row.get("address", "").split(",") if a.strip())
    return Service(row.get("disabled", "false") != "true", port, addresses)


def admits(service: Service, peer: str) -> bool:
    """Whether ``service`` takes a connection from a client at ``peer`` (on, and from an allowed network)."""
    return service.enabled and allowed(service, peer)


def unprivileged(port: int, may_bind_low: bool) -> int:
    """The port the fleet listens on for a configured one (22 -> 10022 without root)."""
    return port if port >= 1024 or may_bind_low else port + 10000


def allowed(service: Service, peer: str) -> bool:
    """Whether a client from ``peer`` may connect to ``service``."""
    if not service.addresses:
        return True
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    for network in service.addresses:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def set_ports(device: RouterState, ports: Mapping[str, int]) -> None:
    """Give services the ports the inventory says the router listens on, where it has not changed them."""
    moved = {name: port for name, port in ports.items() if port != SERVICES[name]}
    current = service_settings(device) if moved else {}
    for name, port in moved.items():
        if current[name].port == SERVICES[name]:
            device.call("/ip/service/set", {".id": name, "port": str(port)})
