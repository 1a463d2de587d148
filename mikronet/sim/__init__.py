"""Simulated RouterOS routers ("twins"): device state, API server, fleet on loopback.

Nothing in the product imports this package except the CLI's ``sim``/``demo`` commands and the
tests. Heavy parts (the asyncio servers, TLS) load only when a fleet starts.
"""

from __future__ import annotations

from mikronet.sim.device import DeviceOptions, DeviceSpec, Faults, SimDevice
from mikronet.sim.hostkey import host_key_for
from mikronet.sim.reply import Reply, Trap

__all__ = ["DeviceOptions", "DeviceSpec", "Faults", "Reply", "SimDevice", "Trap", "host_key_for"]
