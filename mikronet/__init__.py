"""mikronet: run the MikroTik RouterOS routers of Latvian schools.

The library's public surface is :data:`__all__`; a test keeps it honest. Names are imported from
their modules on first use (the table below says where each lives), so ``import mikronet`` and the
CLI's ``--help`` stay cheap while ``from mikronet import Pusher`` works as usual::

    from mikronet import Pusher, PushOptions, Renderer, TrustStore, load_inventory, resolve_secrets, select

    inventory = load_inventory(Path("inventory"))
    pusher = Pusher(Renderer(), TrustStore(inventory.known_hosts), options=PushOptions(check=True))
    for desired in pusher.render(resolve_secrets(select(inventory, "municipality=Rīga"))):
        print(pusher.plan(desired).status)
"""

from __future__ import annotations

import importlib
from typing import Any

from mikronet import log as _log  # noqa: F401  installs the secret-redacting log filter on import

__version__ = "0.1.0"

_WHERE = {
    # inventory
    "Inventory": "mikronet.inventory",
    "Router": "mikronet.inventory",
    "School": "mikronet.inventory",
    "load_inventory": "mikronet.inventory",
    "resolve_secrets": "mikronet.inventory",
    "select": "mikronet.inventory",
    # RouterOS language
    "Config": "mikronet.routeros",
    "Plan": "mikronet.routeros",
    "diff": "mikronet.routeros",
    "parse": "mikronet.routeros",
    "parse_file": "mikronet.routeros",
    "quote": "mikronet.routeros",
    "render_export": "mikronet.routeros",
    "render_script": "mikronet.routeros",
    "Version": "mikronet.routeros",
    "parse_version": "mikronet.routeros",
    "parse_print": "mikronet.routeros",
    "lint": "mikronet.routeros",
    "LintProblem": "mikronet.routeros",
    # templates, transports, the push pipeline
    "Renderer": "mikronet.render",
    "Command": "mikronet.transport",
    "Transport": "mikronet.transport",
    "TrustStore": "mikronet.transport",
    "connect": "mikronet.transport",
    "BackupStore": "mikronet.ops.backup",
    "Fleet": "mikronet.ops.fleet",
    "Task": "mikronet.ops.fleet",
    "TASKS": "mikronet.ops.tasks",
    "RolloutPolicy": "mikronet.runner",
    "RunResult": "mikronet.runner",
    "Runner": "mikronet.runner",
    "Pusher": "mikronet.ops.push",
    "PushOptions": "mikronet.ops.push",
    "RouterResult": "mikronet.runner.results",
    "Status": "mikronet.runner.results",
    # the ledger of interventions
    "DEFAULT_CATEGORIES": "mikronet.ledger",
    "Ledger": "mikronet.ledger",
    "RouterState": "mikronet.ledger",
    "VerifyReport": "mikronet.ledger",
    "open_ledger": "mikronet.ledger",
    "resolve_technician": "mikronet.ledger",
    # reports
    "build_compensation": "mikronet.reports",
    "build_drift": "mikronet.reports",
    "build_progress": "mikronet.reports",
    "build_upgrades": "mikronet.reports",
    "render_report": "mikronet.reports",
    "write_demo_reports": "mikronet.reports",
    "write_report": "mikronet.reports",
    # base
    "LedgerError": "mikronet.errors",
    "MikronetError": "mikronet.errors",
    "InputError": "mikronet.errors",
    "RouterError": "mikronet.errors",
    "Secret": "mikronet.secret",
}

__all__ = ["__version__", *sorted(_WHERE)]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'mikronet' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
