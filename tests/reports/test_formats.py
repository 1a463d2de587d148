"""Every report in every format and both languages: Latvian number and date formats, CSV that a
spreadsheet opens with Latvian letters intact, JSON valid against the shipped schema, self-contained
HTML."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mikronet.errors import InputError
from mikronet.reports import (
    SCHEMA_FILE,
    build_compensation,
    build_drift,
    build_progress,
    build_upgrades,
    load_advisories,
    parse_target,
    render_report,
    report_data,
    write_report,
)
from mikronet.reports.i18n import get_lang

from .fixtures import EVENTS, NOW, Inventory


class OneLineRenderer:
    """A template that sets the DNS servers and a user (the drift report's renderer is a parameter)."""

    def render_router(self, router: Any) -> str:
        return "/ip dns\nset servers=9.9.9.9\n/user\nadd group=full name=mikronet\n"


def reports(inventory: Inventory, tmp_path: Path) -> dict[str, Any]:
    backup = tmp_path / "backups" / "LV-0001" / "gw.rsc"
    backup.parent.mkdir(parents=True, exist_ok=True)
    backup.write_text("# 2021-05-03 20:00:00 by RouterOS 7.14.3\n/ip dns\nset servers=1.1.1.1\n", encoding="utf-8")
    return {
        "progress": build_progress(inventory, EVENTS, now=NOW),
        "upgrades": build_upgrades(inventory, EVENTS, targets=[parse_target("7.16.2")], now=NOW),
        "drift": build_drift(inventory, backups_dir=tmp_path / "backups", renderer=OneLineRenderer(),
                             advisories=load_advisories(), now=NOW),
        "compensation": build_compensation(inventory, now=NOW),
    }


def test_latvian_numbers_and_dates() -> None:
    lv, en = get_lang("lv"), get_lang("en")
    assert lv.money(Decimal("495000")) == "495\u00a0000,00\u00a0€" and en.money(Decimal("495000")) == "€495,000.00"
    assert lv.decimal(1234567.891, 2) == "1\u00a0234\u00a0567,89" and en.decimal(-1234.5, 1) == "-1,234.5"
    assert lv.percent(Decimal("45.25")) == "45,3\u00a0%" and en.percent(Decimal("45.25")) == "45.3%"
    assert lv.day(date(2021, 7, 1)) == "01.07.2021" and en.day(date(2021, 7, 1)) == "2021-07-01"
    assert lv.long_day(date(2021, 7, 1)) == "2021. gada 1. jūlijs"
    assert lv.month("2021-04") == "2021. gada aprīlis" and en.month("2021-04") == "April 2021"
    assert lv.week("2021-W14") == "2021. g. 14. nedēļa"
    with pytest.raises(InputError, match="--lang"):
        get_lang("de")


def test_json_is_valid_against_the_shipped_schema(inventory: Inventory, tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for name, report in reports(inventory, tmp_path).items():
        data = json.loads(render_report(report, "json"))
        assert data["schema_version"] == 1 and data["report"] == name
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    drift = json.loads(render_report(reports(inventory, tmp_path)["drift"], "json"))["data"]
    assert drift["routers"][0]["differences"] == ["/ip dns set servers=9.9.9.9"]
    assert drift["exposed"][0] == {"router": "LV-0001/gw", "school": "LV-0001", "version": "7.14.3",
                                   "source": "backup", "advisories": ["CVE-2024-54772"]}
    # the schema is strict enough to notice a change: an unknown field fails
    data = report_data("progress", reports(inventory, tmp_path)["progress"])
    data["data"]["surprise"] = 1
    assert list(validator.iter_errors(data))


def test_json_keeps_euros_exact(inventory: Inventory) -> None:
    data = json.loads(render_report(build_compensation(inventory, now=NOW), "json"))["data"]
    assert data["payable"] == "654.30" and data["budget"] == "495000"
    assert {"school": "LV-0004", "name": "Cēsu sākumskola", "municipality": "Cēsu novads",
            "needs": ["fee", "contract"]} in data["missing"]


def test_csv_for_a_latvian_spreadsheet(inventory: Inventory, tmp_path: Path) -> None:
    path = write_report(build_compensation(inventory, now=NOW), tmp_path / "kompensacija.csv", lang="lv",
                        table="municipalities")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Pašvaldība", "Līgums noslēgts", "Līguma summa", "Skolas", "Aprēķināts", "Izmaksājams"]
    assert rows[1] == ["Ādažu novads", "10.06.2021", "", "1", "217,80", "217,80"]
    assert rows[5] == ["Rīga", "01.06.2021", "150,00", "3", "540,03", "150,00"]


def test_csv_in_english_has_every_table_under_its_title(inventory: Inventory) -> None:
    text = render_report(build_progress(inventory, EVENTS, now=NOW), "csv", "en")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["Progress over time"] and rows[1] == ["Week", "New", "Cumulative"]
    assert ["By municipality"] in rows and ["Ādažu novads", "2", "2", "100.0"] in rows
    assert ["LV-0003", "Rīgas 1. ģimnāzija", "Rīga", "50.0", "150.0", "100.0", "10.0", "40.0", "30.0",
            "2021-06-01 11:00 +03:00", "2021-07-05 11:00 +03:00"] in rows
    with pytest.raises(InputError, match=r"--table 'nope'.*municipalities"):
        render_report(build_progress(inventory, EVENTS, now=NOW), "csv", table="nope")


def test_markdown_and_terminal_in_latvian(inventory: Inventory) -> None:
    report = build_progress(inventory, EVENTS, as_of=date(2021, 6, 30), now=NOW)
    md = render_report(report, "md", "lv")
    assert md.startswith("# Programmas izpilde\n")
    assert "Stāvoklis: 2021. gada 30. jūnijs" in md
    assert "| Carnikavas novads | 1 | 1 | 100,0\u00a0% |" in md
    assert "pirms 2021. gada 1. jūlija administratīvi teritoriālās reformas" in md
    table = render_report(report, "table", "lv", width=160)
    assert "Skolas ar īstermiņa uzlabojumiem" in table and "Konsultācijas" in table
    assert "Papildus “MikroTīkls” interneta iekārtu izvietošana" in table


def test_html_is_self_contained(inventory: Inventory, tmp_path: Path) -> None:
    for report in reports(inventory, tmp_path).values():
        for lang in ("en", "lv"):
            page = render_report(report, "html", lang)
            assert f'<html lang="{lang}">' in page and '<meta charset="utf-8">' in page
            assert "<script" not in page.lower()
            assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", page)
            assert "default-src 'none'" in page
    page = render_report(reports(inventory, tmp_path)["progress"], "html", "lv")
    assert page.count('class="point"') == 13  # one per week, W14 to W26
    assert page.count('data-chart="municipalities"') == 1


def test_write_report_picks_the_format_from_the_suffix(inventory: Inventory, tmp_path: Path) -> None:
    report = build_progress(inventory, EVENTS, now=NOW)
    assert write_report(report, tmp_path / "p.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert json.loads(write_report(report, tmp_path / "p.json").read_text(encoding="utf-8"))["report"] == "progress"
    with pytest.raises(InputError, match="--format"):
        write_report(report, tmp_path / "p.pdf")
    with pytest.raises(InputError, match="--format 'pdf'"):
        render_report(report, "pdf")
