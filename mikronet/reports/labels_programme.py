"""Words of the programme's school-by-school work (counting rule, stages, assessment), English and
Latvian: merged into :data:`mikronet.reports.i18n.LABELS`."""

from __future__ import annotations

__all__ = ["PROGRAMME_LABELS"]

PROGRAMME_LABELS: dict[str, tuple[str, str]] = {
    "kind.assessment": ("Assessment", "Novērtējums"),
    # progress: the counting rule and where the schools not counted stand
    "fig.planned": ("Schools with a planned solution not reached yet", "Skolas ar plānotu, vēl nesasniegtu risinājumu"),
    "fig.not_assessed": ("Schools not yet assessed", "Vēl nenovērtētās skolas"),
    "note.counting": ("Counted: a school, once, on the day of its first completed intervention that {what}. "
                      "Fleet-wide maintenance ({maintenance}) counts only when a technician marked it; failed, "
                      "reverted and interrupted work does not count.",
                      "Ieskaitīta: skola vienreiz, tās pirmās pabeigtās darbības dienā, ja darbība {what}. "
                      "Visa parka uzturēšana ({maintenance}) tiek ieskaitīta tikai tad, ja tehniķis to atzīmējis; "
                      "neizdevusies, atcelta vai pārtraukta darbība netiek ieskaitīta."),
    "rule.planned": ("is of a kind planned for the school", "ir skolai plānotā veida"),
    "rule.marked": ("was marked as the programme's by a technician", "tehniķa atzīmēta kā programmas darbība"),
    "rule.unplanned": ("has a kind of solution, planned or not", "ir kāda risinājuma veida, plānota vai ne"),
    "rule.or": (" or ", " vai "),
    "rule.nothing": ("— nothing counts under this rule", "— pēc šī noteikuma netiek ieskaitīts nekas"),
    "note.bandwidth": ("Before and after: the median of the school's measurements before and after the intervention "
                       "that made it count.",
                       "Pirms un pēc: skolas mērījumu mediāna pirms un pēc darbības, ar kuru tā tika ieskaitīta."),
    "col.stage": ("Stage", "Posms"),
    "col.planned": ("Planned", "Plānots"),
    "stage.planned": ("Solution planned", "Risinājums plānots"),
    "stage.assessed": ("Assessed, nothing planned", "Novērtēta, nekas nav plānots"),
    "stage.not-assessed": ("Not yet assessed", "Vēl nav novērtēta"),
    "sec.pending_counted": ("Schools not counted yet", "Vēl neieskaitītās skolas"),
    "chart.no_measurements": ("No measurements yet.", "Mērījumu vēl nav."),
}
