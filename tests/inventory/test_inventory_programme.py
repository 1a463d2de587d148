"""The programme's settings and the municipalities' contracts in the inventory, and what the sample
carries for the compensation and progress reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from mikronet.errors import InventoryError
from mikronet.inventory import Programme, load_inventory
from mikronet.ledger import DEFAULT_CATEGORIES

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"


def test_defaults_are_the_programme_s_figures(small: Path) -> None:
    programme = load_inventory(small).programme
    assert programme == Programme()
    assert (programme.target, programme.enrolled, programme.budget_eur) == (100, 563, Decimal(495000))
    assert dict(programme.caps_eur) == {"optical": Decimal(100), "other": Decimal(50)}
    assert programme.months == ("2021-04", "2021-05", "2021-06")
    assert programme.reform_date == date(2021, 7, 1)
    assert programme.categories["swap"] == "equipment-replacement" and programme.categories["measure"] is None


PROGRAMME = """\
programme:
  target: 120
  caps_eur: {other: 45.5}
  months: [2021-04, 2021-05]
  categories: {measure: technical-improvement, restore: null}
contracts:
  Carnikavas novads: {signed: 2021-06-14, amount_eur: 1860.00}
  Rīga: {signed: null}
"""


def test_a_programme_section_overrides_and_contracts_are_values(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    write("fleet.yaml", texts[0])
    write("programme.yaml", PROGRAMME)
    root = write("schools.yaml", texts[1])
    inv = load_inventory(root)
    programme = inv.programme
    assert programme.target == 120 and programme.enrolled == 563
    assert dict(programme.caps_eur) == {"optical": Decimal(100), "other": Decimal("45.5")}
    assert programme.months == ("2021-04", "2021-05")
    assert programme.categories["measure"] == "technical-improvement"
    assert programme.categories["swap"] == DEFAULT_CATEGORIES["swap"]
    carnikava = inv.contracts["Carnikavas novads"]
    assert (carnikava.signed, carnikava.amount_eur, carnikava.is_signed) == (
        date(2021, 6, 14),
        Decimal("1860.00"),
        True,
    )
    assert not inv.contracts["Rīga"].is_signed
    assert inv.contract_for(inv.school("LV-0042")) is inv.contracts["Rīga"]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("target: 120", "target: lots", 2, "programme.target", "expected a whole number, got 'lots'"),
        ("months: [2021-04, 2021-05]", "months: [April]", 4, "programme.months[0]", "'April' is not a month"),
        (
            "measure: technical-improvement",
            "mesure: technical-improvement",
            5,
            "programme.categories.mesure",
            "unknown kind 'mesure'; did you mean 'measure'?",
        ),
        (
            "measure: technical-improvement",
            "measure: technical",
            5,
            "programme.categories.measure",
            "unknown category 'technical'; did you mean 'technical-improvement'?",
        ),
        (
            "Carnikavas novads: {",
            "Carnikava: {",
            7,
            "contracts.Carnikava",
            "unknown municipality 'Carnikava'; did you mean 'Carnikavas novads'?",
        ),
        ("signed: 2021-06-14", "signed: 14.06.2021", 7, "contracts.Carnikavas novads.signed", ""),
    ],
)
def test_bad_values_name_file_line_and_field(
    write: Callable[..., Path], texts: tuple[str, str], old: str, new: str, line: int, field: str, message: str
) -> None:
    write("fleet.yaml", texts[0])
    write("schools.yaml", texts[1])
    root = write("programme.yaml", PROGRAMME.replace(old, new))
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    error = info.value
    assert (error.file, error.line, error.field) == (str(root / "programme.yaml"), line, field)
    assert message in error.message


def test_a_section_set_in_two_files_is_refused(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0])
    write("schools.yaml", texts[1])
    write("programme.yaml", PROGRAMME)
    root = write("zz-more.yaml", "programme: {target: 5}\ncontracts:\n  Rīga: {signed: 2021-06-01}\n")
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    text = str(info.value)
    assert f"zz-more.yaml:1: programme: already set in {root / 'programme.yaml'}:1" in text
    assert f"zz-more.yaml:3: contracts.Rīga: 'Rīga' already set in {root / 'programme.yaml'}:8" in text


def test_the_sample_carries_what_the_reports_need() -> None:
    inv = load_inventory(SAMPLE)
    signed = [c for c in inv.contracts.values() if c.is_signed]
    assert len(signed) == 29
    assert all(date(2021, 6, 1) <= (c.signed or date.min) <= date(2021, 6, 30) for c in signed)
    assert all(c.amount_eur is not None and c.amount_eur > 0 for c in signed)
    assert any(not c.is_signed for c in inv.contracts.values())  # planned ones
    shared = [s for s in inv.schools if s.connection.shared_contract]
    assert 5 <= len(shared) <= 40 and all(s.connection.monthly_fee_eur is None for s in shared)
    gaps = [s for s in inv.schools if s.connection.monthly_fee_eur is None and not s.connection.shared_contract]
    assert gaps  # schools the compensation report must name: no fee and no shared contract
    without_contract = [s for s in inv.schools if inv.contract_for(s) is None]
    assert without_contract and len(without_contract) < len(inv.schools)
    assert {s.municipality_before_2021 for s in inv.schools} >= {c.municipality for c in signed} - {None}
    assert (len(inv.schools), len(inv.routers), len(inv.municipalities)) == (120, 179, 43)


PLAN = """\
    plan:
      - {category: equipment-replacement, note: "hAP lite uz 300 Mbit/s līnijas", date: 2026-03-02}
      - {category: consultation, note: "Wi-Fi pārklājums"}
"""


def test_a_school_s_plan_is_data_with_its_lines(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("    routers:\n", PLAN + "    routers:\n"))
    school = load_inventory(root).school("LV-0042")
    assert [(p.category, p.note, p.date, p.line) for p in school.plan] == [
        ("equipment-replacement", "hAP lite uz 300 Mbit/s līnijas", date(2026, 3, 2), 10),
        ("consultation", "Wi-Fi pārklājums", None, 11)]
    assert school.planned_categories == {"equipment-replacement", "consultation"}


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("equipment-replacement,", "equipment-replace,", "schools[0].plan[0].category",
         "unknown category 'equipment-replace'; did you mean 'equipment-replacement'?"),
        ("2026-03-02", "2026-02-30", "schools[0].plan[0].date", "2026-02-30': day is out of range for month"),
        ("category: consultation, ", "", "schools[0].plan[1].category", "missing required key 'category'"),
    ],
)
def test_a_bad_plan_names_file_line_and_field(write: Callable[..., Path], texts: tuple[str, str], old: str, new: str,
                                              field: str, message: str) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("    routers:\n", PLAN.replace(old, new) + "    routers:\n"))
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    assert (info.value.file, info.value.field) == (str(root / "schools.yaml"), field)
    assert info.value.line in (10, 11) and message in info.value.message


def test_the_counting_rule_is_a_programme_setting(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0])
    write("programme.yaml", "programme:\n  counting: {unplanned: true}\n")
    root = write("schools.yaml", texts[1])
    rule = load_inventory(root).programme.counting
    assert (rule.planned, rule.marked, rule.unplanned) == (True, True, True)
    assert "routeros-upgrade" in rule.maintenance
