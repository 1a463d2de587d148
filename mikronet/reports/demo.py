"""The reports the demo ends with: programme progress, the upgrade audit and the assessment, as HTML pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mikronet.reports.assessment import build_assessment
from mikronet.reports.common import events_of
from mikronet.reports.facts import facts_from_state
from mikronet.reports.output import write_report
from mikronet.reports.progress import build_progress
from mikronet.reports.upgrades import build_upgrades, campaign_targets

__all__ = ["write_demo_reports"]


def write_demo_reports(inventory: Any, ledger: Any, out_dir: Path,
                       *, lang: str = "lv") -> list[Path]:
    """Write ``progress.html``, ``upgrades.html`` and ``assessment.html`` (in ``lang``) to ``out_dir``;
    return their paths.

    ``ledger`` is an open ledger; versions come from its fleet state, the target from the newest
    campaign.
    """
    events = events_of(ledger)
    facts = facts_from_state(ledger.state.all())
    return [
        write_report(build_progress(inventory, events), out_dir / "progress.html", "html", lang),
        write_report(build_upgrades(inventory, events, facts=facts, targets=campaign_targets(events)),
                     out_dir / "upgrades.html", "html", lang),
        write_report(build_assessment(inventory, events), out_dir / "assessment.html", "html", lang),
    ]
