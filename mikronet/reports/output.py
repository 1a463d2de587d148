"""One entry to every format: ``render_report(report, "html", lang="lv")`` and ``write_report``.

Formats: ``table`` (terminal, rich), ``md``, ``csv``, ``json``, ``html``. JSON is written from the
report's data (language-neutral, versioned); the others from the report's document in the chosen
language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mikronet.errors import InputError
from mikronet.reports.assessment import AssessmentReport
from mikronet.reports.compensation import CompensationReport
from mikronet.reports.document import Document
from mikronet.reports.drift import DriftReport
from mikronet.reports.i18n import get_lang
from mikronet.reports.progress import ProgressReport
from mikronet.reports.upgrades import UpgradeReport

__all__ = ["FORMATS", "render_report", "report_name", "to_document", "write_report"]

FORMATS = ("table", "md", "csv", "json", "html")
_SUFFIX = {".md": "md", ".csv": "csv", ".json": "json", ".html": "html", ".htm": "html", ".txt": "table"}


def report_name(report: Any) -> str:
    for cls, name in ((ProgressReport, "progress"), (UpgradeReport, "upgrades"), (DriftReport, "drift"),
                      (CompensationReport, "compensation"), (AssessmentReport, "assessment")):
        if isinstance(report, cls):
            return name
    raise TypeError(f"not a report: {type(report).__name__}")


def to_document(report: Any, lang: str = "en") -> Document:
    """The report's document in ``lang`` (``en`` or ``lv``)."""
    from mikronet.reports.views_assessment import assessment_document
    from mikronet.reports.views_fleet import drift_document, upgrades_document
    from mikronet.reports.views_programme import compensation_document, progress_document

    views = {"progress": progress_document, "upgrades": upgrades_document, "drift": drift_document,
             "compensation": compensation_document, "assessment": assessment_document}
    view: Any = views[report_name(report)]
    document: Document = view(report, get_lang(lang))
    return document


def render_report(report: Any, fmt: str = "table", lang: str = "en", *, table: str | None = None,
                  width: int | None = None, color: bool = False) -> str:
    """The report as text in ``fmt``. ``table`` picks one table for CSV."""
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        from mikronet.reports.jsonout import render_json

        get_lang(lang)
        return render_json(report_name(report), report)
    doc = to_document(report, lang)
    if fmt == "html":
        from mikronet.reports.html import render_html

        return render_html(doc)
    if fmt == "csv":
        from mikronet.reports.csvout import render_csv

        return render_csv(doc, table=table)
    from mikronet.reports.text import render_markdown, render_terminal

    return render_markdown(doc) if fmt == "md" else render_terminal(doc, width=width, color=color)


def format_for(path: Path, fmt: str | None) -> str:
    """The format asked for, else the one the file's suffix names."""
    if fmt is not None:
        return fmt
    found = _SUFFIX.get(path.suffix.lower())
    if found is None:
        raise InputError(f"{path}: say --format (md, csv, json, html): the suffix {path.suffix!r} names none")
    return found


def write_report(report: Any, path: Path, fmt: str | None = None, lang: str = "en", *,
                 table: str | None = None) -> Path:
    """Write the report to ``path`` (UTF-8; CSV with its BOM) and return the path."""
    fmt = format_for(path, fmt)
    text = render_report(report, fmt, lang, table=table)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(text)
    return path
