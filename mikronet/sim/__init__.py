"""Simulated RouterOS routers ("twins"): device state, API server, fleet on loopback.

Nothing in the product imports this package except the CLI's ``sim``/``demo`` commands and the
tests. The fleet (asyncio servers, TLS, the inventory) loads only when it is asked for::

    from mikronet.sim import SimFleet, FleetOptions
    with SimFleet("inventory", options=FleetOptions(latency_ms=20)) as fleet:
        ...
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from cryptography.utils import CryptographyDeprecationWarning

with warnings.catch_warnings():
    # asyncssh names cryptography's DSA types in annotations it evaluates on import, and cryptography
    # deprecates them; the twins offer no DSA keys. Only that warning, only from asyncssh, only here.
    warnings.filterwarnings("ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning,
                            module=r"asyncssh(\.|$)")
    import asyncssh  # noqa: F401

from mikronet.sim.device import DeviceOptions, DeviceSpec, Faults, SimDevice
from mikronet.sim.hostkey import host_key_for
from mikronet.sim.reply import Reply, Trap

if TYPE_CHECKING:
    from mikronet.sim.fleet import SimFleet
    from mikronet.sim.runtime import Endpoint, FleetOptions

__all__ = [
    "DeviceOptions",
    "DeviceSpec",
    "Endpoint",
    "Faults",
    "FleetOptions",
    "Reply",
    "SimDevice",
    "SimFleet",
    "Trap",
    "host_key_for",
]

_LAZY = {"SimFleet": "mikronet.sim.fleet", "FleetOptions": "mikronet.sim.runtime", "Endpoint": "mikronet.sim.runtime"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mikronet.sim' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
