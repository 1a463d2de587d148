"""Words of the programme's school-by-school work (counting rule, stages, assessment), English and
Latvian: merged into :data:`mikronet.reports.i18n.LABELS`."""

from __future__ import annotations

__all__ = ["ASSESSMENT_LABELS", "PROGRAMME_LABELS"]

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
    "sec.mismatches": ("Devices other than the inventory names", "Iekārtas, kas nav inventārā norādītās"),
    "note.mismatches": ("The facts run found these devices reporting another serial or model than the inventory: "
                        "record the swap, or correct the inventory.",
                        "Faktu apkopojumā šīs iekārtas uzrāda citu sērijas numuru vai modeli nekā inventārā: "
                        "reģistrējiet nomaiņu vai izlabojiet inventāru."),
    "col.field": ("Field", "Lauks"),
    "col.in_inventory": ("In the inventory", "Inventārā"),
    "col.on_device": ("On the device", "Iekārtā"),
    "col.serial": ("Serial number", "Sērijas numurs"),
    "status.mismatch": ("mismatch", "neatbilstība"),
    "chart.no_measurements": ("No measurements yet.", "Mērījumu vēl nav."),
}

ASSESSMENT_LABELS: dict[str, tuple[str, str]] = {
    "assessment.title": ("Assessment of the schools' needs", "Skolu vajadzību novērtējums"),
    "sol.consultation": ("Consultation", "Konsultācija"),
    "sol.equipment-replacement": ("Equipment replacement", "Iekārtu nomaiņa"),
    "sol.additional-device": ("Additional MikroTīkls device", "Papildus “MikroTīkls” iekārta"),
    "sol.technical-improvement": ("Individual technical improvement", "Individuāls tehnisks uzlabojums"),
    "sol.line": ("Medium/long term: the line itself", "Vidējā/ilgā termiņā: pats pieslēgums"),
    "fig.assessed": ("Schools assessed", "Novērtētās skolas"),
    "fig.needing": ("Schools with a need found", "Skolas ar konstatētu vajadzību"),
    "fig.not_assessed_yet": ("Schools not yet assessed", "Vēl nenovērtētās skolas"),
    "sec.by_need": ("Schools by need", "Skolas pēc vajadzības"),
    "sec.needs_municipality": ("Needs per municipality", "Vajadzības pa pašvaldībām"),
    "sec.findings": ("Findings and their evidence", "Konstatējumi un to pamatojums"),
    "sec.not_assessed": ("Schools not yet assessed", "Vēl nenovērtētās skolas"),
    "chart.solutions": ("Schools per recommended solution", "Skolas pa ieteiktajiem risinājumiem"),
    "col.assessed": ("Assessed", "Novērtēts"),
    "col.needing": ("With a need", "Ar vajadzību"),
    "col.contracted": ("Contracted (Mbit/s)", "Līgumā (Mbit/s)"),
    "col.measured": ("Measured median (Mbit/s)", "Izmērītā mediāna (Mbit/s)"),
    "col.measurements": ("Measurements", "Mērījumi"),
    "col.of_contract": ("Of the contract", "No līgumā noteiktā"),
    "col.solutions": ("Recommended", "Ieteikts"),
    "col.finding": ("Finding", "Konstatējums"),
    "col.evidence": ("Evidence", "Pamatojums"),
    "col.solution": ("Solution", "Risinājums"),
    "finding.line": ("Slow line", "Lēns pieslēgums"),
    "finding.router-capacity": ("Router cannot carry the line", "Maršrutētājs nespēj nodrošināt pieslēguma ātrumu"),
    "finding.underperforming": ("Measured far below the contract", "Izmērītais ātrums krietni zem līgumā noteiktā"),
    "finding.wifi-standard": ("Old Wi-Fi standard", "Novecojis Wi-Fi standarts"),
    "finding.routeros-unsupported": ("RouterOS line without fixes", "RouterOS versija bez labojumiem"),
    "finding.advisory": ("Known security advisory", "Zināms drošības brīdinājums"),
    "ev.line": ("contracted {contracted_mbps} Mbit/s, measured {measured_down_mbps} Mbit/s; under {threshold_mbps} "
                "Mbit/s no equipment helps ({source})",
                "līgumā {contracted_mbps} Mbit/s, izmērīts {measured_down_mbps} Mbit/s; zem {threshold_mbps} Mbit/s "
                "iekārtas nelīdz ({source})"),
    "ev.router-capacity": ("{model_name} ({model}) carries at most {capacity_mbps} Mbit/s ({basis}) on a "
                           "{contracted_mbps} Mbit/s line; source: {source}",
                           "{model_name} ({model}) nodrošina ne vairāk kā {capacity_mbps} Mbit/s ({basis}) "
                           "{contracted_mbps} Mbit/s pieslēgumā; avots: {source}"),
    "ev.underperforming": ("median {measured_down_mbps} Mbit/s of {measurements} measurements against "
                           "{contracted_mbps} Mbit/s contracted",
                           "{measurements} mērījumu mediāna {measured_down_mbps} Mbit/s pret līgumā noteiktajiem "
                           "{contracted_mbps} Mbit/s"),
    "ev.wifi-standard": ("{model_name} radios are {wifi_standard} on a {contracted_mbps} Mbit/s line",
                         "{model_name} radio ir {wifi_standard} {contracted_mbps} Mbit/s pieslēgumā"),
    "ev.routeros-unsupported": ("RouterOS {version}: {source}", "RouterOS {version}: {source}"),
    "ev.advisory": ("RouterOS {version}: {advisories}", "RouterOS {version}: {advisories}"),
    "basis.port_mbps": ("its port speed", "portu ātrums"),
    "basis.throughput_mbps": ("published routing throughput", "publicētā maršrutēšanas caurlaidspēja"),
}
