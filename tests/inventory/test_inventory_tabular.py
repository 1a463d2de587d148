"""Spreadsheet import (CSV, XLSX) and the CSV export it round-trips with."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from mikronet.cli.main import main
from mikronet.errors import ImportFileError
from mikronet.inventory import Inventory, load_inventory, school_record
from mikronet.inventory.export import csv_text
from mikronet.inventory.tabular import import_table, schools_yaml
from mikronet.inventory.views import plain_value

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"

LATVIAN_HEADER = (
    "Kods;Nosaukums;Pašvaldība;Pašvaldība līdz 2021;Pieslēguma veids;Maksa mēnesī (EUR);"
    "Ātrums Mbps;Maršrutētājs;IP adrese;Modelis;Sērijas numurs;RouterOS versija;LAN subnet;Kontaktpersona"
)
LATVIAN_ROWS = [
    "LV-0101;Ādažu Meža pamatskola;Ādažu novads;Carnikavas novads;optiskais;72,60;300;gw;10.1.101.1;"
    "RB5009UG+S+;HCY086PZ6XZ;7.18.2;10.100.101.0/24;Jānis Bērziņš",
    "LV-0101;Ādažu Meža pamatskola;Ādažu novads;Carnikavas novads;optiskais;72,60;300;lab;10.1.101.2;"
    'RB750Gr3;8E3A08B2D4F1;6.49.17;10.100.101.0/24;"Bērziņš; Jānis"',
    "LV-0102;Ķekavas sākumskola;Ķekavas novads;Baldones novads;cits;35,5;50;;10.1.102.1;"
    "L009UiGS-2HaxD;HF309260XJZ;7.19.4;;Līga Ozoliņa",
]


def load_with_fleet(schools_text: str, tmp_path: Path) -> Inventory:
    """Load imported schools next to the sample's fleet.yaml (defaults and groups)."""
    folder = tmp_path / "merged"
    folder.mkdir()
    shutil.copy(SAMPLE / "fleet.yaml", folder / "fleet.yaml")
    (folder / "imported.yaml").write_text(schools_text, encoding="utf-8")
    return load_inventory(folder)


def comparable(inv: Inventory) -> list[dict[str, object]]:
    result = []
    for school in inv.schools:
        record = school_record(school)
        del record["file"], record["line"]
        record["routers"] = [
            (r.name, r.host, r.model, r.serial, r.routeros, plain_value(r.vars)) for r in inv.routers_of(school.id)
        ]  # plain_value: a secret reference compares by what it names, not where it is written
        result.append(record)
    return sorted(result, key=lambda r: str(r["id"]))


@pytest.mark.parametrize("excel", [False, True], ids=["plain-csv", "excel-csv"])
def test_import_round_trips_export_csv_of_the_sample(excel: bool, tmp_path: Path) -> None:
    sample = load_inventory(SAMPLE)
    path = tmp_path / "fleet.csv"
    path.write_text(csv_text(sample, sample.routers, excel=excel), encoding="utf-8", newline="")
    if excel:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    result = import_table(path)
    assert result.rows == len(sample.routers)
    assert len(result.schools) == len(sample.schools)
    again = load_with_fleet(schools_yaml(result.schools, source=path.name), tmp_path)
    assert comparable(again) == comparable(sample)


def test_latvian_columns_semicolons_bom_and_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "novads.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([LATVIAN_HEADER, *LATVIAN_ROWS]) + "\r\n").encode("utf-8"))
    result = import_table(path)
    assert result.ignored_columns == ("Kontaktpersona",)
    first, second = result.schools
    assert first["id"] == "LV-0101" and first["name"] == "Ādažu Meža pamatskola"
    assert first["municipality_before_2021"] == "Carnikavas novads"
    assert first["connection"] == {"type": "optical", "monthly_fee_eur": 72.6, "contracted_mbps": 300}
    assert first["vars"] == {"lan_subnet": "10.100.101.0/24"}
    assert [r["name"] for r in first["routers"]] == ["gw", "lab"]
    assert second["connection"]["type"] == "other" and second["routers"][0]["name"] == "gw"
    inv = load_with_fleet(schools_yaml(result.schools), tmp_path)
    assert inv.router("LV-0101/lab").model == "RB750Gr3"
    assert inv.school("LV-0102").connection.monthly_fee_eur is not None


def test_cp1257_csv_from_excel_on_latvian_windows(tmp_path: Path) -> None:
    path = tmp_path / "ansi.csv"
    path.write_bytes(("\r\n".join([LATVIAN_HEADER, *LATVIAN_ROWS]) + "\r\n").encode("cp1257"))
    result = import_table(path)
    assert result.schools[1]["name"] == "Ķekavas sākumskola"
    assert any("cp1257" in note for note in result.notes)


def test_missing_column_is_reported_with_the_accepted_names(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("id,name,municipality,connection_type,router_host\nLV-1,A,Rīga,optical,10.0.0.1\n")
    with pytest.raises(ImportFileError) as info:
        import_table(path)
    assert info.value.problems == [
        (
            None,
            "missing column 'router_model' (accepted names: router_model, modelis, model); "
            "columns found: id, name, municipality, connection_type, router_host",
        ),
    ]


def test_every_bad_row_is_reported_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,name,municipality,connection_type,monthly_fee_eur,router_host,router_model\n"
        "LV-0001,Alfa,Rīga,optical,80,10.0.0.1,RB750Gr3\n"  # row 2: good
        "LV-0002,Beta,Rīga,fibre,80,10.0.0.2,RB750Gr3\n"  # row 3: bad connection type
        "LV-0003,Gamma,Rīga,other,lēti,10.0.0.3,RB750Gr3\n"  # row 4: bad fee
        "LV-0004,Delta,Rīga,other,20,10.0.0.300,RB750Gr3\n"  # row 5: bad address
        "LV-0005,Epsilon,Rīga,other,20,10.0.0.5,\n"  # row 6: no model
        "LV-0001,Alfa,Rīga,optical,80,10.0.0.9,RB750Gr3\n",  # row 7: second 'gw' for LV-0001
        encoding="utf-8",
    )
    out = tmp_path / "out.yaml"
    code = main(["inventory", "import", str(path), "-o", str(out)])
    _, err = capsys.readouterr()
    assert code == 2
    assert not out.exists()
    lines = err.splitlines()
    assert lines[0] == f"error: {path}: row 3: column connection_type: 'fibre' is not one of optical, other"
    assert lines[1:] == [
        f"{path}: row 4: column monthly_fee_eur: 'lēti' is not an amount in euro",
        f"{path}: row 5: column router_host: '10.0.0.300' is not a valid IP address or host name",
        f"{path}: row 6: empty router_model: every row needs the router's host and model",
        f"{path}: row 7: router LV-0001/gw is already on row 2; fill the router_name column",
    ]


def test_rows_of_one_school_must_agree(tmp_path: Path) -> None:
    path = tmp_path / "disagree.csv"
    path.write_text(
        "id,name,municipality,connection_type,router_name,router_host,router_model\n"
        "LV-0001,Alfa,Rīga,optical,gw,10.0.0.1,RB750Gr3\n"
        "LV-0001,Alfa,Jūrmala,optical,lab,10.0.0.2,RB750Gr3\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as info:
        import_table(path)
    assert info.value.problems == [
        (3, "column municipality: 'Jūrmala' differs from 'Rīga' on row 2 (same school LV-0001)"),
    ]


def test_wrong_separator_guess_is_caught_per_row(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "id;name;municipality;connection_type;router_host;router_model\n"
        "LV-0001;Alfa;Rīga;optical;10.0.0.1;RB750Gr3;extra;cells\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as info:
        import_table(path)
    assert info.value.problems == [(2, "8 cells but 6 columns (is the separator ';' right?)")]


def test_xlsx_import_with_numeric_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Skolas"
    sheet.append(
        [
            "Kods",
            "Nosaukums",
            "Pašvaldība",
            "Pieslēguma veids",
            "Maksa EUR",
            "Ātrums Mbps",
            "IP adrese",
            "Modelis",
            "Sērijas numurs",
        ]
    )
    sheet.append(
        [
            "LV-0200",
            "Līvānu 1. vidusskola",
            "Līvānu novads",
            "optiskais",
            99.9,
            500.0,
            "10.1.200.1",
            "CCR2004-1G-12S+2XS",
            939208928,
        ]
    )
    sheet.append([None] * 9)
    sheet.append(
        [
            "LV-0201",
            "Jēkabpils ģimnāzija",
            "Jēkabpils novads",
            "Other",
            45,
            100,
            "10.1.201.1",
            "RB4011iGS+",
            "HE108ABCDEF",
        ]
    )
    path = tmp_path / "skolas.xlsx"
    book.save(path)
    result = import_table(path, sheet="Skolas")
    first, second = result.schools
    assert first["connection"] == {"type": "optical", "monthly_fee_eur": 99.9, "contracted_mbps": 500}
    assert first["routers"][0]["serial"] == "939208928"
    assert second["connection"]["type"] == "other"
    inv = load_with_fleet(schools_yaml(result.schools), tmp_path)
    assert inv.router("LV-0201/gw").serial == "HE108ABCDEF"
    with pytest.raises(ImportFileError, match="no sheet 'Nav'"):
        import_table(path, sheet="Nav")


def test_xlsx_bad_row_numbers_are_sheet_rows(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["programme sheet, filled in by the municipality"])  # a title row above the header
    sheet.append(["id", "name", "municipality", "connection_type", "router_host", "router_model"])
    sheet.append(["LV-1", "A", "Rīga", "optical", "10.0.0.1", "RB750Gr3"])
    sheet.append(["LV-2", "B", "Rīga", "optical", "not an address!", "RB750Gr3"])
    path = tmp_path / "title.xlsx"
    book.save(path)
    with pytest.raises(ImportFileError) as info:
        import_table(path)
    # the title row is taken as the header, so all columns are missing: the user sees why at once
    assert "missing column 'id'" in str(info.value)
    sheet.delete_rows(1)
    book.save(path)
    with pytest.raises(ImportFileError) as info:
        import_table(path)
    assert info.value.problems == [
        (3, "column router_host: 'not an address!' is not a valid IP address or host name"),
    ]


def test_cli_import_writes_yaml_that_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./inventory here: nothing to check the schools against
    path = tmp_path / "novads.csv"
    path.write_text("\n".join([LATVIAN_HEADER, *LATVIAN_ROWS]) + "\n", encoding="utf-8")
    out = tmp_path / "imported.yaml"
    assert main(["inventory", "import", str(path), "-o", str(out)]) == 0
    _, err = capsys.readouterr()
    assert f"imported 2 schools, 3 routers from 3 rows → {out}" in err
    assert "note: ignored columns: Kontaktpersona" in err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Schools imported from novads.csv.")
    assert "Ādažu Meža pamatskola" in text  # UTF-8 letters, not \u escapes
    assert load_with_fleet(text, tmp_path).school("LV-0101").name == "Ādažu Meža pamatskola"
    # an existing file is not replaced without --force
    assert main(["inventory", "import", str(path), "-o", str(out)]) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert main(["inventory", "import", str(path), "-o", str(out), "--force"]) == 0


def test_cli_import_into_the_inventory_is_checked_with_it_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = tmp_path / "inv"
    shutil.copytree(SAMPLE, inventory, ignore=shutil.ignore_patterns("_generate.py"))
    existing = load_inventory(inventory).school("LV-0042")
    path = tmp_path / "clash.csv"
    path.write_text(
        "id,name,municipality,connection_type,router_host,router_model\n"
        f"LV-0042,{existing.name},Rīga,optical,10.9.0.1,RB750Gr3\n",
        encoding="utf-8",
    )
    out = inventory / "schools" / "imported.yaml"
    assert main(["-i", str(inventory), "inventory", "import", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    riga = inventory / "schools" / "riga.yaml"
    assert err.startswith(f"error: {path}: row 2: column id: duplicate school id 'LV-0042' (first at {riga}:")
    assert not out.exists()
