"""Report, ledger and inventory output stays text where it lands: a spreadsheet does not run a cell as
a formula, Markdown shows no HTML, link or image made by the data, and no control character is written raw."""

from __future__ import annotations

import csv
import html
import io
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from mikronet.cli.main import main
from mikronet.ledger import open_ledger
from mikronet.ledger.exchange import CSV_COLUMNS, export_text
from mikronet.reports import build_compensation, build_progress, render_report
from mikronet.textsafe import csv_text, md_text

from .fixtures import EVENTS, NOW, SCHOOLS, Inventory, event

FORMULAS = ("=cmd|' /C calc'!A0", "=1+2", "+1+2", "@SUM(A1)", "-2+3", "\tcmd")
SAMPLE = Path(__file__).resolve().parents[2] / "inventory"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # C0 and DEL except tab and line feed


def _cells(text: str, delimiter: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter) for cell in row]


def hostile_inventory(name: str) -> Inventory:
    return Inventory(schools=(replace(SCHOOLS[0], name=name), *SCHOOLS[1:]))


@pytest.mark.parametrize("payload", FORMULAS)
@pytest.mark.parametrize("lang", ["en", "lv"])
def test_progress_and_compensation_csv_neutralise_formulas(payload: str, lang: str) -> None:
    inventory = hostile_inventory(payload)
    events = (*EVENTS, event(13, "2021-05-21 08:00", "LV-0004", "consultation", technician=payload))
    for report in (build_progress(inventory, events, now=NOW), build_compensation(inventory, now=NOW)):
        cells = _cells(render_report(report, "csv", lang), ";" if lang == "lv" else ",")
        assert "'" + payload in cells or "'" + payload.replace("\t", "\\t") in cells
        assert not any(cell.startswith(("=", "+", "@", "\t")) for cell in cells)


def test_ledger_csv_export_neutralises_formulas_and_controls() -> None:
    events = [event(1, "2021-04-06 10:00", "LV-0001", "consultation", technician="=1+2", note="=cmd|' /C calc'!A0"),
              event(2, "2021-04-07 10:00", "LV-0001", "consultation", technician="Ann\x1b[2Ka\rX")]
    rows = list(csv.reader(io.StringIO(export_text(events, "csv").lstrip("\ufeff"))))
    technician = CSV_COLUMNS.index("technician")
    assert rows[1][technician] == "'=1+2"
    assert rows[2][technician] == "Ann\\x1b[2Ka\\rX"
    assert not RAW.search(export_text(events, "csv").replace("\r\n", "\n"))


@pytest.mark.parametrize("fmt", ["md", "table", "html", "csv"])
def test_no_control_character_reaches_a_report(fmt: str) -> None:
    inventory = hostile_inventory("Skola\x1b]0;pwned\x07\r\x00x")
    text = render_report(build_progress(inventory, EVENTS, now=NOW), fmt, "en", width=200)
    assert not RAW.search(text.replace("\r\n", "\n"))
    assert "\\x1b" in text


@pytest.mark.parametrize(
    "text",
    ["<script>alert(6)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
     "![i](http://evil/x.png)", "<javascript:alert(1)>", "**bold** _em_ `code`", "&lt;b&gt; &#60;", "# h", "1. x",
     "- x", "> quote", "a | b \\| c", "Rīgas 1. ģimnāzija (Ādaži)"],
)
def test_markdown_renders_as_the_text_it_holds(text: str) -> None:
    rendered = MarkdownIt("commonmark").render(md_text(text))
    assert rendered == f"<p>{html.escape(text, quote=False)}</p>\n"


def test_markdown_escaper_keeps_letters_and_breaks_line_starts() -> None:
    assert md_text("Rīgas Kalna sākumskola") == "Rīgas Kalna sākumskola"
    assert md_text("# not a heading").startswith("\\#")
    assert md_text("- not a list").startswith("\\-")
    assert md_text("1. not a list").startswith("1\\.")
    assert "\n" not in md_text("one\ntwo\rthree")


def test_upgrades_markdown_shows_a_hostile_campaign_as_text(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    open_ledger(f"sqlite:///{tmp_path}/ledger.sqlite").close()  # an empty ledger (reading makes none)
    assert main(["-i", str(SAMPLE), "--ledger", f"sqlite:///{tmp_path}/ledger.sqlite", "report", "upgrades",
                 "--campaign", "<script>alert(6)</script>\x1b[31m\r", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "<script>" not in out and "\\<script\\>" in out
    assert not RAW.search(out)


def test_one_csv_writer_keeps_numbers_and_latvian_letters() -> None:
    text = csv_text([["-6", "+50", "-1,5", "Ādaži", None, 3]], delimiter=";", bom=True)
    assert text == "\ufeff-6;+50;-1,5;Ādaži;;3\r\n"


def test_a_terminal_table_shows_rich_markup_in_data_as_text(capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from mikronet.cli.output import print_table

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    print_table(["school"], [["[link=http://evil.example]Skola[/link] [blink]x[/blink]"]], title="[red]t")
    out = capsys.readouterr().out
    assert "\x1b]8;" not in out and "\x1b[5m" not in out  # no hyperlink, no blinking
    assert "[link=http://evil.example]Skola[/link]" in out and "[red]t" in out
