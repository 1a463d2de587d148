"""How each menu prints on the console: its flags (letters, RouterOS 7's groups) and its table
columns -- RouterOS knowledge as data, for :mod:`mikronet.sim.printing`.

Sources: the captures under ``../shared/corpus/outputs/`` and published console transcripts (v7
detail legends such as ``Flags: X - disabled, I - invalid; D - dynamic`` and ``Flags: D - dynamic;
X - disabled, R - running; S - slave``); menus without a capture follow the nearest one that has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["LOOKS", "Flag", "Look", "look_for"]

@dataclass(frozen=True)
class Flag:
    """One flag of a menu: the ``letter`` shown when the API property ``prop`` is ``'true'``.

    ``group``: RouterOS 7 prints a menu's flags in groups, ``;`` between groups and ``,`` within
    one (``Flags: X - disabled, I - invalid; D - dynamic``); RouterOS 6 joins them all with ``,``."""

    letter: str
    prop: str
    group: int = 0


@dataclass(frozen=True)
class Look:
    """How one menu prints: its flags (header order) and its table columns (empty: detail layout)."""

    flags: tuple[Flag, ...] = ()
    columns: tuple[str, ...] = ()


def _flags(*pairs: str) -> tuple[Flag, ...]:
    """``_flags("X disabled", "I invalid", ";", "D dynamic")``: letters and properties, ``;`` where
    RouterOS 7 starts a new group."""
    found: list[Flag] = []
    group = 0
    for pair in pairs:
        if pair == ";":
            group += 1
            continue
        found.append(Flag(pair[0], pair[2:], group))
    return tuple(found)


_XID = _flags("X disabled", "I invalid", ";", "D dynamic")
_XD = _flags("X disabled", ";", "D dynamic")

LOOKS: dict[tuple[str, ...], Look] = {
    ("interface",): Look(
        _flags("D dynamic", ";", "X disabled", "R running", ";", "S slave"),
        ("name", "type", "actual-mtu", "l2mtu", "max-l2mtu", "mac-address"),
    ),
    ("interface", "ethernet"): Look(
        _flags("X disabled", "R running", ";", "S slave"), ("name", "mtu", "mac-address", "arp", "switch")
    ),
    ("interface", "bridge"): Look(_flags("X disabled", "R running")),
    ("interface", "bridge", "port"): Look(
        _flags("X disabled", "I inactive", ";", "D dynamic", ";", "H hw-offload"), ("interface", "bridge", "pvid")
    ),
    ("interface", "bridge", "vlan"): Look(
        _XD, ("bridge", "vlan-ids", "current-tagged", "current-untagged")
    ),
    ("interface", "vlan"): Look(
        _flags("X disabled", "R running"), ("name", "mtu", "arp", "vlan-id", "interface")
    ),
    ("interface", "list"): Look(_flags("D dynamic"), ("name",)),
    ("interface", "list", "member"): Look(_XD, ("list", "interface")),
    ("interface", "wireless"): Look(_flags("X disabled", "R running")),
    ("ip", "address"): Look(_XID, ("address", "network", "interface")),
    ("ipv6", "address"): Look(
        _flags("X disabled", "I invalid", ";", "D dynamic", ";", "G global", ";", "L link-local"),
        ("address", "from-pool", "interface", "advertise"),
    ),
    ("ip", "route"): Look(
        _flags(
            "X disabled", "A active", "D dynamic", "C connect", "S static", "r rip", "b bgp",
            "o ospf", "m mme", "B blackhole", "U unreachable", "P prohibit",
        ),
        ("dst-address", "gateway", "distance"),
    ),
    ("ip", "pool"): Look((), ("name", "ranges")),
    ("ip", "dns", "static"): Look(_XD, ("name", "address", "ttl")),
    ("ip", "dhcp-server"): Look(_XID, ("name", "interface", "address-pool", "lease-time")),
    ("ip", "dhcp-server", "network"): Look((), ("address", "gateway", "dns-server")),
    ("ip", "dhcp-server", "lease"): Look(
        _flags("X disabled", "R radius", ";", "D dynamic", ";", "B blocked"),
        ("address", "mac-address", "host-name", "server", "status"),
    ),
    ("ip", "dhcp-client"): Look(
        _XID, ("interface", "use-peer-dns", "add-default-route", "status", "address")
    ),
    ("ip", "service"): Look(_flags("X disabled", "I invalid"), ("name", "port", "address", "certificate")),
    ("ip", "neighbor"): Look((), ("interface", "address", "mac-address", "identity", "version", "board")),
    ("ip", "firewall", "address-list"): Look(  # one group: ``Flags: X - disabled, D - dynamic`` (7.x)
        _flags("X disabled", "D dynamic"), ("list", "address", "creation-time")
    ),
    ("ip", "firewall", "filter"): Look(_XID),
    ("ip", "firewall", "nat"): Look(_XID),
    ("ip", "firewall", "mangle"): Look(_XID),
    ("user",): Look(_flags("X disabled"), ("name", "group", "address", "last-logged-in")),
    ("user", "group"): Look((), ("name", "policy", "skin")),
    ("user", "ssh-keys"): Look((), ("user", "bits", "key-owner")),
    ("system", "package"): Look(_flags("X disabled"), ("name", "version", "build-time", "scheduled")),
    ("system", "scheduler"): Look(
        _flags("X disabled"), ("name", "start-date", "start-time", "interval", "run-count")
    ),
    ("system", "script"): Look(_flags("I invalid")),
    ("system", "logging"): Look(
        _flags("X disabled", "I invalid", ";", "D default"), ("topics", "action", "prefix")
    ),
    ("ip", "upnp", "interfaces"): Look(_XD, ("interface", "type", "forced-ip")),
    ("ip", "arp"): Look(_flags("X disabled", "I invalid", ";", "H dhcp", ";", "D dynamic", ";", "P published", ";",
                               "C complete"),
                        ("address", "mac-address", "interface")),
    ("ip", "firewall", "service-port"): Look(_flags("X disabled", "I invalid"), ("name", "ports")),
    ("ip", "hotspot", "user"): Look(_XD, ("server", "name", "address", "profile")),
    ("ppp", "secret"): Look(_flags("X disabled"), ("name", "service", "caller-id", "profile", "remote-address")),
    ("ppp", "profile"): Look(_flags("* default"), ("name", "local-address", "remote-address", "bridge")),
    ("queue", "simple"): Look(_XID, ("name", "target", "max-limit")),
    ("queue", "interface"): Look((), ("interface", "queue", "active-queue")),
    ("interface", "bridge", "host"): Look(
        _flags("X disabled", "I invalid", ";", "D dynamic", ";", "L local", ";", "E external"),
        ("mac-address", "interface", "bridge", "age"),
    ),
    ("ipv6", "neighbor"): Look(_flags("R router"), ("address", "interface", "mac-address", "status")),
    ("routing", "bgp", "session"): Look(
        _flags("E established"), ("name", "remote.address", "remote.as", "local.role", "uptime")
    ),
    ("system", "leds"): Look(_flags("X disabled", ";", "* default"), ("type", "interface", "leds")),
    ("system", "ntp", "client", "servers"): Look(_XD, ("address", "auth-key")),
    ("interface", "wireguard"): Look(_flags("X disabled", "R running")),
    ("interface", "wireguard", "peers"): Look(_XD),
    ("interface", "bonding"): Look(_flags("X disabled", ";", "R running")),
    ("ip", "ipsec", "peer"): Look(_flags("X disabled", ";", "D dynamic", ";", "R responder")),
    ("ipv6", "nd"): Look(_flags("X disabled", "I invalid", ";", "* default")),
    ("ipv6", "nd", "prefix"): Look(_XID),
    ("tool", "netwatch"): Look(_flags("X disabled"), ("host", "timeout", "interval", "status", "since")),
    ("ip", "dns", "forwarders"): Look((), ("name", "dns-servers", "doh-servers")),
    ("file",): Look((), ("name", "type", "size", "creation-time")),
    ("log",): Look((), ("time", "topics", "message")),
}
"""Per-menu print layout. Columns are the ones RouterOS shows in a plain ``print`` (v6 and v7 agree
closely enough for the clients that parse them); a menu without columns prints in the detail
layout, as RouterOS does for firewall rules and scripts. Approximate where the reference says so."""

_DEFAULT_FLAGS = _XID


def look_for(path: Sequence[str]) -> Look:
    """The print layout of ``path``; an unknown menu prints in the detail layout."""
    return LOOKS.get(tuple(path), Look(_DEFAULT_FLAGS))
