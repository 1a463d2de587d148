"""Factory state of a simulated router: its ports, the admin user, the services, the identity.

Also the device-only behaviour of a few configuration paths (computed fields and checks a schema
cannot express): ``/interface`` (one table for every kind, with counters and ``running``) and
``/ip address`` (``network``, ``actual-interface``, ``invalid``; the address must be an address).
"""

from __future__ import annotations

import ipaddress
import zlib
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from mikronet.routeros.model import Props
from mikronet.sim import messages as msg
from mikronet.sim.config import PathHooks, api_bool
from mikronet.sim.factory_data import builtins_dropped, extra_builtins, extra_interfaces, serial_ports
from mikronet.sim.menus import Request
from mikronet.sim.models import ModelProfile
from mikronet.sim.reply import CommandTrap, Reply
from mikronet.sim.scripting import run_file_later
from mikronet.sim.store import Item, Seed, Seeds
from mikronet.sim.versions import parse_version

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = [
    "builtin_seeds",
    "factory_reset",
    "interface_hooks",
    "ip_address_hooks",
    "is_running",
    "kind_hooks",
    "register_reset",
]


_FULL_POLICY = "local,telnet,ssh,ftp,reboot,read,write,policy,test,winbox,password,web,sniff,sensitive,api,romon"


@cache
def builtin_seeds(version: str, profile: ModelProfile) -> Seeds:
    """The factory items of each menu for this hardware and version: those the schema lists
    (services, groups, lists…) and the hardware's own (switch chips and their ports, PoE-out
    ports); computed once, shared read-only by every router of that kind."""
    from mikronet.routeros.schema import default_schema
    from mikronet.sim.schema_bridge import wanted_paths

    schema = default_schema()
    plan: dict[tuple[str, ...], tuple[Seed, ...]] = {}
    specs = wanted_paths(version, profile)
    v = parse_version(version)
    extra = extra_builtins(v)
    for path, spec in specs.items():
        canonical = "/" + " ".join(path)
        builtins = {} if builtins_dropped(canonical, v) else dict(schema.get(canonical).builtins)
        for values in extra.get(canonical, ()):
            builtins[values.get(spec.name_field or "name", str(len(builtins)))] = Props(values)
        if not builtins or spec.singleton or spec.storage is not None:
            continue
        seen: set[str] = set()
        items: list[Seed] = []
        for key, props in builtins.items():
            values = {name: api_bool(v) if name in spec.booleans else v for name, v in props.items() if v is not None}
            selector_name, _, selector_value = key.partition("=")
            if selector_value and selector_name != "default":
                values.setdefault(selector_name, selector_value)
            elif selector_value:
                values["default"] = "true"
            elif not key.isdigit() and not key.startswith("*") and spec.name_field:
                values.setdefault(spec.name_field, key)
            label = values.get(spec.name_field or "name", key)
            if label in seen:
                continue
            seen.add(label)
            ref = "number" if key.isdigit() else "find" if selector_value else "name" if spec.name_field else ""
            items.append(Seed(MappingProxyType(values), int(key[1:], 16) if key.startswith("*") else None, ref))
        if path == ("user", "group") and "full" not in seen:
            items.append(Seed(MappingProxyType({"name": "full", "policy": _FULL_POLICY + ",rest-api"}), None, "name"))
        plan[spec.table_path] = tuple(items)
    plan.update(_hardware_seeds(profile, int(version.split(".", 1)[0]), specs))
    if ("port",) in specs:
        plan[("port",)] = tuple(
            Seed(MappingProxyType({"name": name}), None, "number") for name in serial_ports(profile.routerboard)
        )
    return MappingProxyType(plan)


def _hardware_seeds(
    profile: ModelProfile, major: int, specs: Mapping[tuple[str, ...], object]
) -> dict[tuple[str, ...], tuple[Seed, ...]]:
    """Switch chips, the ports on them and the PoE-out ports, as factory items."""
    present = {port.name for port in profile.ports(major)}
    plan: dict[tuple[str, ...], tuple[Seed, ...]] = {}
    switch_path, port_path, poe_path = (
        ("interface", "ethernet", "switch"),
        ("interface", "ethernet", "switch", "port"),
        ("interface", "ethernet", "poe"),
    )
    if switch_path in specs and profile.switches:
        plan[switch_path] = tuple(
            Seed(MappingProxyType({"name": chip.name, "type": chip.type}), None, "number") for chip in profile.switches
        )
    if port_path in specs and profile.switches:
        ports = [
            Seed(MappingProxyType({"name": port, "switch": chip.name}), None, "number")
            for chip in profile.switches
            for port in chip.ports
            if port in present
        ]
        plan[port_path] = (*ports, *(Seed(MappingProxyType({"name": f"{c.name}-cpu", "switch": c.name}), None, "number")
                                     for c in profile.switches))
    if poe_path in specs and profile.poe_out:
        plan[poe_path] = tuple(Seed(MappingProxyType({"name": port}), None, "name") for port in profile.poe_out)
    factory_ports = profile.ports(major)
    ethers = [p.name for p in factory_ports if p.type == "ether" and p.name.startswith("ether")][:5]
    radios = [p.name for p in factory_ports if p.type in ("wlan", "wifi")]
    if ("system", "leds") in specs and profile.routerboard:  # a LED per port (up to five) and per radio
        leds = [{"interface": name, "leds": f"led{n}", "type": "interface-activity"}
                for n, name in enumerate(ethers, start=1)]
        leds += [{"interface": name, "leds": f"{name[:4]}-led", "type": "wireless-status"} for name in radios]
        plan[("system", "leds")] = tuple(Seed(MappingProxyType(values), None, "number") for values in leds)
    if ("system", "resource", "irq") in specs and profile.routerboard:
        plan[("system", "resource", "irq")] = tuple(
            Seed(MappingProxyType({"irq": str(n + 1)}), None, "number") for n in range(max(2, len(factory_ports)))
        )
    if ("lcd", "interface", "pages") in specs and profile.routerboard:  # eight ports to a page
        pages = max(1, -(-len(factory_ports) // 8))
        plan[("lcd", "interface", "pages")] = tuple(Seed(MappingProxyType({}), None, "number") for _ in range(pages))
    slots = profile.disk_slots(major)
    if ("disk",) in specs and slots:
        plan[("disk",)] = tuple(Seed(MappingProxyType({"slot": disk}), None, "name") for disk in slots)
    return plan


def factory_reset(device: RouterState, *, keep_users: bool = False) -> None:
    """Put the factory state in place: ports, built-in items, the admin user, the identity."""
    store = device.store
    users = store.tables.get(("user",)) if keep_users else None
    store.tables.clear()
    store.seeds = builtin_seeds(device.version, device.profile)
    interfaces = store.table(("interface",))
    for index, port in enumerate(device.profile.ports(device.parsed_version.major)):
        mac = device.mac_base[:5] + bytes(((device.mac_base[5] + index) & 0xFF,))
        values = {
            "name": port.name,
            "default-name": port.name,
            "type": port.type,
            "mac-address": ":".join(f"{b:02X}" for b in mac),
        }
        if port.type in ("wlan", "wifi"):
            values["disabled"] = "true"
        interfaces.add({}, builtin=True, factory=values)
    for values in extra_interfaces(device.parsed_version):
        interfaces.add({}, builtin=True, factory=values)
    if users is not None:
        store.tables[("user",)] = users
    else:
        # the factory password is the one on the sticker: the inventory's
        store.table(("user",)).add({"name": device.spec.username, "group": "full", "password": device.spec.password})
    store.table(("system", "identity"), singleton=True).single()


def register_reset(device: RouterState) -> None:
    """``/system reset-configuration [keep-users] [run-after-reset=FILE]``: reboot into the factory
    state (the users kept if asked), then run the file's script."""

    def reset(request: Request) -> Reply:
        keep_users = request.flag("keep-users")
        script = request.args.get("run-after-reset", "")

        def after() -> None:
            factory_reset(device, keep_users=keep_users)
            if script:
                run_file_later(device, script)

        device.reboot(then=after)
        return Reply(disconnect=True)

    device.menus.register(("system",), "reset-configuration", reset)


# --- /interface ------------------------------------------------------------------------------------


def _counter(device: RouterState, item: Item, salt: str, per_second: int) -> int:
    seed = zlib.crc32(f"{device.serial}:{item.number}:{salt}".encode())
    return (seed % 100_000) + per_second * device.uptime_seconds()


def is_running(item: Item) -> bool:
    """Whether an interface has a link: the WAN port and the first LAN port have a cable in, the
    radios are off until configured, everything else (bridges, VLANs, tunnels) is up."""
    if item.get("disabled") == "true":
        return False
    kind = item.get("type", "ether")
    if kind == "ether":
        return item.get("default-name") == "ether1" or item.number == 2
    return kind not in ("wlan", "wifi")


def interface_hooks(device: RouterState) -> PathHooks:
    """``/interface``: running state and traffic counters that grow with uptime."""
    running = is_running

    def computed(item: Item, request: Request | None) -> dict[str, str]:
        live = running(item)
        mtu = item.get("mtu", "1500")
        row = {
            "actual-mtu": mtu if mtu.isdigit() else "1500",
            "running": "true" if live else "false",
            "disabled": item.get("disabled", "false"),
            "link-downs": "0",
        }
        if item.get("type") == "ether":
            row.setdefault("l2mtu", "1598")
            row.setdefault("max-l2mtu", "9578")
        rate = 250_000 if live else 0
        row.update(
            {
                "rx-byte": str(_counter(device, item, "rx", rate)),
                "tx-byte": str(_counter(device, item, "tx", rate // 3)),
                "rx-packet": str(_counter(device, item, "rxp", rate // 900)),
                "tx-packet": str(_counter(device, item, "txp", rate // 2700)),
                "tx-queue-drop": "0",
                "fp-rx-byte": "0",
                "fp-tx-byte": "0",
                "fp-rx-packet": "0",
                "fp-tx-packet": "0",
            }
        )
        if request is not None and request.args.get("stats") is not None:
            row.update({"rx-drop": "0", "tx-drop": "0", "rx-error": "0", "tx-error": "0"})
        return row

    def after_change(item: Item, before: dict[str, str]) -> None:
        old, new = before.get("name"), item.get("name")
        if old and new and old != new:
            _rename_references(device, old, new)

    def before_remove(item: Item) -> None:
        name = item.get("name", "")
        for table in device.store.tables.values():
            if table.path == ("interface",):
                continue
            for other in table:
                if name and name in (other.get("interface"), other.get("bridge")):
                    raise CommandTrap(msg.INTERFACE_IN_USE, msg.CATEGORY_GENERAL)

    return PathHooks(computed=computed, after_change=after_change, before_remove=before_remove)


def _rename_references(device: RouterState, old: str, new: str) -> None:
    """RouterOS keeps references by id: a renamed interface is renamed wherever it is used."""
    for path, table in device.store.tables.items():
        if path == ("interface",):
            continue
        spec = device.specs.get(path)
        fields = {name for name, kind in spec.references.items() if kind == "interface"} if spec else set()
        fields |= {"interface", "bridge", "in-interface", "out-interface", "master-interface"}
        for item in table:
            for name in fields:
                if item.get(name) == old:
                    item.values[name] = new


def kind_hooks(device: RouterState, kind: str) -> PathHooks:
    """A kind view (``/interface bridge``) over the shared interface table."""
    base = interface_hooks(device)
    counters = base.computed
    assert counters is not None

    def computed(item: Item, request: Request | None) -> dict[str, str]:
        # a kind's own menu shows its state, not the traffic counters /interface print has
        row = counters(item, request)
        shown = {"running": row["running"], "disabled": row["disabled"]}
        if kind == "ether":
            shown["l2mtu"] = row.get("l2mtu", "1598")
        return shown

    return PathHooks(
        computed=computed,
        hidden=frozenset({"type"}),
        visible=lambda item: item.get("type") == kind,
        after_change=base.after_change,
        before_remove=base.before_remove,
    )


# --- /ip address -----------------------------------------------------------------------------------


def ip_address_hooks(device: RouterState) -> PathHooks:
    def parse(address: str) -> ipaddress.IPv4Interface:
        try:
            return ipaddress.IPv4Interface(address)
        except ValueError as exc:
            raise CommandTrap(msg.INVALID_VALUE.format(name="address"), msg.CATEGORY_ARGUMENT) from exc

    def validate(values: dict[str, str], item: Item | None) -> None:
        address = values.get("address")
        if not address:
            raise CommandTrap(msg.VALUE_NEEDED.format(name="address"), msg.CATEGORY_ARGUMENT)
        if not values.get("interface"):
            raise CommandTrap(msg.VALUE_NEEDED.format(name="interface"), msg.CATEGORY_ARGUMENT)
        parsed = parse(address)  # a host address stays as written (10.255.255.1, as RouterOS exports it)
        if not values.get("network"):
            values["network"] = str(parsed.network.network_address)  # filled in, and exported, as RouterOS does

    def computed(item: Item, request: Request | None) -> dict[str, str]:
        address = item.get("address", "")
        try:
            network = str(ipaddress.IPv4Interface(address).network.network_address)
        except ValueError:
            network = ""
        interface = item.get("interface", "")
        row = {"network": item.get("network", network), "actual-interface": interface}
        row["invalid"] = "false" if device.has_named("interface", interface) else "true"
        return row

    return PathHooks(computed=computed, validate=validate)
