"""The vocabulary of interventions: what was done (kinds), how it counts for the programme
(categories) and how it ended (outcomes).

The ledger records events of these kinds; the inventory's ``programme.categories`` maps kinds to
categories. Both read this one table, which sits below them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["CATEGORIES", "DEFAULT_CATEGORIES", "KINDS", "OUTCOMES"]

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
        "routeros-upgrade": "technical-improvement",
        "firmware-upgrade": "technical-improvement",
        "swap": "equipment-replacement",
        "add-device": "additional-device",
        "push": None,  # configuration work is recorded; the programme counts it only where mapped
        "restore": None,
        "measure": None,
        "technical-fix": "technical-improvement",
    }
)
"""Kind → programme category; an inventory's ``programme.categories`` overrides entries."""
