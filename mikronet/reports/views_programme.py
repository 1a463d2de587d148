"""What the programme reports show, and in what words: progress and compensation as documents."""

from __future__ import annotations

from mikronet.reports.compensation import CompensationReport
from mikronet.reports.document import (
    Bar,
    BarChart,
    Column,
    Document,
    Drawing,
    Figure,
    GroupChart,
    LineChart,
    Note,
    Section,
    Table,
)
from mikronet.reports.i18n import Lang
from mikronet.reports.progress import ProgressReport
from mikronet.reports.progress_map import map_caption, map_svg, progress_map

__all__ = ["BANDWIDTH_CHART_LIMIT", "compensation_document", "counting_rule_text", "progress_document"]

BANDWIDTH_CHART_LIMIT = 40
"""The bandwidth chart shows at most this many schools (the largest changes); the table has all."""


def progress_document(report: ProgressReport, lang: Lang) -> Document:
    t = lang.t
    when = report.as_of or report.grouping_date
    figures = (
        Figure(t("fig.done"), report.done),
        Figure(t("fig.target"), report.target),
        Figure(t("fig.of_target"), report.percent_of_target, "percent"),
        Figure(t("fig.enrolled"), report.enrolled),
        Figure(t("fig.of_enrolled"), report.percent_of_enrolled, "percent"),
        Figure(t("fig.inventory"), report.inventory_schools),
        Figure(t("fig.median_down"), report.median_change_down, "number"),
        Figure(t("fig.planned"), report.planned),
        Figure(t("fig.not_assessed"), report.not_assessed),
    )
    over_time = Section(t("sec.over_time"), (
        LineChart("progress", t("chart.progress"),
                  tuple((lang.week_short(w.week), float(w.cumulative)) for w in report.weeks),
                  target=float(report.target), target_label=f"{t('target_line')} {lang.integer(report.target)}"),
        Table("weeks", t("sec.over_time"), (Column(t("col.week"), "week"), Column(t("col.new"), "int"),
                                            Column(t("col.cumulative"), "int")),
              tuple((w.week, w.new_schools, w.cumulative) for w in report.weeks)),
    ))
    note = Note(t("note.before_reform") if report.before_reform else t("note.after_reform"))
    municipalities = Section(t("sec.by_municipality"), (
        note,
        BarChart("municipalities", t("chart.municipalities"),
                 tuple(Bar(m.municipality, float(m.done), f"{m.done}/{m.schools}") for m in report.by_municipality)),
        Table("municipalities", t("sec.by_municipality"),
              (Column(t("col.municipality")), Column(t("col.schools"), "int"), Column(t("col.done"), "int"),
               Column(t("col.share"), "percent")),
              tuple((m.municipality, m.schools, m.done, m.percent) for m in report.by_municipality)),
        *_map(report, lang),
    ))
    kinds = Section(t("sec.by_kind"), (
        Table("categories", t("sec.by_kind"),
              (Column(t("col.category")), Column(t("col.schools"), "int"), Column(t("col.events"), "int")),
              tuple((lang.label("cat", c.key), c.schools, c.events) for c in report.by_category)),
        Table("kinds", t("col.kind"),
              (Column(t("col.kind")), Column(t("col.schools"), "int"), Column(t("col.events"), "int")),
              tuple((lang.label("kind", c.key), c.schools, c.events) for c in report.by_kind)),
    ))
    shown = report.bandwidth[:BANDWIDTH_CHART_LIMIT]
    caption = (t("chart.bandwidth_more", n=len(shown), total=len(report.bandwidth))
               if len(report.bandwidth) > len(shown) else "")
    bandwidth = Section(t("sec.bandwidth"), (
        Note(t("note.bandwidth")),
        GroupChart("bandwidth", t("chart.bandwidth"), (t("col.before"), t("col.after")),
                   tuple((b.school, (b.before_down, b.after_down)) for b in shown), caption=caption,
                   empty=t("chart.no_measurements")),
        Table("bandwidth", t("sec.bandwidth"),
              (Column(t("col.school"), "code"), Column(t("col.name")), Column(t("col.municipality")),
               Column(t("col.down_before"), "number"), Column(t("col.down_after"), "number"),
               Column(t("col.change_down"), "number"), Column(t("col.up_before"), "number"),
               Column(t("col.up_after"), "number"), Column(t("col.change_up"), "number"),
               Column(t("col.before"), "moment"), Column(t("col.after"), "moment")),
              tuple((b.school, b.name, b.municipality, b.before_down, b.after_down, b.change_down, b.before_up,
                     b.after_up, b.change_up, b.before_time, b.after_time) for b in report.bandwidth)),
    ))
    done = Section(t("sec.done"), (
        Note(counting_rule_text(report, lang)),
        Table("done", t("sec.done"),
              (Column(t("col.school"), "code"), Column(t("col.name")), Column(t("col.municipality")),
               Column(t("col.first_done"), "date"), Column(t("col.categories"))),
              tuple((d.school, d.name, d.municipality, d.first_done,
                     ", ".join(lang.label("cat", c) for c in d.categories)) for d in report.done_schools)),
        *((Note(t("note.unknown") + ", ".join(report.unknown_schools)),) if report.unknown_schools else ()),
    ))
    pending = Section(t("sec.pending_counted"), (
        Table("pending", t("sec.pending_counted"),
              (Column(t("col.school"), "code"), Column(t("col.name")), Column(t("col.municipality")),
               Column(t("col.stage")), Column(t("col.planned")),
               Column(t("col.attempts"), "int"), Column(t("col.last_event"), "moment")),
              tuple((p.school, p.name, p.municipality, lang.label("stage", p.stage),
                     ", ".join(lang.label("cat", c) for c in p.planned), p.attempts, p.last_event)
                    for p in report.pending)),
    ))
    return Document("progress", lang, t("progress.title"),
                    f"{t('programme')} — {t('as_of')}: {lang.long_day(when)}", report.generated, figures,
                    (over_time, municipalities, kinds, bandwidth, done, pending))


def counting_rule_text(report: ProgressReport, lang: Lang) -> str:
    """The counting rule the report used, in words."""
    t = lang.t
    rule = report.rule
    parts = [t(f"rule.{name}") for name in ("planned", "marked", "unplanned") if getattr(rule, name)]
    what = t("rule.or").join(parts) if parts else t("rule.nothing")
    return t("note.counting", what=what, maintenance=", ".join(lang.label("kind", k) for k in rule.maintenance))


def compensation_document(report: CompensationReport, lang: Lang) -> Document:
    t = lang.t
    months = ", ".join(lang.month(m) for m in report.months)
    figures = (
        Figure(t("fig.payable"), report.payable, "money"),
        Figure(t("fig.budget"), report.budget, "money"),
        Figure(t("fig.remaining"), report.remaining, "money"),
        Figure(t("fig.computed"), report.computed, "money"),
        Figure(t("fig.signed"), len(report.signed)),
        Figure(t("fig.unsigned"), len(report.unsigned)),
    )
    caps = {k: lang.money(v) for k, v in report.caps.items()}
    notes: list[Note] = [Note(t("note.rule", optical=caps.get("optical", "–"), other=caps.get("other", "–")))]
    if report.over_budget:
        notes.append(Note(t("note.over_budget"), warn=True))
    summary = Section(t("sec.municipalities"), (
        *notes,
        BarChart("compensation", t("chart.compensation"),
                 tuple(Bar(lang.month(m), float(v)) for m, v in report.by_month), value_kind="money"),
        Table("municipalities", t("sec.municipalities"),
              (Column(t("col.municipality")), Column(t("col.signed"), "date"),
               Column(t("col.contract_amount"), "money"),
               Column(t("col.schools"), "int"), Column(t("col.computed"), "money"), Column(t("col.payable"), "money")),
              tuple((m.municipality, m.signed, m.contract_amount, m.schools, m.computed, m.payable)
                    for m in report.municipalities)),
    ))
    per_month = Section(t("sec.municipality_month"), (
        Table("municipality_month", t("sec.municipality_month"),
              (Column(t("col.municipality")), Column(t("col.month"), "month"), Column(t("col.schools"), "int"),
               Column(t("col.amount"), "money")),
              tuple((m.municipality, m.month, m.schools, m.amount) for m in report.by_municipality_month)),
    ))
    missing = Section(t("sec.missing"), (
        Table("missing", t("sec.missing"),
              (Column(t("col.school"), "code"), Column(t("col.name")), Column(t("col.municipality")),
               Column(t("col.needs"))),
              tuple((m.school, m.name, m.municipality, ", ".join(t(f"needs.{n}") for n in m.needs))
                    for m in report.missing)),
    ))
    schools = Section(t("sec.schools"), (
        Table("schools", t("sec.schools"),
              (Column(t("col.school"), "code"), Column(t("col.name")), Column(t("col.municipality")),
               Column(t("col.month"), "month"), Column(t("col.connection")), Column(t("col.shared")),
               Column(t("col.fee"), "money"), Column(t("col.rule")), Column(t("col.amount"), "money"),
               Column(t("col.signed"))),
              tuple((r.school, r.name, r.municipality, r.month, lang.label("conn", r.connection_type),
                     t("yes") if r.shared_contract else t("no"), r.fee, lang.label("rule", r.rule), r.amount,
                     t("yes") if r.signed else t("no")) for r in report.rows)),
    ))
    return Document("compensation", lang, t("compensation.title"), f"{t('programme')} — {months}",
                    report.generated, figures, (summary, per_month, missing, schools))


def _map(report: ProgressReport, lang: Lang) -> tuple[Drawing, ...]:
    """The map of municipalities (after the reform: the outlines are today's municipalities)."""
    if report.before_reform:
        return ()
    pmap = progress_map(report)
    return (Drawing("map", lang.t("map.title"), map_caption(pmap, lang), lambda: map_svg(pmap, lang)),)
