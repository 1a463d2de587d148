"""What the assessment report shows, and in what words."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mikronet.reports.assessment import AssessedFinding, AssessmentReport
from mikronet.reports.document import Bar, BarChart, Column, Document, Figure, Section, Table
from mikronet.reports.i18n import Lang

__all__ = ["assessment_document", "evidence_text"]


def evidence_text(finding: AssessedFinding, lang: Lang) -> str:
    """A finding's evidence in words; the figures as they were recorded (``?`` where one is missing)."""
    values: dict[str, Any] = defaultdict(lambda: "?")
    for key, value in finding.evidence.items():
        if value is None:
            continue
        if isinstance(value, float):
            values[key] = lang.decimal(value, 1)
        elif isinstance(value, list):
            values[key] = ", ".join(str(v) for v in value)
        else:
            values[key] = value
    if "basis" in finding.evidence:
        values["basis"] = lang.label("basis", str(finding.evidence["basis"]))
    key = f"ev.{finding.code}"
    template = lang.t(key)
    if template == key:
        return "; ".join(f"{k}: {v}" for k, v in values.items())
    return template.format_map(values)


def assessment_document(report: AssessmentReport, lang: Lang) -> Document:
    t = lang.t
    assessed = len(report.schools)
    figures = (
        Figure(t("fig.assessed"), assessed),
        Figure(t("fig.needing"), sum(1 for s in report.schools if s.solutions)),
        Figure(t("fig.not_assessed_yet"), len(report.not_assessed)),
    )
    by_need = Section(t("sec.by_need"), (
        BarChart("solutions", t("chart.solutions"),
                 tuple(Bar(lang.label("sol", s), float(n)) for s, n in report.by_solution)),
        Table("schools", t("sec.by_need"),
              (Column(t("col.school"), "code"), Column(t("col.name")), Column(t("col.municipality")),
               Column(t("col.contracted"), "int"), Column(t("col.measured"), "number"),
               Column(t("col.measurements"), "int"), Column(t("col.of_contract"), "percent"),
               Column(t("col.solutions")), Column(t("col.planned")), Column(t("col.assessed"), "moment")),
              tuple((s.school, s.name, s.municipality, s.contracted_mbps, s.measured_down_mbps, s.measurements,
                     None if s.share is None else round(s.share * 100, 1),
                     ", ".join(lang.label("sol", x) for x in s.solutions),
                     ", ".join(lang.label("cat", c) for c in s.planned), s.assessed)
                    for s in report.schools)),
    ))
    municipalities = Section(t("sec.needs_municipality"), (
        Table("municipalities", t("sec.needs_municipality"),
              (Column(t("col.municipality")), Column(t("col.schools"), "int"), Column(t("col.assessed"), "int"),
               Column(t("col.needing"), "int"),
               *(Column(lang.label("sol", s), "int") for s, _ in report.by_solution)),
              tuple((m.municipality, m.schools, m.assessed, m.needing, *(n for _, n in m.by_solution))
                    for m in report.by_municipality)),
    ))
    findings = Section(t("sec.findings"), (
        Table("findings", t("sec.findings"),
              (Column(t("col.school"), "code"), Column(t("col.router"), "code"), Column(t("col.finding")),
               Column(t("col.solution")), Column(t("col.evidence"))),
              tuple((s.school, f.router or "", lang.label("finding", f.code), lang.label("sol", f.solution),
                     evidence_text(f, lang)) for s in report.schools for f in s.findings)),
    ))
    pending = Section(t("sec.not_assessed"), (
        Table("not_assessed", t("sec.not_assessed"),
              (Column(t("col.school"), "code"), Column(t("col.name")), Column(t("col.municipality"))),
              report.not_assessed),
    ))
    return Document("assessment", lang, t("assessment.title"), f"{t('programme')} — {t('as_of')}: "
                    f"{lang.long_day(report.grouping_date)}", report.generated, figures,
                    (by_need, municipalities, findings, pending))
