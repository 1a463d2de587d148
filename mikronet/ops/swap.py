"""Equipment at a school: a router swapped for a new one, or an additional device.

A swap records the old and new serial and model, re-pins the new device's SSH host key and TLS
certificate (with ``trust --replace`` the only way a changed identity is accepted), and rewrites the
inventory file that declares the router, keeping its comments and order. With ``provision`` the
school's template, rendered again for the new model's ports, is pushed, together with what the
template does not cover taken from the old router's last backup (menus tied to the old hardware --
its interfaces, its certificates, its RouterBOARD settings -- are left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mikronet.errors import InputError
from mikronet.hardware import model_info
from mikronet.routeros import Config, Item, Schema, Section, parse
from mikronet.runner.results import RouterResult, Stands, Status
from mikronet.transport import TrustStore, fetch_identity
from mikronet.transport.trust import TLS_KIND, Pin, ssh_fingerprint

if TYPE_CHECKING:
    from mikronet.inventory import Inventory, Router

__all__ = ["SwapPlan", "carry_over", "plan_swap", "record_pins", "result_of", "swap_details"]

# Menus the old hardware owned: not carried over to a new device.
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


def plan_swap(inventory: Inventory, router: Router, new_serial: str, new_model: str | None,
              timeout: float = 10.0) -> SwapPlan:
    """What a swap will record and pin; reads the new device's identity (nothing is written yet)."""
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
    return SwapPlan(router, new_serial, model, pins)


def record_pins(store: TrustStore, plan: SwapPlan) -> None:
    """Replace the router's pins with the new device's (the old ones go)."""
    store.replace_router(plan.router.id, list(plan.pins))


def carry_over(template: Config, old_export: str | None, model: str, schema: Schema) -> tuple[Config, list[str]]:
    """The template's configuration plus what the old router had in menus the template does not touch
    (not the old hardware's), items naming interfaces the new model lacks left out; and what was left out."""
    if not old_export:
        return template, []
    old = parse(old_export, file="the old router's last backup", recover=True, schema=schema)
    info = model_info(model)
    ports = set(info.interfaces) if info is not None else set()
    named = {str(item.get("name")) for path, section in template.sections.items() if path.startswith("/interface")
             for item in section.items if item.get("name")}
    sections = dict(template.sections)
    left_out: list[str] = []
    for path, section in old.sections.items():
        if path in sections or path.startswith(_HARDWARE):
            continue
        kept: list[Item] = []
        for item in section.items:
            interface = item.get("interface")
            if isinstance(interface, str) and interface not in ports and interface not in named:
                left_out.append(f"{path}: an item on {interface}, which the new model does not have")
                continue
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

