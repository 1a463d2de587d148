"""The programme page's map: the scope's municipalities shaded by the share of their schools done.

A municipality user's map shades its own municipality and draws the others as nameless outlines; its
data (the JSON answer's ``map``) holds only its own figures, as the scope's report does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from mikronet.reports import ProgressReport
from mikronet.reports.map_shapes import latvia_shapes
from mikronet.reports.progress_map import map_caption, map_svg, progress_map
from mikronet.web.labels import WebLang
from mikronet.web.scope import Scope

__all__ = ["municipality_link", "programme_map"]


def municipality_link(name: str) -> str:
    return "/municipalities/" + quote(name, safe="")


def programme_map(scope: Scope, lang: WebLang, report: ProgressReport) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(data, extra)``: the map's figures for the JSON answer, and the SVG and its caption for the page."""
    pmap = progress_map(report)
    source = latvia_shapes().source
    caption = map_caption(pmap, lang.report)
    svg = map_svg(pmap, lang.report, name_others=scope.user.sees_everything, link=municipality_link)
    data = {**pmap.record(), "source": {k: source[k] for k in ("dataset", "url", "publisher", "licence")}}
    return data, {"title": lang.report.t("map.title"), "svg": Markup(svg), "caption": caption}
