"""Compensation against hand-worked figures (fixtures.py): identified costs, shared-contract caps,
contracts, the reform's municipalities, rounding and the totals against the budget."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mikronet.errors import InputError
from mikronet.reports import build_compensation, parse_months

from .fixtures import NOW, Inventory


def test_identified_cost_is_the_documented_fee(inventory: Inventory) -> None:
    report = build_compensation(inventory, now=NOW)
    april = {r.school: r for r in report.rows if r.month == "2021-04"}
    assert (april["LV-0001"].rule, april["LV-0001"].amount) == ("identified", Decimal("72.60"))
    assert (april["LV-0005"].rule, april["LV-0005"].amount) == ("identified", Decimal("45.50"))


def test_shared_contract_gets_the_cap_by_connection_type_never_more_than_a_known_fee(inventory: Inventory) -> None:
    april = {r.school: r for r in build_compensation(inventory, now=NOW).rows if r.month == "2021-04"}
    assert (april["LV-0002"].rule, april["LV-0002"].amount) == ("cap", Decimal("50.00"))  # other, no fee
    assert april["LV-0003"].amount == Decimal("100.00")  # optical: 120.555 documented, capped at 100
    assert april["LV-0006"].amount == Decimal("80.01")  # optical: 80.005 documented is below the cap; half up
    assert (april["LV-0007"].rule, april["LV-0007"].amount) == ("none", Decimal(0))  # no connection type


def test_per_municipality_before_the_reform_with_contracts_and_their_amounts(inventory: Inventory) -> None:
    report = build_compensation(inventory, now=NOW)
    rows = [(m.municipality, m.schools, m.computed, m.payable) for m in report.municipalities]
    assert rows == [
        ("Ādažu novads", 1, Decimal("217.80"), Decimal("217.80")),
        # Carnikavas novads has no contract of its own: the school's current municipality (Ādažu) has one.
        ("Carnikavas novads", 1, Decimal("150.00"), Decimal("150.00")),
        ("Cēsu novads", 1, Decimal("0.00"), Decimal("0")),  # no fee, and the contract is not signed
        ("Priekuļu novads", 1, Decimal("136.50"), Decimal("136.50")),
        # 3 × 100 + 3 × 80.01 + 0 = 540.03 computed; the contract's amount (150) caps what is paid.
        ("Rīga", 3, Decimal("540.03"), Decimal("150.00")),
    ]
    assert report.signed == ("Ādažu novads", "Carnikavas novads", "Priekuļu novads", "Rīga")
    assert report.unsigned == ("Cēsu novads",)
    riga_april = [m for m in report.by_municipality_month if (m.municipality, m.month) == ("Rīga", "2021-04")]
    assert [(m.schools, m.amount) for m in riga_april] == [(3, Decimal("180.01"))]


def test_totals_against_the_budget(inventory: Inventory) -> None:
    report = build_compensation(inventory, now=NOW)
    assert report.months == ("2021-04", "2021-05", "2021-06")
    assert report.computed == Decimal("1044.33")
    assert report.payable == Decimal("654.30")
    assert report.budget == Decimal(495000)
    assert report.remaining == Decimal("494345.70")
    assert not report.over_budget
    # by month: what signed municipalities are owed (before a contract's own amount caps the total)
    assert report.by_month[0] == ("2021-04", Decimal("72.60") + Decimal("50.00") + Decimal("45.50") + Decimal("180.01"))


def test_schools_lacking_what_the_rule_needs(inventory: Inventory) -> None:
    missing = {m.school: m.needs for m in build_compensation(inventory, now=NOW).missing}
    assert missing == {"LV-0004": ("fee", "contract"), "LV-0007": ("connection-type",)}


def test_months_after_the_reform_belong_to_the_new_municipalities(inventory: Inventory) -> None:
    report = build_compensation(inventory, months=("2021-07",), now=NOW)
    assert [(m.municipality, m.schools) for m in report.municipalities] == [
        ("Ādažu novads", 2), ("Cēsu novads", 2), ("Rīga", 3)]


def test_over_budget_is_flagged(inventory: Inventory) -> None:
    class Settings:
        budget_eur = Decimal("500")

    inventory.programme = Settings()  # type: ignore[attr-defined]
    report = build_compensation(inventory, now=NOW)
    assert report.over_budget and report.remaining == Decimal("-154.30")


@pytest.mark.parametrize(("spec", "months"), [
    ("2021-04..2021-06", ("2021-04", "2021-05", "2021-06")),
    ("2021-11..2022-02", ("2021-11", "2021-12", "2022-01", "2022-02")),
    ("2021-04,2021-06", ("2021-04", "2021-06")),
    ("2021-05", ("2021-05",)),
])
def test_months_spec(spec: str, months: tuple[str, ...]) -> None:
    assert parse_months(spec) == months


@pytest.mark.parametrize("spec", ["2021-4..2021-06", "2021-06..2021-04", "2021-13", "April"])
def test_bad_months_name_the_option(spec: str) -> None:
    with pytest.raises(InputError, match="--months"):
        parse_months(spec)
