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

from mikronet.routeros.model import Config, Find, Item, Props, Section, Selector, Value
from mikronet.routeros.normalize import effective_props, migrate, normalize_value, resolve_default
from mikronet.routeros.schema import PathSchema, Schema, default_schema
from mikronet.secret import MASK

__all__ = ["Add", "Move", "Op", "Plan", "Remove", "Set", "apply", "matches"]


def _masked(props: Mapping[str, Value], sensitive: frozenset[str]) -> str:
    return "{" + ", ".join(f"{k!r}: {MASK if k in sensitive and v is not None else v!r}"
                           for k, v in props.items()) + "}"


@dataclass(frozen=True, repr=False)
class Add:
    """Add an item. ``before`` places it before another item (ordered paths)."""

    path: str
    props: Props
    before: Selector | None = None
    sensitive: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"Add({self.path!r}, {_masked(self.props, self.sensitive)}, before={self.before!r})"


@dataclass(frozen=True, repr=False)
class Set:
    """Change properties (``None``: back to the default) of the selected items, or of a
    singleton's settings when ``selector`` is ``None``."""

    path: str
    selector: Selector | None
    props: Props
    sensitive: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"Set({self.path!r}, {self.selector!r}, {_masked(self.props, self.sensitive)})"


@dataclass(frozen=True)
class Remove:
    """Remove the selected items."""

    path: str
    selector: Selector


@dataclass(frozen=True)
class Move:
    """Move the selected item before ``before`` (``None``: to the end)."""

    path: str
    selector: Selector
    before: Selector | None = None


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

