"""Small things a reader notices: an empty chart says so, a heading is not repeated, the kinds of
work are written with a capital like the kinds of solution, in both languages."""

from __future__ import annotations

import itertools
import re

import pytest

from mikronet.ledger import CATEGORIES, KINDS
from mikronet.reports import build_progress, render_report
from mikronet.reports.i18n import get_lang

from .fixtures import EVENTS, NOW, Inventory


@pytest.mark.parametrize(("lang", "words"), [("en", "No measurements yet."), ("lv", "Mērījumu vēl nav.")])
def test_an_empty_bandwidth_chart_says_there_are_no_measurements_yet(inventory: Inventory, lang: str,
                                                                      words: str) -> None:
    report = build_progress(inventory, (), now=NOW)
    page = render_report(report, "html", lang)
    chart = re.search(r'<figure class="chart-empty" data-chart="bandwidth">(.*?)</figure>', page)
    assert chart is not None and words in chart.group(1) and "<svg" not in chart.group(1)
    assert words in render_report(report, "md", lang)
    full = render_report(build_progress(inventory, EVENTS, now=NOW), "html", lang)
    assert 'data-chart="bandwidth"><svg' in full.replace('class="chart" ', "")  # with data it is drawn


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_no_heading_is_repeated_right_under_itself(inventory: Inventory, lang: str) -> None:
    text = render_report(build_progress(inventory, EVENTS, now=NOW), "md", lang)
    lines = [line for line in text.splitlines() if line.strip()]
    for above, below in itertools.pairwise(lines):
        if above.startswith("## "):
            assert below.removeprefix("### ") != above.removeprefix("## "), above
    page = render_report(build_progress(inventory, EVENTS, now=NOW), "html", lang)
    assert not re.search(r"<h2>([^<]+)</h2><h3>\1</h3>", page)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_kinds_and_categories_are_capitalised_alike(lang: str) -> None:
    words = get_lang(lang)
    for prefix, codes in (("kind", KINDS), ("cat", CATEGORIES)):
        for code in codes:
            label = words.label(prefix, code)
            assert label != code and label[0].isupper(), (prefix, code, label)
