"""Normalisers: make equal RouterOS configurations compare equal.

One value at a time is :mod:`mikronet.routeros.values` (``25M`` -> ``25000000``, ``yes`` ->
``yes``, ``10.0.0.1/32`` -> ``10.0.0.1``; re-exported here).

:func:`normalize` puts a whole :class:`Config` into canonical form for one RouterOS version: old
names moved to new ones (``routing-mark`` -> ``routing-table`` on v7, ``/interface wifiwave2`` ->
``/interface wifi`` from 7.13), unset and read-only properties dropped, values normalised,
properties at their default dropped (so a verbose export and a compact one of the same router
come out alike), repeated ``set`` lines on one item merged.
"""

from __future__ import annotations

from collections.abc import Mapping

from mikronet.routeros.model import Cond, Config, Find, Item, Props, Section, Selector, Value
from mikronet.routeros.schema import PathSchema, Schema, Version, default_schema, parse_version, selector_key
from mikronet.routeros.values import NORMALIZERS, duration_us, format_duration, normalize_value

__all__ = [
    "NORMALIZERS",
    "config_version",
    "duration_us",
    "effective_props",
    "format_duration",
    "migrate",
    "normalize",
    "normalize_item",
    "normalize_props",
    "normalize_value",
    "resolve_default",
    "selected_values",
    "version_problems",
]


def config_version(config: Config) -> Version | None:
    """The RouterOS version an export came from (its header), if it says."""
    if config.header is not None and config.header.version:
        return parse_version(config.header.version)
    return None


def effective_props(item: Item) -> dict[str, Value]:
    """An item's properties plus what its selector says about it (``default-name=ether1``)."""
    props = item.props.to_dict()
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
