"""The school inventory: load and validate it (errors name file, line and field), select routers
with ``--limit``, resolve secrets, import spreadsheets and export for other tools, edit it from code.

Typical use::

    inventory = load_inventory(Path("inventory"))
    routers = resolve_secrets(select(inventory, "municipality=Rīga,!group:pilot"))
    window = inventory.window_for(routers[0])          # when changes may start (Europe/Riga)

Besides schools and routers an inventory carries the programme's settings (:class:`Programme`),
the municipalities' compensation contracts (:class:`MunicipalityContract`) and maintenance windows
(:class:`MaintenanceWindow`). Municipalities and models are checked against reference data
(:mod:`mikronet.inventory.reference`).

Loading is cheap to import: pydantic is imported only when an inventory is loaded.
"""

from __future__ import annotations

from mikronet.inventory.edit import add_plan, add_router, update_router
from mikronet.inventory.loader import inventory_files, inventory_problems, load_inventory
from mikronet.inventory.model import (
    DEFAULT_PORTS,
    BackupSettings,
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
from mikronet.inventory.programme import CountingRule, MunicipalityContract, PlannedSolution, Programme
from mikronet.inventory.reference import municipalities, municipality_on
from mikronet.inventory.secrets import resolve_secret, resolve_secrets, resolve_value
from mikronet.inventory.select import FIELDS as LIMIT_FIELDS
from mikronet.inventory.select import parse_limit, select
from mikronet.inventory.views import describe, printable, router_record, school_record, summary
from mikronet.inventory.windows import BlockedDates, HourRange, MaintenanceWindow

__all__ = [
    "DEFAULT_PORTS",
    "LIMIT_FIELDS",
    "BackupSettings",
    "BlockedDates",
    "ConnectionType",
    "CountingRule",
    "Group",
    "HourRange",
    "Inventory",
    "MaintenanceWindow",
    "MunicipalityContract",
    "Origin",
    "PlannedSolution",
    "Ports",
    "Programme",
    "Router",
    "School",
    "SchoolConnection",
    "SecretRef",
    "Transport",
    "add_plan",
    "add_router",
    "describe",
    "inventory_files",
    "inventory_problems",
    "load_inventory",
    "municipalities",
    "municipality_on",
    "parse_limit",
    "printable",
    "resolve_secret",
    "resolve_secrets",
    "resolve_value",
    "router_record",
    "school_record",
    "select",
    "summary",
    "update_router",
]
