"""Read-only fleet work: what each router is and runs (``facts``), and its export (``backup``).

``facts`` reads identity, model, serial, RouterOS version and channel, firmware (current and upgrade),
architecture, uptime, storage and packages in one round trip on the API. The figures go into the
result's ``details["facts"]`` and so into the run record, where reports read what the fleet runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mikronet.hardware import find_model
from mikronet.ops.backup import BackupStore, check_export
from mikronet.routeros.values import duration_seconds
from mikronet.routeros.version import is_v6
from mikronet.runner.results import RouterResult, Stands, Status
from mikronet.transport import Command, Transport

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["FACT_KEYS", "backup_router", "device_mismatch", "export_whole", "facts_result", "read_facts"]

FACT_KEYS = ("identity", "model", "board_name", "serial", "version", "channel", "firmware_current",
             "firmware_upgrade", "architecture", "uptime_s", "free_hdd_bytes", "total_hdd_bytes", "packages")
BACKUP_FILE = "mikronet-backup"

_UNITS = {"KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3, "kB": 1000, "MB": 1000 ** 2, "GB": 1000 ** 3}


def _bytes(text: str | None) -> int | None:
    """``1048576`` (API) or ``12.5MiB`` (console) in bytes."""
    if not text:
        return None
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMG]i?B|kB)?\s*", text)
    if match is None:
        return None
    return round(float(match.group(1)) * _UNITS.get(match.group(2) or "", 1))


def _seconds(text: str | None) -> int | None:
    if not text:
        return None
    value = duration_seconds(text)
    return round(value) if value is not None else None


def read_facts(transport: Transport) -> dict[str, Any]:
    """The router's facts (:data:`FACT_KEYS`); a value RouterOS does not give is None."""
    replies = transport.run([
        Command("/system/identity", "print"),
        Command("/system/resource", "print"),
        Command("/system/routerboard", "print"),
        Command("/system/package", "print", {".proplist": "name,version,disabled"}),
        Command("/system/package/update", "print"),
    ])
    identity, resource, board, update = (
        dict(r.rows[0]) if r.ok and r.rows else {} for r in (replies[0], replies[1], replies[2], replies[4]))
    version_text = str(resource.get("version", ""))
    channel_match = re.search(r"\((\S+)\)", version_text)
    package_rows = replies[3].rows if replies[3].ok else ()
    return {
        "identity": identity.get("name"),
        "model": board.get("model") or None,
        "board_name": resource.get("board-name"),
        "serial": board.get("serial-number") or None,
        "version": version_text.split(" ")[0] or None,
        "channel": update.get("channel") or (channel_match.group(1) if channel_match else None),
        "firmware_current": board.get("current-firmware") or None,
        "firmware_upgrade": board.get("upgrade-firmware") or None,
        "architecture": resource.get("architecture-name"),
        "uptime_s": _seconds(resource.get("uptime")),
        "free_hdd_bytes": _bytes(resource.get("free-hdd-space")),
        "total_hdd_bytes": _bytes(resource.get("total-hdd-space")),
        "packages": {str(row.get("name")): str(row.get("version", "")) for row in package_rows
                     if row.get("name") and row.get("disabled") not in ("true", "yes")},
    }


def _same_model(inventory_model: str, reported: str) -> bool:
    known, seen = find_model(inventory_model), find_model(reported)
    if known is not None and seen is not None:
        return known.model == seen.model
    return inventory_model.casefold().strip() == reported.casefold().strip()


def device_mismatch(serial: str | None, model: str | None, facts: Mapping[str, Any]) -> dict[str, Any] | None:
    """What differs between the serial and model the inventory names and what the device reports
    (``{"serial": {"inventory": …, "device": …}, …}``), or ``None`` when they agree. A value the
    inventory does not give, or the device does not report, is not compared."""
    found: dict[str, Any] = {}
    reported_serial, reported_model = facts.get("serial"), facts.get("model")
    if serial and reported_serial and str(serial).strip().upper() != str(reported_serial).strip().upper():
        found["serial"] = {"inventory": serial, "device": reported_serial}
    if model and reported_model and not _same_model(str(model), str(reported_model)):
        found["model"] = {"inventory": model, "device": reported_model}
    return found or None


def facts_result(router: Router, facts: Mapping[str, Any]) -> RouterResult:
    """The ``facts`` result of one router: ``ok``, or ``mismatch`` when the device's serial or model is
    not the inventory's (the facts are kept either way)."""
    differs = device_mismatch(router.serial, router.model, facts)
    if differs is None:
        return RouterResult(router.id, Status.OK, details={"facts": dict(facts)})
    said = "; ".join(f"{key}: the inventory says {v['inventory']}, the device reports {v['device']}"
                     for key, v in differs.items())
    return RouterResult(router.id, Status.MISMATCH, cause="device-mismatch", stands=Stands.UNTOUCHED,
                        error=f"not the device the inventory names ({said}); record a swap, or correct the inventory",
                        details={"facts": dict(facts), "mismatch": differs})


def export_whole(transport: Transport, name: str, *, hide_sensitive: bool) -> str:
    """The router's whole export through the file ``name.rsc`` (:meth:`Transport.export`), checked to
    be a complete export; the file is removed."""
    text = transport.export(file=name, hide_sensitive=hide_sensitive)
    check_export(text, transport.router_id)
    return text


def backup_router(transport: Transport, store: BackupStore) -> RouterResult:
    """Export the router whole (sensitive values hidden) and commit it; changes nothing on the router
    but the export file it removes again."""
    resource = transport.run([Command("/system/resource", "print", {".proplist": "version"})])[0]
    version = str(resource.rows[0].get("version", "")) if resource.ok and resource.rows else ""
    text = export_whole(transport, BACKUP_FILE, hide_sensitive=is_v6(version))
    before = store.commits(transport.router_id)
    path = store.save(transport.router_id, text, "backup")
    changed = store.commits(transport.router_id) != before
    return RouterResult(transport.router_id, Status.CHANGED if changed else Status.OK, backup=str(path),
                        details={"bytes": len(text.encode("utf-8"))})
