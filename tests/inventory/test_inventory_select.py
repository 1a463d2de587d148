"""--limit: globs on ids, key=value, group:, negation, intersection, empty selections."""

from __future__ import annotations

from pathlib import Path

import pytest

from mikronet.errors import SelectionError
from mikronet.inventory import Inventory, load_inventory, parse_limit, select

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return load_inventory(SAMPLE)


def ids(routers: list) -> list[str]:  # type: ignore[type-arg]
    return [r.id for r in routers]


def test_no_limit_selects_everything_in_order(inv: Inventory) -> None:
    assert ids(select(inv, None)) == [r.id for r in inv.routers]
    for blank in ("", "  "):  # an empty --limit is a mistake, never "every router"
        with pytest.raises(SelectionError, match="empty selection"):
            select(inv, blank)


def test_router_id_school_id_and_globs(inv: Inventory) -> None:
    assert ids(select(inv, "LV-0042/gw")) == ["LV-0042/gw"]
    school = inv.school("LV-0042")
    assert ids(select(inv, "LV-0042")) == list(school.routers)
    expected = [r.id for r in inv.routers if r.school.id.startswith("LV-00")]
    assert ids(select(inv, "LV-00*")) == expected and expected
    gateways = [r.id for r in inv.routers if r.name == "gw"]
    assert ids(select(inv, "*/gw")) == gateways and len(gateways) == 120


def test_key_value_on_school_and_router_fields(inv: Inventory) -> None:
    riga = select(inv, "municipality=Rīga")
    assert riga and all(r.school.municipality == "Rīga" for r in riga)
    assert len(riga) == sum(1 for r in inv.routers if r.school.municipality == "Rīga")
    # case and Unicode normal form do not matter: 'rīga' and the decomposed 'Ri\u0304ga'
    assert select(inv, "municipality=rīga") == riga
    assert select(inv, "municipality=Ri\u0304ga") == riga
    rb4011 = select(inv, "model=RB4011*")
    assert rb4011 and all(r.model.startswith("RB4011") for r in rb4011)
    v6 = select(inv, "routeros=6.49.*")
    assert v6 and all(r.routeros and r.routeros.startswith("6.49.") for r in v6)
    merged = [s for s in inv.schools if s.municipality_before_2021 != s.municipality]
    old_name = merged[0].municipality_before_2021
    before = select(inv, f"municipality_before_2021={old_name}")
    assert before and all(r.school.municipality_before_2021 == old_name for r in before)
    optical = select(inv, "connection=optical")
    assert optical and all(r.school.connection.type == "optical" for r in optical)


def test_groups_negation_and_intersection(inv: Inventory) -> None:
    pilot = select(inv, "group:pilot")
    assert pilot and all("pilot" in r.school.groups for r in pilot)
    not_pilot = select(inv, "!group:pilot")
    assert len(pilot) + len(not_pilot) == len(inv.routers)
    riga_not_pilot = select(inv, "municipality=Rīga,!group:pilot")
    assert all(r.school.municipality == "Rīga" and "pilot" not in r.school.groups for r in riga_not_pilot)
    both = select(inv, "municipality=Rīga,&*/gw")
    assert both and all(r.name == "gw" and r.school.municipality == "Rīga" for r in both)
    union = select(inv, "municipality=Rīga,municipality=Daugavpils")
    assert {r.school.municipality for r in union} == {"Rīga", "Daugavpils"}


def test_empty_selection_says_which_term_matched_nothing(inv: Inventory) -> None:
    with pytest.raises(SelectionError) as info:
        select(inv, "municipality=Rigaa,!LV-0042")
    text = str(info.value)
    assert "'municipality=Rigaa' matched nothing" in text and "close: Rīga" in text
    with pytest.raises(SelectionError, match="'municipality=Atlantīda' matched nothing"):
        select(inv, "municipality=Atlantīda")
    with pytest.raises(SelectionError, match="each term matches some, but together none"):
        select(inv, "LV-0042/gw,!LV-0042")


def test_a_term_that_matches_nothing_is_logged(inv: Inventory, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="mikronet.inventory.select"):
        assert ids(select(inv, "LV-0042/gw,LV-9999")) == ["LV-0042/gw"]
    assert "--limit term 'LV-9999' matched no router" in caplog.text


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("modell=RB4011", "unknown key 'modell'; did you mean 'model'?"),
        ("LV-0042,,LV-0043", "empty term"),
        ("!", "needs something after '!'"),
        ("group:", "needs a group name"),
    ],
)
def test_malformed_limits(inv: Inventory, limit: str, message: str) -> None:
    with pytest.raises(SelectionError, match=message.replace("?", r"\?")):
        select(inv, limit)


def test_parse_limit_terms() -> None:
    terms = parse_limit("LV-00*, municipality=Rīga ,!group:pilot,&model=RB*,LV-01*&!model=hEX")
    assert [(t.op, [(p.kind, p.key, p.pattern, p.negated) for p in t.parts]) for t in terms] == [
        ("+", [("id", None, "LV-00*", False)]),
        ("+", [("field", "municipality", "Rīga", False)]),
        ("!", [("group", None, "pilot", False)]),
        ("&", [("field", "model", "RB*", False)]),
        ("+", [("id", None, "LV-01*", False), ("field", "model", "hEX", True)]),
    ]


@pytest.mark.parametrize("limit", ["LV-00*&model=RB750*", "model=RB750*&LV-00*", "LV-00*,&model=RB750*",
                                   "LV-00* & model=rb750*", "model=hEX&LV-00*"])
def test_intersection_as_a_technician_writes_it(inv: Inventory, limit: str) -> None:
    expected = [r.id for r in inv.routers if r.school.id.startswith("LV-00") and r.model == "RB750Gr3"]
    assert expected and ids(select(inv, limit)) == expected


def test_and_binds_tighter_than_or_and_not_applies_to_a_part(inv: Inventory) -> None:
    hex_00 = {r.id for r in inv.routers if r.school.id.startswith("LV-00") and r.model == "RB750Gr3"}
    assert set(ids(select(inv, "LV-00*&model=RB750*,LV-0042/gw"))) == hex_00 | {"LV-0042/gw"}
    rest_00 = [r.id for r in inv.routers if r.school.id.startswith("LV-00") and r.model != "RB750Gr3"]
    assert ids(select(inv, "LV-00*&!model=hEX")) == rest_00 and rest_00
    with pytest.raises(SelectionError, match="empty part"):
        select(inv, "LV-00*&")


def test_a_model_is_matched_by_any_of_its_names(inv: Inventory) -> None:
    hex_routers = [r.id for r in inv.routers if r.model == "RB750Gr3"]
    assert hex_routers
    for name in ("hEX", "hex", "RB750Gr3", "750Gr3"):
        assert ids(select(inv, f"model={name}")) == hex_routers, name
    hap_ac2 = [r.id for r in inv.routers if r.model == "RBD52G-5HacD2HnD"]
    assert hap_ac2 and ids(select(inv, "model=hAP ac2")) == hap_ac2


def test_the_grammar_is_in_the_help_of_limit(capsys: pytest.CaptureFixture[str]) -> None:
    from mikronet.cli.main import main

    assert main(["plan", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "LV-800*&model=RB750*" in help_text and "LV-800*,&model=RB750*" in help_text and "'!' = not" in help_text


@pytest.mark.parametrize("command", [["plan"], ["inventory", "list"], ["report", "drift"], ["facts"]])
def test_an_empty_limit_on_the_command_line_is_exit_2(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from mikronet.cli.main import main

    assert main(["-i", str(SAMPLE), *command, "--limit", ""]) == 2
    assert "empty selection" in capsys.readouterr().err


@pytest.mark.parametrize("form", ["Rīgas valstspilsēta", "rigas valstspilsetas pasvaldiba", "Rīga", "rīga"])
def test_a_municipality_is_matched_by_any_form_of_its_name(inv: Inventory, form: str) -> None:
    riga = [r.id for r in inv.routers if r.school.municipality == "Rīga"]
    assert riga and ids(select(inv, f"municipality={form}")) == riga
