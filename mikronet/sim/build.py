"""The composition root of one simulated router: every menu, and the state it starts with.

Menus are registered on the device's own :class:`~mikronet.sim.menus.MenuTree` (no class-level
registry), so two routers never share handlers and a test can build one fresh. The configuration
menus come from the schema (:mod:`mikronet.sim.schema_bridge`) and are built on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from mikronet.sim.config import ConfigMenu, PathHooks, print_rows
from mikronet.sim.factory import factory_reset, interface_hooks, ip_address_hooks, kind_hooks
from mikronet.sim.files import register_files
from mikronet.sim.formats import format_time_parts
from mikronet.sim.menus import Handler, MenuTree, Request
from mikronet.sim.reply import Reply
from mikronet.sim.schema_bridge import path_specs
from mikronet.sim.specs import PathSpec
from mikronet.sim.store import Item
from mikronet.sim.system import register_system
from mikronet.sim.tools import register_tools
from mikronet.sim.upgrade import register_update

if TYPE_CHECKING:
    from mikronet.sim.device import SimDevice

__all__ = ["build_device", "config_menu_for", "register_menus", "wanted", "wanted_paths"]


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
        from mikronet.sim.scheduler import scheduler_hooks

        return scheduler_hooks(device)
    if spec.path == ("system", "script"):
        from mikronet.sim.scripting import script_hooks

        return script_hooks(device)
    return None


_NO_ADD: Mapping[tuple[str, ...], frozenset[str]] = {
    ("interface",): frozenset({"add", "move"}),
    ("interface", "ethernet"): frozenset({"add", "move", "remove"}),
}


@cache
def _config_paths(version: str, model: str, major: int) -> frozenset[tuple[str, ...]]:
    return frozenset(path for path in path_specs(version) if _wanted_for(model, major, path))


def _wanted_for(model: str, major: int, path: tuple[str, ...]) -> bool:
    from mikronet.sim.models import profile_for

    profile = profile_for(model)
    kinds = {p.type for p in profile.ports(major)}
    if path[:2] == ("system", "routerboard") and not profile.routerboard:
        return False
    if path[:2] in (("interface", "wifi"), ("interface", "wifiwave2")):
        return "wifi" in kinds
    if path[:2] == ("interface", "wireless"):
        return "wlan" in kinds
    return True


def wanted(device: SimDevice, path: tuple[str, ...]) -> bool:
    """Whether a router of this model has a menu at all (the version gate is the schema's)."""
    return _wanted_for(device.spec.model, device.parsed_version.major, path)


@cache
def wanted_paths(version: str, model: str, major: int) -> Mapping[tuple[str, ...], PathSpec]:
    """The configuration paths (and their specs) a router of this model and version serves."""
    specs = path_specs(version)
    return MappingProxyType({path: specs[path] for path in _config_paths(version, model, major)})


def register_menus(device: SimDevice) -> None:
    """(Re)build the device's menu tree for its model and running version (again after an upgrade)."""
    paths = _config_paths(device.version, device.spec.model, device.parsed_version.major)
    device.specs = wanted_paths(device.version, device.spec.model, device.parsed_version.major)
    device.config_menus = {}

    def verbs(path: tuple[str, ...]) -> Mapping[str, Handler]:
        menu = device.config_menu(path)
        found = menu.verbs()
        if path in _NO_ADD:  # ports exist from the factory; /interface itself adds nothing
            return {k: v for k, v in found.items() if k not in _NO_ADD[path]}
        return found

    device.menus = MenuTree(paths, verbs)
    register_system(device)
    register_update(device)
    register_files(device)
    register_tools(device)
    from mikronet.sim.scripting import register_scripting

    register_scripting(device)
    device.menus.register(("ip", "route", "vrf"), "print", lambda r: print_rows([], r))
    device.menus.register(("ipv6", "address"), "print", lambda r: print_rows([], r))
    device.menus.register((), "quit", lambda r: Reply(disconnect=True))
    device.menus.register((), "export", lambda r: device.export_command(r, ()))


def config_menu_for(device: SimDevice, spec: PathSpec) -> ConfigMenu:
    return ConfigMenu(device, spec, _hooks_for(device, spec))


def build_device(device: SimDevice, initial_config: str | None) -> None:
    """Register every menu on ``device`` and put its starting state in place."""
    register_menus(device)
    factory_reset(device)
    if initial_config is not None:
        from mikronet.sim.scripting import load_initial_config

        load_initial_config(device, initial_config)
