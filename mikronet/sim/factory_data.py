"""The simulator's factory knowledge (``data/factory.yaml``): factory items by version, settings menus
that became lists, interfaces every router has, and menus that keep one item per interface.

Read once; every function here is pure over that data and a version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from mikronet.sim.versions import Version, parse_version

__all__ = [
    "Mirror",
    "builtins_dropped",
    "extra_builtins",
    "extra_interfaces",
    "mirrors",
    "serial_ports",
    "verbose_read_only",
]


@dataclass(frozen=True)
class Mirror:
    """A menu with one item per interface: which interfaces (``all`` or a type) and fixed items first."""

    of: str
    fixed: tuple[str, ...] = ()


@cache
def _data() -> Mapping[str, Any]:
    text = resources.files("mikronet.sim").joinpath("data/factory.yaml").read_text(encoding="utf-8")
    loaded: Mapping[str, Any] = yaml.safe_load(text)
    return loaded


def _applies(entry: Mapping[str, Any], version: Version) -> bool:
    since, until = entry.get("since"), entry.get("until")
    return (since is None or version >= parse_version(str(since))) and (
        until is None or version < parse_version(str(until))
    )


def builtins_dropped(path: str, version: Version) -> bool:
    """Whether ``version`` no longer has the schema's factory items of ``path``."""
    until = _data().get("builtins-until", {}).get(path)
    return until is not None and version >= parse_version(str(until))


def extra_builtins(version: Version) -> dict[str, list[dict[str, str]]]:
    """Factory items only some versions have, by path (each item's values)."""
    out: dict[str, list[dict[str, str]]] = {}
    for path, entries in _data().get("versioned", {}).items():
        for entry in entries:
            if _applies(entry, version):
                values = {k: str(v) for k, v in entry.items() if k not in ("since", "until")}
                out.setdefault(path, []).append(values)
    return out


def extra_interfaces(version: Version) -> list[dict[str, str]]:
    """Interfaces every router of ``version`` has besides its ports (``lo`` on RouterOS 7)."""
    return [
        {k: str(v) for k, v in entry.items() if k not in ("since", "until")}
        for entry in _data().get("interfaces", ())
        if _applies(entry, version)
    ]


def verbose_read_only(path: str) -> frozenset[str]:
    """Read-only properties of ``path`` that ``export verbose`` writes, so a loaded export may set them."""
    return frozenset(_data().get("verbose-read-only", {}).get(path, ()))


def serial_ports(routerboard: bool) -> Sequence[str]:
    return tuple(_data().get("ports", {}).get("routerboard" if routerboard else "chr", ()))


def mirrors() -> Mapping[str, Mirror]:
    return {
        path: Mirror(str(spec.get("of", "all")), tuple(spec.get("fixed", ())))
        for path, spec in _data().get("mirrors", {}).items()
    }
