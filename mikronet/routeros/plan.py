"""Plan operations (:class:`Add`, :class:`Set`, :class:`Remove`, :class:`Move`), the
:class:`Plan` that orders them, :func:`matches` (what a selector picks) and :func:`apply`.

Operations are small frozen values. Their ``repr`` shows sensitive values (``sensitive``) as
``***``. :func:`apply` runs a plan on a model -- a pure function, used to check that a plan
really turns one configuration into the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mikronet.routeros.model import EMPTY_PROPS as EMPTY
from mikronet.routeros.model import Config, Find, Item, Props, Section, Selector, Value
from mikronet.routeros.normalize import effective_props, migrate, normalize_value, resolve_default
from mikronet.routeros.schema import PathSchema, Schema, default_schema
from mikronet.routeros.words import NUMBERS, selector_text
from mikronet.secret import MASK

__all__ = ["Add", "Move", "Op", "Plan", "Remove", "Set", "apply", "hidden_keys", "matches"]


def _masked(props: Mapping[str, Value], sensitive: frozenset[str]) -> str:
    return "{" + ", ".join(f"{k!r}: {MASK if k in sensitive and v is not None else v!r}"
                           for k, v in props.items()) + "}"


def _shown(selector: Selector | None, sensitive: frozenset[str]) -> str:
    return repr(selector_text(selector, sensitive))


@dataclass(frozen=True, repr=False)
class Add:
    """Add an item. ``before`` places it before another item (ordered paths).

    ``sensitive`` (in every operation) names the properties whose values are secret, wherever they
    stand: in ``props`` or in a selector's conditions (:data:`~mikronet.routeros.words.NUMBERS`:
    the items a selector names directly). ``repr`` and the renderers show them as ``***``."""

    path: str
    props: Props
    before: Selector | None = None
    sensitive: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return (f"Add({self.path!r}, {_masked(self.props, self.sensitive)}, "
                f"before={_shown(self.before, self.sensitive)})")


@dataclass(frozen=True, repr=False)
class Set:
    """Change properties (``None``: back to the default) of the selected items, or of a
    singleton's settings when ``selector`` is ``None``."""

    path: str
    selector: Selector | None
    props: Props
    sensitive: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return (f"Set({self.path!r}, {_shown(self.selector, self.sensitive)}, "
                f"{_masked(self.props, self.sensitive)})")


@dataclass(frozen=True, repr=False)
class Remove:
    """Remove the selected items."""

    path: str
    selector: Selector
    sensitive: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"Remove({self.path!r}, {_shown(self.selector, self.sensitive)})"


@dataclass(frozen=True, repr=False)
class Move:
    """Move the selected item before ``before`` (``None``: to the end)."""

    path: str
    selector: Selector
    before: Selector | None = None
    sensitive: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return (f"Move({self.path!r}, {_shown(self.selector, self.sensitive)}, "
                f"before={_shown(self.before, self.sensitive)})")


Op = Add | Set | Remove | Move


@dataclass(frozen=True)
class Plan:
    """Operations in the order they must run. Empty means nothing to do."""

    ops: tuple[Op, ...] = ()

    def __iter__(self) -> Iterator[Op]:
        return iter(self.ops)

    def __len__(self) -> int:
        return len(self.ops)

    def __bool__(self) -> bool:
        return bool(self.ops)

    def paths(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for op in self.ops:
            seen.setdefault(op.path, None)
        return tuple(seen)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for op in self.ops:
            name = type(op).__name__.lower()
            out[name] = out.get(name, 0) + 1
        return out



def hidden_keys(ps: PathSchema, props: Mapping[str, Value] = EMPTY,
                *selectors: Selector | None) -> frozenset[str]:
    """The secret property names in ``props`` and ``selectors`` for :attr:`Add.sensitive` & co.:
    sensitive properties given a value or named in a condition, and :data:`NUMBERS` when an item
    is named directly by a property that is itself secret (``/snmp community set public``)."""
    found = {k for k, v in props.items() if k in ps.sensitive and v is not None}
    for selector in selectors:
        if isinstance(selector, Find):
            found.update(c.key for c in selector.conds if c.key in ps.sensitive)
        elif selector is not None and ps.name_key in ps.sensitive:
            found.add(NUMBERS)
    return frozenset(found)


def matches(ps: PathSchema, selector: Selector, item: Item) -> bool:
    """Whether ``selector`` (from a template or a plan) picks ``item``."""
    if item.selector is not None and type(item.selector) is type(selector) and item.selector == selector:
        return True
    props = effective_props(item)
    if isinstance(selector, Find):
        for cond in selector.conds:
            have = props.get(cond.key)
            if have is None:
                have = resolve_default(ps, cond.key, props, None, ps.builtin_defaults(item.selector, item.props))
            if cond.op == "~":
                if have is None or re.search(cond.value, have) is None:
                    return False
                continue
            type_ = ps.type_of(cond.key)
            equal = have is not None and normalize_value(type_, have) == normalize_value(type_, cond.value)
            if equal != (cond.op == "="):
                return False
        return True
    if selector.is_number or selector.is_id:
        return False
    name = props.get(ps.name_key)
    if name is None:
        name = resolve_default(ps, ps.name_key, props, None, ps.builtin_defaults(item.selector, item.props))
    return name is not None and name in selector.values


# ---------------------------------------------------------------------------------------------
# applying a plan to a model


def _apply_props(props: Mapping[str, Value], change: Mapping[str, Value]) -> Props:
    out = dict(props)
    for key, value in change.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return Props(out)


def _position(ps: PathSchema, items: list[Item], before: Selector | None) -> int:
    if before is None:
        return len(items)
    return next((i for i, x in enumerate(items) if matches(ps, before, x)), len(items))


def apply(config: Config, plan: Plan, *, schema: Schema | None = None) -> Config:
    """The configuration after running ``plan`` on ``config`` (a pure function, for checks)."""
    schema = schema or default_schema()
    sections: dict[str, Section] = dict(migrate(config, schema).sections)
    for op in plan:
        ps = schema.get(op.path)
        section = sections.get(op.path) or Section(op.path)
        items = list(section.items)
        settings = section.settings
        if isinstance(op, Add):
            items.insert(_position(ps, items, op.before), Item(op.props))
        elif isinstance(op, Set):
            selector = op.selector
            if selector is None:
                settings = _apply_props(settings, op.props)
                sections[op.path] = Section(op.path, settings, tuple(items))
                continue
            hits = [i for i, x in enumerate(items) if matches(ps, selector, x)]
            for i in hits:
                items[i] = items[i].with_props(_apply_props(items[i].props, op.props))
            if not hits:
                items.append(Item(_apply_props({}, op.props), op.selector, "set"))
        elif isinstance(op, Remove):
            items = [x for x in items if not matches(ps, op.selector, x)]
        elif isinstance(op, Move):
            index = next((i for i, x in enumerate(items) if matches(ps, op.selector, x)), None)
            if index is not None:
                item = items.pop(index)
                items.insert(_position(ps, items, op.before), item)
        sections[op.path] = Section(op.path, settings, tuple(items))
    return Config(sections, config.header, config.ownership, config.warnings).with_sections(sections)

