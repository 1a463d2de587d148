"""Internet fee compensation by the memorandum's rule, per school, municipality and month.

The rule:

* a school whose own internet cost is identified (``connection.monthly_fee_eur``, and not
  ``shared_contract``) is compensated that documented cost, never more;
* a school under its municipality's one shared contract, whose share cannot be identified
  (``connection.shared_contract``), gets up to EUR 100 a month for an optical connection and up to
  EUR 50 for any other (the programme's ``caps_eur``); when a documented cost is known and lower,
  that cost (compensation never exceeds a documented cost);
* only municipalities with a signed contract are paid; the amount computed for the others is shown
  as not payable. Where a contract states an amount, the municipality is paid at most that.

Months before the administrative reform (2021-07-01) belong to the municipality the school was in
then. A contract is looked up under that name, then under the school's current municipality.

Rounding: amounts are :class:`~decimal.Decimal` euros. Each school-month amount is rounded to whole
cents (half up) once; every total is the exact sum of those amounts and is not rounded again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mikronet.errors import InputError
from mikronet.reports.common import collation_key, municipality_at, programme_of

__all__ = [
    "CENT",
    "CompensationReport",
    "MissingRow",
    "MunicipalityMonth",
    "MunicipalityTotal",
    "SchoolMonth",
    "build_compensation",
    "parse_months",
]

CENT = Decimal("0.01")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str, spec: str) -> tuple[int, int]:
    found = _MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise InputError(f"--months {spec!r}: {text.strip()!r} is not a month (YYYY-MM, e.g. 2021-04)")
    return int(found.group(1)), int(found.group(2))


def parse_months(spec: str) -> tuple[str, ...]:
    """``2021-04..2021-06`` (a range, inclusive), ``2021-04,2021-05`` or one ``2021-04``."""
    if ".." in spec:
        first, _, last = spec.partition("..")
        (y, m), end = _month(first, spec), _month(last, spec)
        if end < (y, m):
            raise InputError(f"--months {spec!r}: the range ends before it starts")
        out = []
        while (y, m) <= end:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return tuple(out)
    months = tuple(f"{y:04d}-{m:02d}" for y, m in (_month(part, spec) for part in spec.split(",")))
    return tuple(dict.fromkeys(months))


@dataclass(frozen=True)
class SchoolMonth:
    school: str
    name: str
    municipality: str
    month: str
    connection_type: str | None
    shared_contract: bool
    fee: Decimal | None
    rule: str
    """``identified`` (the documented cost), ``cap`` (the shared-contract cap) or ``none`` (lacking data)."""
    amount: Decimal
    signed: bool
    """Whether the municipality has a signed contract (only then is the amount paid)."""


@dataclass(frozen=True)
class MunicipalityMonth:
    municipality: str
    month: str
    schools: int
    amount: Decimal


@dataclass(frozen=True)
class MunicipalityTotal:
    municipality: str
    signed: date | None
    contract_amount: Decimal | None
    schools: int
    computed: Decimal
    payable: Decimal


@dataclass(frozen=True)
class MissingRow:
    """A school lacking what the rule needs: ``fee``, ``connection-type`` or ``contract``."""

    school: str
    name: str
    municipality: str
    needs: tuple[str, ...]


@dataclass(frozen=True)
class CompensationReport:
    generated: datetime
    months: tuple[str, ...]
    budget: Decimal
    caps: Mapping[str, Decimal]
    rows: tuple[SchoolMonth, ...]
    by_municipality_month: tuple[MunicipalityMonth, ...]
    municipalities: tuple[MunicipalityTotal, ...]
    by_month: tuple[tuple[str, Decimal], ...]
    computed: Decimal
    payable: Decimal
    remaining: Decimal
    over_budget: bool
    signed: tuple[str, ...]
    unsigned: tuple[str, ...]
    missing: tuple[MissingRow, ...]


def _contract(contracts: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        found = contracts.get(name)
        if found is not None:
            return found
    return None


def _amount(connection: Any, caps: Mapping[str, Decimal]) -> tuple[str, Decimal, tuple[str, ...]]:
    kind = getattr(connection, "type", None)
    fee = getattr(connection, "monthly_fee_eur", None)
    fee = None if fee is None else Decimal(str(fee))
    if getattr(connection, "shared_contract", False):
        cap = caps.get(kind) if kind else None
        if cap is None:
            return "none", Decimal(0), ("connection-type",)
        return "cap", (cap if fee is None else min(cap, fee)).quantize(CENT, ROUND_HALF_UP), ()
    if fee is None:
        return "none", Decimal(0), ("fee",)
    return "identified", fee.quantize(CENT, ROUND_HALF_UP), ()


def build_compensation(inventory: Any, *, months: Sequence[str] | None = None,
                       now: datetime | None = None) -> CompensationReport:
    """Compensation for ``months`` (``YYYY-MM``; default the programme's April–June 2021)."""
    programme = programme_of(inventory)
    months = tuple(months or programme.months)
    contracts: Mapping[str, Any] = getattr(inventory, "contracts", None) or {}
    rows = []
    needs: dict[str, set[str]] = {}
    for school in sorted(inventory.schools, key=lambda s: s.id):
        connection = school.connection
        for month in months:
            first = date(int(month[:4]), int(month[5:7]), 1)
            where = municipality_at(school, first, programme.reform_date)
            contract = _contract(contracts, where, school.municipality)
            signed = contract is not None and getattr(contract, "signed", None) is not None
            rule, amount, lacking = _amount(connection, programme.caps_eur)
            needs.setdefault(school.id, set()).update(lacking)
            if not signed:
                needs[school.id].add("contract")
            fee = getattr(connection, "monthly_fee_eur", None)
            rows.append(SchoolMonth(school.id, school.name, where, month, getattr(connection, "type", None),
                                    bool(getattr(connection, "shared_contract", False)),
                                    None if fee is None else Decimal(str(fee)), rule, amount, signed))

    per_mm: dict[tuple[str, str], list[SchoolMonth]] = {}
    for row in rows:
        per_mm.setdefault((row.municipality, row.month), []).append(row)
    by_mm = tuple(MunicipalityMonth(m, month, len(rs), sum((r.amount for r in rs), Decimal(0)))
                  for (m, month), rs in sorted(per_mm.items(), key=lambda kv: (collation_key(kv[0][0]), kv[0][1])))
    per_m: dict[str, list[SchoolMonth]] = {}
    for row in rows:
        per_m.setdefault(row.municipality, []).append(row)
    totals = []
    for name in sorted(per_m, key=collation_key):
        members = per_m[name]
        contract = _contract(contracts, name, *(inventory.school(r.school).municipality for r in members[:1]))
        signed_on = getattr(contract, "signed", None) if contract is not None else None
        limit = getattr(contract, "amount_eur", None) if contract is not None else None
        limit = None if limit is None else Decimal(str(limit))
        computed = sum((r.amount for r in members), Decimal(0))
        payable = sum((r.amount for r in members if r.signed), Decimal(0))
        if limit is not None:
            payable = min(payable, limit)
        totals.append(MunicipalityTotal(name, signed_on, limit, len({r.school for r in members}), computed, payable))
    computed = sum((t.computed for t in totals), Decimal(0))
    payable = sum((t.payable for t in totals), Decimal(0))
    by_month = tuple((month, sum((r.amount for r in rows if r.month == month and r.signed), Decimal(0)))
                     for month in months)
    schools = {s.id: s for s in inventory.schools}
    first_day = date(int(months[0][:4]), int(months[0][5:7]), 1) if months else programme.reform_date
    missing = tuple(
        MissingRow(sid, schools[sid].name, municipality_at(schools[sid], first_day, programme.reform_date),
                   tuple(n for n in ("fee", "connection-type", "contract") if n in lacking))
        for sid, lacking in sorted(needs.items()) if lacking
    )
    return CompensationReport(
        generated=now or datetime.now(UTC), months=months, budget=programme.budget_eur,
        caps=programme.caps_eur, rows=tuple(rows), by_municipality_month=by_mm, municipalities=tuple(totals),
        by_month=by_month, computed=computed, payable=payable, remaining=programme.budget_eur - payable,
        over_budget=payable > programme.budget_eur,
        signed=tuple(t.municipality for t in totals if t.signed is not None),
        unsigned=tuple(t.municipality for t in totals if t.signed is None),
        missing=missing,
    )
