"""Fault specifications for a simulated fleet (``mikronet sim up --fault SPEC``).

A spec is ``KIND`` (every router), ``KIND=ROUTER[,ROUTER…]`` (those routers, by id) or ``KIND=N%``
(that share of the fleet, chosen reproducibly from the seed). Kinds:

==================  ===============================================================
``refuse``          nothing listens: connections are refused
``wrong-password``  every login is refused
``hang``            connections are accepted and never answered
``drop``            the first command after login is cut off mid-reply
``never-return``    a reboot never ends (the router stays away)
``old-version``     an upgrade reboots but comes back on the old version
``download-fail``   the package download fails part-way
``disk-full``       no free storage: downloads, backups and file writes fail
==================  ===============================================================
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mikronet.errors import InputError
from mikronet.sim.settings import Faults

__all__ = ["FAULT_KINDS", "FaultSpec", "assign_faults", "parse_fault"]

FAULT_KINDS: dict[str, str] = {
    "refuse": "refuse",
    "wrong-password": "wrong_password",
    "hang": "hang",
    "drop": "drop_mid_command",
    "never-return": "never_return",
    "old-version": "old_version",
    "download-fail": "download_fail",
    "disk-full": "disk_full",
}
"""Spec name -> :class:`~mikronet.sim.device.Faults` attribute."""


class FaultSpecError(InputError):
    """A ``--fault`` value that cannot be read."""


@dataclass(frozen=True)
class FaultSpec:
    """Which routers get one kind of fault: named ones, a share of the fleet, or all."""

    kind: str
    routers: tuple[str, ...] = ()
    percent: float | None = None

    @property
    def attribute(self) -> str:
        return FAULT_KINDS[self.kind]

    def __str__(self) -> str:
        if self.percent is not None:
            return f"{self.kind}={self.percent:g}%"
        return f"{self.kind}={','.join(self.routers)}" if self.routers else self.kind


def parse_fault(text: str) -> FaultSpec:
    """Read ``KIND``, ``KIND=ID,ID`` or ``KIND=N%``; raise :class:`FaultSpecError` naming what is wrong."""
    kind, _, target = text.strip().partition("=")
    kind = kind.strip()
    if kind not in FAULT_KINDS:
        raise FaultSpecError(f"--fault {text!r}: unknown kind {kind!r} (known: {', '.join(FAULT_KINDS)})")
    target = target.strip()
    if not target:
        return FaultSpec(kind, percent=100.0)
    if target.endswith("%"):
        try:
            percent = float(target[:-1])
        except ValueError:
            raise FaultSpecError(f"--fault {text!r}: {target!r} is not a percentage") from None
        if not 0 <= percent <= 100:
            raise FaultSpecError(f"--fault {text!r}: a share must be between 0% and 100%")
        return FaultSpec(kind, percent=percent)
    routers = tuple(part.strip() for part in target.split(",") if part.strip())
    return FaultSpec(kind, routers=routers)


def _chosen(spec: FaultSpec, router_ids: Sequence[str], seed: int) -> list[str]:
    if spec.percent is None:
        unknown = [r for r in spec.routers if r not in router_ids]
        if unknown:
            raise FaultSpecError(f"--fault {spec}: no router {', '.join(map(repr, unknown))} in the inventory")
        return list(spec.routers)
    count = math.ceil(len(router_ids) * spec.percent / 100)
    ranked = sorted(router_ids, key=lambda rid: hashlib.sha256(f"{seed}:{spec.kind}:{rid}".encode()).digest())
    return ranked[:count]


def assign_faults(specs: Iterable[FaultSpec], router_ids: Sequence[str], seed: int = 0) -> dict[str, Faults]:
    """Faults per router id for every router that gets at least one."""
    result: dict[str, Faults] = {}
    for spec in specs:
        for router_id in _chosen(spec, router_ids, seed):
            setattr(result.setdefault(router_id, Faults()), spec.attribute, True)
    return result
