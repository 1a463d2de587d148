"""Latvia's municipalities shaded by the share of their schools done: the data
(:func:`progress_map`, from a :class:`~mikronet.reports.progress.ProgressReport`) and the inline SVG
(:func:`map_svg`), drawn from the outlines of :mod:`mikronet.reports.map_shapes`.

Every shaded municipality is a ``<path class="area">`` with a ``<title>`` (its name and figures, every
label escaped); municipalities the report does not cover are blank outlines — with their names when
``name_others`` (the ministry's view), without any name or figure otherwise (a municipality user's
view shows Latvia's outline and its own municipality only). Colours are SVG presentation attributes,
so the map draws under a Content-Security-Policy that forbids inline styles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mikronet.reports.i18n import Lang
from mikronet.reports.map_shapes import MapShapes, latvia_shapes
from mikronet.reports.progress import ProgressReport
from mikronet.textsafe import html_text as escape

__all__ = ["ALL_DONE", "BANDS", "NONE_DONE", "MapArea", "ProgressMap", "band_of", "map_caption", "map_svg",
           "progress_map"]

NONE_DONE = "#fdd0a2"
"""The fill of a municipality where no school is done yet."""
BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(25), "#c7e9c0"), (Decimal(50), "#a1d99b"), (Decimal(75), "#74c476"), (Decimal(100), "#31a354"),
)
"""(upper bound in percent, fill): a share above 0 and below the bound falls in the band."""
ALL_DONE = "#006d2c"
BLANK = "#ffffff"
WIDTH = 760
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True)
class MapArea:
    """One outline on the map and the report's figures for the schools that fall in it."""

    shape: str
    municipalities: tuple[str, ...]
    """The report's municipalities it covers (a merged one with the one it joined)."""
    schools: int
    done: int
    percent: Decimal | None

    def record(self) -> dict[str, Any]:
        return {"municipality": self.shape, "covers": list(self.municipalities), "schools": self.schools,
                "done": self.done, "percent": None if self.percent is None else str(self.percent)}


@dataclass(frozen=True)
class ProgressMap:
    areas: tuple[MapArea, ...]
    not_on_map: tuple[str, ...]
    """The report's municipalities no outline covers (a pre-reform grouping, an unknown name)."""

    def record(self) -> dict[str, Any]:
        return {"areas": [a.record() for a in self.areas], "not_on_map": list(self.not_on_map)}


def progress_map(report: ProgressReport, shapes: MapShapes | None = None) -> ProgressMap:
    """The report's municipalities on the outlines: their schools and done schools added up per outline."""
    shapes = shapes or latvia_shapes()
    grouped: dict[str, list[Any]] = {}
    missing: list[str] = []
    for row in report.by_municipality:
        shape = shapes.covering(row.municipality, report.grouping_date)
        if shape is None:
            missing.append(row.municipality)
        else:
            grouped.setdefault(shape, []).append(row)
    areas = []
    for shape, rows in grouped.items():
        schools, done = sum(r.schools for r in rows), sum(r.done for r in rows)
        percent = (Decimal(done * 100) / schools).quantize(Decimal("0.1"), ROUND_HALF_UP) if schools else None
        areas.append(MapArea(shape, tuple(r.municipality for r in rows), schools, done, percent))
    return ProgressMap(tuple(areas), tuple(missing))


def band_of(percent: Decimal | None) -> str:
    """The fill of a share of schools done (blank when there is none: no schools)."""
    if percent is None:
        return BLANK
    if percent <= 0:
        return NONE_DONE
    for bound, fill in BANDS:
        if percent < bound:
            return fill
    return ALL_DONE


def _area_title(area: MapArea, lang: Lang) -> str:
    name = area.shape
    others = [m for m in area.municipalities if m != area.shape]
    if others:
        name = lang.t("map.covers", name=name, others=", ".join(others))
    return lang.t("map.area", name=name, done=lang.integer(area.done), schools=lang.integer(area.schools),
                  percent=lang.percent(area.percent))


def _legend(y: float, lang: Lang, with_blank: bool) -> list[str]:
    out = [f'<text x="0" y="{y + 12:.0f}">{escape(lang.t("map.legend"))}</text>']
    unit = "\u00a0%" if lang.code == "lv" else "%"
    bounds = [0, *(int(bound) for bound, _ in BANDS)]
    items = [(f"0{unit}", NONE_DONE), *((f"{bounds[i]}–{bounds[i + 1]}{unit}", fill) for i, (_, fill) in
                                       enumerate(BANDS)), (f"100{unit}", ALL_DONE)]
    if with_blank:
        items.append((lang.t("map.legend.none"), BLANK))
    for i, (label, fill) in enumerate(items):
        x = i * 105
        out.append(f'<rect class="legend" x="{x}" y="{y + 20:.0f}" width="14" height="14" fill="{fill}" '
                   f'stroke="#888"/><text x="{x + 20}" y="{y + 32:.0f}">{escape(label)}</text>')
    return out


def map_svg(pmap: ProgressMap, lang: Lang, *, shapes: MapShapes | None = None, name_others: bool = True,
            link: Callable[[str], str] | None = None) -> str:
    """The map as inline SVG. ``link(municipality)`` gives a shaded outline's link (none without it)."""
    shapes = shapes or latvia_shapes()
    _, _, box_w, box_h = shapes.view_box
    scale = WIDTH / box_w
    map_h = box_h * scale
    areas = {a.shape: a for a in pmap.areas}
    # novadi first, then the state cities they surround, so a city is drawn on top of its novads
    order = sorted(shapes.paths, key=lambda name: (not name.endswith(" novads"), name))
    body = [f'<g transform="scale({scale:.5f})" stroke="#555" stroke-linejoin="round" fill-rule="evenodd">']
    for name in order:
        d = shapes.paths[name]
        area = areas.get(name)
        if area is not None:
            path = (f'<path class="area" d="{d}" fill="{band_of(area.percent)}" stroke-width="{1.4 / scale:.2f}">'
                    f"<title>{escape(_area_title(area, lang))}</title></path>")
            if link is not None:
                path = f'<a href="{escape(link(area.municipalities[0]))}">{path}</a>'
            body.append(path)
        elif name_others:
            body.append(f'<path class="empty" d="{d}" fill="{BLANK}" stroke-width="{0.8 / scale:.2f}">'
                        f'<title>{escape(lang.t("map.no_schools", name=name))}</title></path>')
        else:
            body.append(f'<path class="outline" d="{d}" fill="{BLANK}" stroke-width="{0.8 / scale:.2f}"/>')
    body.append("</g>")
    body += _legend(map_h + 8, lang, name_others)
    height = map_h + 50
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
            f'height="{height:.0f}" role="img" aria-label="{escape(lang.t("map.title"))}" {FONT}>'
            + "".join(body) + "</svg>")


def map_caption(pmap: ProgressMap, lang: Lang, shapes: MapShapes | None = None) -> str:
    """Where the outlines come from (publisher, dataset, licence), and the municipalities left off."""
    source = (shapes or latvia_shapes()).source
    text = lang.t("map.source", publisher=source.get("publisher", "?").split(" (")[0],
                  dataset=source.get("dataset", "?").split(" (")[0], licence=source.get("licence", "?"))
    if pmap.not_on_map:
        text += " " + lang.t("map.not_on_map", names=", ".join(pmap.not_on_map))
    return text
