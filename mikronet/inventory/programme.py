"""The programme's settings and the municipalities' contracts, as the inventory states them.

The defaults are the facts of "Jaudīgs internets ikvienai Latvijas skolai" (see the project's
programme notes): 563 schools enrolled, a target of more than 100 with a short-term improvement,
internet fee compensation for April–June 2021 within EUR 495,000, capped per school at EUR 100 a
month for an optical connection and EUR 50 for any other where a municipality's single contract
hides the school's share. An inventory's optional ``programme:`` section overrides any of them;
``contracts:`` records which municipalities signed a compensation contract, when, and for how much.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from mikronet.kinds import DEFAULT_CATEGORIES

__all__ = ["MunicipalityContract", "Programme"]


def _categories() -> Mapping[str, str | None]:
    """The kind → category mapping the ledger records by (:mod:`mikronet.kinds`)."""
    return DEFAULT_CATEGORIES


def _caps() -> Mapping[str, Decimal]:
    return MappingProxyType({"optical": Decimal(100), "other": Decimal(50)})


@dataclass(frozen=True)
class Programme:
    """The programme's figures and rules, from the inventory's ``programme:`` section or the defaults."""

    target: int = 100
    enrolled: int = 563
    categories: Mapping[str, str | None] = field(default_factory=_categories)
    """Intervention kind → programme category (``None``: not an improvement); the ledger's defaults."""
    budget_eur: Decimal = Decimal(495000)
    caps_eur: Mapping[str, Decimal] = field(default_factory=_caps)
    """Monthly cap per school by connection type, where the school's share of a contract is unknown."""
    months: tuple[str, ...] = ("2021-04", "2021-05", "2021-06")
    """The compensated months, ``YYYY-MM``."""
    reform_date: date = date(2021, 7, 1)
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class MunicipalityContract:
    """A municipality's compensation contract with the ministry; ``signed`` is ``None`` while planned.

    ``municipality`` is the name the contract was made with: for the months before the reform of
    2021-07-01 that is a municipality as it was then (see :meth:`Inventory.contract_for`).
    """

    municipality: str
    signed: date | None = None
    amount_eur: Decimal | None = None
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    @property
    def is_signed(self) -> bool:
        return self.signed is not None
