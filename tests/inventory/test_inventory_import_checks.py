"""Importing a spreadsheet as municipalities send them (Latvian headers, semicolons, decimal commas,
cp1257 from Excel on Latvian Windows, pre-reform municipality names), checked against the reference
data and against the existing inventory before anything is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.errors import ImportFileError
from mikronet.inventory import load_inventory
from mikronet.inventory.tabular import check_against, import_table

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"

HEADER = (
    "Skolas kods;Skolas nosaukums;Pašvaldība;Pieslēguma veids;Maksa mēnesī (EUR);Ātrums Mbps;"
    "Kopīgs līgums;Maršrutētājs;IP adrese;Modelis;Sērijas numurs;RouterOS versija;LAN subnet;Piezīmes"
)
ROWS = [
    # a pre-reform municipality alone: the current one is derived
    "LV-0501;Carnikavas pamatskola;Carnikavas novads;optiskais;72,60;300;nē;gw;10.1.201.1;"
    "RB5009UG+S+;HCY086PZ6XZ;7.18.2;10.100.201.0/24;Direktore: Līga Ozoliņa",
    # the product name, as a person writes it (² is in cp1257)
    "LV-0501;Carnikavas pamatskola;Carnikavas novads;optiskais;72,60;300;nē;ap1;10.1.201.3;"
    "hAP ac²;939208928B82;7.16.2;10.100.201.0/24;",
    "LV-0502;Baldones vidusskola;Baldones novads;cits;;50;jā;;10.1.202.1;"
    "L009UiGS-2HaxD;HF309260XJZ;7.19.4;10.100.202.0/24;kopīgais līgums ar novadu",
]


def spreadsheet(tmp_path: Path, rows: list[str], name: str = "novads.csv") -> Path:
    """Written the way Excel on Latvian Windows writes "CSV": cp1257, ';', CRLF."""
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1257"))
    return path


def test_a_municipality_spreadsheet_imports_with_the_current_municipality_derived(tmp_path: Path) -> None:
    result = import_table(spreadsheet(tmp_path, ROWS))
    first, second = result.schools
    assert first["municipality"] == "Ādažu novads" and first["municipality_before_2021"] == "Carnikavas novads"
    assert second["municipality"] == "Ķekavas novads" and second["municipality_before_2021"] == "Baldones novads"
    assert first["connection"] == {"type": "optical", "monthly_fee_eur": 72.6, "contracted_mbps": 300}
    assert second["connection"] == {"type": "other", "contracted_mbps": 50, "shared_contract": True}
    assert [r["model"] for r in first["routers"]] == ["RB5009UG+S+", "RBD52G-5HacD2HnD"]  # hAP ac² → model string
    assert result.ignored_columns == ("Piezīmes",)
    assert any("cp1257" in note for note in result.notes)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("hAP ac²", "hAP ac 4"),
            "row 3: column Modelis: unknown router model 'hAP ac 4'; did you mean 'RB962UiGS-5HacT2HnT' (hAP ac)",
        ),
        (("hAP ac²", "RB9999"), "row 3: column Modelis: unknown router model 'RB9999'"),
        (
            ("Baldones novads", "Rēzeknes rajons"),
            "row 4: column Pašvaldība: 'Rēzeknes rajons' is a district (rajons), abolished in 2009, "
            "not a municipality; did you mean 'Rēzeknes novads'?",
        ),
        (("Baldones novads", "Baldone"), "row 4: column Pašvaldība: unknown municipality 'Baldone'"),
        (("jā", "varbūt"), "row 4: column Kopīgs līgums: 'varbūt' is not yes/no (jā/nē)"),
    ],
)
def test_bad_reference_values_name_row_and_column(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    rows = [row.replace(*change) for row in ROWS]
    with pytest.raises(ImportFileError) as info:
        import_table(spreadsheet(tmp_path, rows))
    assert expected in str(info.value)


def copy_sample(tmp_path: Path) -> Path:
    inventory = tmp_path / "inv"
    shutil.copytree(SAMPLE, inventory, ignore=shutil.ignore_patterns("_generate.py"))
    return inventory


def test_checked_against_the_inventory_before_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inventory = copy_sample(tmp_path)
    sample = load_inventory(inventory)
    taken = sample.school("LV-0042")
    gw = sample.router("LV-0042/gw")
    rows = [
        ROWS[0].replace("LV-0501", "LV-0042"),  # a school id the inventory has
        ROWS[1].replace("LV-0501", "LV-0042").replace("939208928B82", gw.serial or ""),  # its gateway's serial
        ROWS[2].replace("10.100.202.0/24", str(taken.vars["lan_subnet"]).replace("0/24", "128/25")),  # inside its LAN
    ]
    path = spreadsheet(tmp_path, rows)
    out = inventory / "schools" / "imported.yaml"
    assert main(["-i", str(inventory), "inventory", "import", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    riga = inventory / "schools" / "riga.yaml"
    assert f"{path}: row 2: column Skolas kods: duplicate school id 'LV-0042' (first at {riga}:" in err
    assert not out.exists()  # nothing written
    # the id fixed: the serial and the network collide, each naming both places
    rows[0] = ROWS[0]
    rows[1] = ROWS[1].replace("939208928B82", gw.serial or "")
    with pytest.raises(ImportFileError) as info:
        check_against(import_table(spreadsheet(tmp_path, rows)), inventory)
    text = str(info.value)
    assert f"row 3: column Sērijas numurs: serial {gw.serial} is already router 'LV-0042/gw' ({riga}:" in text
    assert (
        f"row 4: column LAN subnet: 10.100.12.128/25 of LV-0502 overlaps 10.100.12.0/24 of LV-0042 ({riga}:"
    ) in text


def test_a_clean_import_into_the_inventory_is_written_and_loads(tmp_path: Path) -> None:
    inventory = copy_sample(tmp_path)
    path = spreadsheet(tmp_path, ROWS)
    out = inventory / "schools" / "imported.yaml"
    assert main(["-i", str(inventory), "inventory", "import", str(path), "-o", str(out)]) == 0
    loaded = load_inventory(inventory)
    assert loaded.school("LV-0501").municipality == "Ādažu novads"
    assert loaded.router("LV-0501/ap1").model == "RBD52G-5HacD2HnD"
    assert loaded.school("LV-0502").connection.shared_contract is True
    # importing the same file again onto itself (--force) is not a clash with itself
    assert main(["-i", str(inventory), "inventory", "import", str(path), "-o", str(out), "--force"]) == 0
