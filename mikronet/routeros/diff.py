"""Desired × actual -> an ordered :class:`~mikronet.routeros.plan.Plan` of typed operations.

Who owns what: per path, the desired side either **owns** the path (items it does not name are
removed; properties it does not give go back to their defaults) or **merges** into it (only the
items and properties it names are touched -- a template that adds two address-list entries never
deletes the other 3,000). A template says ``#mikronet: own /ip firewall filter``; everything else
merges. ``diff(..., own="all")`` owns every path (comparing two exports).

Items are matched by the schema's keys (``/ip address`` by address and interface, ``/interface``
by name or default-name), built-in items by their selector (``[ find default-name=ether1 ]``,
``set telnet``), and items of unkeyed or unknown paths by their whole content. Built-in and
dynamic items are set, never removed. Ordered paths (firewall, NAT, mangle, queue tree) get the
fewest moves: items on a longest increasing run of the old order stay where they are.

Values in operations are the desired ones as written; sensitive ones are listed in each
operation's ``sensitive`` and shown as ``***`` by ``repr`` and by the renderers unless asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from mikronet.routeros.model import EMPTY_PROPS, Config, Find, Item, Props, Section, Selector, Value
from mikronet.routeros.normalize import (
    config_version,
    effective_props,
    migrate,
    normalize_value,
    resolve_default,
    selected_values,
)
from mikronet.routeros.plan import Add, Move, Op, Plan, Remove, Set, hidden_keys, matches
from mikronet.routeros.schema import PathSchema, Schema, Version, default_schema, parse_version

__all__ = ["diff"]


@dataclass
class _Ctx:
    ps: PathSchema
    version: Version | None
    owned: bool


# ---------------------------------------------------------------------------------------------
# comparing values


def _value(ctx: _Ctx, key: str, value: Value, item_props: Mapping[str, Value],
           builtin: Mapping[str, Value] | None) -> str | None:
    """The value in force: the given one, else the default; normalised. ``None``: unknown."""
    if value is None:
        value = resolve_default(ctx.ps, key, item_props, ctx.version, builtin)
        if value is None:
            return None
    return normalize_value(ctx.ps.type_of(key), value)


def _changes(
    ctx: _Ctx, desired: Item | None, actual: Item | None, settings: tuple[Props, Props] | None = None
) -> dict[str, Value]:
    """Properties to set so that ``actual`` becomes ``desired`` (``None`` values reset)."""
    if settings is not None:
        want, have = settings
        want_ctx: Mapping[str, Value] = want
        have_ctx: Mapping[str, Value] = have
        want_builtin = have_builtin = None
    else:
        want = desired.props if desired is not None else Props()
        have = actual.props if actual is not None else Props()
        want_ctx = effective_props(desired) if desired is not None else {}
        have_ctx = effective_props(actual) if actual is not None else want_ctx
        want_builtin = ctx.ps.builtin_defaults(desired.selector, desired.props) if desired else None
        have_builtin = (ctx.ps.builtin_defaults(actual.selector, actual.props) if actual else None) or want_builtin
    ps = ctx.ps
    out: dict[str, Value] = {}
    restated = selected_values(ps, desired.selector) if desired is not None else {}
    for key, raw in want.items():
        spec = ps.props.get(key)
        if ps.is_read_only(key):
            continue
        if spec is not None and spec.write_only and actual is not None and have.get(key) is None:
            continue  # the router never shows it: set with the item, not "changed" on every run
        wanted = _value(ctx, key, raw, want_ctx, want_builtin)
        if key in restated and restated[key] == wanted:
            continue  # `set [ find name=all ] name=all`
        current = _value(ctx, key, have.get(key), have_ctx, have_builtin)
        if wanted == current:
            continue
        if (wanted is None or current is None) and spec is not None and spec.computed:
            continue
        out[key] = raw
    if ctx.owned:
        pinned = selected_values(ps, actual.selector) if actual is not None else {}
        for key, raw in have.items():
            if key in want or raw is None or key in pinned or key[:1] == ".":
                continue
            spec = ps.props.get(key)
            if ps.is_read_only(key) or (spec is not None and spec.computed):
                continue
            default = resolve_default(ps, key, have_ctx, ctx.version, have_builtin)
            if default is not None and normalize_value(ps.type_of(key), default) == normalize_value(
                ps.type_of(key), raw
            ):
                continue
            out[key] = None
    return out


# ---------------------------------------------------------------------------------------------
# matching items


def _identity(ctx: _Ctx, item: Item, loose: bool = False) -> tuple[object, ...]:
    """What makes an item this item: its key values, else its content (``loose``: but its
    comment, so that a changed comment is a change, not another item)."""
    ps = ctx.ps
    props = effective_props(item)
    if ps.keys:
        values = []
        for key in ps.keys:
            value = props.get(key)
            if value is None:
                value = resolve_default(ps, key, props, ctx.version)
            values.append(normalize_value(ps.type_of(key), value) if value is not None else None)
        if any(v is not None for v in values):
            return ("keys", *values)
    content = []
    for key, value in sorted(props.items()):
        spec = ps.props.get(key)
        if value is None or ps.is_read_only(key) or (spec is not None and spec.computed):
            continue
        if loose and key == "comment":
            continue
        type_ = spec.type if spec is not None else "text"
        default = resolve_default(ps, key, props, ctx.version)
        normal = normalize_value(type_, value)
        if default is not None and normalize_value(type_, default) == normal:
            continue
        content.append((key, normal))
    return ("all", *content)


def _match_adds(ctx: _Ctx, adds: list[Item], a_items: list[Item], taken: set[int]) -> list[int | None]:
    """For each desired item, the actual item it is (or ``None``): by exact identity, then -- on
    an owned path, for items still alone -- by identity without the comment. Indexed, so
    3,000-entry lists stay fast."""
    found: list[int | None] = [None] * len(adds)
    used = set(taken)
    for loose in (False, True):
        index: dict[tuple[object, ...], list[int]] = {}
        for i, have in enumerate(a_items):
            if i not in used and have.verb != "remove":
                index.setdefault(_identity(ctx, have, loose), []).append(i)
        for n, want in enumerate(adds):
            if found[n] is not None:
                continue
            candidates = index.get(_identity(ctx, want, loose))
            while candidates:
                i = candidates.pop(0)
                if i not in used:
                    found[n] = i
                    used.add(i)
                    break
        if ctx.ps.keys or not ctx.owned:
            break  # keys are the whole identity; and a merge never takes over an item it only resembles
    return found


def _selector_for(ctx: _Ctx, item: Item) -> Selector:
    """How to find ``item`` on the router: its own selector, else a query on its keys, else on
    everything it says."""
    if item.selector is not None:
        return item.selector
    props = item.props
    ps = ctx.ps
    if ps.keys and all(props.get(k) is not None for k in ps.keys):
        return Find.where({k: props[k] for k in ps.keys})  # type: ignore[misc]
    for key in ps.builtin:
        if props.get(key) is not None:
            return Find.where({key: props[key]})  # type: ignore[dict-item]
    return Find.where({k: v for k, v in props.items() if v is not None and not ps.prop(k).read_only})


def _is_builtin(ps: PathSchema, item: Item) -> bool:
    """Built-in (or dynamic) items can be changed, never removed: those named by a selector in an
    export, those with a ``default-name``, ``default``/``builtin``/``dynamic`` flag (as the API
    prints them), those the schema lists as factory items (``/ip service`` ``telnet``), and every
    item of a menu that holds built-in items only (``/ip service`` ``reverse-proxy`` since 7.19)."""
    if item.selector is not None or ps.fixed:
        return True
    props = item.props
    if props.get("default-name") not in (None, ""):
        return True
    flags = ("default", "builtin", "dynamic")
    if any(normalize_value("bool", props.get(k) or "no") == "yes" for k in flags):
        return True
    name = props.get(ps.name_key)
    if not ps.builtins:
        return False
    if name is not None and (name in ps.builtins or f"{ps.name_key}={name}" in ps.builtins):
        return True
    return any(_is_factory(key, props) for key in ps.builtins)


def _is_factory(key: str, props: Props) -> bool:
    """Whether ``props`` are the factory item the schema keys ``key`` by what names it (``name=all``).
    Items without names (the logging rules, keyed ``0``, ``1`` …) are known by the router's own
    ``default`` flag only: a user's rule can look exactly like a factory one."""
    if "=" not in key:
        return False
    pairs = dict(part.split("=", 1) for part in key.split() if "=" in part)
    return all(props.get(k) == v or normalize_value("bool", props.get(k) or "") == v for k, v in pairs.items())


def _lis(values: list[int]) -> set[int]:
    """Positions (into ``values``) of one longest strictly increasing subsequence."""
    import bisect

    tails: list[int] = []
    tails_at: list[int] = []
    parent = [-1] * len(values)
    for i, v in enumerate(values):
        j = bisect.bisect_left(tails, v)
        if j == len(tails):
            tails.append(v)
            tails_at.append(i)
        else:
            tails[j] = v
            tails_at[j] = i
        parent[i] = tails_at[j - 1] if j > 0 else -1
    out: set[int] = set()
    k = tails_at[-1] if tails_at else -1
    while k >= 0:
        out.add(k)
        k = parent[k]
    return out


def _placements(ctx: _Ctx, path: str, placed: list[tuple[Item, int | None]], a_items: list[Item]) -> list[Op]:
    """Adds, and on ordered paths the fewest moves, that put the desired items in order.

    New items at the end are appended in order. The rest is worked from the back: each item that
    is new or off the longest increasing run of old positions goes right before its successor.
    """
    ps = ctx.ps

    def added(want: Item) -> Add:
        props = Props((k, v) for k, v in want.props.items() if v is not None)
        return Add(path, props, None, hidden_keys(ps, props))

    if not ps.ordered:
        return [added(want) for want, index in placed if index is None]
    stay_ranks = _lis([i for _, i in placed if i is not None])
    trailing = len(placed)
    while trailing > 0 and placed[trailing - 1][1] is None:
        trailing -= 1
    out: list[Op] = [added(want) for want, _ in placed[trailing:]]
    successor: Selector | None = None
    if out:
        first = out[0]
        assert isinstance(first, Add)
        successor = _selector_for(ctx, Item(first.props))
    backwards: list[Op] = []
    rank = sum(1 for _, i in placed[:trailing] if i is not None)
    for want, index in reversed(placed[:trailing]):
        if index is None:
            op = added(want)
            backwards.append(Add(path, op.props, successor, hidden_keys(ps, op.props, successor)))
            successor = _selector_for(ctx, Item(op.props))
            continue
        rank -= 1
        selector = _selector_for(ctx, a_items[index])
        if rank not in stay_ranks:
            backwards.append(Move(path, selector, successor, hidden_keys(ps, EMPTY_PROPS, selector, successor)))
        successor = selector
    return out + backwards


def _diff_section(
    ctx: _Ctx, path: str, desired: Section | None, actual: Section | None
) -> tuple[list[Op], list[Op]]:
    """(removals, other operations) for one path."""
    ps = ctx.ps
    removals: list[Op] = []
    ops: list[Op] = []
    d_settings = desired.settings if desired else Props()
    a_settings = actual.settings if actual else Props()
    if d_settings or (ctx.owned and a_settings):
        change = _changes(ctx, None, None, settings=(d_settings, a_settings))
        if change:
            ops.append(Set(path, None, Props(change), hidden_keys(ps, change)))

    d_items = desired.items if desired else ()
    a_items = list(actual.items) if actual else []
    claimed: dict[int, Item] = {}  # actual index -> desired item matched to it
    removed: set[int] = set()
    placed: list[tuple[Item, int | None]] = []  # desired list items in order, with their actual index

    adds: list[Item] = []
    for want in d_items:
        if want.verb == "remove":
            assert want.selector is not None
            hits = [i for i, have in enumerate(a_items)
                    if i not in claimed and i not in removed and matches(ps, want.selector, have)
                    and not _is_builtin(ps, have)]  # RouterOS refuses to remove a built-in item
            if hits:
                removed.update(hits)
                removals.append(Remove(path, want.selector, hidden_keys(ps, EMPTY_PROPS, want.selector)))
            continue
        if want.verb == "set" and want.selector is not None:
            hits = [i for i, have in enumerate(a_items)
                    if i not in claimed and i not in removed and matches(ps, want.selector, have)]
            if not hits:
                change = _changes(ctx, want, None)
                change = {k: v for k, v in change.items() if v is not None}
                if change:
                    ops.append(Set(path, want.selector, Props(change), hidden_keys(ps, change, want.selector)))
                continue
            for i in hits:
                claimed[i] = want
            change = _changes(ctx, want, a_items[hits[0]])
            if change:
                ops.append(Set(path, want.selector, Props(change), hidden_keys(ps, change, want.selector)))
            continue
        adds.append(want)

    found = _match_adds(ctx, adds, a_items, set(claimed) | removed)
    for want, hit in zip(adds, found, strict=True):
        placed.append((want, hit))
        if hit is None:
            continue
        claimed[hit] = want
        change = _changes(ctx, want, a_items[hit])
        if change:
            selector = _selector_for(ctx, a_items[hit])
            ops.append(Set(path, selector, Props(change), hidden_keys(ps, change, selector)))
            changed = {k: v for k, v in a_items[hit].props.items() if k not in change}
            changed.update((k, v) for k, v in change.items() if v is not None)
            a_items[hit] = a_items[hit].with_props(changed)  # later moves find it by its new content

    if ctx.owned:
        for i, have in enumerate(a_items):
            if i in claimed or i in removed:
                continue
            if _is_builtin(ps, have):
                # back to its factory values -- but what names it (name, keys) stays
                identity = {ps.name_key, *ps.keys, *ps.builtin, "default", "builtin", "dynamic"}
                change = {k: v for k, v in _changes(ctx, None, have).items() if k not in identity}
                if change:
                    selector = _selector_for(ctx, have)
                    ops.append(Set(path, selector, Props(change), hidden_keys(ps, change, selector)))
            else:
                selector = _selector_for(ctx, have)
                removals.append(Remove(path, selector, hidden_keys(ps, EMPTY_PROPS, selector)))

    ops.extend(_placements(ctx, path, placed, a_items))
    return removals, ops


def diff(
    desired: Config,
    actual: Config,
    *,
    schema: Schema | None = None,
    version: Version | str | None = None,
    own: Literal["all"] | Iterable[str] | None = None,
) -> Plan:
    """The plan that turns ``actual`` into ``desired``.

    ``own`` adds paths the desired side owns (``"all"``: every path) to those its
    ``#mikronet: own`` directives name. ``version`` (default: desired's header, else actual's)
    picks defaults and renames (``routing-mark`` on v6, ``routing-table`` on v7).
    """
    schema = schema or default_schema()
    if isinstance(version, str):
        version = parse_version(version)
    if version is None:  # the target's version: a template has none, so then the router's
        version = config_version(desired) or config_version(actual)
    desired = migrate(desired, schema, version)
    actual = migrate(actual, schema, version)
    owned: set[str] = {p for p, how in desired.ownership.items() if how == "own"}
    own_all = own == "all"
    if own is not None and not own_all:
        from mikronet.routeros.model import canonical_path

        owned.update(canonical_path(p) for p in own)
    order = list(desired.sections)
    order += [p for p in actual.sections if p not in desired.sections and (own_all or p in owned)]
    removals: list[list[Op]] = []
    rest: list[Op] = []
    for path in order:
        ps = schema.get(path)
        ctx = _Ctx(ps, version, own_all or path in owned)
        removed, ops = _diff_section(ctx, path, desired.sections.get(path), actual.sections.get(path))
        removals.append(removed)
        rest.extend(ops)
    flat: list[Op] = []
    for group in reversed(removals):  # dependants (ports) before what they depend on (bridges)
        flat.extend(group)
    return Plan(tuple(flat + rest))
