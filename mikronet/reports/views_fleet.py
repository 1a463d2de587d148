"""What the fleet reports show, and in what words: the upgrade audit and drift as documents."""

from __future__ import annotations

from mikronet.reports.advisories import VersionRange
from mikronet.reports.document import Bar, BarChart, Column, Document, Figure, GroupChart, Note, Section, Table
from mikronet.reports.drift import DriftReport
from mikronet.reports.i18n import Lang
from mikronet.reports.upgrades import UpgradeReport

__all__ = ["drift_document", "upgrades_document"]


def upgrades_document(report: UpgradeReport, lang: Lang) -> Document:
    t = lang.t
    figures = (
        Figure(t("fig.campaign"), report.campaign or "—", "text"),
        Figure(t("fig.upgrades_done"), report.completed),
        Figure(t("fig.upgrades_failed"), report.failed),
        Figure(t("fig.compliant"), report.percent_compliant, "percent"),
        Figure(t("fig.facts"), report.facts_run or t("facts.inventory"), "text"),
    )
    upgrades = Section(t("sec.upgrades"), (
        Table("upgrades", t("sec.upgrades"),
              (Column(t("col.time"), "moment"), Column(t("col.router"), "code"), Column(t("col.kind")),
               Column(t("col.model")), Column(t("col.channel")), Column(t("col.from_version"), "code"),
               Column(t("col.to_version"), "code"), Column(t("col.from_firmware"), "code"),
               Column(t("col.to_firmware"), "code"), Column(t("col.technician")), Column(t("col.backup"), "hash"),
               Column(t("col.outcome")), Column(t("col.detail"))),
              tuple((u.time, u.router or u.school, lang.label("kind", u.kind), u.model, u.channel, u.from_version,
                     u.to_version, u.from_firmware, u.to_firmware, u.technician, u.backup_sha256,
                     lang.label("outcome", u.outcome), u.cause) for u in report.upgrades)),
    ))
    exclusions = Section(t("sec.exclusions"), (
        Table("exclusions", t("sec.exclusions"),
              (Column(t("col.router"), "code"), Column(t("col.model")), Column(t("col.reason")),
               Column(t("col.detail"))),
              tuple((e.router, e.model, lang.label("reason", e.reason), e.detail) for e in report.exclusions)),
    ))
    distribution = Section(t("sec.distribution"), (
        BarChart("versions", t("chart.versions"), tuple(Bar(v.version, float(v.routers)) for v in report.distribution)),
        Table("versions", t("sec.distribution"), (Column(t("col.version"), "code"), Column(t("col.routers"), "int")),
              tuple((v.version, v.routers) for v in report.distribution)),
    ))
    blocks: tuple[Table | Note, ...] = (
        Table("compliance", t("sec.compliance"),
              (Column(t("col.channel")), Column(t("col.model")), Column(t("col.target"), "code"),
               Column(t("col.routers"), "int"), Column(t("col.compliant"), "int"), Column(t("col.share"), "percent")),
              tuple((c.channel or "—", c.model, c.target, c.routers, c.compliant, c.percent)
                    for c in report.compliance)),
        Table("routers", t("sec.routers"),
              (Column(t("col.router"), "code"), Column(t("col.model")), Column(t("col.channel")),
               Column(t("col.version"), "code"), Column(t("col.source")), Column(t("col.target"), "code"),
               Column(t("col.state"))),
              tuple((r.router, r.model, r.channel, r.version, lang.label("source", r.source), r.target,
                     lang.label("status", r.status)) for r in report.routers)),
    )
    compliance = Section(t("sec.compliance"), blocks)
    mismatches = Section(t("sec.mismatches"), (
        Note(t("note.mismatches"), warn=True),
        Table("mismatches", t("sec.mismatches"),
              (Column(t("col.router"), "code"), Column(t("col.field")), Column(t("col.in_inventory"), "code"),
               Column(t("col.on_device"), "code")),
              tuple((router, t(f"col.{key}"), inventory, device) for router, key, inventory, device
                    in report.mismatches)),
    ))
    return Document("upgrades", lang, t("upgrades.title"),
                    f"{t('programme')} — {lang.long_day(report.generated.date())}", report.generated, figures,
                    (upgrades, exclusions, distribution, compliance, *((mismatches,) if report.mismatches else ())))


def drift_document(report: DriftReport, lang: Lang) -> Document:
    t = lang.t
    figures = (
        Figure(t("fig.in_sync"), report.in_sync),
        Figure(t("fig.drifted"), report.drifted),
        Figure(t("fig.no_backup"), report.no_backup),
        Figure(t("fig.exposed"), len(report.exposed)),
    )
    states = ("in-sync", "drift", "no-backup", "error")
    templates = Section(t("sec.templates"), (
        GroupChart("templates", t("chart.templates"), tuple(lang.label("state", s) for s in states),
                   tuple((p.template, (float(p.in_sync), float(p.drift), float(p.no_backup), float(p.error)))
                         for p in report.templates), stacked=True, value_kind="int"),
        Table("templates", t("sec.templates"),
              (Column(t("col.template"), "code"), *(Column(lang.label("state", s), "int") for s in states)),
              tuple((p.template, p.in_sync, p.drift, p.no_backup, p.error) for p in report.templates)),
    ))
    routers = Section(t("sec.routers"), (
        Table("routers", t("sec.routers"),
              (Column(t("col.router"), "code"), Column(t("col.template"), "code"), Column(t("col.state")),
               Column(t("col.changes"), "int"), Column(t("col.version"), "code"), Column(t("col.commit"), "hash"),
               Column(t("col.time"), "moment"), Column(t("col.unchecked"), "code"), Column(t("col.error"))),
              tuple((r.router, r.template, lang.label("state", r.status), r.changes, r.backup_version,
                     r.backup_commit, r.backup_time, " ".join(r.unchecked), r.error) for r in report.routers)),
    ))
    differences = Section(t("sec.differences"), (
        Table("differences", t("sec.differences"),
              (Column(t("col.router"), "code"), Column(t("col.difference"), "code")),
              tuple((r.router, line) for r in report.routers for line in r.differences)),
    ))
    exposed = Section(t("sec.exposed"), (
        Table("exposed", t("sec.exposed"),
              (Column(t("col.router"), "code"), Column(t("col.version"), "code"), Column(t("col.source")),
               Column(t("col.advisories"), "code")),
              tuple((h.router, h.version, lang.label("source", h.source), ", ".join(h.advisories))
                    for h in report.exposed)),
        Table("advisories", t("sec.advisories"),
              (Column(t("col.id"), "code"), Column(t("col.title")), Column(t("col.severity")),
               Column(t("col.published"), "date"), Column(t("col.affected"), "code"), Column(t("col.reference"))),
              tuple((a.id, a.title, lang.label("severity", a.severity), a.published,
                     "; ".join(_range(r) for r in a.affected), a.source) for a in report.advisories)),
    ))
    return Document("drift", lang, t("drift.title"), f"{t('programme')} — {lang.long_day(report.generated.date())}",
                    report.generated, figures, (templates, routers, differences, exposed))


def _range(r: VersionRange) -> str:
    if r.fixed:
        return f">= {r.introduced}, < {r.fixed}"
    if r.last_affected:
        return f">= {r.introduced}, <= {r.last_affected}"
    return f">= {r.introduced}"
