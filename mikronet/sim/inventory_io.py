"""From an inventory to simulated routers, and back to an inventory that points at them.

:func:`setups_from_inventory` turns each inventory router into a :class:`RouterSetup` (model,
serial, RouterOS version, the admin password the sticker would carry, the school's contracted
bandwidth). :func:`write_sim_inventory` writes the same inventory as one YAML file with every
router's ``host`` (and, where they differ, ``ports``) rewritten; secrets stay the same ``{env: …}``
/ ``{file: …}`` references (file paths made absolute) and no password is ever written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from mikronet.errors import InventoryError
from mikronet.inventory import Inventory, inventory_files, load_inventory, resolve_secret
from mikronet.sim.device import DeviceSpec
from mikronet.sim.runtime import Endpoint, RouterSetup

__all__ = ["DEFAULT_VERSION", "setups_from_inventory", "write_sim_inventory"]

DEFAULT_VERSION = "7.16.2"
"""RouterOS version of a router whose inventory entry does not say (the long-term release)."""


def _serial_for(router_id: str) -> str:
    return "SIM" + hashlib.sha256(router_id.encode()).hexdigest()[:9].upper()


def setups_from_inventory(
    inventory: Inventory,
    *,
    initial_config: Callable[[str], str | None] | None = None,
    environ: Mapping[str, str] | None = None,
    source: Callable[[str], str | None] | None = None,
) -> list[RouterSetup]:
    """One setup per router. Passwords are resolved (a router needs its own to check logins)."""
    setups = []
    for router in inventory.routers:
        password = resolve_secret(router.password_ref, environ).reveal()
        spec = DeviceSpec(
            router_id=router.id,
            model=router.model,
            serial=router.serial or _serial_for(router.id),
            version=router.routeros or DEFAULT_VERSION,
            username=router.username,
            password=password,
            contracted_mbps=router.school.connection.contracted_mbps,
            school=router.school.name,
        )
        ports = (router.ports.api, router.ports.api_ssl, router.ports.ssh)
        config = initial_config(router.id) if initial_config else None
        origin = source(router.id) if source is not None and config is not None else None
        setups.append(RouterSetup(spec, config, ports=ports, source=origin))
    return setups


def _absolute_files(node: Any, base: Path) -> Any:
    """Make ``{file: relative}`` secret references and ``ca_file`` paths absolute (the file moves)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("file", "ca_file") and isinstance(value, str) and not Path(value).is_absolute():
                value = str((base / value).resolve())
            out[key] = _absolute_files(value, base)
        return out
    if isinstance(node, list):
        return [_absolute_files(item, base) for item in node]
    return node


def _merged_document(source: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {"defaults": {}, "groups": {}, "schools": []}
    for path in inventory_files(source):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        doc = _absolute_files(doc, path.parent)
        merged["defaults"].update(doc.get("defaults") or {})
        merged["groups"].update(doc.get("groups") or {})
        merged["schools"].extend(doc.get("schools") or [])
    if not merged["defaults"]:
        del merged["defaults"]
    if not merged["groups"]:
        del merged["groups"]
    return merged


def _drop_key(node: Any, key: str) -> None:
    if isinstance(node, dict):
        node.pop(key, None)
        for value in node.values():
            _drop_key(value, key)
    elif isinstance(node, list):
        for item in node:
            _drop_key(item, key)


def write_sim_inventory(
    inventory: Inventory, endpoints: Mapping[str, Endpoint], out: Path, *, ca_file: Path | None = None,
    restart_s: float | None = None,
) -> Path:
    """Write ``out``: the inventory with hosts (and ports) of the simulated routers; check it loads.

    Pinned TLS fingerprints and CA files of the real routers are dropped; with ``ca_file`` every
    router verifies api-ssl against the fleet's own CA. ``restart_s`` (the twins' boot time) replaces
    every restart time the source gives: an upgrade waits for a twin as long as a twin takes.
    """
    doc = _merged_document(inventory.path)
    _drop_key(doc, "tls_fingerprint")
    _drop_key(doc, "ca_file")
    if ca_file is not None:
        doc.setdefault("defaults", {})["ca_file"] = str(ca_file.resolve())
    if restart_s is not None:
        _drop_key(doc, "restart_s")
        doc.setdefault("defaults", {})["restart_s"] = restart_s
    by_id = {router.id: router for router in inventory.routers}
    for school in doc["schools"]:
        for entry in school.get("routers") or []:
            router_id = f"{school['id']}/{entry.get('name', 'gw')}"
            endpoint = endpoints.get(router_id)
            router = by_id.get(router_id)
            if endpoint is None or router is None:
                raise InventoryError(f"router {router_id!r} has no simulated twin", file=inventory.path)
            entry["host"] = endpoint.host
            wanted = {"api": endpoint.api, "api-ssl": endpoint.api_ssl}
            if endpoint.ssh is not None:
                wanted["ssh"] = endpoint.ssh
            have = {"api": router.ports.api, "api-ssl": router.ports.api_ssl, "ssh": router.ports.ssh}
            if any(have[key] != value for key, value in wanted.items()):
                entry["ports"] = wanted
    header = (
        "# Simulated fleet: the inventory below with every router pointing at its simulated twin.\n"
        f"# Source: {inventory.path.resolve()}. Written by `mikronet sim up`; do not edit.\n"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_inventory(out)
    return out
