"""The assessment page's data, read through a :class:`~mikronet.web.scope.Scope`: each visible school's
latest assessment (its findings and the solutions they call for, what its plan already holds, its
measured bandwidth against its contracted speed), as ``mikronet report assessment`` computes them.

The JSON answer is the report's versioned JSON (``report_data("assessment", …)``) over the scope's
schools; the page shows the report's document (figures, charts, tables) and one chart more, each
assessed school's measured median beside its contracted speed.
"""

from __future__ import annotations

from mikronet.reports import report_data
from mikronet.reports.assessment import AssessmentReport
from mikronet.reports.document import GroupChart, format_cell
from mikronet.reports.views_assessment import assessment_document
from mikronet.web.labels import WebLang
from mikronet.web.scope import Scope
from mikronet.web.views import Page, chart, document_blocks

__all__ = ["assessment_page", "bandwidth_chart"]


def bandwidth_chart(report: AssessmentReport, lang: WebLang) -> GroupChart | None:
    """Contracted speed and measured median (Mbit/s) side by side for each assessed school that has
    either figure, in the report's order (most need first); ``None`` when no school has one."""
    groups = tuple(
        (s.school, (float(s.contracted_mbps or 0), float(s.measured_down_mbps or 0)))
        for s in report.schools if s.contracted_mbps is not None or s.measured_down_mbps is not None
    )
    if not groups:
        return None
    series = (lang.report.t("col.contracted"), lang.report.t("col.measured"))
    return GroupChart("bandwidth", lang.t("chart.bandwidth"), series, groups, value_kind="number",
                      caption=lang.t("chart.bandwidth.note"))


def assessment_page(scope: Scope, lang: WebLang) -> Page:
    report = scope.assessment()
    doc = assessment_document(report, lang.report)
    figures = [{"label": f.label, "value": format_cell(doc.lang, f.value, f.kind) or "–"} for f in doc.figures]
    bandwidth = bandwidth_chart(report, lang)
    extra = {"figures": figures, "sections": document_blocks(doc, lang),
             "bandwidth": None if bandwidth is None else {"key": bandwidth.key, "title": bandwidth.title,
                                                          "caption": bandwidth.caption, "svg": chart(bandwidth, lang)},
             "schools": [{"id": s.school, "name": s.name} for s in report.schools]}
    return Page("assessment.html", doc.title, report_data("assessment", report), extra)
