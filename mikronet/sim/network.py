"""What a simulated router sees around it: learned MAC addresses, IPv6 neighbours, BGP sessions.

Real routers fill these status menus from the traffic on their links. A simulated router has no
links, so it pretends to a small, plausible, reproducible network derived from its configuration
and serial number:

* a host behind every running bridge port (``/interface bridge host``), besides the router's own
  port addresses (``local``) and the static entries configured there;
* the upstream router on the WAN port and a host on every running LAN interface with an IPv6
  address (``/ipv6 neighbor``);
* a BGP peer answering every enabled connection (v7 ``/routing bgp session``) or peer (v6
  ``/routing bgp peer``, ``/routing bgp advertisements``) whose address lies in a network the router
  is connected to; peers elsewhere stay down.

Clients that read these menus (napalm-ros ``get_mac_address_table``, ``get_ipv6_neighbors_table``,
``get_bgp_neighbors``; mktxp) therefore see rows shaped as RouterOS sends them.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from mikronet.routeros.values import format_seconds
from mikronet.sim.config import PathHooks, print_rows
from mikronet.sim.factory import is_running
from mikronet.sim.menus import Request
from mikronet.sim.reply import Reply
from mikronet.sim.store import Item, format_id

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = [
    "bgp_peer_hooks",
    "bgp_sessions",
    "bridge_hosts",
    "dhcp_address_hooks",
    "dhcp_client_hooks",
    "dhcp_leases",
    "ipv6_neighbors",
    "register_network",
]

_SESSION_SETTLE = 0
"""Seconds after boot before a BGP session is established (at once: tests and demos do not wait)."""


def _digest(device: RouterState, salt: str) -> bytes:
    return hashlib.sha256(f"{device.serial}:{salt}".encode()).digest()


def _mac(device: RouterState, salt: str) -> str:
    raw = bytearray(_digest(device, salt)[:6])
    raw[0] = (raw[0] & 0xFC) | 0x02  # locally administered, unicast
    return ":".join(f"{b:02X}" for b in raw)


def _interfaces(device: RouterState) -> dict[str, Item]:
    return {item.get("name", ""): item for item in device.store.table(("interface",))}


def _items(device: RouterState, path: tuple[str, ...]) -> Iterator[Item]:
    if path in device.specs:
        yield from (item for item in device.store.table(path) if item.get("disabled") != "true")


def bridge_hosts(device: RouterState) -> list[dict[str, str]]:
    """``/interface bridge host``: static entries, the ports' own addresses, a host per running port."""
    v7 = device.parsed_version.major >= 7
    interfaces = _interfaces(device)
    rows: list[dict[str, str]] = []

    def add(values: dict[str, str], *, dynamic: bool, local: bool, item: Item | None = None) -> None:
        # static entries keep their configuration id; learned ones get ids of their own
        row = {".id": item.id if item is not None else format_id(0x8000 + len(rows)), **values}
        if not v7:
            row["on-interface"] = values.get("interface", "")
        row.setdefault("disabled", "false")
        row.update({"dynamic": str(dynamic).lower(), "local": str(local).lower(), "external": "false",
                    "invalid": "false"})
        rows.append(row)

    static = ("interface", "bridge", "host")
    if static in device.specs:  # the configured entries, as their menu prints them
        menu = device.config_menu(static)
        for item in menu.items():
            row = {k: v for k, v in menu.row(item).items() if k != ".id"}
            add(row, dynamic=False, local=False, item=item)
    for port in _items(device, ("interface", "bridge", "port")):
        name, bridge = port.get("interface", ""), port.get("bridge", "")
        member = interfaces.get(name)
        if member is None or bridge not in interfaces:
            continue
        vid = {"vid": port.get("pvid", "1")} if interfaces[bridge].get("vlan-filtering") == "true" else {}
        own = member.get("mac-address", "")
        if own:
            add({"mac-address": own, "interface": name, "bridge": bridge, **vid}, dynamic=True, local=True)
        if is_running(member):
            learned = {"mac-address": _mac(device, f"host:{name}"), "interface": name, "bridge": bridge, **vid}
            add({**learned, "age": f"{_digest(device, name)[0] % 60}s"}, dynamic=True, local=False)
    return rows


def _link_local(device: RouterState, salt: str) -> str:
    digest = _digest(device, salt)
    return "fe80::" + ":".join(f"{digest[i]:02x}{digest[i + 1]:02x}" for i in range(0, 8, 2))


def ipv6_neighbors(device: RouterState) -> list[dict[str, str]]:
    """``/ipv6 neighbor``: the upstream router on the WAN port, a host on each running interface with
    an IPv6 address."""
    interfaces = _interfaces(device)
    names = {item.get("interface", "") for item in _items(device, ("ipv6", "address"))}
    wan = next((n for n, i in interfaces.items() if i.get("default-name") == "ether1"), None)
    rows: list[dict[str, str]] = []
    for name in sorted(n for n in ({wan} | names) if n):
        item = interfaces.get(name)
        if item is None or not is_running(item):
            continue
        router = name == wan
        rows.append({
            ".id": format_id(len(rows) + 1),
            "address": _link_local(device, f"v6:{name}"),
            "interface": name,
            "mac-address": _mac(device, f"v6:{name}"),
            "status": "reachable" if router else "stale",
            "router": str(router).lower(),
            "dynamic": "true",
        })
    return rows


def _connected(device: RouterState, address: str) -> str | None:
    """The router's own address on the network ``address`` lies in, if it has one."""
    try:
        peer = ipaddress.ip_address(address.split("/")[0])
    except ValueError:
        return None
    for item in _items(device, ("ip", "address")):
        try:
            network = ipaddress.ip_interface(item.get("address", ""))
        except ValueError:
            continue
        if peer in network.network and peer != network.ip:
            return str(network.ip)
    return None


def _prefix_count(device: RouterState, salt: str) -> int:
    return 1 + _digest(device, salt)[1] % 24


def _router_id(device: RouterState) -> str:
    """The id RouterOS picks when none is configured: the highest address the router has."""
    addresses = []
    for item in _items(device, ("ip", "address")):
        try:
            addresses.append(ipaddress.ip_interface(item.get("address", "")).ip)
        except ValueError:
            continue
    return str(max(addresses)) if addresses else "0.0.0.0"


def bgp_sessions(device: RouterState) -> list[dict[str, str]]:
    """v7 ``/routing bgp session``: one per enabled connection; established when its peer is on a
    network the router is connected to, once the router has been up a little while."""
    rows: list[dict[str, str]] = []
    up = device.uptime_seconds() - _SESSION_SETTLE
    for conn in _items(device, ("routing", "bgp", "connection")):
        remote = conn.get("remote.address", "").split("/")[0]
        if not remote:
            continue
        local = _connected(device, remote)
        established = local is not None and up >= 0
        name = conn.get("name", "bgp")
        row = {
            ".id": format_id(len(rows) + 1),
            "name": f"{name}-1",
            "remote.address": remote,
            "remote.as": conn.get("remote.as", ""),
            "local.role": conn.get("local.role", "ebgp"),
            "local.as": conn.get("as", ""),
            "local.id": conn.get("router-id") or _router_id(device),
            "established": str(established).lower(),
            "inactive": "false",
        }
        if established and local is not None:
            row.update({
                "remote.id": remote,
                "remote.afi": conn.get("address-families", "ip"),
                "local.address": local,
                "uptime": format_seconds(up),
                "prefix-count": str(_prefix_count(device, remote)),
                "hold-time": "3m",
                "keepalive-time": "1m",
            })
        rows.append(row)
    return rows


def _v6_peer_state(device: RouterState, item: Item, request: Request | None) -> dict[str, str]:
    """v6 ``/routing bgp peer`` print: the state of the session with that peer."""
    remote = item.get("remote-address", "")
    local = _connected(device, remote)
    up = device.uptime_seconds() - _SESSION_SETTLE
    if item.get("disabled") == "true" or local is None or up < 0:
        return {"state": "active" if item.get("disabled") != "true" else "idle", "established": "false"}
    return {"state": "established", "established": "true", "remote-id": remote, "local-address": local,
            "uptime": format_seconds(up), "prefix-count": str(_prefix_count(device, remote)),
            "updates-sent": "1", "updates-received": "1", "withdrawn-sent": "0", "withdrawn-received": "0"}


def _advertisements(device: RouterState) -> list[dict[str, str]]:
    """v6 ``/routing bgp advertisements``: each network to each established peer."""
    rows: list[dict[str, str]] = []
    networks = [n.get("network", "") for n in _items(device, ("routing", "bgp", "network"))]
    for peer in _items(device, ("routing", "bgp", "peer")):
        state = _v6_peer_state(device, peer, None)
        if state["established"] != "true":
            continue
        for prefix in networks:
            rows.append({".id": format_id(len(rows) + 1), "peer": peer.get("name", ""), "prefix": prefix,
                         "nexthop": state["local-address"], "origin": "igp", "as-path": ""})
    return rows


def dhcp_leases(device: RouterState) -> dict[str, dict[str, str]]:
    """The address each enabled DHCP client on a running interface got from the upstream network:
    interface -> address, gateway and DNS server (a network of its own per router and interface)."""
    interfaces = _interfaces(device)
    leases: dict[str, dict[str, str]] = {}
    for client in _items(device, ("ip", "dhcp-client")):
        name = client.get("interface", "")
        item = interfaces.get(name)
        if item is None or not is_running(item):
            continue
        digest = _digest(device, f"dhcp:{name}")
        prefix = f"100.{64 + digest[0] % 64}.{digest[1]}"
        leases[name] = {"address": f"{prefix}.{2 + digest[2] % 250}/24", "gateway": f"{prefix}.1",
                        "dns-server": f"{prefix}.1"}
    return leases


def dhcp_address_hooks(device: RouterState, base: PathHooks) -> PathHooks:
    """``/ip address``: the configured addresses, and the dynamic one of each bound DHCP client."""

    def dynamic() -> list[dict[str, str]]:
        rows = []
        for number, (name, lease) in enumerate(sorted(dhcp_leases(device).items()), start=0x7000):
            network = str(ipaddress.ip_interface(lease["address"]).network.network_address)
            rows.append({".id": format_id(number), "address": lease["address"], "network": network,
                         "interface": name, "actual-interface": name, "invalid": "false", "dynamic": "true",
                         "disabled": "false"})
        return rows

    return PathHooks(computed=base.computed, validate=base.validate, dynamic=dynamic)


def dhcp_client_hooks(device: RouterState) -> PathHooks:
    """``/ip dhcp-client``: bound on a running interface, searching elsewhere."""

    def computed(item: Item, request: Request | None) -> dict[str, str]:
        lease = dhcp_leases(device).get(item.get("interface", ""))
        if item.get("disabled") == "true":
            return {"status": "stopped"}
        if lease is None:
            return {"status": "searching..."}
        return {"status": "bound", **lease, "dhcp-server": lease["gateway"], "expires-after": "9m58s"}

    return PathHooks(computed=computed)


def register_network(device: RouterState) -> None:
    """Answer the status menus from the simulated surroundings (their configuration menus stay)."""
    tree = device.menus

    def serve(path: tuple[str, ...], rows: Callable[[RouterState], list[dict[str, str]]]) -> None:
        def handler(request: Request) -> Reply:
            return print_rows(rows(device), request)

        tree.register_many(path, {"print": handler, "getall": handler})

    serve(("interface", "bridge", "host"), bridge_hosts)
    serve(("ipv6", "neighbor"), ipv6_neighbors)
    if ("routing", "bgp", "session") in device.specs:
        serve(("routing", "bgp", "session"), bgp_sessions)
    if ("routing", "bgp", "advertisements") in device.specs:
        serve(("routing", "bgp", "advertisements"), _advertisements)
    tree.register(("ip", "neighbor"), "print", lambda request: print_rows([], request))
    tree.register(("ip", "neighbor"), "getall", lambda request: print_rows([], request))



def bgp_peer_hooks(device: RouterState) -> PathHooks:
    """v6 ``/routing bgp peer``: configuration rows with their session's state."""
    return PathHooks(computed=lambda item, request: _v6_peer_state(device, item, request))
