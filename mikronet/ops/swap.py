"""Equipment at a school: a router swapped for a new one, or an additional device.

A swap records the old and new serial and model, re-pins the new device's SSH host key and TLS
certificate (with ``trust --replace`` the only way a changed identity is accepted), and rewrites the
inventory file that declares the router, keeping its comments and order. With ``provision`` the
school's template, rendered again for the new model's ports, is pushed, together with what the
template does not cover taken from the old router's last backup (menus tied to the old hardware --
its interfaces, its certificates, its RouterBOARD settings -- are left out, and listed).

The new device is checked, not assumed: it must present another SSH host key and TLS certificate
than the old pins (the same ones mean the old router is still there: refused, "this is the same
device"), and its facts must report the new serial and model before the swap is recorded as
completed (:func:`confirm_device`). Provisioning onto a model with other ports carries each item
over by its port's role (:func:`port_roles`: the WAN port to the new WAN port, the n-th LAN port to
the n-th, the radios to the radios) and lists what has no counterpart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mikronet.errors import InputError
from mikronet.hardware import model_info
from mikronet.ops.facts import device_mismatch, read_facts
from mikronet.routeros import Config, Item, Schema, Section, parse
from mikronet.runner.results import RouterResult, Stands, Status
from mikronet.transport import Transport, TrustStore, fetch_identity
from mikronet.transport.trust import TLS_KIND, Pin, ssh_fingerprint

if TYPE_CHECKING:
    from mikronet.inventory import Inventory, Router

__all__ = ["SwapPlan", "carry_over", "confirm_device", "confirm_swap", "plan_swap", "port_roles", "record_pins",
           "result_of", "same_device", "swap_details"]

# Menus that name ports: carried over with each port mapped to the new model's port of its role.
_BY_ROLE = ("/interface bridge port", "/interface vlan", "/interface list member")
# Menus the old hardware owned: not carried over to a new device (listed as left out).
_HARDWARE = ("/interface", "/system routerboard", "/certificate", "/user", "/file", "/system license",
             "/caps-man", "/system identity")


@dataclass(frozen=True)
class SwapPlan:
    router: Router
    new_serial: str
    new_model: str
    pins: tuple[Pin, ...]

    def describe(self) -> list[str]:
        lines = [f"{self.router.id}: serial {self.router.serial or '?'} → {self.new_serial}, "
                 f"model {self.router.model} → {self.new_model}"]
        for pin in self.pins:
            shown = ssh_fingerprint(pin.value) if pin.kind != TLS_KIND else pin.value
            lines.append(f"  new {pin.kind} {shown}")
        return lines


def same_device(store: TrustStore, router_id: str, presented: tuple[Pin, ...]) -> list[str]:
    """Which of the old pins the device still presents (``SSH host key``, ``TLS certificate``)."""
    old_ssh, old_tls = store.ssh_key(router_id), store.tls_fingerprint(router_id)
    same = []
    for pin in presented:
        if pin.kind == TLS_KIND and old_tls is not None and pin.value == old_tls:
            same.append(f"TLS certificate {pin.value[:16]}…")
        elif pin.kind != TLS_KIND and old_ssh is not None and pin.value == old_ssh.value:
            same.append(f"SSH host key {ssh_fingerprint(pin.value)}")
    return same


def plan_swap(inventory: Inventory, router: Router, new_serial: str, new_model: str | None,
              timeout: float = 10.0, *, store: TrustStore | None = None) -> SwapPlan:
    """What a swap will record and pin; reads the new device's identity (nothing is written yet).

    With ``store`` (the trust store), a device that still presents the old SSH host key or TLS
    certificate is refused: that is the old router, not a new one."""
    if not new_serial.strip():
        raise InputError("--new-serial must not be empty")
    model = new_model or router.model
    if model_info(model) is None:
        raise InputError(f"--new-model {model!r} is not a known model")
    duplicate = next((r for r in inventory.routers if r.serial == new_serial and r.id != router.id), None)
    if duplicate is not None:
        raise InputError(f"serial {new_serial} belongs to {duplicate.id} already ({duplicate.location})")
    presented = fetch_identity(router, timeout=timeout)
    pins = tuple(p for p in (presented.ssh, presented.tls) if p is not None)
    if store is not None:
        same = same_device(store, router.id, pins)
        if same:
            raise InputError(f"{router.id}: this is the same device: it still presents the pinned "
                             f"{' and '.join(same)}; put the new device in its place first "
                             f"(serial {router.serial or '?'} is still answering at {router.host})")
    return SwapPlan(router, new_serial, model, pins)


def confirm_device(plan: SwapPlan, facts: Mapping[str, Any]) -> RouterResult | None:
    """``None`` when the device's facts report the swap's new serial and model; else a ``mismatch``
    result naming what it reports (the swap is then not completed)."""
    differs = device_mismatch(plan.new_serial, plan.new_model, facts)
    if differs is None:
        return None
    said = "; ".join(f"{key} {v['device']} (expected {v['inventory']})" for key, v in differs.items())
    return RouterResult(plan.router.id, Status.MISMATCH, cause="device-mismatch", stands=Stands.UNTOUCHED,
                        error=f"the device at {plan.router.host} reports {said}: not the new device the swap names",
                        details={"facts": dict(facts), "mismatch": differs})


def confirm_swap(plan: SwapPlan, transport: Transport) -> RouterResult:
    """Read the device's facts and confirm it is the swap's new device: ``ok``, or ``mismatch``."""
    facts = read_facts(transport)
    return confirm_device(plan, facts) or RouterResult(plan.router.id, Status.OK, details={"facts": facts})


def port_roles(old_model: str, new_model: str) -> dict[str, str | None]:
    """Each factory port of the old model → the new model's port of the same role (``None``: none).

    Roles: the WAN port; the LAN ports in order (the n-th to the n-th); the radios in order."""
    old, new = model_info(old_model), model_info(new_model)
    mapping: dict[str, str | None] = {old.wan_interface: new.wan_interface}
    old_lan = [p for p in old.lan_interfaces if p != old.wan_interface]
    new_lan = [p for p in new.lan_interfaces if p != new.wan_interface]
    for index, port in enumerate(old_lan):
        mapping[port] = new_lan[index] if index < len(new_lan) else None
    for index, port in enumerate(old.wireless):
        mapping[port] = new.wireless[index] if index < len(new.wireless) else None
    return mapping


def record_pins(store: TrustStore, plan: SwapPlan) -> None:
    """Replace the router's pins with the new device's (the old ones go)."""
    store.replace_router(plan.router.id, list(plan.pins))


def carry_over(template: Config, old_export: str | None, model: str, schema: Schema,
               old_model: str | None = None) -> tuple[Config, list[str]]:
    """The template's configuration plus what the old router had in menus the template does not touch
    (not the old hardware's); an item on an old port moves to the new port of the same role
    (:func:`port_roles`, when ``old_model`` is given); an item on a port with no counterpart is left
    out. Returns the configuration and every line of what was not carried over, the old hardware's
    menus included (its certificates, its interfaces' settings), so nothing stays behind silently."""
    if not old_export:
        return template, []
    old = parse(old_export, file="the old router's last backup", recover=True, schema=schema)
    info = model_info(model)
    ports = set(info.interfaces)
    roles = port_roles(old_model, model) if old_model else {}
    named = {str(item.get("name")) for path, section in template.sections.items() if path.startswith("/interface")
             for item in section.items if item.get("name")}
    sections = dict(template.sections)
    left_out: list[str] = []
    for path, section in old.sections.items():
        if path in sections:
            continue
        if path.startswith(_HARDWARE) and path not in _BY_ROLE:
            count = len(section.items) + (1 if section.settings else 0)
            if count and path not in ("/system identity", "/file"):
                left_out.append(f"{path}: {count} entr{'y' if count == 1 else 'ies'} of the old hardware not "
                                "carried over" + (" (the new device makes its own; run tls-enroll)"
                                                  if path == "/certificate" else ""))
            continue
        kept: list[Item] = []
        for item in section.items:
            interface = item.get("interface")
            if isinstance(interface, str) and interface not in named:
                mapped = roles.get(interface, interface if interface in ports else None)
                if mapped is None:
                    left_out.append(f"{path}: an item on {interface}, which has no counterpart on {info.name}")
                    continue
                if mapped != interface:
                    item = item.with_props({**dict(item.props.items()), "interface": mapped})
            kept.append(item)
        sections[path] = Section(path, settings=section.settings, items=tuple(kept))
    return Config(sections, header=template.header, ownership=dict(template.ownership)), left_out


def swap_details(plan: SwapPlan, provisioned: bool, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the ledger records for a swap."""
    return {
        "old_serial": plan.router.serial, "new_serial": plan.new_serial, "old_model": plan.router.model,
        "new_model": plan.new_model, "provisioned": provisioned,
        "new_pins": {p.kind: (ssh_fingerprint(p.value) if p.kind != TLS_KIND else p.value) for p in plan.pins},
        **(extra or {}),
    }


def result_of(plan: SwapPlan, pushed: RouterResult | None) -> RouterResult:
    """The swap's own result, with the provisioning push's status folded in."""
    if pushed is None:
        return RouterResult(plan.router.id, Status.CHANGED, notes=plan.describe()[1:])
    if pushed.status.is_failure:
        pushed.notes.insert(0, "swapped and re-pinned; provisioning failed")
        return pushed
    return RouterResult(plan.router.id, Status.CHANGED, plan=pushed.plan, applied=pushed.applied,
                        backup=pushed.backup, notes=["swapped, re-pinned and provisioned", *pushed.notes],
                        stands=Stands.TEMPLATE)

