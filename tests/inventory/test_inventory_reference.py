"""Reference data: Latvia's municipalities around the 2021 reform, MikroTik models, and how the
inventory is checked against them (file, line, field, "did you mean")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from mikronet.errors import InventoryError
from mikronet.hardware import canonical_model, find_model, model_problem, suggest_model
from mikronet.inventory import School, load_inventory
from mikronet.inventory.reference import municipalities, municipality_on

DATA = Path(__file__).resolve().parents[2] / "mikronet" / "data" / "municipalities.yaml"


def test_the_data_file_states_its_sources_and_date() -> None:
    head = DATA.read_text(encoding="utf-8")[:3000]
    assert "Sources (checked 2026-11-29)" in head
    assert "Administratīvo teritoriju un apdzīvoto vietu likums" in head and "ISO 3166-2:LV" in head


def test_119_before_and_43_after_the_reform() -> None:
    ref = municipalities()
    assert ref.reform_date == date(2021, 7, 1)
    assert len(ref.before) == len(set(ref.before)) == 119
    novadi_before = [m for m in ref.before if m.endswith(" novads")]
    assert len(novadi_before) == 110 and len(ref.before) - len(novadi_before) == 9  # republic cities
    assert len(ref.current) == 43 and len(ref.state_cities) == 7
    assert len([m for m in ref.current if m.endswith(" novads")]) == 36
    # every pre-reform municipality went somewhere, and only known ones did
    named = {p.name for parts in ref.formed_from.values() for p in parts}
    assert named == set(ref.before)


def test_the_mapping_includes_the_split_and_the_city_mergers() -> None:
    ref = municipalities()
    assert ref.successors("Carnikavas novads") == ("Ādažu novads",)
    assert ref.successors("Valmiera") == ("Valmieras novads",)  # a republic city merged into a novads
    assert ref.successors("Jēkabpils") == ("Jēkabpils novads",)
    assert set(ref.successors("Aglonas novads")) == {"Krāslavas novads", "Preiļu novads"}
    assert set(ref.successors("Inčukalna novads")) == {"Siguldas novads", "Ropažu novads"}
    assert dict(ref.parts_of("Inčukalna novads"))["Ropažu novads"] == "Vangaži"
    assert ref.on("Varakļānu novads", date(2025, 6, 30)) == "Varakļānu novads"
    assert ref.on("Varakļānu novads", date(2025, 7, 1)) == "Madonas novads"


@pytest.mark.parametrize(
    ("municipality", "before", "expected"),
    [
        ("Ādažu novads", "Carnikavas novads", ("Ādažu novads", "Carnikavas novads")),
        ("Carnikavas novads", None, ("Ādažu novads", "Carnikavas novads")),  # pre-reform: current derived
        ("Valmiera", None, ("Valmieras novads", "Valmiera")),
        ("Rīga", None, ("Rīga", "Rīga")),  # unchanged by the reform: the same before
        ("Ādažu novads", None, ("Ādažu novads", None)),  # formed from two: which one is not known
        ("Madonas novads", "Varakļānu novads", ("Madonas novads", "Varakļānu novads")),  # merged in 2025
        # as people write them: official and everyday forms, any case, without diacritics
        ("Rēzeknes valstspilsēta", None, ("Rēzekne", "Rēzekne")),
        ("Rēzeknes novada pašvaldība", None, ("Rēzeknes novads", None)),
        ("Rezeknes novads", None, ("Rēzeknes novads", None)),
        ("Rīgas valstspilsētas pašvaldība", None, ("Rīga", "Rīga")),
        ("RIGAS VALSTSPILSETA", None, ("Rīga", "Rīga")),
        ("Ādažu novada pašvaldība", None, ("Ādažu novads", None)),
        ("adazu novads", "Carnikavas novada pašvaldība", ("Ādažu novads", "Carnikavas novads")),
        ("Jelgavas pilsēta", None, ("Jelgava", "Jelgava")),
        ("Jelgavas novads", None, ("Jelgavas novads", None)),
        ("Valmieras republikas pilsēta", None, ("Valmieras novads", "Valmiera")),
        ("  Daugavpils   valstspilsēta ", None, ("Daugavpils", "Daugavpils")),
    ],
)
def test_resolve_accepts(municipality: str, before: str | None, expected: tuple[str, str | None]) -> None:
    assert municipalities().resolve(municipality, before) == expected


@pytest.mark.parametrize(
    ("municipality", "before", "message"),
    [
        (
            "Rēzeknes rajons",
            None,
            "'Rēzeknes rajons' is a district (rajons), abolished in 2009, not a municipality; "
            "did you mean 'Rēzeknes novads'?",
        ),
        ("Rēzeknes", None, "'Rēzeknes' could be 'Rēzekne' or 'Rēzeknes novads'"),  # city or county: say which
        ("Rēzeknes pašvaldība", None, "could be 'Rēzekne' or 'Rēzeknes novads'"),
        ("Rēzeknes valstpilsēta", None, "did you mean 'Rēzekne' or 'Rēzeknes novads'?"),  # a typo: name both
        ("Rigas novads", None, "unknown municipality 'Rigas novads'; did you mean 'Rīga'?"),  # not Roja, Nīca
        ("Rīga", "Carnikavas novads", "'Carnikavas novads' went into 'Ādažu novads' on 2021-07-01, not into 'Rīga'"),
        ("Augšdaugavas novads", "Augšdaugavas novads", "was formed on 2021-07-01 (from 'Daugavpils novads' and"),
        ("Aglonas novads", None, "'Aglonas novads' was split on 2021-07-01 (Grāveru, Kastuļinas un Šķeltovas"),
        ("Atlantīda", None, "unknown municipality 'Atlantīda'"),
    ],
)
def test_resolve_refuses(municipality: str, before: str | None, message: str) -> None:
    with pytest.raises(ValueError) as info:
        municipalities().resolve(municipality, before)
    assert message in str(info.value)


def school_in(write: Callable[..., Path], texts: tuple[str, str], municipality: str) -> School:
    """The small inventory's school, its two municipality lines replaced by ``municipality``."""
    write("fleet.yaml", texts[0])
    lines = 'municipality: "Rīga"\n    municipality_before_2021: "Rīga"'
    return load_inventory(write("schools.yaml", texts[1].replace(lines, municipality))).school("LV-0042")


def test_municipality_on_a_date(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    school = school_in(write, texts, "municipality: Varakļānu novads")
    assert school.municipality_before_2021 == "Varakļānu novads"  # unchanged in 2021: the same before
    assert municipality_on(school, date(2021, 5, 1)) == "Varakļānu novads"
    assert municipality_on(school, date(2024, 1, 1)) == "Varakļānu novads"
    assert municipality_on(school, date(2026, 1, 1)) == "Madonas novads"


# What `/system routerboard print` and the export header say on real units, product codes as the price
# list writes them, and names people use -- each with the model string the inventory records.
SPELLINGS = [
    ("RB962UiGS-5HacT2HnT", "RB962UiGS-5HacT2HnT"),  # RouterOS 7 and newer units
    ("RouterBOARD 962UiGS-5HacT2HnT", "RB962UiGS-5HacT2HnT"),  # older units (6.44.1 capture)
    ("RB952Ui-5ac2nD", "RB952Ui-5ac2nD"),
    ("RouterBOARD 952Ui-5ac2nD", "RB952Ui-5ac2nD"),
    ("951Ui-2HnD", "RB951Ui-2HnD"),  # the bare form 6.49 prints (corpus 24-26)
    ("RB5009UG+S+IN", "RB5009UG+S+"),  # product code with its +IN suffix
    ("L009UiGS-RM", "L009UiGS"),
    ("RB941-2nD", "RB941-2nD"),
    ("RB941-2nD-TC", "RB941-2nD"),
    ("RBD52G-5HacD2HnD-TCr2", "RBD52G-5HacD2HnD"),  # what RouterOS 7.6 prints for a hAP ac² r2
    ("RB750r2", "RB750r2"),  # hEX lite: r2 is part of its model string
    ("CRS326-24G-2S+RM", "CRS326-24G-2S+"),
    ("hAP ac2", "RBD52G-5HacD2HnD"),  # a documented alias
    ("hAP ac²", "RBD52G-5HacD2HnD"),
    ("hap ac^2", "RBD52G-5HacD2HnD"),  # the board name, case ignored
    ("rbd52g-5hacd2hnd", "RBD52G-5HacD2HnD"),
    ("RB5009", "RB5009UG+S+"),
    ("L41G-2axD&FG621-EA", "L41G-2axD"),  # a kit some units print with its modem (hAP ax lite LTE6, 7.16.2)
    ("D53G-5HacD2HnD&EG120K-EA", "D53G-5HacD2HnD"),  # Chateau LTE12 (2025)
]


@pytest.mark.parametrize(("text", "stored"), SPELLINGS)
def test_every_spelling_resolves_through_the_one_lookup(text: str, stored: str) -> None:
    assert canonical_model(text) == stored
    assert find_model(text) is not None and model_problem(text) is None


def test_an_unknown_model_gets_the_nearest_real_models() -> None:
    assert suggest_model("hAP ac 4") == ["RB962UiGS-5HacT2HnT", "RBD52G-5HacD2HnD", "RBD53iG-5HacD2HnD"]
    assert suggest_model("hap lit")[0] == "RB941-2nD"
    assert set(suggest_model("CRS354")[:2]) == {"CRS354-48G-4S+2Q+", "CRS354-48P-4S+2Q+"}
    assert suggest_model("RB952Ui")[0] == "RB952Ui-5ac2nD"
    problem = model_problem("hAP ac 4") or ""
    assert problem.startswith("unknown router model 'hAP ac 4'; did you mean 'RB962UiGS-5HacT2HnT' (hAP ac) or ")
    assert suggest_model("RB9999") == [] and "did you mean" not in (model_problem("RB9999") or "")


@pytest.mark.parametrize(("text", "stored"), SPELLINGS[:8])
def test_the_inventory_accepts_what_routeros_prints(
    write: Callable[..., Path], texts: tuple[str, str], text: str, stored: str
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("model: RB4011iGS+", f'model: "{text}"'))
    assert load_inventory(root).router("LV-0042/gw").model == stored


def test_inventory_accepts_a_pre_reform_name_and_derives_the_current_one(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    school = school_in(write, texts, 'municipality: "Carnikavas novads"')
    assert (school.municipality, school.municipality_before_2021) == ("Ādažu novads", "Carnikavas novads")


def test_inventory_refuses_an_unknown_municipality_with_file_line_and_did_you_mean(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace('municipality: "Rīga"', 'municipality: "Rēzeknes rajons"'))
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    error = info.value
    assert (error.file, error.line, error.field) == (str(root / "schools.yaml"), 4, "schools[0].municipality")
    assert "did you mean 'Rēzeknes novads'?" in error.message


def test_inventory_refuses_a_before_name_that_went_elsewhere(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write(
        "schools.yaml",
        texts[1].replace('municipality_before_2021: "Rīga"', 'municipality_before_2021: "Babītes novads"'),
    )
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    assert info.value.field == "schools[0].municipality_before_2021" and info.value.line == 5
    assert "'Babītes novads' went into 'Mārupes novads'" in info.value.message


def test_inventory_refuses_an_unknown_model_and_records_a_product_name_as_its_model_string(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("model: RB4011iGS+", "model: hAP ac 4"))
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    assert (info.value.line, info.value.field) == (12, "schools[0].routers[0].model")
    assert info.value.message.startswith("unknown router model 'hAP ac 4'; did you mean 'RB962UiGS-5HacT2HnT' (hAP ac)")
    root = write("schools.yaml", texts[1].replace("model: RB4011iGS+", "model: hAP ac²"))
    assert load_inventory(root).router("LV-0042/gw").model == "RBD52G-5HacD2HnD"
