"""The RouterOS configuration model: immutable values the parser builds and the differ compares.

A :class:`Config` maps menu paths (``"/ip address"``) to :class:`Section` values. A section holds
the menu's settings (``/ip dns set …``: a singleton's properties) and an ordered tuple of
:class:`Item` values (``add`` lines, ``set`` lines on built-in items, and -- in templates --
``remove`` lines). Property values are text exactly as RouterOS holds them, escapes decoded;
``None`` means "unset" (``!keepalive-timeout`` in a verbose export). Equality ignores where
things came from (line numbers, warnings) and the order of properties within a line, which
RouterOS ignores too.

The command types (:class:`Command`, :class:`Find`, :class:`Ref`, :class:`Cond`) describe one
console command as typed; the simulator executes them, the parser folds them into a Config.
"""

from __future__ import annotations

import functools
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass, field, replace
from typing import Literal

__all__ = [
    "Command",
    "Cond",
    "Config",
    "Find",
    "Header",
    "Item",
    "Ownership",
    "ParseWarning",
    "Props",
    "Ref",
    "Section",
    "Selector",
    "Value",
    "canonical_path",
]

Value = str | None
Ownership = Literal["own", "merge"]


@functools.lru_cache(maxsize=4096)
def canonical_path(path: str) -> str:
    """``/ip/firewall/filter``, ``ip firewall filter``, ``/ip firewall filter`` -> ``/ip firewall filter``."""
    parts = path.replace("/", " ").split()
    return "/" + " ".join(parts)


class Props(Mapping[str, Value]):
    """An immutable, hashable mapping of property name to value; keeps the order it was given."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, Value] | Iterable[tuple[str, Value]] = ()) -> None:
        self._data: dict[str, Value] = dict(data._data) if isinstance(data, Props) else dict(data)
        self._hash: int | None = None

    @classmethod
    def adopt(cls, data: dict[str, Value]) -> Props:
        """Wrap a dict the caller hands over and will not touch again (no copy)."""
        props = cls.__new__(cls)
        props._data = data
        props._hash = None
        return props

    def __getitem__(self, key: str) -> Value:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    # The dict's own views and lookups: the Mapping defaults go through __getitem__ one key at a time,
    # and a fleet's diffs call these hundreds of thousands of times.
    def get(self, key: str, default: Value = None) -> Value:  # type: ignore[override]
        return self._data.get(key, default)

    def keys(self) -> KeysView[str]:
        return self._data.keys()

    def items(self) -> ItemsView[str, Value]:
        return self._data.items()

    def values(self) -> ValuesView[Value]:
        return self._data.values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Props):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"Props({self._data!r})"

    def merged(self, other: Mapping[str, Value]) -> Props:
        """A copy with ``other``'s entries added or replacing."""
        data = dict(self._data)
        data.update(other)
        return Props(data)

    def without(self, keys: Iterable[str]) -> Props:
        drop = set(keys)
        return Props((k, v) for k, v in self._data.items() if k not in drop)

    def to_dict(self) -> dict[str, Value]:
        return dict(self._data)


EMPTY_PROPS = Props()


@dataclass(frozen=True)
class Cond:
    """One condition of a ``find``/``where``: ``key=value``, ``key!=value`` or ``key~regex``."""

    key: str
    op: Literal["=", "!=", "~"]
    value: str

    def render(self) -> str:
        from mikronet.routeros.quoting import quote

        return f"{self.key}{self.op}{quote(self.value)}"


@dataclass(frozen=True)
class Find:
    """``[ find k=v … ]``: the items whose properties meet every condition."""

    conds: tuple[Cond, ...] = ()

    @classmethod
    def of(cls, **equal: str) -> Find:
        return cls(tuple(Cond(k, "=", v) for k, v in equal.items()))

    @classmethod
    def where(cls, props: Mapping[str, str]) -> Find:
        return cls(tuple(Cond(k, "=", v) for k, v in props.items()))

    def render(self) -> str:
        if not self.conds:
            return "[ find ]"
        return "[ find " + " ".join(c.render() for c in self.conds) + " ]"

    def equalities(self) -> dict[str, str]:
        return {c.key: c.value for c in self.conds if c.op == "="}


@dataclass(frozen=True)
class Ref:
    """An item named directly: ``set ether1``, ``set 0``, ``set *1F`` (one or more, comma-separated)."""

    values: tuple[str, ...]

    @classmethod
    def of(cls, *values: str) -> Ref:
        return cls(tuple(values))

    def render(self) -> str:
        from mikronet.routeros.quoting import escape, quote

        if len(self.values) == 1:
            value = self.values[0]
            if "," in value or "~" in value or value.startswith("!") or value in ("where", "and", ""):
                return f'"{escape(value)}"'  # bare, it would read as a list, a match, an unset, a keyword
            return quote(value)
        return ",".join(quote(v) for v in self.values)

    @property
    def is_number(self) -> bool:
        return all(v.isdigit() for v in self.values)

    @property
    def is_id(self) -> bool:
        return all(v.startswith("*") for v in self.values)


Selector = Find | Ref


@dataclass(frozen=True)
class Command:
    """One console command as typed: where, what, on which items, with which arguments.

    ``path`` is the menu words given (``("ip", "address")``); ``absolute`` says whether they started
    with ``/``. ``verb`` is ``None`` for a line that only changes menu (``/ip address``). ``args``
    keeps ``key=value`` arguments in order (value ``None`` for ``!key``), ``flags`` the bare words
    after the verb (``detail``, ``terse``), ``where`` the conditions after ``where``.
    ``columns`` gives the 1-based column of each path word and of the verb, for error messages.
    """

    path: tuple[str, ...]
    absolute: bool
    verb: str | None
    selector: Selector | None = None
    args: tuple[tuple[str, Value], ...] = ()
    flags: tuple[str, ...] = ()
    where: tuple[Cond, ...] | None = None
    line: int = 1
    column: int = 1
    columns: tuple[int, ...] = ()

    def menu(self, current: str = "/") -> str:
        """The absolute menu path this command runs in, given the current menu (``..`` goes up)."""
        parts = [] if self.absolute else canonical_path(current)[1:].split()
        for word in self.path:
            if word == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(word)
        return "/" + " ".join(parts)

    def arg(self, key: str, default: Value = None) -> Value:
        for k, v in self.args:
            if k == key:
                return v
        return default


@dataclass(frozen=True)
class Header:
    """The comment block ``/export`` writes first. ``date`` is kept as written."""

    version: str | None = None
    date: str | None = None
    software_id: str | None = None
    model: str | None = None
    serial_number: str | None = None

    @property
    def major(self) -> int | None:
        if not self.version:
            return None
        head = self.version.split(".", 1)[0]
        return int(head) if head.isdigit() else None


@dataclass(frozen=True)
class ParseWarning:
    """Something the parser kept going past: an ``#error exporting`` line, a skipped statement."""

    line: int
    text: str
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}" if self.column is not None else f"{self.line}"
        return f"line {where}: {self.text}"


@dataclass(frozen=True)
class Item:
    """One item of a list menu.

    ``verb`` is ``add`` (a new item, no selector), ``set`` (a change to an existing item, typically a
    built-in one named by ``selector``) or ``remove`` (templates only: the selected items must go).
    """

    props: Props = EMPTY_PROPS
    selector: Selector | None = None
    verb: Literal["add", "set", "remove"] = "add"
    line: int | None = field(default=None, compare=False)

    def get(self, key: str, default: Value = None) -> Value:
        return self.props.get(key, default)

    def with_props(self, props: Mapping[str, Value]) -> Item:
        return replace(self, props=props if isinstance(props, Props) else Props(props))


@dataclass(frozen=True)
class Section:
    """One menu: its settings (``set`` without a selector) and its items, in order.

    ``lines`` says where each setting was last set in the source (for messages; not compared)."""

    path: str
    settings: Props = EMPTY_PROPS
    items: tuple[Item, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        return not self.settings and not self.items


@dataclass(frozen=True)
class Config:
    """A whole configuration: sections by path (in export order), plus header and directives.

    ``ownership`` holds the template directives (``#mikronet: own /ip firewall filter``).
    Equality compares header, sections (as a mapping: the order of menus is not meaning) and
    ownership; warnings are information about the source and are not compared.
    """

    sections: Mapping[str, Section] = field(default_factory=dict)
    header: Header | None = None
    ownership: Mapping[str, Ownership] = field(default_factory=dict)
    warnings: tuple[ParseWarning, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        for attr in ("sections", "ownership"):
            value = getattr(self, attr)
            if not isinstance(value, _FrozenDict):
                object.__setattr__(self, attr, _FrozenDict(value))

    def __getitem__(self, path: str) -> Section:
        return self.sections[canonical_path(path)]

    def get(self, path: str) -> Section | None:
        return self.sections.get(canonical_path(path))

    def paths(self) -> tuple[str, ...]:
        return tuple(self.sections)

    def with_sections(self, sections: Mapping[str, Section]) -> Config:
        return replace(self, sections=_FrozenDict((p, s) for p, s in sections.items() if not s.empty))


class _FrozenDict(dict):  # type: ignore[type-arg]
    """A dict that refuses changes and hashes, so a frozen Config stays frozen."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def _readonly(self, *args: object, **kwargs: object) -> None:
        raise TypeError("configuration mappings are read-only")

    __setitem__ = _readonly
    __delitem__ = _readonly
    clear = _readonly
    pop = _readonly
    popitem = _readonly  # type: ignore[assignment]
    setdefault = _readonly
    update = _readonly
