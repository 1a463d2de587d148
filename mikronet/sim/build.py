"""The composition root of one simulated router: every menu, the hooks its state calls, and the
state it starts with.

Menus are registered on the router's own :class:`~mikronet.sim.menus.MenuTree` (no class-level
registry), so two routers never share handlers and a test can build one fresh. The configuration
menus come from the schema (:mod:`mikronet.sim.schema_bridge`) and are built on first use. Which
menus a router has follows its hardware: ``/system routerboard`` not on CHR, ``/interface wireless``
only with ``wlan`` radios, ``/interface wifi`` only with ``wifi`` ones, ``/interface ethernet poe``
only with PoE-out ports.
"""

from __future__ import annotations

from collections.abc import Mapping

from mikronet.sim.config import ConfigMenu, PathHooks
from mikronet.sim.factory import factory_reset, interface_hooks, ip_address_hooks, kind_hooks, register_reset
from mikronet.sim.factory_data import Mirror, mirrors
from mikronet.sim.files import register_files
from mikronet.sim.formats import format_time_parts
from mikronet.sim.menus import Handler, MenuTree, Request
from mikronet.sim.network import bgp_peer_hooks, dhcp_address_hooks, dhcp_client_hooks, register_network
from mikronet.sim.reply import Reply
from mikronet.sim.schema_bridge import wanted_keys, wanted_paths
from mikronet.sim.scripting import load_initial_config, register_scripting, script_hooks
from mikronet.sim.specs import PathSpec
from mikronet.sim.state import BuildHooks, RouterState
from mikronet.sim.store import Item
from mikronet.sim.system import register_system
from mikronet.sim.tools import register_tools
from mikronet.sim.upgrade import boot_delay, install_uploaded, register_update

__all__ = ["build_device", "config_menu_for", "load_initial_config", "register_menus"]


def _mirror(device: RouterState, mirror: Mirror) -> PathHooks:
    def names() -> list[str]:
        found = [item.get("name", "") for item in device.store.table(("interface",))
                 if mirror.of == "all" or item.get("type") == mirror.of]
        return [*mirror.fixed, *found]

    return PathHooks(mirror=names)


def _hooks_for(device: RouterState, spec: PathSpec) -> PathHooks | None:
    mirror = mirrors().get("/" + " ".join(spec.path))
    if mirror is not None:
        return _mirror(device, mirror)
    if spec.path == ("interface",):
        return interface_hooks(device)
    if spec.type_value is not None:
        return kind_hooks(device, spec.type_value)
    if spec.path == ("ip", "address"):
        return dhcp_address_hooks(device, ip_address_hooks(device))
    if spec.path == ("ip", "dhcp-client"):
        return dhcp_client_hooks(device)
    if spec.path == ("system", "clock"):

        def clock(item: Item, request: Request | None) -> dict[str, str]:
            date, time = format_time_parts(device.clock.wall(), iso=device.behaviour.iso_clock)
            return {"time": time, "date": date, "gmt-offset": "+00:00", "dst-active": "false"}

        return PathHooks(computed=clock)
    if spec.path == ("system", "scheduler"):
        from mikronet.sim.scheduler import scheduler_hooks

        return scheduler_hooks(device)
    if spec.path == ("system", "script"):
        return script_hooks(device)
    if spec.path == ("routing", "bgp", "peer"):
        return bgp_peer_hooks(device)
    if spec.path == ("certificate",):
        from mikronet.sim.certificates import certificate_hooks

        return certificate_hooks(device)
    return None


_NO_ADD: Mapping[tuple[str, ...], frozenset[str]] = {
    ("interface",): frozenset({"add", "move"}),
    ("interface", "ethernet"): frozenset({"add", "move", "remove"}),
    ("interface", "ethernet", "switch"): frozenset({"add", "move", "remove"}),
    ("interface", "ethernet", "switch", "port"): frozenset({"add", "move", "remove"}),
    ("interface", "ethernet", "poe"): frozenset({"add", "move", "remove"}),
}


def register_menus(device: RouterState) -> None:
    """(Re)build the router's menu tree for its hardware and running version (again after an upgrade)."""
    specs = wanted_paths(device.version, device.profile, device.packages)

    def verbs(path: tuple[str, ...]) -> Mapping[str, Handler]:
        menu = device.config_menu(path)
        found: dict[str, Handler] = menu.verbs()
        if path in _NO_ADD:  # ports exist from the factory; /interface itself adds nothing
            return {k: v for k, v in found.items() if k not in _NO_ADD[path]}
        if menu.hooks.mirror is not None or not menu.spec.writable:  # one item per interface, or a status menu
            return {k: v for k, v in found.items() if k not in ("add", "remove", "move")}
        return found

    menus = MenuTree(wanted_keys(device.version, device.profile, device.packages), verbs)
    hooks = BuildHooks(
        menu_factory=lambda spec: config_menu_for(device, spec),
        rebuild=lambda: register_menus(device),
        exporter=lambda **kw: _export(device, **kw),
        boot_steps=[lambda: install_uploaded(device)],
        boot_delay=lambda install: boot_delay(device, install),
    )
    device.install(specs, menus, hooks)
    register_system(device)
    register_reset(device)
    register_update(device)
    register_files(device)
    register_tools(device)
    register_scripting(device)
    register_network(device)
    from mikronet.sim.scheduler import arm_scheduler

    hooks.observers[("system", "scheduler")] = [lambda: arm_scheduler(device)]
    hooks.after_boot.append(lambda: arm_scheduler(device, booting=True))
    menus.register((), "quit", lambda r: Reply(disconnect=True))
    menus.register((), "export", lambda r: _export_command(device, r))


def _export(device: RouterState, **kwargs: object) -> str:
    from mikronet.sim.exporting import export_text

    return export_text(device, **kwargs)  # type: ignore[arg-type]


def _export_command(device: RouterState, request: Request) -> Reply:
    from mikronet.sim.exporting import export_command

    return export_command(device, request, ())


def config_menu_for(device: RouterState, spec: PathSpec) -> ConfigMenu:
    return ConfigMenu(device, spec, _hooks_for(device, spec))


def build_device(device: RouterState) -> None:
    """Register every menu on ``device`` and put its factory state in place."""
    register_menus(device)
    factory_reset(device)


