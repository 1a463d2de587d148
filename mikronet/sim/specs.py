"""What the simulator needs to know about a configuration path, in one small frozen record.

:class:`PathSpec` is the simulator's view of a path of the RouterOS schema: whether it is a
singleton, the order and defaults of its properties, which are booleans, read-only, write-only
(passwords) or sensitive, which combinations must be unique and which name another item. The
device builds one menu per spec. :mod:`mikronet.sim.schema_bridge` makes these records from the
project's schema in :mod:`mikronet.routeros`; the device-only facts (computed fields, factory
items) stay in the menus.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["PathSpec"]

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class PathSpec:
    """The shape of one configuration path, as far as a simulated router enforces it."""

    path: tuple[str, ...]
    singleton: bool = False
    fields: tuple[str, ...] = ()
    """Properties in the order RouterOS prints them (others follow, sorted)."""
    defaults: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """Values a print shows when nothing was set, as API text (``false``, ``1500``)."""
    booleans: frozenset[str] = frozenset()
    read_only: frozenset[str] = frozenset()
    write_only: frozenset[str] = frozenset()
    """Accepted on add/set, never printed (``password``)."""
    sensitive: frozenset[str] = frozenset()
    """Hidden by ``/export`` unless ``show-sensitive`` (v7) / shown unless ``hide-sensitive`` (v6)."""
    unique: tuple[tuple[str, ...], ...] = ()
    """Property combinations no two items may share."""
    name_field: str | None = None
    """Items may be addressed by this property instead of ``.id`` (``ether1``, ``admin``)."""
    references: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """Property -> kind of item it must name (``interface``), checked on add/set."""
    required: tuple[str, ...] = ()
    storage: tuple[str, ...] | None = None
    """The table that holds the items, when it is shared (every interface kind lives in ``interface``)."""
    type_value: str | None = None
    """For a kind view over a shared table: the ``type`` its items have (``bridge``, ``vlan``)."""
    writable: frozenset[str] = frozenset()
    """Every property add/set accept on this version; anything else is ``unknown parameter``."""
    types: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """Schema type of each property (``duration``, ``int``…): how RouterOS normalises a value."""

    @property
    def table_path(self) -> tuple[str, ...]:
        return self.storage or self.path
