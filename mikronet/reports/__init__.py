"""Reports: programme progress, the upgrade audit, drift and advisories, and compensation.

Builders compute plain data (frozen dataclasses) from the inventory, the ledger's events, the
backups and the fleet's facts; renderers only lay it out — terminal tables, Markdown, CSV, JSON
(versioned, with a JSON Schema) and one self-contained HTML page with SVG charts — in English or
Latvian::

    from mikronet.reports import build_progress, render_report, write_report

    report = build_progress(inventory, ledger.events(), as_of=date(2021, 6, 30))
    print(render_report(report, "table", lang="lv"))
    write_report(report, Path("progress.html"), lang="lv")
"""

from __future__ import annotations

from mikronet.reports.advisories import ADVISORIES_FILE, Advisory, VersionRange, load_advisories
from mikronet.reports.assessment import AssessmentReport, build_assessment
from mikronet.reports.common import DEFAULT_CATEGORIES, EventLike, Programme, programme_of
from mikronet.reports.compensation import CompensationReport, build_compensation, parse_months
from mikronet.reports.demo import write_demo_reports
from mikronet.reports.drift import DriftReport, build_drift
from mikronet.reports.facts import FactsRun, facts_from_state, latest_facts, read_facts
from mikronet.reports.jsonout import SCHEMA_FILE, SCHEMA_VERSION, report_data
from mikronet.reports.needs import Finding, SchoolNeeds, assess_school
from mikronet.reports.output import FORMATS, render_report, to_document, write_report
from mikronet.reports.progress import ProgressReport, build_progress
from mikronet.reports.upgrades import Target, UpgradeReport, build_upgrades, campaign_targets, parse_target

__all__ = [
    "ADVISORIES_FILE",
    "DEFAULT_CATEGORIES",
    "FORMATS",
    "SCHEMA_FILE",
    "SCHEMA_VERSION",
    "Advisory",
    "AssessmentReport",
    "CompensationReport",
    "DriftReport",
    "EventLike",
    "FactsRun",
    "Finding",
    "Programme",
    "ProgressReport",
    "SchoolNeeds",
    "Target",
    "UpgradeReport",
    "VersionRange",
    "assess_school",
    "build_assessment",
    "build_compensation",
    "build_drift",
    "build_progress",
    "build_upgrades",
    "campaign_targets",
    "facts_from_state",
    "latest_facts",
    "load_advisories",
    "parse_months",
    "parse_target",
    "programme_of",
    "read_facts",
    "render_report",
    "report_data",
    "to_document",
    "write_demo_reports",
    "write_report",
]
