"""The words the inventory, the ledger and the reports share: what was done at a school (kinds), the
programme's kinds of short-term solution (categories), and how an intervention ended (outcomes).

A module of its own, below both the inventory and the ledger, so that neither imports the other
for a word.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["CATEGORIES", "DEFAULT_CATEGORIES", "KINDS", "MAINTENANCE_KINDS", "OUTCOMES"]

KINDS: Final = (
    "consultation",
    "routeros-upgrade",
    "firmware-upgrade",
    "swap",
    "add-device",
    "push",
    "restore",
    "measure",
    "technical-fix",
    "tls-enroll",
    "re-pin",
    "assessment",
)
"""What was done. Each kind maps to one of the programme's :data:`CATEGORIES`, or to none."""

CATEGORIES: Final = ("consultation", "equipment-replacement", "additional-device", "technical-improvement")
"""The programme's kinds of short-term solution (konsultācijas, iekārtu nomaiņa, papildus
"MikroTīkls" interneta iekārtu izvietošana, individuāli tehniskie uzlabojumi)."""

OUTCOMES: Final = ("completed", "failed", "reverted", "interrupted")
"""How it ended. Only ``completed`` counts as done."""

DEFAULT_CATEGORIES: Final[Mapping[str, str | None]] = MappingProxyType(
    {
        "consultation": "consultation",
        "routeros-upgrade": None,  # fleet-wide maintenance: counts only where a technician marks it
        "firmware-upgrade": None,
        "swap": "equipment-replacement",
        "add-device": "additional-device",
        "push": None,  # configuration work is recorded; the programme counts it only where mapped
        "restore": None,
        "measure": None,
        "technical-fix": "technical-improvement",
        "tls-enroll": None,  # moving a router onto api-ssl: the fleet's security, not a school's solution
        "re-pin": None,      # a replaced identity pinned again
        "assessment": None,  # what a school needs, never a solution
    }
)
"""Kind → programme category; an inventory's ``programme.categories`` overrides entries."""

MAINTENANCE_KINDS: Final = (
    "routeros-upgrade", "firmware-upgrade", "push", "restore", "measure", "assessment", "tls-enroll", "re-pin",
)
"""Work done across the fleet or to observe it: recorded, but never a school's short-term solution
unless a technician marked it as the programme's."""
