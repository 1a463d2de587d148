"""The HTML reports opened in headless Chromium, as a reader would open the file: the charts are
drawn (bars and points counted, each with a size), nothing is fetched, the console stays clean and the
Latvian text arrives intact. Screenshots are kept (the folder is printed) for a person to look at.

In CI (``CI`` or ``MIKRONET_REQUIRE_SERVICES`` set) a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.services import missing

from mikronet.reports import (
    build_assessment,
    build_compensation,
    build_drift,
    build_progress,
    build_upgrades,
    load_advisories,
    parse_target,
    write_report,
)

from .assessment_fixtures import INVENTORY as ASSESSED
from .assessment_fixtures import MEASURES
from .browser import Chromium, chromium_binary
from .fixtures import EVENTS, NOW, Inventory
from .test_assessment import recorded_assessments
from .test_formats import OneLineRenderer
from .test_upgrades import EVENTS as UPGRADES

ARTEFACTS = Path(os.environ.get("MIKRONET_ARTEFACTS") or Path(tempfile.gettempdir()) / "mikronet-artefacts") / "reports"

INSPECT = """(() => {
  const charts = {};
  for (const f of document.querySelectorAll('figure.chart')) {
    const svg = f.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const sized = (els) => [...els].filter(e => { const b = e.getBBox(); return b.width > 0 && b.height > 0; }).length;
    charts[f.dataset.chart] = {
      bars: f.querySelectorAll('rect.bar').length, drawnBars: sized(f.querySelectorAll('rect.bar')),
      points: f.querySelectorAll('circle.point').length, drawnPoints: sized(f.querySelectorAll('circle.point')),
      width: box.width, height: box.height,
    };
  }
  return {title: document.title, lang: document.documentElement.lang, text: document.body.innerText,
          scripts: document.scripts.length, charts};
})()"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    binary = chromium_binary()
    if binary is None:
        missing("headless Chromium is not installed (Debian: apt-get install chromium)")
    chromium = Chromium(binary)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from .fixtures import CONTRACTS, ROUTERS, SCHOOLS

    inventory = Inventory(SCHOOLS, ROUTERS, dict(CONTRACTS))
    out = tmp_path_factory.mktemp("html")
    backups = out / "backups" / "LV-0001"
    backups.mkdir(parents=True)
    (backups / "gw.rsc").write_text("# 2021-05-03 by RouterOS 7.14.3\n/ip dns\nset servers=1.1.1.1\n", encoding="utf-8")
    built = {
        "progress": build_progress(inventory, EVENTS, now=NOW),
        "upgrades": build_upgrades(inventory, UPGRADES, targets=[parse_target("7.16.2")], now=NOW),
        "drift": build_drift(inventory, backups_dir=out / "backups", renderer=OneLineRenderer(),
                             advisories=load_advisories(), now=NOW),
        "compensation": build_compensation(inventory, now=NOW),
        "assessment": build_assessment(ASSESSED, [*MEASURES, *recorded_assessments()], now=NOW),
    }
    return {name: write_report(report, out / f"{name}-lv.html", lang="lv") for name, report in built.items()}


def visit(browser: Chromium, path: Path) -> dict[str, Any]:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    result, page = browser.open(path, screenshot=ARTEFACTS / f"{path.stem}.png", script=INSPECT)
    assert result.errors == [], result.errors
    assert result.requests == [path.resolve().as_uri()], result.requests  # the file itself, nothing else
    assert page["lang"] == "lv" and page["scripts"] == 0
    assert "Ã" not in page["text"] and "\ufffd" not in page["text"]  # no mojibake, no replacement characters
    for name, chart in page["charts"].items():
        assert chart["width"] > 300 and chart["height"] > 50, name
    return page


def test_progress_page(browser: Chromium, pages: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    page = visit(browser, pages["progress"])
    charts = page["charts"]
    assert (charts["progress"]["points"], charts["progress"]["drawnPoints"]) == (13, 13)  # weeks W14..W26
    assert (charts["municipalities"]["bars"], charts["municipalities"]["drawnBars"]) == (3, 3)
    assert (charts["bandwidth"]["bars"], charts["bandwidth"]["drawnBars"]) == (4, 4)  # 2 schools, before and after
    assert page["title"] == "Programmas izpilde"
    for text in ("Skolas ar īstermiņa uzlabojumiem", "Rīgas 1. ģimnāzija", "Priekuļu vidusskola", "Ādažu novads",
                 "Papildus “MikroTīkls” interneta iekārtu izvietošana", "2021. gada 1. septembris", "06.04.2021"):
        assert text in page["text"], text
    with capsys.disabled():
        print(f"\nreport screenshots: {ARTEFACTS}")


def test_upgrade_audit_page(browser: Chromium, pages: dict[str, Path]) -> None:
    page = visit(browser, pages["upgrades"])
    assert (page["charts"]["versions"]["bars"], page["charts"]["versions"]["drawnBars"]) == (4, 4)
    for text in ("Atjaunināšanas audits", "Jānis Ķēniņš", "neizdevās", "download-failed", "RouterOS atjaunināšana",
                 "Maršrutētāji ar mērķa vai jaunāku versiju"):
        assert text in page["text"], text


def test_drift_page(browser: Chromium, pages: dict[str, Path]) -> None:
    page = visit(browser, pages["drift"])
    chart = page["charts"]["templates"]
    assert chart["bars"] == 4  # one template, four states stacked
    assert chart["drawnBars"] == 2  # 1 drifted router and 3 without a backup; the empty states have no height
    for text in ("Konfigurācijas novirzes", "/ip dns set servers=9.9.9.9", "CVE-2024-54772", "nav kopijas"):
        assert text in page["text"], text


def test_compensation_page(browser: Chromium, pages: dict[str, Path]) -> None:
    page = visit(browser, pages["compensation"])
    assert (page["charts"]["compensation"]["bars"], page["charts"]["compensation"]["drawnBars"]) == (3, 3)
    for text in ("Interneta maksas kompensācija", "495\u00a0000,00\u00a0€", "Carnikavas novads", "2021. gada aprīlis",
                 "dokumentēta maksa", "optiskais"):
        assert text in page["text"], text


def test_assessment_page(browser: Chromium, pages: dict[str, Path]) -> None:
    page = visit(browser, pages["assessment"])
    chart = page["charts"]["solutions"]
    assert chart["bars"] == 5  # the four short-term solutions and the line itself
    assert chart["drawnBars"] == 3  # equipment replacement, consultation, the line; the empty ones have no width
    for text in ("Skolu vajadzību novērtējums", "Līvānu 1. vidusskola", "Iekārtu nomaiņa",
                 "Vidējā/ilgā termiņā: pats pieslēgums", "Maršrutētājs nespēj nodrošināt pieslēguma ātrumu",
                 "Ogres tehnikums"):
        assert text in page["text"], text
