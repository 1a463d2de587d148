"""The ``/system`` menus that are not plain configuration: resource, routerboard, package, health,
reboot, reset-configuration, backup, and the router's log.

Figures follow the model's hardware (:mod:`mikronet.sim.models`); values are API text (raw byte
counts, RouterOS durations, dates in the version's style).
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from mikronet.routeros.values import format_seconds
from mikronet.sim import messages as msg
from mikronet.sim.config import print_rows
from mikronet.sim.formats import build_time, format_date
from mikronet.sim.hwprint import prints_board_name
from mikronet.sim.menus import Request
from mikronet.sim.reply import CommandTrap, Reply
from mikronet.sim.store import ConfigStore, Item, Seeds, Table

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = ["BACKUP_MAGIC", "register_system", "used_storage"]

MIB = 1024 * 1024
BACKUP_MAGIC = b"MIKRONET-SIM-BACKUP 1\n"
_V6_PACKAGES = (
    "system",
    "ipv6",
    "wireless",
    "hotspot",
    "mpls",
    "routing",
    "ppp",
    "dhcp",
    "security",
    "advanced-tools",
)


def used_storage(device: RouterState) -> int:
    """Bytes taken on the router's storage: the system plus every file."""
    system = min(int(device.profile.total_hdd_space * 0.55), 13 * MIB)
    files = device.files
    return system + sum(len(item.values.get("contents", "").encode("utf-8", "surrogateescape")) for item in files)


def _jitter(device: RouterState, salt: str, spread: int) -> int:
    return zlib.crc32(f"{device.serial}:{salt}:{device.boot_count}".encode()) % spread


def resource_row(device: RouterState) -> dict[str, str]:
    profile, behaviour = device.profile, device.behaviour
    free_hdd = max(profile.total_hdd_space - used_storage(device), 0)
    if device.faults.disk_full:
        free_hdd = 4096
    free_memory = int(profile.total_memory * (0.62 + _jitter(device, "mem", 20) / 100))
    row = {
        "uptime": format_seconds(device.uptime_seconds()),
        "version": f"{device.version} ({device.channel})",
        "build-time": format_date(build_time(device.parsed_version), iso=behaviour.iso_build_time, capital=True),
        "factory-software": _factory_software(device),
        "free-memory": str(free_memory),
        "total-memory": str(profile.total_memory),
        "cpu": profile.cpu,
        "cpu-count": str(profile.cpu_count),
        "cpu-frequency": str(profile.cpu_frequency),
        "cpu-load": str(_jitter(device, f"cpu{device.uptime_seconds() // 10}", 6)),
        "free-hdd-space": str(free_hdd),
        "total-hdd-space": str(profile.total_hdd_space),
        "write-sect-since-reboot": str(120 + _jitter(device, "ws", 300)),
        "write-sect-total": str(15000 + _jitter(device, "wt", 90000)),
        "architecture-name": profile.architecture,
        "board-name": profile.board_name,
        "platform": "MikroTik",
    }
    if profile.routerboard:
        row["bad-blocks"] = "0"
    return row


def _factory_software(device: RouterState) -> str:
    factory = device.profile.factory_firmware
    if factory and factory[0].isdigit() and not factory.startswith(("3.", "2.")):
        return factory
    return "7.1" if device.parsed_version.major >= 7 else "6.44"


def routerboard_row(device: RouterState) -> dict[str, str]:
    profile = device.profile
    row = {"routerboard": "true"}
    if prints_board_name(device.parsed_version):
        row["board-name"] = profile.board_name
    row.update(
        {
            "model": profile.model,
            "serial-number": device.serial,
            "firmware-type": profile.firmware_type,
            "factory-firmware": profile.factory_firmware,
            "current-firmware": device.firmware_current,
            "upgrade-firmware": device.firmware_upgrade,
        }
    )
    return row


def package_rows(device: RouterState) -> list[dict[str, str]]:
    behaviour, version = device.behaviour, device.version
    built = format_date(build_time(device.parsed_version), iso=behaviour.iso_build_time, capital=True)
    if device.parsed_version.major >= 7:
        names = ("routeros", *sorted(device.packages))
    else:
        names = (f"routeros-{device.profile.architecture}", *_V6_PACKAGES)
    rows = []
    for number, name in enumerate(names, start=1):
        rows.append(
            {
                ".id": f"*{number:X}",
                "name": name,
                "version": version,
                "build-time": built,
                "scheduled": "",
                "disabled": "false",
            }
        )
    return rows


def health_rows(device: RouterState) -> list[dict[str, str]]:
    if not device.profile.routerboard:
        return []
    volts = f"{23.8 + _jitter(device, 'v', 6) / 10:.1f}"
    temp = str(38 + _jitter(device, f"t{device.uptime_seconds() // 60}", 9))
    if device.parsed_version.major >= 7:
        return [
            {".id": "*1", "name": "voltage", "value": volts, "type": "V"},
            {".id": "*2", "name": "temperature", "value": temp, "type": "C"},
        ]
    return [{"voltage": volts, "temperature": temp}]


# --- backups ---------------------------------------------------------------------------------------


def _encode_backup(store: ConfigStore, password: str) -> str:
    tables = {
        "/".join(path): {
            "singleton": table.singleton,
            "next": table.next_number,
            "items": [[i.number, i.values, i.builtin, i.dynamic, dict(i.factory), i.ref] for i in table.items],
        }
        for path, table in store.tables.items()
    }
    body = json.dumps({"tables": tables}, ensure_ascii=False).encode("utf-8", "surrogateescape")
    lock = hashlib.sha256(password.encode("utf-8", "surrogateescape")).hexdigest() if password else ""
    blob = BACKUP_MAGIC + lock.encode() + b"\n" + zlib.compress(body)
    return base64.b64encode(blob).decode("ascii")


def _decode_backup(contents: str, password: str, seeds: Seeds) -> ConfigStore:
    try:
        blob = base64.b64decode(contents, validate=True)
    except ValueError as exc:
        raise CommandTrap(msg.BACKUP_BAD_FILE, msg.CATEGORY_GENERAL) from exc
    if not blob.startswith(BACKUP_MAGIC):
        raise CommandTrap(msg.BACKUP_BAD_FILE, msg.CATEGORY_GENERAL)
    lock, _, packed = blob[len(BACKUP_MAGIC) :].partition(b"\n")
    if lock and hashlib.sha256(password.encode("utf-8", "surrogateescape")).hexdigest().encode() != lock:
        raise CommandTrap(msg.BACKUP_WRONG_PASSWORD, msg.CATEGORY_GENERAL)
    data = json.loads(zlib.decompress(packed).decode("utf-8", "surrogateescape"))
    store = ConfigStore(seeds=seeds)
    for path, raw in data["tables"].items():
        table = Table(tuple(path.split("/")), singleton=raw["singleton"], next_number=raw["next"])
        table.items = [
            Item(n, dict(v), builtin=b, dynamic=d, factory=dict(f), ref=r) for n, v, b, d, f, r in raw["items"]
        ]
        store.tables[table.path] = table
    return store


def _backup_save(device: RouterState, request: Request) -> Reply:
    name = request.args.get("name") or f"{device.identity}-{device.clock.wall():%Y%m%d-%H%M}"
    password = "" if request.flag("dont-encrypt") else request.args.get("password", "")
    filename = name if name.endswith(".backup") else f"{name}.backup"
    contents = _encode_backup(device.store, password)
    device.write_file(filename, contents, kind="backup")
    device.log_event("system,info", "configuration backup saved")
    return Reply()


def _backup_load(device: RouterState, request: Request) -> Reply:
    name = request.args.get("name", "")
    if "password" not in request.args:
        raise CommandTrap(msg.VALUE_NEEDED.format(name="password"), msg.CATEGORY_ARGUMENT)
    item = device.find_file(name) or device.find_file(f"{name}.backup")
    if item is None:
        raise CommandTrap(msg.NO_SUCH_FILE, msg.CATEGORY_GENERAL)
    restored = _decode_backup(item.values.get("contents", ""), request.args.get("password", ""), device.store.seeds)
    device.reboot(then=lambda: device.store.restore(restored))
    return Reply(disconnect=True)


# --- registration ----------------------------------------------------------------------------------


def register_system(device: RouterState) -> None:
    tree = device.menus

    def single(row_of: Callable[[RouterState], dict[str, str]]) -> Callable[[Request], Reply]:
        def handler(request: Request) -> Reply:
            return print_rows([row_of(device)], request)

        return handler

    tree.register_many(("system", "resource"), {"print": single(resource_row), "getall": single(resource_row)})
    cpu_rows = lambda request: print_rows(  # noqa: E731
        [
            {
                ".id": f"*{n:X}",
                "cpu": f"cpu{n}",
                "load": str(_jitter(device, f"c{n}", 5)),
                "irq": "0",
                "disk": "0",
            }
            for n in range(device.profile.cpu_count)
        ],
        request,
    )
    tree.register_many(("system", "resource", "cpu"), {"print": cpu_rows, "getall": cpu_rows})
    health = lambda request: print_rows(health_rows(device), request)  # noqa: E731
    tree.register_many(("system", "health"), {"print": health, "getall": health})
    packages = lambda request: print_rows(package_rows(device), request)  # noqa: E731
    tree.register_many(("system", "package"), {"print": packages, "getall": packages})
    logs = lambda request: print_rows(  # noqa: E731
        [{".id": item.id, **item.values} for item in device.log], request
    )
    tree.register_many(("log",), {"print": logs, "getall": logs})

    if device.profile.routerboard:
        tree.register_many(
            ("system", "routerboard"),
            {
                "print": single(routerboard_row),
                "getall": single(routerboard_row),
                "upgrade": lambda request: _firmware_upgrade(device),
            },
        )

    def reboot(request: Request) -> Reply:
        device.reboot()
        return Reply(disconnect=True)

    tree.register(("system",), "reboot", reboot)
    tree.register(("system", "backup"), "save", lambda request: _backup_save(device, request))
    tree.register(("system", "backup"), "load", lambda request: _backup_load(device, request))


def _firmware_upgrade(device: RouterState) -> Reply:
    if device.flash_firmware():
        device.log_event("system,info,critical", msg.FIRMWARE_UPGRADED)
    return Reply()
