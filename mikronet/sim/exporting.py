"""``/export`` of a simulated router, through the project's own export renderer.

The store becomes a :class:`~mikronet.routeros.model.Config` (the one model): settings of singleton
menus, ``add`` lines for items the router did not come with, ``set`` lines on factory items named
the way RouterOS names them (``[ find default-name=ether1 ]``, ``telnet``, ``[ find default=yes ]``).
:func:`mikronet.routeros.render.export_text` then writes it the way the router's version does:
header style, compact or verbose, terse, secrets shown or hidden, quoting, hex escapes, wrapping.
Menus come in the order the router's version exports them (:mod:`mikronet.sim.export_order`).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from mikronet.routeros.model import Config, Find, Item, Props, Ref, Section, Selector
from mikronet.routeros.render import export_text as render_export_text
from mikronet.sim.export_order import order_sections
from mikronet.sim.hwprint import header_lines
from mikronet.sim.menus import Request
from mikronet.sim.models import PORT_KINDS
from mikronet.sim.reply import Reply
from mikronet.sim.store import Item as StoreItem

if TYPE_CHECKING:
    from mikronet.sim.specs import PathSpec
    from mikronet.sim.state import RouterState

__all__ = ["build_config", "export_command", "export_text", "software_id"]

_SCRIPT_BOOL = {"true": "yes", "false": "no"}
_KIND = frozenset({"type"})
"""What an interface's menu already says (``/interface vlan``); other menus keep their ``type``."""
_FACTORY_ONLY = frozenset({"type", "default-name", "mac-address"})
"""What a factory item came with and an export leaves out unless it was changed."""
_RUNTIME = frozenset({"default", "run-count", "next-run", "last-started", "last-logged-in"})
_NOT_EXPORTED = frozenset({("user",), ("user", "ssh-keys")})
"""Menus ``/export`` leaves out (users live apart from the configuration; a backup has them)."""


def software_id(serial: str) -> str:
    """A stable ``XXXX-XXXX`` software id for a serial number."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    digest = hashlib.sha256(f"software-id:{serial}".encode()).digest()
    chars = "".join(alphabet[b % len(alphabet)] for b in digest[:8])
    return f"{chars[:4]}-{chars[4:]}"


def _script_props(spec: PathSpec, values: dict[str, str], drop: frozenset[str]) -> Props:
    out = {}
    for name, value in values.items():
        if name in drop or name in _RUNTIME or name in spec.read_only:
            continue
        out[name] = _SCRIPT_BOOL.get(value, value) if name in spec.booleans else value
    return Props(out)


def _builtin_selector(spec: PathSpec, item: StoreItem, index: int) -> Selector:
    """How an export names a factory item: ``[ find default-name=ether1 ]``, ``[ find default=yes ]``,
    ``telnet`` / ``full`` (by name), or its number."""
    factory = item.factory
    if item.ref == "number":
        return Ref.of(str(index))
    if item.ref == "name" and spec.name_field and spec.name_field in factory:
        return Ref.of(factory[spec.name_field])
    if item.ref == "find" and spec.name_field and spec.name_field in factory and factory.get("default") != "true":
        return Find.of(**{spec.name_field: factory[spec.name_field]})
    if "default-name" in factory:
        return Find.of(**{"default-name": factory["default-name"]})
    if factory.get("default") == "true":
        return Find.of(default="yes")
    if spec.name_field and spec.name_field in factory:
        return Ref.of(factory[spec.name_field])
    return Ref.of(str(index))


def _section_items(spec: PathSpec, items: list[StoreItem], verbose: bool) -> tuple[Item, ...]:
    out = []
    for index, item in enumerate(items):
        if item.dynamic:
            continue
        if item.builtin:
            shown = {**item.factory, **item.values} if verbose else item.values
            kept = {k: v for k, v in shown.items() if k not in _FACTORY_ONLY or item.factory.get(k) != v}
            props = _script_props(spec, kept, _KIND if spec.storage is not None else frozenset())
            if props or verbose:
                out.append(Item(props, _builtin_selector(spec, item, index), "set"))
        else:
            out.append(Item(_script_props(spec, item.values, _KIND if spec.storage is not None else frozenset()),
                            None, "add"))
    return tuple(out)


def _port_menus(device: RouterState, kind_path: dict[str, tuple[str, ...]]) -> list[str]:
    """The menus of the router's built-in ports in the order it registered their kinds (its profile's
    ``kind_order``, else the order of its interface table)."""
    seen: list[str] = []
    for item in device.store.tables.get(("interface",)) or ():
        kind = item.get("type", "") or ""
        if item.builtin and kind in PORT_KINDS and kind in kind_path and kind not in seen:
            seen.append(kind)
    order = device.profile.kind_order
    seen.sort(key=lambda k: order.index(k) if k in order else len(order))
    return ["/" + " ".join(kind_path[k]) for k in seen]


def build_config(device: RouterState, path: tuple[str, ...] | None = None, *, verbose: bool = False) -> Config:
    """The router's configuration as the project's model (optionally one menu and those below it).

    Factory items appear with what was changed on them; with ``verbose`` also with what they came
    with, and every settings menu appears, so the renderer can spell the defaults out."""
    sections: dict[str, Section] = {}
    interfaces = device.store.tables.get(("interface",))
    kind_path = {spec.type_value: p for p, spec in device.specs.items() if spec.type_value is not None}
    by_kind: dict[tuple[str, ...], list[StoreItem]] = {}
    for item in interfaces or ():
        menu = kind_path.get(item.get("type", "") or "")
        if menu is not None:
            by_kind.setdefault(menu, []).append(item)
    for menu_path, spec in device.specs.items():
        if (path is not None and menu_path[: len(path)] != path) or menu_path in _NOT_EXPORTED:
            continue
        canonical = "/" + " ".join(menu_path)
        if spec.singleton:
            table = device.store.tables.get(spec.table_path)
            values = table.items[0].values if table is not None and table.items else {}
            settings = _script_props(spec, values, frozenset())
            if settings or verbose:
                sections[canonical] = Section(canonical, settings, ())
            continue
        if spec.storage is not None:
            items = by_kind.get(menu_path, [])
        else:
            table = device.store.table(spec.table_path) if verbose else device.store.tables.get(spec.table_path)
            items = list(table) if table is not None else []
        if items:
            sections[canonical] = Section(canonical, Props(), _section_items(spec, items, verbose))
    update = device.specs.get(("system", "package", "update"))
    if update is not None and (path is None or update.path[: len(path)] == path):
        channel = device.channel
        if verbose or channel != update.defaults.get("channel", "stable"):  # the upgrade menu keeps it
            sections["/system package update"] = Section("/system package update", Props({"channel": channel}), ())
    ranked = order_sections(Config(sections=sections), device.parsed_version, ports=_port_menus(device, kind_path))
    return Config(sections={p: sections[p] for p in ranked})


def export_text(
    device: RouterState,
    *,
    path: tuple[str, ...] | None,
    terse: bool,
    verbose: bool,
    show_sensitive: bool | None,
) -> str:
    """What ``/export`` prints on this router (LF line ends; the console writes CRLF)."""
    flags = [flag for flag, on in (("terse", terse), ("verbose", verbose)) if on]
    if show_sensitive is True:
        flags.append("show-sensitive")
    elif show_sensitive is False:
        flags.append("hide-sensitive")
    profile = device.profile
    text = render_export_text(
        build_config(device, path, verbose=verbose), version=device.version, flags=flags, when=device.clock.wall()
    )
    dated, _, body = text.partition("\n")
    lines = header_lines(
        device.parsed_version,
        routerboard=profile.routerboard,
        software_id=software_id(device.serial) if profile.routerboard else "",  # CHR has none
        model=profile.model,
        serial_number=device.serial,
    )
    return "\n".join([dated, *lines]) + "\n" + body


def export_command(device: RouterState, request: Request, path: tuple[str, ...]) -> Reply:
    """``/export`` (or ``/ip/address/export``) over the API: only ``file=`` gives anything back."""
    show: bool | None = None
    if request.flag("show-sensitive"):
        show = True
    elif request.flag("hide-sensitive"):
        show = False
    text = export_text(
        device, path=path or None, terse=request.flag("terse"), verbose=request.flag("verbose"), show_sensitive=show
    )
    filename = request.args.get("file")
    if not filename:
        return Reply()
    if not filename.endswith(".rsc"):
        filename += ".rsc"
    device.write_file(filename, text.replace("\n", "\r\n"))
    return Reply()
