"""The HTML reports opened in headless Chromium (Playwright on Debian's Chromium, the suite's launch in
``tests/conftest.py``), as a reader would open the file: the charts are drawn (bars and points counted,
each with a size), nothing is fetched, the console stays clean (no error, no CSP violation) and the
Latvian text arrives intact. Full-page screenshots are kept (the folder is printed) for a person to look at.

In CI (``CI`` or ``MIKRONET_REQUIRE_SERVICES`` set) a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from support.browser import Watch

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
from mikronet.reports.html import CSP

from .assessment_fixtures import INVENTORY as ASSESSED
from .assessment_fixtures import MEASURES
from .fixtures import EVENTS, NOW, Inventory
from .test_assessment import recorded_assessments
from .test_formats import OneLineRenderer
from .test_upgrades import EVENTS as UPGRADES

if TYPE_CHECKING:
    from playwright.sync_api import Page

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


def visit(page: Page, path: Path) -> dict[str, Any]:
    """Open the file as a reader would (a 1200×900 window), keep a full-page screenshot, and check
    what every report must be; returns what INSPECT found."""
    watch = Watch(page)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(path.resolve().as_uri(), wait_until="load")
    found: dict[str, Any] = page.evaluate(INSPECT)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTEFACTS / f"{path.stem}.png", full_page=True)
    assert watch.problems == [], watch.problems
    assert watch.requests == [path.resolve().as_uri()], watch.requests  # the file itself, nothing else
    assert found["lang"] == "lv" and found["scripts"] == 0
    assert "Ã" not in found["text"] and "\ufffd" not in found["text"]  # no mojibake, no replacement characters
    for name, chart in found["charts"].items():
        assert chart["width"] > 300 and chart["height"] > 50, name
    return found


def test_the_watch_sees_what_a_report_must_not_do(page: Page, tmp_path: Path) -> None:
    """The checks above can fail: a page under the reports' CSP that tries to fetch an image and run a
    script is caught by the console (both CSP violations) and the request log."""
    hostile = tmp_path / "hostile.html"
    hostile.write_text(f'<!DOCTYPE html><html lang="lv"><head><meta charset="utf-8">'
                       f'<meta http-equiv="Content-Security-Policy" content="{CSP}"></head><body>'
                       '<img src="http://127.0.0.1:9/x.png"><script>console.log("ran")</script></body></html>',
                       encoding="utf-8")
    watch = Watch(page)
    page.goto(hostile.as_uri(), wait_until="load")
    violations = [p for p in watch.problems if p.startswith("console error") and "Content Security Policy" in p]
    assert len(violations) == 2 and "x.png" in violations[0] and "inline script" in violations[1], watch.problems
    assert watch.requests == [hostile.as_uri(), "http://127.0.0.1:9/x.png"]


def test_progress_page(page: Page, pages: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    found = visit(page, pages["progress"])
    charts = found["charts"]
    assert (charts["progress"]["points"], charts["progress"]["drawnPoints"]) == (13, 13)  # weeks W14..W26
    assert (charts["municipalities"]["bars"], charts["municipalities"]["drawnBars"]) == (3, 3)
    assert (charts["bandwidth"]["bars"], charts["bandwidth"]["drawnBars"]) == (4, 4)  # 2 schools, before and after
    assert found["title"] == "Programmas izpilde"
    for text in ("Skolas ar īstermiņa uzlabojumiem", "Rīgas 1. ģimnāzija", "Priekuļu vidusskola", "Ādažu novads",
                 "Papildus “MikroTīkls” interneta iekārtu izvietošana", "2021. gada 1. septembris", "06.04.2021"):
        assert text in found["text"], text
    with capsys.disabled():
        print(f"\nreport screenshots: {ARTEFACTS}")


def test_upgrade_audit_page(page: Page, pages: dict[str, Path]) -> None:
    found = visit(page, pages["upgrades"])
    assert (found["charts"]["versions"]["bars"], found["charts"]["versions"]["drawnBars"]) == (4, 4)
    for text in ("Atjaunināšanas audits", "Jānis Ķēniņš", "neizdevās", "download-failed", "RouterOS atjaunināšana",
                 "Maršrutētāji ar mērķa vai jaunāku versiju"):
        assert text in found["text"], text


def test_drift_page(page: Page, pages: dict[str, Path]) -> None:
    found = visit(page, pages["drift"])
    chart = found["charts"]["templates"]
    assert chart["bars"] == 4  # one template, four states stacked
    assert chart["drawnBars"] == 2  # 1 drifted router and 3 without a backup; the empty states have no height
    for text in ("Konfigurācijas novirzes", "/ip dns set servers=9.9.9.9", "CVE-2024-54772", "nav kopijas"):
        assert text in found["text"], text


def test_compensation_page(page: Page, pages: dict[str, Path]) -> None:
    found = visit(page, pages["compensation"])
    assert (found["charts"]["compensation"]["bars"], found["charts"]["compensation"]["drawnBars"]) == (3, 3)
    for text in ("Interneta maksas kompensācija", "495\u00a0000,00\u00a0€", "Carnikavas novads", "2021. gada aprīlis",
                 "dokumentēta maksa", "optiskais"):
        assert text in found["text"], text


def test_assessment_page(page: Page, pages: dict[str, Path]) -> None:
    found = visit(page, pages["assessment"])
    chart = found["charts"]["solutions"]
    assert chart["bars"] == 5  # the four short-term solutions and the line itself
    assert chart["drawnBars"] == 3  # equipment replacement, consultation, the line; the empty ones have no width
    for text in ("Skolu vajadzību novērtējums", "Līvānu 1. vidusskola", "Iekārtu nomaiņa",
                 "Vidējā/ilgā termiņā: pats pieslēgums", "Maršrutētājs nespēj nodrošināt pieslēguma ātrumu",
                 "Ogres tehnikums"):
        assert text in found["text"], text
