"""The hardware a simulated router pretends to be, read from the project's one model table.

Port layouts, switch chips, PoE-out ports, CPU, memory and storage come from
:mod:`mikronet.hardware` (shared with the templates). This module adds what a running router derives
from them: interface types by RouterOS version, the extra packages a wireless model ships with,
whether ``/system routerboard`` exists (not on CHR/x86) -- and, for a router loaded from a backup,
the ports that backup names: a model nobody described (and CHR, whose ports are whatever the
hypervisor gives it) takes its ports from the interfaces the export references, never a generic
layout; an ac model whose export configures ``/interface wifi`` runs the wifi-qcom-ac package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from mikronet.hardware import Model, Switch, find_model, model_info
from mikronet.routeros import Find, parse

__all__ = [
    "CHR_BOARD_NAME",
    "PORT_KINDS",
    "ModelProfile",
    "Port",
    "port_kind",
    "profile_for",
    "referenced_ports",
    "registered_kinds",
]

MIB = 1024 * 1024
CHR_BOARD_NAME = "CHR QEMU Standard PC (i440FX + PIIX, 1996)"
_PORT = re.compile(r"(?:ether|sfp|sfpplus|sfp-sfpplus|sfp28-|qsfpplus|qsfp28-|combo|wlan|wifi|lte)\d+(?:-\d+)?")
_DISK = re.compile(r"(?:slot|usb|disk|sata|nvme|sd|raid)\d+(?:-part\d+)?")
_ORDER = ("ether", "combo", "sfp", "qsfp", "wlan", "wifi", "lte")
_KIND_MENUS = {
    "/interface ethernet": "ether",
    "/interface wireless": "wlan",
    "/interface wifi": "wifi",
    "/interface wifiwave2": "wifi",
    "/interface lte": "lte",
}
"""The menus of built-in ports, by the kind of port they hold."""
PORT_KINDS = frozenset(_KIND_MENUS.values())
"""Kinds of built-in port, as ``/interface`` types (``ether``, ``wlan``, ``wifi``, ``lte``)."""


@dataclass(frozen=True)
class Port:
    """A built-in interface: ``name`` is also its ``default-name``; ``type`` as /interface prints it."""

    name: str
    type: str


def port_kind(name: str) -> str:
    """``/interface print`` type of a factory port by its name (``wlan1`` -> ``wlan``)."""
    if name.startswith("wlan"):
        return "wlan"
    if name.startswith("wifi"):
        return "wifi"
    if name.startswith("lte"):
        return "lte"
    return "ether"


@dataclass(frozen=True)
class ModelProfile:
    """One router's hardware, as RouterOS reports it."""

    model: str
    board_name: str
    architecture: str
    cpu: str
    cpu_count: int
    cpu_frequency: int
    total_memory: int
    total_hdd_space: int
    routerboard: bool
    firmware_type: str
    factory_firmware: str
    interfaces: tuple[str, ...]
    poe_out: tuple[str, ...] = ()
    switches: tuple[Switch, ...] = ()
    wifi_flavour: str = "wireless"
    """``wifi`` when the ac radios run wifi-qcom-ac (then named ``wifiN`` on RouterOS 7)."""
    disks: tuple[str, ...] = ()
    """Storage in ``/disk`` (a USB stick, a second drive), as the backup names it."""
    usb: bool = False
    """A USB port: ``/disk`` has its ``usb1`` slot (``disk1`` on RouterOS 6)."""
    kind_order: tuple[str, ...] = ()
    """The order in which this unit registered its kinds of built-in port (``wlan`` before ``ether``),
    which ``/export`` follows for their menus; empty: the factory order of :meth:`ports`."""

    def disk_slots(self, major_version: int) -> tuple[str, ...]:
        """``/disk`` items: the USB slot of a model with a USB port, and the disks a backup names."""
        slots = list(self.disks)
        if self.usb:
            usb = "usb1" if major_version >= 7 else "disk1"
            if usb not in slots:
                slots.insert(0, usb)
        return tuple(slots)

    def ports(self, major_version: int) -> tuple[Port, ...]:
        """Built-in interfaces in ``/interface print`` order. Wi-Fi radios of the ``wifi`` packages
        (``wifiN``) need RouterOS 7; on 6 an ac model's radios are ``wlanN`` again."""
        ports: list[Port] = []
        for name in self.interfaces:
            kind = port_kind(name)
            if kind == "wifi" and major_version < 7:
                if self.wifi_flavour != "wifi" or not name[4:].isdigit():
                    continue
                name, kind = "wlan" + name[4:], "wlan"
            ports.append(Port(name, kind))
        return tuple(ports)

    def extra_packages(self, major_version: int) -> tuple[str, ...]:
        """Packages besides ``routeros`` that v7 installs on this model (v6 bundles everything)."""
        if major_version < 7:
            return ()
        if any(name.startswith("wifi") for name in self.interfaces):
            return ("wifi-qcom-ac",) if self.wifi_flavour == "wifi" and self.architecture == "arm" else ("wifi-qcom",)
        if any(name.startswith("wlan") for name in self.interfaces):
            return ("wireless",)
        return ()


def _natural(name: str) -> tuple[int, str, int]:
    kind = next((i for i, prefix in enumerate(_ORDER) if name.startswith(prefix)), len(_ORDER))
    digits = re.findall(r"\d+", name)
    return kind, re.sub(r"\d+", "", name), int(digits[0]) if digits else 0


def _walk(values: Iterable[str | None]) -> Iterator[str]:
    for value in values:
        if value:
            yield from (part.strip() for part in value.split(","))


def referenced_ports(text: str) -> tuple[str, ...]:
    """The factory hardware an export names: ports (``[ find default-name=ether7 ]``, ``interface=sfp1``,
    ``interfaces=ether2,ether3``) minus interfaces it creates itself, in RouterOS order, then disks
    (``/disk set slot2 …``)."""
    config = parse(text, recover=True)
    named: set[str] = set()
    created: set[str] = set()
    disks: set[str] = set()
    for item in config.sections["/disk"].items if "/disk" in config.sections else ():
        if item.verb == "set" and item.selector is not None and not isinstance(item.selector, Find):
            disks.update(v for v in item.selector.values if _DISK.fullmatch(v))
    for path, section in config.sections.items():
        named.update(name for name in _walk(section.settings.values()) if _PORT.fullmatch(name))
        for item in section.items:
            if item.verb == "add" and path.startswith("/interface") and item.props.get("name"):
                created.add(str(item.props["name"]))
            if isinstance(item.selector, Find):
                named.update(c.value for c in item.selector.conds if _PORT.fullmatch(c.value))
            named.update(name for name in _walk(item.props.values()) if _PORT.fullmatch(name))
    return (*sorted(named - created, key=_natural), *sorted(disks, key=_natural))


def registered_kinds(text: str) -> tuple[str, ...]:
    """The order in which the router that wrote an export had registered its kinds of built-in port,
    as its menus show it (``/interface wireless`` before ``/interface ethernet``: ``wlan, ether``).

    It is state of the unit, not of the model or the version: hAP ac2 exports of 7.6 and 7.12.1 write
    ethernet first, another hAP ac2 on 7.18.2 wireless first; one hAP ax³ wrote ethernet first on
    7.19.4 and its wifi first later. A router loaded from a backup keeps the order its export shows.
    """
    found: list[str] = []
    for path in parse(text, recover=True).sections:
        kind = _KIND_MENUS.get(path)
        if kind is not None and kind not in found:
            found.append(kind)
    return tuple(found)


def _profile(
    info: Model, model: str, interfaces: tuple[str, ...], flavour: str, disks: tuple[str, ...] = ()
) -> ModelProfile:
    return ModelProfile(
        model=model,
        board_name=info.board_name,
        architecture=info.architecture,
        cpu=info.cpu,
        cpu_count=info.cpu_count,
        cpu_frequency=info.cpu_frequency_mhz,
        total_memory=info.memory_mib * MIB,
        total_hdd_space=info.storage_mib * MIB,
        routerboard=info.routerboard,
        firmware_type=info.firmware_type,
        # the table has the factory firmware where a capture showed it; otherwise the first release
        # the model can have shipped with as far as the simulator knows (7.1 for a RouterOS 7 model)
        factory_firmware=info.factory_firmware or ("7.1" if info.v7_only else "6.45.9"),
        interfaces=interfaces,
        poe_out=tuple(p for p in info.poe_out if p in interfaces),
        switches=info.switches,
        wifi_flavour=flavour,
        disks=disks,
        usb=info.usb,
    )


@cache
def profile_for(model: str, referenced: tuple[str, ...] = ()) -> ModelProfile:
    """The hardware of ``model`` (a RouterBOARD model string, a product name, or ``CHR``).

    ``referenced`` are the ports a backup names (:func:`referenced_ports`). A known model keeps its
    own ports (an ac model whose backup names ``wifiN`` radios runs wifi-qcom-ac); CHR and a model
    nobody described take the referenced ones, and only without any fall back to a default layout.
    """
    disks = tuple(name for name in referenced if _DISK.fullmatch(name))
    referenced = tuple(name for name in referenced if not _DISK.fullmatch(name))
    info = find_model(model)
    if info is not None:
        ports = info.ports
        flavour = "wireless"
        if info.wifi_alternative == "wifi" and any(p.startswith("wifi") for p in referenced):
            ports = tuple("wifi" + p[4:] if p.startswith("wlan") else p for p in ports)
            flavour = "wifi"
        if not info.routerboard and referenced:  # CHR: as many ports as its configuration names
            ports = tuple(sorted(set(referenced) | {"ether1"}, key=_natural))
        spelling = model.strip() if model.strip() in info.model_strings else info.model  # the unit's own string
        return _profile(info, spelling, ports, flavour, disks)
    generic = model_info(model)
    if referenced:
        ports = tuple(referenced)
        flavour = "wifi" if any(p.startswith("wifi") for p in ports) else "wireless"
        return _profile(generic, model, ports, flavour, disks)
    name = model if generic.model == "generic" else generic.model
    return _profile(generic, name, generic.ports, "wireless", disks)
