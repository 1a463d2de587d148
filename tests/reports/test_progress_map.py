"""The map of municipalities: the projection, the outlines shipped with the package, how a report's
municipalities fall on them, and the SVG (escaped titles, bands, nameless outlines)."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType, SimpleNamespace

import pytest

from mikronet.errors import InputError
from mikronet.inventory.reference import municipalities
from mikronet.reports import build_progress, render_report
from mikronet.reports.i18n import get_lang
from mikronet.reports.map_shapes import MapShapes, build_shapes, latvia_shapes, lks92, main, shape_name
from mikronet.reports.progress import MunicipalityProgress
from mikronet.reports.progress_map import ALL_DONE, BANDS, BLANK, NONE_DONE, band_of, map_svg, progress_map

from .fixtures import EVENTS, NOW, SCHOOLS, Inventory

CURRENT = sorted({municipalities().on(m, date.max) for m in municipalities().current})


def _meridian_arc(lat: float) -> float:
    """GRS80's meridian arc from the equator, by numerical integration (Simpson, 2000 steps)."""
    a, f = 6378137.0, 1 / 298.257222101
    e2 = f * (2 - f)
    phi, steps = math.radians(lat), 2000
    h = phi / steps

    def g(p: float) -> float:
        return a * (1 - e2) / (1 - e2 * math.sin(p) ** 2) ** 1.5

    total = g(0) + g(phi) + sum((4 if i % 2 else 2) * g(i * h) for i in range(1, steps))
    return total * h / 3


def test_lks92_on_the_central_meridian_is_the_scaled_meridian_arc() -> None:
    for lat in (55.7, 56.9, 58.0):
        east, north = lks92(24.0, lat)
        assert east == pytest.approx(500000.0, abs=1e-6)
        assert north == pytest.approx(0.9996 * _meridian_arc(lat) - 6000000.0, abs=0.01)


def test_lks92_is_symmetric_about_the_central_meridian_and_grows_east_and_north() -> None:
    west, east = lks92(22.5, 57.0), lks92(25.5, 57.0)
    assert west[0] - 500000 == pytest.approx(-(east[0] - 500000), abs=1e-6)
    assert west[1] == pytest.approx(east[1], abs=1e-6)
    riga = lks92(24.1052, 56.9496)
    assert 505000 < riga[0] < 508000 and 310000 < riga[1] < 314000  # Rīga's centre in LKS-92 metres
    assert lks92(24.0, 57.0)[1] - lks92(24.0, 56.0)[1] == pytest.approx(111_300, rel=0.01)


def test_shape_names_are_written_as_the_inventory_writes_them() -> None:
    assert shape_name("Cēsu nov.") == "Cēsu novads"
    assert shape_name("Rīga") == "Rīga"
    assert shape_name("  Dienvidkurzemes   nov. ") == "Dienvidkurzemes novads"


def _square(lon: float, lat: float) -> list[list[float]]:
    return [[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.05], [lon, lat + 0.05], [lon, lat]]


def _collection(names: list[str]) -> dict[str, object]:
    features = [{"type": "Feature", "properties": {"name": n},
                 "geometry": {"type": "Polygon", "coordinates": [_square(21 + (i % 7), 56 + (i // 7) * 0.2)]}}
                for i, n in enumerate(names)]
    return {"type": "FeatureCollection", "features": features}


def test_build_shapes_projects_rounds_and_names_every_current_municipality() -> None:
    source = [n.replace(" novads", " nov.") for n in CURRENT]
    data = build_shapes(_collection(source))
    assert sorted(data["paths"]) == CURRENT
    assert data["view_box"][:2] == [0, 0]
    numbers = [int(v) for d in data["paths"].values() for v in re.findall(r"-?\d+", d)]
    assert min(numbers) >= 0 and max(numbers) <= max(data["view_box"][2:])
    assert all(re.fullmatch(r"(M\d+ \d+( \d+ \d+)+Z)+", d) for d in data["paths"].values())
    assert data["source"]["licence"] and data["unit_m"] == 200


def test_build_shapes_refuses_a_collection_that_is_not_the_current_municipalities() -> None:
    with pytest.raises(InputError, match="missing \\['Cēsu novads'\\]"):
        build_shapes(_collection([n for n in CURRENT if n != "Cēsu novads"]), "x.geojson")
    with pytest.raises(InputError, match="appears twice"):
        build_shapes(_collection([*CURRENT, "Cēsu nov."]))
    with pytest.raises(InputError, match="unknown \\['Aglonas novads'\\]"):
        build_shapes(_collection([*CURRENT, "Aglonas nov."]))


def test_the_builder_as_a_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.geojson", tmp_path / "out.json"
    source.write_text(json.dumps(_collection(CURRENT), ensure_ascii=False), encoding="utf-8")
    assert main([str(source), str(out)]) == 0
    assert sorted(json.loads(out.read_text(encoding="utf-8"))["paths"]) == CURRENT
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    assert main([str(bad), str(out)]) == 2
    assert "bad.geojson" in capsys.readouterr().err


def test_the_shipped_outlines_cover_exactly_the_current_municipalities() -> None:
    shapes = latvia_shapes()
    assert sorted(shapes.paths) == CURRENT and len(CURRENT) == 42
    _, _, width, height = shapes.view_box
    assert 2000 < width < 2400 and 1200 < height < 1450  # about 450 km by 270 km in 200 m units
    for d in shapes.paths.values():
        assert d.startswith("M") and d.endswith("z")
        for ring in re.findall(r"M(-?\d+) (-?\d+)l([-\d ]+)z", d):  # each point relative to the one before
            x, y = int(ring[0]), int(ring[1])
            steps = [int(v) for v in ring[2].split()]
            for dx, dy in zip(steps[0::2], steps[1::2], strict=True):
                x, y = x + dx, y + dy
                assert 0 <= x <= width and 0 <= y <= height
        assert d.count("M") == len(re.findall(r"M(-?\d+) (-?\d+)l([-\d ]+)z", d))
    assert shapes.covering("Varakļānu novads") == "Madonas novads"  # merged 2025-07-01
    assert shapes.covering("Cēsu novads") == "Cēsu novads"
    assert shapes.covering("Nekurienes novads") is None
    assert shapes.source["licence"] == "CC0 1.0" and shapes.source["url"].startswith("https://data.gov.lv/")


def _report(rows: list[tuple[str, int, int]]) -> SimpleNamespace:
    return SimpleNamespace(grouping_date=date(2026, 1, 1), by_municipality=tuple(
        MunicipalityProgress(m, s, d, None) for m, s, d in rows))


def test_the_report_falls_on_the_outlines() -> None:
    pmap = progress_map(_report([("Cēsu novads", 4, 1), ("Madonas novads", 3, 3), ("Varakļānu novads", 1, 0),
                                 ("Nekurienes novads", 2, 2)]))  # type: ignore[arg-type]
    areas = {a.shape: a for a in pmap.areas}
    assert set(areas) == {"Cēsu novads", "Madonas novads"}
    madona = areas["Madonas novads"]
    assert (madona.municipalities, madona.schools, madona.done, madona.percent) == \
        (("Madonas novads", "Varakļānu novads"), 4, 3, Decimal("75.0"))
    assert areas["Cēsu novads"].percent == Decimal("25.0")
    assert pmap.not_on_map == ("Nekurienes novads",)
    assert pmap.record()["areas"][0] == {"municipality": "Cēsu novads", "covers": ["Cēsu novads"], "schools": 4,
                                         "done": 1, "percent": "25.0"}


def test_bands() -> None:
    assert band_of(None) == BLANK
    assert band_of(Decimal(0)) == NONE_DONE
    assert band_of(Decimal("0.1")) == BANDS[0][1]
    assert band_of(Decimal(25)) == BANDS[1][1]
    assert band_of(Decimal("99.9")) == BANDS[-1][1]
    assert band_of(Decimal(100)) == ALL_DONE
    assert len({NONE_DONE, ALL_DONE, BLANK, *(f for _, f in BANDS)}) == 7


def test_the_svg_shades_names_and_links_the_reported_municipalities() -> None:
    pmap = progress_map(_report([("Cēsu novads", 4, 4), ("Rēzekne", 2, 0)]))  # type: ignore[arg-type]
    svg = map_svg(pmap, get_lang("lv"), link=lambda m: f"/municipalities/{m}?a=1&b=2")
    assert svg.count('<path class="area"') == 2
    assert svg.count('<path class="empty"') == 40
    areas = dict(re.findall(r'<path class="area" d="[^"]*" fill="(#\w+)"[^>]*><title>([^<]*)</title>', svg))
    assert areas == {ALL_DONE: "Cēsu novads: paveikts 4 no 4 skolām (100,0\u00a0%)",
                     NONE_DONE: "Rēzekne: paveikts 0 no 2 skolām (0,0\u00a0%)"}
    assert svg.index(">Rēzekne:") > svg.index(">Rēzeknes novads:")  # a city is drawn over its novads
    assert '<a href="/municipalities/Cēsu novads?a=1&amp;b=2">' in svg
    assert "<title>Ventspils novads: inventārā nav skolu</title>" in svg
    assert "style=" not in svg and "<script" not in svg
    english = map_svg(pmap, get_lang("en"))
    assert "<title>Cēsu novads: 4 of 4 schools done (100.0%)</title>" in english and "<a " not in english


def test_without_other_names_the_other_outlines_are_nameless() -> None:
    pmap = progress_map(_report([("Cēsu novads", 4, 2)]))  # type: ignore[arg-type]
    svg = map_svg(pmap, get_lang("lv"), name_others=False)
    assert svg.count("<title>") == 1 and svg.count('<path class="outline"') == 41
    others = [n for n in latvia_shapes().paths if n != "Cēsu novads"]
    assert not [n for n in others if n in svg]
    assert get_lang("lv").t("map.legend.none") not in svg  # no "no schools" key: nothing says which have none


def test_every_label_is_escaped() -> None:
    hostile = '<script>alert("x")</script> Ķekava & co'
    shapes = MapShapes((0, 0, 100, 100), MappingProxyType({hostile: "M0 0 10 0 10 10Z", "Rīga": "M20 20 30 20 30 30Z"}),
                       MappingProxyType({}))
    pmap = progress_map(_report([(hostile, 1, 1)]), shapes)  # type: ignore[arg-type]
    svg = map_svg(pmap, get_lang("en"), shapes=shapes, link=lambda m: "/m/" + m)
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ķekava &amp; co" in svg


def test_the_html_progress_report_draws_the_map_and_the_other_formats_leave_it_out() -> None:
    report = build_progress(Inventory(SCHOOLS), EVENTS, now=NOW)
    assert not report.before_reform
    page = render_report(report, "html", "lv")
    assert page.count('data-drawing="map"') == 1
    titles = re.findall(r'<path class="area"[^>]*><title>([^<]*)</title>', page)
    assert sorted(t.split(":")[0] for t in titles) == ["Cēsu novads", "Rīga", "Ādažu novads"]
    assert "Robežas: VARAM, Administratīvās teritorijas 2021/2026, CC0 1.0." in page
    assert "<path" not in render_report(report, "md", "lv") and "<path" not in render_report(report, "table", "lv")
    before = build_progress(Inventory(SCHOOLS), EVENTS, now=NOW, as_of=date(2021, 6, 30))
    assert before.before_reform and 'data-drawing="map"' not in render_report(before, "html", "en")


def test_a_relative_outline_draws_the_same_points() -> None:
    from mikronet.reports.map_shapes import relative_path

    assert relative_path("M10 20 12 25 9 30Z M1 1 2 2 3 1Z") == "M10 20l2 5 -3 5zM1 1l1 1 1 -1z"
