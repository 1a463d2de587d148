"""Normalisers: make equal RouterOS values compare equal.

Each type of the schema has a normaliser, spelling a value the way RouterOS prints it back:
``yes``/``true`` -> ``yes``; rates ``25M`` -> ``25000000``; durations ``1d``/``24h``/``1d00:00:00``
-> ``1d``; sizes ``2MiB`` -> ``2097152``; comma sets sorted (lists keep their order); MACs
upper-case; addresses ``10.255.255.1/32`` -> ``10.255.255.1`` and IPv6 compressed, networks with
their host bits cleared. Every normaliser is idempotent and leaves a value it does not
understand (``auto``, ``none``, a DNS name) as it is.

:func:`normalize` puts a whole :class:`Config` into canonical form for one RouterOS version: old
names moved to new ones (``routing-mark`` -> ``routing-table`` on v7, ``/interface wifiwave2`` ->
``/interface wifi`` from 7.13), unset and read-only properties dropped, values normalised,
properties at their default dropped (so a verbose export and a compact one of the same router
come out alike), repeated ``set`` lines on one item merged.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from typing import Final

from mikronet.routeros.model import Cond, Config, Find, Item, Props, Section, Selector, Value
from mikronet.routeros.schema import PathSchema, Schema, Version, default_schema, parse_version, selector_key

__all__ = [
    "NORMALIZERS",
    "config_version",
    "effective_props",
    "migrate",
    "normalize",
    "normalize_item",
    "normalize_props",
    "normalize_value",
    "resolve_default",
    "selected_values",
    "version_problems",
]

_INT: Final = re.compile(r"[+-]?[0-9]+|0x[0-9A-Fa-f]+")
_RATE: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?)([kKMGT]?)(?:bps)?")
_SIZE: Final = re.compile(r"([0-9]+)(KiB|MiB|GiB|TiB|k|K|M|G|T)?")
_DURATION_PART: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?)(w|d|h|ms|m|s|us)")
_CLOCK: Final = re.compile(r"(?:([0-9]+)d)? ?([0-9]+):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?")
_RATE_UNITS: Final = {"": 1, "k": 1000, "K": 1000, "M": 1000**2, "G": 1000**3, "T": 1000**4}
_SIZE_UNITS: Final = {None: 1, "k": 1024, "K": 1024, "KiB": 1024, "M": 1024**2, "MiB": 1024**2,
                      "G": 1024**3, "GiB": 1024**3, "T": 1024**4, "TiB": 1024**4}
_US: Final = {"w": 604_800_000_000, "d": 86_400_000_000, "h": 3_600_000_000, "m": 60_000_000,
              "s": 1_000_000, "ms": 1_000, "us": 1}


def _bool(value: str) -> str:
    low = value.lower()
    if low in ("yes", "true"):
        return "yes"
    if low in ("no", "false"):
        return "no"
    return value


def _int(value: str) -> str:
    text = value.strip()
    if _INT.fullmatch(text):
        return str(int(text, 16) if text[:2] == "0x" else int(text))
    return value


def _rate_part(part: str) -> str:
    m = _RATE.fullmatch(part)
    if not m:
        return part
    number, unit = m.groups()
    scaled = float(number) * _RATE_UNITS[unit] if "." in number else int(number) * _RATE_UNITS[unit]
    if isinstance(scaled, float):
        if not scaled.is_integer():
            return part
        scaled = int(scaled)
    return str(scaled)


def _rate(value: str) -> str:
    """Bits per second, decimal units: ``25M`` -> ``25000000``; ``768k/10M`` per direction."""
    return "/".join(_rate_part(p) for p in value.split("/"))


def _size(value: str) -> str:
    """Bytes, binary units: ``2MiB`` -> ``2097152``."""
    m = _SIZE.fullmatch(value.strip())
    if not m:
        return value
    return str(int(m.group(1)) * _SIZE_UNITS[m.group(2)])


def _kib(value: str) -> str:
    """A size counted in KiB where a bare number means KiB (``cache-size``): ``2MiB`` -> ``2048KiB``."""
    m = _SIZE.fullmatch(value.strip())
    if not m:
        return value
    unit = m.group(2)
    count = int(m.group(1)) if unit is None else int(m.group(1)) * _SIZE_UNITS[unit] // 1024
    if unit is not None and int(m.group(1)) * _SIZE_UNITS[unit] % 1024:
        return value
    return f"{count}KiB"


def duration_us(value: str) -> int | None:
    """A RouterOS duration in microseconds, or ``None`` when it is not one (``none``, ``auto``)."""
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text) * 1_000_000
    m = _CLOCK.fullmatch(text)
    if m:
        days, hours, minutes, seconds, fraction = m.groups()
        total = ((int(days or 0) * 24 + int(hours)) * 60 + int(minutes)) * 60 + int(seconds)
        return total * 1_000_000 + (int(fraction.ljust(6, "0")) if fraction else 0)
    pos = 0
    total = 0
    for part in _DURATION_PART.finditer(text):
        if part.start() != pos:
            return None
        amount = part.group(1)
        unit = _US[part.group(2)]
        total += round(float(amount) * unit) if "." in amount else int(amount) * unit
        pos = part.end()
    if pos != len(text) or pos == 0:
        return None
    return total


def format_duration(us: int) -> str:
    """Microseconds as RouterOS writes a duration: ``1w2d3h4m5s``, ``100ms``, ``0s``."""
    if us == 0:
        return "0s"
    out = []
    for unit in ("w", "d", "h", "m", "s", "ms", "us"):
        size = _US[unit]
        count, us = divmod(us, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


def _duration(value: str) -> str:
    us = duration_us(value)
    return value if us is None else format_duration(us)


def _list(value: str) -> str:
    if "," not in value and value.strip() == value:
        return value
    return ",".join(p.strip() for p in value.split(","))


def _set(value: str) -> str:
    parts = {p.strip() for p in value.split(",")} - {""}
    return ",".join(sorted(parts))


def _iset(value: str) -> str:
    return _set(value.lower())


def _mac(value: str) -> str:
    return value.upper()


def _one_address(text: str, network: bool) -> str:
    """One address, prefix or range as RouterOS prints it: a host's full-length prefix dropped
    (``10.0.0.1/32`` -> ``10.0.0.1``), IPv6 compressed and lower-case, with ``network`` the host
    bits cleared (``10.0.0.5/24`` -> ``10.0.0.0/24``). Anything else is left as it is."""
    bang = "!" if text.startswith("!") else ""
    body = text[len(bang):]
    if "-" in body and "/" not in body:
        low, _, high = body.partition("-")
        return f"{bang}{_one_address(low, False)}-{_one_address(high, False)}"
    if not body or not (body[0].isdigit() or body[0] in ":abcdefABCDEF"):
        return text
    try:
        if "/" not in body:
            return bang + str(ipaddress.ip_address(body))
        if network:
            net = ipaddress.ip_network(body, strict=False)
            full = net.prefixlen == net.max_prefixlen
            return bang + (str(net.network_address) if full else str(net))
        iface = ipaddress.ip_interface(body)
        full = iface.network.prefixlen == iface.network.max_prefixlen
        return bang + (str(iface.ip) if full else str(iface))
    except ValueError:
        return text


def _ip(value: str) -> str:
    """Addresses (``ip``): each of a comma list normalised, in order."""
    return ",".join(_one_address(p.strip(), False) for p in value.split(",")) if value else value


def _net(value: str) -> str:
    """Networks (``net``): each of a comma list normalised with the host bits cleared, in order."""
    return ",".join(_one_address(p.strip(), True) for p in value.split(",")) if value else value


def _ip_set(value: str) -> str:
    """A set of addresses (``ip-set``): normalised, each once, sorted."""
    return _set(_ip(value))


NORMALIZERS: Final[Mapping[str, Callable[[str], str]]] = {
    "text": lambda v: v,
    "bool": _bool,
    "flag": _bool,
    "int": _int,
    "rate": _rate,
    "size": _size,
    "kib": _kib,
    "duration": _duration,
    "list": _list,
    "set": _set,
    "iset": _iset,
    "mac": _mac,
    "ip": _ip,
    "net": _net,
    "ip-set": _ip_set,
}


def normalize_value(type_: str, value: str) -> str:
    """``value`` in canonical form for a property of type ``type_`` (idempotent)."""
    return NORMALIZERS.get(type_, NORMALIZERS["text"])(value)


def config_version(config: Config) -> Version | None:
    """The RouterOS version an export came from (its header), if it says."""
    if config.header is not None and config.header.version:
        return parse_version(config.header.version)
    return None


def effective_props(item: Item) -> dict[str, Value]:
    """An item's properties plus what its selector says about it (``default-name=ether1``)."""
    props = dict(item.props)
    if isinstance(item.selector, Find):
        for cond in item.selector.conds:
            if cond.op == "=":
                props.setdefault(cond.key, cond.value)
    return props


def selected_values(ps: PathSchema, selector: Selector | None) -> dict[str, str]:
    """What a selector pins down: ``[ find default-name=ether1 ]`` -> default-name; ``set telnet``
    -> the path's name property."""
    if isinstance(selector, Find):
        return {c.key: normalize_value(ps.type_of(c.key), c.value) for c in selector.conds if c.op == "="}
    if selector is not None and len(selector.values) == 1 and not selector.is_number and not selector.is_id:
        return {ps.name_key: selector.values[0]}
    return {}


def resolve_default(ps: PathSchema, key: str, context: Mapping[str, Value], version: Version | None,
                    builtin: Mapping[str, Value] | None = None) -> str | None:
    """The default of ``key`` for an item: the built-in item's own value, else the schema's;
    a ``$other`` default takes the item's ``other`` property (``name`` = ``$default-name``)."""
    if builtin is not None and key in builtin:
        return builtin[key]
    default = ps.default(key, version)
    if default is not None and default.startswith("$") and len(default) > 1:
        ref = context.get(default[1:])
        return ref
    return default


def normalize_props(
    ps: PathSchema,
    props: Mapping[str, Value],
    *,
    version: Version | None = None,
    context: Mapping[str, Value] | None = None,
    builtin: Mapping[str, Value] | None = None,
    drop_defaults: bool = True,
) -> Props:
    """Canonical properties: renamed for ``version``, unset and read-only ones dropped, values
    normalised, defaults dropped (``drop_defaults``), sorted by name."""
    context = props if context is None else context
    out: dict[str, str] = {}
    renamed = ps.renamed if version is not None else {}
    for key, value in props.items():
        if value is None or key[:1] == ".":  # unset, or the API's .id / .nextid
            continue
        if key in renamed and ps.props[renamed[key]].exists_in(version):
            key = renamed[key]
        if ps.is_read_only(key):
            continue
        spec = ps.props.get(key)
        type_ = spec.type if spec is not None else "text"
        value = normalize_value(type_, value)
        if drop_defaults:
            default = resolve_default(ps, key, context, version, builtin)
            if default is not None and normalize_value(type_, default) == value:
                continue
        out[key] = value
    return Props(sorted(out.items()))


def _normalize_selector(ps: PathSchema, selector: Selector | None) -> Selector | None:
    if not isinstance(selector, Find):
        return selector
    conds = sorted(
        (Cond(c.key, c.op, normalize_value(ps.type_of(c.key), c.value) if c.op != "~" else c.value)
         for c in selector.conds),
        key=lambda c: (c.key, c.op, c.value),
    )
    return Find(tuple(conds))


def normalize_item(ps: PathSchema, item: Item, version: Version | None = None) -> Item:
    """One item in canonical form (its selector's values normalised too). An item that carries
    its ``default-name`` (as the API prints a port) becomes ``set [ find default-name=… ]``, the
    way an export names it."""
    if item.verb == "add" and item.props.get("default-name") and "default-name" in ps.builtin:
        selector = Find((Cond("default-name", "=", item.props["default-name"] or ""),))
        item = Item(item.props.without(["default-name"]), selector, "set", item.line)
    builtin = ps.builtin_defaults(item.selector, item.props)
    props = normalize_props(ps, item.props, version=version, context=effective_props(item), builtin=builtin)
    named = selected_values(ps, item.selector) if item.verb == "set" else {}
    if named:  # `set [ find name=all ] name=all` restates what the selector already says
        props = Props((k, v) for k, v in props.items() if named.get(k) != v)
    return Item(props, _normalize_selector(ps, item.selector), item.verb, item.line)


def _rename_props(props: Props, renames: Mapping[str, str]) -> Props:
    if not any(k in renames for k in props):
        return props
    return Props((renames.get(k, k), v) for k, v in props.items())


def _rename_item(item: Item, renames: Mapping[str, str]) -> Item:
    selector = item.selector
    if isinstance(selector, Find) and any(c.key in renames for c in selector.conds):
        selector = Find(tuple(Cond(renames.get(c.key, c.key), c.op, c.value) for c in selector.conds))
    props = _rename_props(item.props, renames)
    if props is item.props and selector is item.selector:
        return item
    return Item(props, selector, item.verb, item.line)


def migrate(config: Config, schema: Schema | None = None, version: Version | None = None) -> Config:
    """Paths and properties renamed to their names at ``version`` (``/interface wifiwave2`` ->
    ``/interface wifi`` from 7.13, ``routing-mark`` -> ``routing-table`` from 7.0)."""
    schema = schema or default_schema()
    version = version if version is not None else config_version(config)
    if version is None:
        return config
    sections: dict[str, Section] = {}
    changed = False
    for path, section in config.sections.items():
        new = schema.renamed_paths.get(path)
        if new is not None and schema.get(new).exists_in(version):
            path, changed = new, True
            section = Section(new, section.settings, section.items)
        ps = schema.get(path)
        renames = {old: name for old, name in ps.renamed.items() if ps.props[name].exists_in(version)}
        if renames:
            items = tuple(_rename_item(i, renames) for i in section.items)
            settings = _rename_props(section.settings, renames)
            if settings is not section.settings or any(a is not b for a, b in zip(items, section.items, strict=True)):
                section, changed = Section(path, settings, items), True
        if path in sections:
            old = sections[path]
            section = Section(path, old.settings.merged(section.settings), old.items + section.items)
        sections[path] = section
    if not changed:
        return config
    return Config(sections, config.header, config.ownership, config.warnings)


def normalize(
    config: Config, *, schema: Schema | None = None, version: Version | str | None = None
) -> Config:
    """``config`` in canonical form for ``version`` (default: the version in its header)."""
    schema = schema or default_schema()
    if isinstance(version, str):
        version = parse_version(version)
    if version is None:
        version = config_version(config)
    config = migrate(config, schema, version)
    sections: dict[str, Section] = {}
    for path, section in config.sections.items():
        ps = schema.get(path)
        settings = normalize_props(ps, section.settings, version=version)
        merged: list[Item] = []
        by_selector: dict[tuple[str, str], int] = {}
        for item in section.items:  # repeated `set` lines on one item: the later value wins
            if item.verb == "set" and item.selector is not None:
                key = (type(item.selector).__name__, selector_key(item.selector))
                if key in by_selector:
                    index = by_selector[key]
                    merged[index] = merged[index].with_props(merged[index].props.merged(item.props))
                    continue
                by_selector[key] = len(merged)
            merged.append(item)
        items = [normalize_item(ps, item, version) for item in merged]
        kept = tuple(i for i in items if i.verb != "set" or i.props)
        if settings or kept:
            sections[path] = Section(path, settings, kept)
    return Config(sections, config.header, config.ownership, config.warnings)


def version_problems(config: Config, version: Version | str, *, schema: Schema | None = None) -> list[str]:
    """What in ``config`` RouterOS ``version`` does not have: menus (``/interface wifi`` before
    7.13) and properties (``routing-table`` on v6). Old names that :func:`migrate` renames for
    the version (``routing-mark`` on v7) are not problems."""
    schema = schema or default_schema()
    if isinstance(version, str):
        version = parse_version(version)
    shown = str(version)
    problems: list[str] = []
    for path, section in migrate(config, schema, version).sections.items():
        ps = schema.get(path)
        if ps.opaque:
            continue
        if not ps.exists_in(version):
            newer = next((p.path for p in schema if p.was == path and p.exists_in(version)), None)
            hint = f" (it is {newer} there)" if newer else ""
            problems.append(f"{path}: no such menu on RouterOS {shown}{hint}")
            continue
        names: dict[str, None] = dict.fromkeys(section.settings)
        for item in section.items:
            names.update(dict.fromkeys(item.props))
        for name in names:
            spec = ps.props.get(name)
            if spec is not None and not spec.exists_in(version):
                problems.append(f"{path}: no property {name} on RouterOS {shown}")
    return problems
