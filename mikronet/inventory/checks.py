"""Checks across the whole inventory: what no single school can see.

* two routers on one address (host and port of their transport);
* two routers with one serial number;
* school networks that overlap: every variable named ``*_subnet`` set on a school or a router
  (``lan_subnet``: the school LAN) against every other such network, whatever the school;
* every router's template exists (:func:`template_problems`, needs the templates folder).

Each problem names both places, as ``file:line``, so the person fixing it sees which two entries
collide without searching.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mikronet.inventory.model import Origin, Router
from mikronet.inventory.source import Problem

__all__ = ["overlap_problems", "template_problems"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class _Net:
    network: Network
    name: str
    owner: str
    origin: Origin


def _problem(origin: Origin | None, field: str | None, message: str) -> Problem:
    if origin is None:
        return Problem(None, None, field, message)
    return Problem(origin.file, origin.line, origin.field or field, message)


def _where(origin: Origin | None) -> str:
    return origin.where if origin is not None and origin.where else "built in"


def overlap_problems(routers: Sequence[Router]) -> list[Problem]:
    """Duplicate addresses and serials, and overlapping school networks, with both places each."""
    problems: list[Problem] = []
    addresses: dict[tuple[str, int], Router] = {}
    serials: dict[str, Router] = {}
    for router in routers:
        host_at = router.origins.get("host")
        address = (router.host, router.port)
        other = addresses.setdefault(address, router)
        if other is not router:
            problems.append(
                _problem(
                    host_at,
                    "host",
                    f"{router.host} port {router.port} is already router {other.id!r} "
                    f"({_where(other.origins.get('host'))})",
                )
            )
        if router.serial:
            key = router.serial.strip().upper()
            first = serials.setdefault(key, router)
            if first is not router:
                problems.append(
                    _problem(
                        router.origins.get("serial"),
                        "serial",
                        f"serial {router.serial} is already router {first.id!r} "
                        f"({_where(first.origins.get('serial'))})",
                    )
                )
    nets, bad = _networks(routers)
    return problems + bad + _overlapping(nets)


def _networks(routers: Iterable[Router]) -> tuple[list[_Net], list[Problem]]:
    nets: dict[tuple[str, Origin], _Net] = {}
    problems: list[Problem] = []
    for router in routers:
        for name, value in router.vars.items():
            origin = router.provenance.get(name)
            if not name.endswith("_subnet") or origin is None or origin.layer not in ("school", "router"):
                continue
            key = (name, origin)
            if key in nets or any(p.line == origin.line and p.file == origin.file for p in problems):
                continue
            owner = router.school.id if origin.layer == "school" else router.id
            try:
                network = ipaddress.ip_network(str(value), strict=False)
            except ValueError:
                problems.append(
                    _problem(origin, f"vars.{name}", f"{value!r} is not a network (write it as 10.42.0.0/24)")
                )
                continue
            nets[key] = _Net(network, name, owner, origin)
    return list(nets.values()), problems


def _overlapping(nets: list[_Net]) -> list[Problem]:
    """Overlaps, found by sorting on the first address: each network is compared with the one
    reaching furthest among those before it (so n log n, not n²)."""
    problems: list[Problem] = []
    for version in (4, 6):
        ordered = sorted(
            (n for n in nets if n.network.version == version),
            key=lambda n: (int(n.network.network_address), -n.network.prefixlen),
        )
        reach: _Net | None = None
        for net in ordered:
            if reach is not None and int(net.network.network_address) <= int(reach.network.broadcast_address):
                same = net.network == reach.network
                how = "is the same network as" if same else "overlaps"
                problems.append(
                    _problem(
                        net.origin,
                        f"vars.{net.name}",
                        f"{net.network} of {net.owner} {how} {reach.network} of {reach.owner} "
                        f"({_where(reach.origin)})",
                    )
                )
            if reach is None or int(net.network.broadcast_address) > int(reach.network.broadcast_address):
                reach = net
    return problems


def template_problems(routers: Sequence[Router], template_dir: Path, suffix: str = ".rsc.j2") -> list[Problem]:
    """Routers whose template is not in ``template_dir``, one problem per place that names it."""
    import difflib

    available = sorted(p.name.removesuffix(suffix) for p in template_dir.glob(f"*{suffix}"))
    problems: dict[tuple[str | None, int | None, str], Problem] = {}
    users: dict[tuple[str | None, int | None, str], list[str]] = {}
    for router in routers:
        if router.template in available:
            continue
        origin = router.origins.get("template")
        key = (origin.file if origin else None, origin.line if origin else None, router.template)
        users.setdefault(key, []).append(router.id)
        close = difflib.get_close_matches(router.template, available, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f" (templates there: {', '.join(available) or 'none'})"
        problems[key] = _problem(
            origin, "template", f"no template {router.template!r} in {template_dir}{hint}"
        )
    result = []
    for key, problem in problems.items():
        ids = users[key]
        shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        message = f"{problem.message} ({len(ids)} routers: {shown})"
        result.append(Problem(problem.file, problem.line, problem.field, message))
    return result
