"""The school inventory: load and validate it (errors name file, line and field), select routers
with ``--limit``, resolve secrets, import spreadsheets and export for other tools.

Typical use::

    inventory = load_inventory(Path("inventory"))
    routers = resolve_secrets(select(inventory, "municipality=Rīga,!group:pilot"))

Loading is cheap to import: pydantic is imported only when an inventory is loaded.
"""

from __future__ import annotations

from mikronet.inventory.loader import inventory_files, load_inventory
from mikronet.inventory.model import (
    DEFAULT_PORTS,
    ConnectionType,
    Group,
    Inventory,
    Origin,
    Ports,
    Router,
    School,
    SchoolConnection,
    SecretRef,
    Transport,
)
from mikronet.inventory.secrets import resolve_secret, resolve_secrets
from mikronet.inventory.select import FIELDS as LIMIT_FIELDS
from mikronet.inventory.select import parse_limit, select
from mikronet.inventory.views import describe, router_record, school_record, summary

__all__ = [
    "DEFAULT_PORTS",
    "LIMIT_FIELDS",
    "ConnectionType",
    "Group",
    "Inventory",
    "Origin",
    "Ports",
    "Router",
    "School",
    "SchoolConnection",
    "SecretRef",
    "Transport",
    "describe",
    "inventory_files",
    "load_inventory",
    "parse_limit",
    "resolve_secret",
    "resolve_secrets",
    "router_record",
    "school_record",
    "select",
    "summary",
]
