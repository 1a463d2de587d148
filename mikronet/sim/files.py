"""``/file``: the router's storage (exports, backups, downloaded packages, uploaded scripts).

Files are not configuration (a backup does not carry them) and survive reboots. ``contents`` is
shown inline for small text files only, as RouterOS does; larger ones are read with ``/file/read``
(7.13+), as librouteros's config helper does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mikronet.sim import messages as msg
from mikronet.sim.config import print_rows
from mikronet.sim.menus import Request
from mikronet.sim.reply import CommandTrap, Reply
from mikronet.sim.state import file_type
from mikronet.sim.store import Item, parse_id

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = ["file_row", "file_type", "register_files"]

INLINE_LIMIT = {6: 4095, 7: 65535}
"""Largest file whose ``contents`` a print shows inline (v6 figure from napalm-ros; v7 unconfirmed)."""


def _size(item: Item) -> int:
    if "size" in item.values:
        return int(item.values["size"])
    return len(item.values.get("contents", "").encode("utf-8", "surrogateescape"))


def file_row(device: RouterState, item: Item) -> dict[str, str]:
    size = _size(item)
    row = {
        ".id": item.id,
        "name": item.values["name"],
        "type": item.values.get("type", "file"),
        "size": str(size),
        "creation-time": item.values.get("creation-time", ""),
    }
    if (
        item.values.get("type") not in ("package", "backup")
        and size <= INLINE_LIMIT[7 if device.parsed_version.major >= 7 else 6]
    ):
        row["contents"] = item.values.get("contents", "")
    return row


def _targets(device: RouterState, request: Request) -> list[Item]:
    refs = request.args.get(".id") or request.args.get("numbers") or ""
    found = []
    for ref in filter(None, (r.strip() for r in refs.split(","))):
        number = parse_id(ref)
        item = device.files.get(number) if number is not None else device.find_file(ref)
        if item is None:
            raise CommandTrap(msg.NO_SUCH_ITEM, msg.NO_SUCH_CATEGORY)
        found.append(item)
    if not found:
        raise CommandTrap(msg.NO_SUCH_ITEM, msg.NO_SUCH_CATEGORY)
    return found


def register_files(device: RouterState) -> None:
    def print_(request: Request) -> Reply:
        return print_rows([file_row(device, item) for item in device.files], request)

    def check(request: Request, allowed: frozenset[str]) -> None:
        for name in request.args:
            if name not in allowed:
                raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT, argument=name)

    def add(request: Request) -> Reply:
        check(request, frozenset({"name", "contents", "type"}))
        name = request.args.get("name", "")
        if not name:
            raise CommandTrap(msg.VALUE_NEEDED.format(name="name"), msg.CATEGORY_ARGUMENT)
        if device.find_file(name) is not None:
            raise CommandTrap(msg.ALREADY_HAVE_NAME, msg.CATEGORY_GENERAL)
        item = device.write_file(name, request.args.get("contents", ""))
        return Reply(ret=item.id)

    def set_(request: Request) -> Reply:
        check(request, frozenset({".id", "numbers", "contents"}))
        for item in _targets(device, request):
            if "contents" in request.args:
                device.ensure_space(len(request.args["contents"]))
                item.values["contents"] = request.args["contents"]
                item.values.pop("size", None)
        return Reply()

    def remove(request: Request) -> Reply:
        for item in _targets(device, request):
            device.remove_file(item)
        return Reply()

    def read(request: Request) -> Reply:
        if not device.behaviour.file_read:
            raise CommandTrap(msg.NO_SUCH_COMMAND, msg.NO_SUCH_CATEGORY)
        item = device.find_file(request.args.get("file", ""))
        if item is None:
            raise CommandTrap(msg.NO_SUCH_FILE, msg.CATEGORY_GENERAL)
        data = item.values.get("contents", "").encode("utf-8", "surrogateescape")
        offset = int(request.args.get("offset", "0") or 0)
        chunk = int(request.args.get("chunk-size", "32768") or 32768)
        piece = data[offset : offset + chunk].decode("utf-8", "surrogateescape")
        return Reply(rows=[{"data": piece}])

    device.menus.register_many(
        ("file",),
        {"print": print_, "getall": print_, "add": add, "set": set_, "remove": remove, "read": read},
    )
