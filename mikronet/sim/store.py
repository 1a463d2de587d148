"""The configuration store of one simulated router: tables of items with RouterOS ``.id``s.

Pure data, no RouterOS behaviour: a :class:`Table` keeps items in their RouterOS order with their
values as raw text (what a script or the API wrote, UTF-8 or not), hands out ``*HEX`` ids that are
never reused, and can be snapshotted for ``/system backup``. What a path means (its defaults,
keys, flags) lives in the path specs; how a command changes it lives in the menus.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple, overload

__all__ = ["ConfigStore", "Item", "Seed", "Seeds", "Table", "format_id", "parse_id"]


def format_id(number: int) -> str:
    """RouterOS's item id: ``*`` and uppercase hex (``*1``, ``*A``, ``*1F``)."""
    return f"*{number:X}"


def parse_id(text: str) -> int | None:
    """The number in ``*1F``, or None when ``text`` is not an id."""
    if len(text) < 2 or text[0] != "*":
        return None
    try:
        return int(text[1:], 16)
    except ValueError:
        return None


@dataclass
class Item:
    """One entry of a table. ``values`` hold only what was set (defaults are the spec's business)."""

    number: int
    values: dict[str, str]
    builtin: bool = False
    """A factory item (an ethernet port, the ``admin`` user, a service): cannot be removed."""
    dynamic: bool = False
    """Created by the router itself (e.g. a DHCP-client address): not exported, not editable."""
    factory: Mapping[str, str] = field(default_factory=dict)
    """What a factory item came with (``default-name``, its MAC, a service's port). ``values`` holds
    only what was changed since, which is what ``/export`` writes."""
    ref: str = ""
    """How ``/export`` names a factory item: ``number`` (``set 0``), ``name`` (``set telnet``),
    ``find`` (``set [ find name=all ]``), or empty for the usual rule."""

    @property
    def id(self) -> str:
        return format_id(self.number)

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str) -> str: ...

    def get(self, name: str, default: str | None = None) -> str | None:
        """The item's own value of ``name``: as changed, else as it came from the factory."""
        if name in self.values:
            return self.values[name]
        return self.factory.get(name, default)

    def effective(self) -> dict[str, str]:
        return {**self.factory, **self.values}


@dataclass
class Table:
    """The items of one menu, in order. A singleton table holds exactly one item without an id."""

    path: tuple[str, ...]
    singleton: bool = False
    items: list[Item] = field(default_factory=list)
    next_number: int = 1

    def add(
        self,
        values: dict[str, str],
        *,
        builtin: bool = False,
        dynamic: bool = False,
        factory: Mapping[str, str] | None = None,
        ref: str = "",
    ) -> Item:
        item = Item(self.next_number, dict(values), builtin=builtin, dynamic=dynamic, factory=factory or {}, ref=ref)
        self.next_number += 1
        self.items.append(item)
        return item

    def get(self, number: int) -> Item | None:
        for item in self.items:
            if item.number == number:
                return item
        return None

    def remove(self, item: Item) -> None:
        self.items.remove(item)

    def move(self, moving: list[Item], before: Item | None) -> None:
        """Put ``moving`` (in that order) just before ``before``, or at the end when it is None."""
        rest = [item for item in self.items if item not in moving]
        index = rest.index(before) if before is not None and before in rest else len(rest)
        self.items = rest[:index] + moving + rest[index:]

    def single(self) -> Item:
        """The one item of a singleton table (created empty on first use)."""
        if not self.items:
            self.items.append(Item(0, {}))
        return self.items[0]

    def __iter__(self) -> Iterator[Item]:
        return iter(list(self.items))

    def __len__(self) -> int:
        return len(self.items)


class Seed(NamedTuple):
    """A factory item: its (shared, never changed) values, its fixed number if any, how exports name it."""

    values: Mapping[str, str]
    number: int | None = None
    ref: str = ""


Seeds = Mapping[tuple[str, ...], tuple[Seed, ...]]
"""Factory items per table."""


def _copy_table(table: Table) -> Table:
    items = [
        Item(i.number, dict(i.values), builtin=i.builtin, dynamic=i.dynamic, factory=i.factory, ref=i.ref)
        for i in table.items
    ]
    return Table(table.path, singleton=table.singleton, items=items, next_number=table.next_number)


@dataclass
class ConfigStore:
    """Every table of one router, by path (``("ip", "address")``).

    A table is created on first use and then gets its factory items from ``seeds``; most of a
    router's few hundred menus are never touched, so most are never built.
    """

    tables: dict[tuple[str, ...], Table] = field(default_factory=dict)
    seeds: Seeds = field(default_factory=dict)

    def table(self, path: tuple[str, ...], *, singleton: bool = False) -> Table:
        found = self.tables.get(path)
        if found is None:
            found = Table(path, singleton=singleton)
            for seed in self.seeds.get(path, ()):
                item = found.add({}, builtin=True, factory=seed.values, ref=seed.ref)
                if seed.number is not None:
                    item.number = seed.number
            self.tables[path] = found
        return found

    def snapshot(self) -> ConfigStore:
        """A copy whose items can change independently, for ``/system backup save`` and reverting."""
        return ConfigStore({path: _copy_table(t) for path, t in self.tables.items()}, self.seeds)

    def restore(self, other: ConfigStore) -> None:
        """Replace every table with a copy of ``other``'s (``/system backup load``)."""
        self.tables = {path: _copy_table(t) for path, t in other.tables.items()}
