"""The dashboard's own words in English and Latvian; the reports' labels (mikronet.reports.i18n) do the rest."""

from __future__ import annotations

from typing import Final

from mikronet.reports.i18n import LANGS, Lang, get_lang

__all__ = ["LABELS", "WebLang", "web_lang"]

LABELS: Final[dict[str, tuple[str, str]]] = {
    "app": ("School internet dashboard", "Skolu interneta pārskats"),
    "nav.programme": ("Programme", "Programma"),
    "nav.fleet": ("Fleet", "Iekārtas"),
    "nav.rollouts": ("Rollouts", "Izmaiņu kārtas"),
    "nav.ledger": ("Ledger", "Žurnāls"),
    "nav.assessment": ("Assessment", "Novērtējums"),
    "login": ("Log in", "Pieteikties"),
    "logout": ("Log out", "Iziet"),
    "user": ("User name", "Lietotājvārds"),
    "password": ("Password", "Parole"),
    "login.failed": ("Wrong user name or password.", "Nepareizs lietotājvārds vai parole."),
    "login.limited": ("Too many failed attempts; try again later.",
                      "Pārāk daudz neveiksmīgu mēģinājumu; mēģiniet vēlāk."),
    "csrf": ("The form expired; load the page again.", "Veidlapa novecojusi; ielādējiet lapu vēlreiz."),
    "notfound": ("Not found.", "Nav atrasts."),
    "proxy.unknown": ("The sign-on proxy says you are “%s”, who is not a user of this dashboard; ask its "
                      "administrator to add you (mikronet user add).",
                      "Pieteikšanās starpniekserveris norāda, ka jūs esat “%s”, bet šāda lietotāja šajā pārskatā "
                      "nav; lūdziet tā administratoru jūs pievienot (mikronet user add)."),
    "proxy.unreadable": ("The sign-on proxy's user name could not be read: %s.",
                         "Pieteikšanās starpniekservera lietotājvārdu nevar nolasīt: %s."),
    "badinput": ("Bad request", "Nepareizs pieprasījums"),
    "role.ministry": ("ministry", "ministrija"),
    "role.municipality": ("municipality", "pašvaldība"),
    "role.technician": ("technician", "tehniķis"),
    "page.municipality": ("Municipality", "Pašvaldība"),
    "page.school": ("School", "Skola"),
    "page.fleet": ("Fleet state", "Iekārtu stāvoklis"),
    "page.rollouts": ("Recent rollouts", "Pēdējās izmaiņu kārtas"),
    "page.ledger": ("Ledger of interventions", "Darbību žurnāls"),
    "municipalities": ("Municipalities", "Pašvaldības"),
    "schools": ("Schools", "Skolas"),
    "routers": ("Routers", "Maršrutētāji"),
    "events": ("Events", "Notikumi"),
    "school": ("School", "Skola"),
    "school.id": ("Id", "Id"),
    "router": ("Router", "Maršrutētājs"),
    "model": ("Model", "Modelis"),
    "serial": ("Serial", "Sērijas numurs"),
    "routeros": ("RouterOS", "RouterOS"),
    "firmware": ("Firmware", "Aparātprogrammatūra"),
    "last_push": ("Last operation", "Pēdējā darbība"),
    "result": ("Result", "Rezultāts"),
    "when": ("When", "Kad"),
    "drift": ("Drift", "Novirze"),
    "seen": ("Last seen", "Pēdējo reizi redzēts"),
    "time": ("Time", "Laiks"),
    "kind": ("Kind", "Veids"),
    "technician": ("Technician", "Tehniķis"),
    "outcome": ("Outcome", "Iznākums"),
    "summary": ("Summary", "Kopsavilkums"),
    "from": ("From", "No"),
    "to": ("To", "Līdz"),
    "filter": ("Filter", "Atlasīt"),
    "any": ("any", "jebkurš"),
    "chain.ok": ("The ledger's chain verifies: no event was edited or removed.",
                 "Žurnāla ķēde ir vesela: neviens notikums nav mainīts vai dzēsts."),
    "chain.broken": ("The ledger's chain does NOT verify: an event was edited or removed.",
                     "Žurnāla ķēde NAV vesela: kāds notikums ir mainīts vai dzēsts."),
    "chain.verified_at": ("Verified", "Pārbaudīta"),
    "plans": ("Planned solutions", "Plānotie risinājumi"),
    "table.more": ("… and %d more: each municipality's page lists its schools, and `mikronet report progress` "
                   "gives them all.", "… un vēl %d: katras pašvaldības lapā ir tās skolas, bet `mikronet report "
                   "progress` dod visas."),
    "plan.category": ("Solution", "Risinājums"),
    "plan.note": ("Note", "Piezīme"),
    "plan.date": ("Planned for", "Plānots"),
    "interventions": ("Interventions", "Darbības"),
    "interventions.recent": ("The newest %d of %d.", "Jaunākās %d no %d."),
    "interventions.all": ("All in the ledger →", "Visas žurnālā →"),
    "compensation": ("Fee compensation", "Maksas kompensācija"),
    "compliance": ("Upgrade compliance", "Atjauninājumu atbilstība"),
    "school.bandwidth": ("Measured bandwidth (download, Mbit/s)", "Izmērītais joslas platums (lejupielāde, Mbit/s)"),
    "school.contracted": ("contracted", "līgumā"),
    "school.measured": ("measured median", "izmērītā mediāna"),
    "school.assessed": ("Assessed", "Novērtēta"),
    "school.not_assessed": ("Not assessed yet.", "Vēl nav novērtēta."),
    "school.down": ("Download, Mbit/s", "Lejupielāde, Mbit/s"),
    "school.up": ("Upload, Mbit/s", "Augšupielāde, Mbit/s"),
    "finding": ("Finding", "Konstatējums"),
    "severity": ("Severity", "Nozīmīgums"),
    "page.of": ("page %d of %d", "%d. lapa no %d"),
    "page.newer": ("← Newer", "← Jaunāki"),
    "page.older": ("Older →", "Vecāki →"),
    "versions": ("RouterOS versions", "RouterOS versijas"),
    "models": ("Router models", "Maršrutētāju modeļi"),
    "drifting": ("Drifting from their template", "Novirzījušies no veidnes"),
    "unreachable": ("Unreachable at the last attempt", "Pēdējā mēģinājumā nesasniedzami"),
    "mismatched": ("Not what the inventory says", "Neatbilst inventāram"),
    "mismatch": ("Difference", "Atšķirība"),
    "run": ("Run", "Kārta"),
    "operation": ("Operation", "Darbība"),
    "started": ("Started", "Sākta"),
    "finished": ("Finished", "Beigta"),
    "changes": ("Changes", "Izmaiņas"),
    "cause": ("Cause", "Iemesls"),
    "none": ("None.", "Nav."),
    "yes": ("yes", "jā"),
    "no": ("no", "nē"),
    "unknown": ("unknown", "nav zināms"),
    "signed_in": ("Signed in as", "Pieteicies kā"),
    "language": ("Latviešu", "English"),
    "chart.bandwidth": ("Measured against contracted speed (Mbit/s)",
                        "Izmērītais pret līgumā noteikto ātrumu (Mbit/s)"),
    "chart.bandwidth.note": ("A figure not known (no contract figure, no measurement) is drawn as 0.",
                             "Nezināms skaitlis (nav līguma ātruma vai mērījuma) attēlots kā 0."),
}


class WebLang:
    """The dashboard's labels in one language, and the reports' :class:`Lang` for numbers and dates."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.other = "lv" if code == "en" else "en"
        self.report: Lang = get_lang(code)

    def t(self, key: str) -> str:
        pair = LABELS.get(key)
        return self.report.t(key) if pair is None else pair[LANGS.index(self.code)]


def web_lang(code: str | None) -> WebLang:
    """The language ``code`` names (``en`` or ``lv``); anything else is English."""
    return WebLang(code if code in LANGS else "en")
