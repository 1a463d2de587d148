"""The composition root of one simulated router: every menu, and the state it starts with.

Menus are registered on the device's own :class:`~mikronet.sim.menus.MenuTree` (no class-level
registry), so two routers never share handlers and a test can build one fresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mikronet.sim.config import ConfigMenu, PathHooks, print_rows
from mikronet.sim.factory import factory_reset, interface_hooks, ip_address_hooks, kind_hooks
from mikronet.sim.files import register_files
from mikronet.sim.formats import format_time_parts
from mikronet.sim.menus import Request
from mikronet.sim.reply import Reply
from mikronet.sim.schema_bridge import path_specs
from mikronet.sim.specs import PathSpec
from mikronet.sim.store import Item
from mikronet.sim.system import register_system
from mikronet.sim.tools import register_tools
from mikronet.sim.upgrade import register_update

if TYPE_CHECKING:
    from mikronet.sim.device import SimDevice

__all__ = ["build_device"]


def _hooks_for(device: SimDevice, spec: PathSpec) -> PathHooks | None:
    if spec.path == ("interface",):
        return interface_hooks(device)
    if spec.type_value is not None:
        return kind_hooks(device, spec.type_value)
    if spec.path == ("ip", "address"):
        return ip_address_hooks(device)
    if spec.path == ("system", "clock"):
        def clock(item: Item, request: Request | None) -> dict[str, str]:
            date, time = format_time_parts(device.clock.wall(), iso=device.behaviour.iso_clock)
            return {"time": time, "date": date, "gmt-offset": "+00:00", "dst-active": "false"}

        return PathHooks(computed=clock)
    if spec.path == ("system", "scheduler"):
        from mikronet.sim.scripting import scheduler_hooks

        return scheduler_hooks(device)
    if spec.path == ("system", "script"):
        from mikronet.sim.scripting import script_hooks

        return script_hooks(device)
    return None


def _wanted(device: SimDevice, spec: PathSpec) -> bool:
    """Menus a router of this model and version has at all."""
    major = device.parsed_version.major
    if spec.path[:2] == ("system", "routerboard") and not device.profile.routerboard:
        return False
    if spec.path == ("interface", "wifi"):
        return major >= 7 and any(p.type == "wifi" for p in device.profile.ports(major))
    if spec.path == ("interface", "wireless"):
        return any(p.type == "wlan" for p in device.profile.ports(major))
    return True


def build_device(device: SimDevice, initial_config: str | None) -> None:
    """Register every menu on ``device`` and put its starting state in place."""
    for spec in path_specs().values():
        if not _wanted(device, spec):
            continue
        menu = ConfigMenu(device, spec, _hooks_for(device, spec))
        device.config_menus[spec.path] = menu
        device.menus.register_many(spec.path, menu.verbs())

    register_system(device)
    register_update(device)
    register_files(device)
    register_tools(device)
    from mikronet.sim.scripting import register_scripting

    register_scripting(device)
    device.menus.register(("ip", "route", "vrf"), "print", lambda r: print_rows([], r))
    device.menus.register(("ipv6", "address"), "print", lambda r: print_rows([], r))
    device.menus.register((), "quit", lambda r: Reply(disconnect=True))

    factory_reset(device)
    if initial_config is not None:
        from mikronet.sim.scripting import load_initial_config

        load_initial_config(device, initial_config)
