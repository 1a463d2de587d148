"""The inventory's top-level sections besides schools: ``programme``, ``contracts`` and ``windows``.

Their shapes (pydantic models, so a wrong type is reported like any other inventory field) and the
step that turns a validated section into values (:class:`Programme`, :class:`MunicipalityContract`,
:class:`MaintenanceWindow`), reporting every bad value with its file, line and field.

```yaml
programme:                 # every key optional; the defaults are the programme's own figures
  target: 100
  enrolled: 563
  budget_eur: 495000
  caps_eur: {optical: 100, other: 50}
  months: [2021-04, 2021-05, 2021-06]
  categories: {measure: null, swap: equipment-replacement}   # kind → category (merged over the defaults)
contracts:                 # municipality (as the contract names it) → signed date (null: planned), amount
  Carnikavas novads: {signed: 2021-06-14, amount_eur: 1860.00}
windows:                   # group (or default) → when changes may start, Europe/Riga time
  default:
    hours: "22:00-05:00"   # or a list of ranges; a range may run past midnight
    weekdays: [sun-thu]    # the days a range may start on
    blocked:
      - {from: 2025-12-22, to: 2026-01-02, label: Ziemas brīvdienas}
      - {date: 2026-06-01, label: "Centralizētais eksāmens: matemātika"}
  pilot: {hours: "20:00-06:00"}   # keys not given come from default
```
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mikronet.inventory.programme import MunicipalityContract, Programme
from mikronet.inventory.source import Located, YamlPath
from mikronet.inventory.windows import BlockedDates, MaintenanceWindow, parse_hours, parse_weekdays
from mikronet.kinds import CATEGORIES, DEFAULT_CATEGORIES, KINDS

__all__ = [
    "BlockedIn",
    "ContractIn",
    "ProgrammeIn",
    "WindowIn",
    "contract_value",
    "programme_value",
    "window_value",
]

Report = Callable[[Located, YamlPath, str], None]
"""Where a value's problem goes: (document, path in it, message)."""

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class ProgrammeIn(_Model):
    target: int | None = Field(default=None, gt=0)
    enrolled: int | None = Field(default=None, gt=0)
    categories: dict[str, str | None] | None = None
    budget_eur: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    caps_eur: dict[Literal["optical", "other"], Decimal] | None = None
    months: list[str | date] | None = None
    reform_date: date | None = None


class ContractIn(_Model):
    signed: date | None = None
    amount_eur: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)


class BlockedIn(_Model):
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    date_: date | None = Field(default=None, alias="date")
    label: str


class WindowIn(_Model):
    hours: str | list[str] | None = None
    weekdays: str | list[str] | None = None
    blocked: list[BlockedIn] | None = None


def programme_value(section: ProgrammeIn, doc: Located, report: Report) -> Programme:
    """The programme: the section's values over the defaults."""
    base: YamlPath = ("programme",)
    values: dict[str, Any] = {}
    for name in ("target", "enrolled", "budget_eur", "reform_date"):
        if getattr(section, name) is not None:
            values[name] = getattr(section, name)
    if section.caps_eur is not None:
        values["caps_eur"] = MappingProxyType({"optical": Decimal(100), "other": Decimal(50), **section.caps_eur})
    if section.months is not None:
        months = []
        for index, month in enumerate(section.months):
            text = f"{month:%Y-%m}" if isinstance(month, date) else str(month)
            if not _MONTH.match(text):
                report(doc, (*base, "months", index), f"{text!r} is not a month; write it as YYYY-MM (2021-04)")
            months.append(text)
        values["months"] = tuple(months)
    if section.categories is not None:
        categories = dict(DEFAULT_CATEGORIES)
        for kind, category in section.categories.items():
            path = (*base, "categories", kind)
            if kind not in KINDS:
                report(doc, path, f"unknown kind {kind!r}{_hint(kind, KINDS)} (kinds: {', '.join(KINDS)})")
            elif category is not None and category not in CATEGORIES:
                report(
                    doc,
                    path,
                    f"unknown category {category!r}{_hint(category, CATEGORIES)} "
                    f"(categories: {', '.join(CATEGORIES)}, or null for none)",
                )
            categories[kind] = category
        values["categories"] = MappingProxyType(categories)
    return Programme(**values, file=str(doc.file), line=doc.line_of(base))


def contract_value(name: str, section: ContractIn, doc: Located, report: Report) -> MunicipalityContract:
    """One contract; its municipality must be one the reference data knows (before or after the reform)."""
    from mikronet.inventory.reference import municipalities

    ref = municipalities()
    path: YamlPath = ("contracts", name)
    if name not in ref.current and name not in ref.before:
        message = ref.unknown_message(name, "municipality")
        report(doc, path, message)
    return MunicipalityContract(name, section.signed, section.amount_eur, str(doc.file), doc.line_of(path))


def window_value(
    name: str, section: WindowIn, default: WindowIn | None, doc: Located, report: Report
) -> MaintenanceWindow:
    """One window; keys it leaves out come from ``default`` (the ``default`` window's section)."""
    path: YamlPath = ("windows", name)
    hours_in = section.hours if section.hours is not None else (default.hours if default else None)
    days_in = section.weekdays if section.weekdays is not None else (default.weekdays if default else None)
    blocked_in = section.blocked if section.blocked is not None else (default.blocked if default else None)
    values: dict[str, Any] = {}
    if hours_in is not None:
        ranges = []
        items = [hours_in] if isinstance(hours_in, str) else hours_in
        for index, text in enumerate(items):
            where = (*path, "hours") if isinstance(hours_in, str) else (*path, "hours", index)
            try:
                ranges.append(parse_hours(text))
            except ValueError as exc:
                report(doc, where, str(exc))
        if not items:
            report(doc, (*path, "hours"), "no hours: give at least one range (00:00-00:00 for the whole day)")
        values["hours"] = tuple(ranges)
    if days_in is not None:
        try:
            values["weekdays"] = parse_weekdays([days_in] if isinstance(days_in, str) else days_in)
        except ValueError as exc:
            report(doc, (*path, "weekdays"), str(exc))
    if blocked_in is not None:
        values["blocked"] = tuple(_blocked(blocked_in, section.blocked is not None, path, doc, report))
    return MaintenanceWindow(name, **values, file=str(doc.file), line=doc.line_of(path))


def _blocked(
    items: list[BlockedIn], own: bool, path: YamlPath, doc: Located, report: Report
) -> list[BlockedDates]:
    result = []
    for index, item in enumerate(items):
        where = (*path, "blocked", index) if own else (*path,)
        if item.date_ is not None and (item.from_ is not None or item.to is not None):
            report(doc, where, "give either 'date' or 'from'/'to', not both")
            continue
        start = item.date_ or item.from_
        end = item.date_ or item.to or item.from_
        if start is None or end is None:
            report(doc, where, "a blocked entry needs 'date', or 'from' (and 'to' for a range)")
            continue
        if end < start:
            report(doc, (*where, "to") if own else where, f"'to' {end} is before 'from' {start}")
            continue
        if not item.label.strip():
            report(doc, (*where, "label") if own else where, "label must not be empty")
        result.append(BlockedDates(start, end, item.label))
    return result


def _hint(name: str, choices: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
