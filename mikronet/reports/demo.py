"""The reports the demo ends with: programme progress, the upgrade audit and the assessment, as HTML pages."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mikronet.reports.assessment import build_assessment
from mikronet.reports.common import EventLike, EventSource, events_of, inventory_home
from mikronet.reports.facts import latest_facts
from mikronet.reports.output import write_report
from mikronet.reports.progress import build_progress
from mikronet.reports.upgrades import build_upgrades

__all__ = ["write_demo_reports"]


def write_demo_reports(inventory: Any, ledger: EventSource | Iterable[EventLike], out_dir: Path,
                       *, lang: str = "lv") -> list[Path]:
    """Write ``progress.html``, ``upgrades.html`` and ``assessment.html`` (in ``lang``) to ``out_dir``;
    return their paths.

    ``ledger`` is an open ledger (anything with ``events()``) or its events. Versions come from the
    newest facts run beside the inventory when there is one.
    """
    events = events_of(ledger)
    facts = latest_facts(Path(inventory_home(inventory)) / "runs")
    return [
        write_report(build_progress(inventory, events), out_dir / "progress.html", "html", lang),
        write_report(build_upgrades(inventory, events, facts=facts), out_dir / "upgrades.html", "html", lang),
        write_report(build_assessment(inventory, events), out_dir / "assessment.html", "html", lang),
    ]
