"""Headings, labels and kinds in English and Latvian, and how each language writes numbers and dates.

Latvian follows the Latvian conventions: a decimal comma, a space between thousands (a no-break
space, so a number never splits across lines), a space before ``%`` and ``€`` after the amount,
dates as ``01.07.2021`` in tables and ``2021. gada 1. jūlijs`` in headings. The programme's own
Latvian terms (*īstermiņa uzlabojumi*, *konsultācijas*, *iekārtu nomaiņa* …) are used for its kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mikronet.clock import for_people
from mikronet.errors import InputError
from mikronet.reports.labels_map import MAP_LABELS
from mikronet.reports.labels_programme import ASSESSMENT_LABELS, PROGRAMME_LABELS

__all__ = ["LANGS", "Lang", "get_lang"]

LANGS = ("en", "lv")
NBSP = "\u00a0"

_MONTHS_LV = ("janvāris", "februāris", "marts", "aprīlis", "maijs", "jūnijs", "jūlijs", "augusts", "septembris",
              "oktobris", "novembris", "decembris")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")

# key -> (English, Latvian)
LABELS: dict[str, tuple[str, str]] = {
    # report titles
    "progress.title": ("Programme progress", "Programmas izpilde"),
    "upgrades.title": ("Upgrade audit", "Atjaunināšanas audits"),
    "drift.title": ("Configuration drift and advisories", "Konfigurācijas novirzes un drošības brīdinājumi"),
    "compensation.title": ("Internet fee compensation", "Interneta maksas kompensācija"),
    "programme": ("“Jaudīgs internets ikvienai Latvijas skolai” (Powerful internet for every Latvian school)",
                  "“Jaudīgs internets ikvienai Latvijas skolai”"),
    "generated": ("Generated", "Sagatavots"),
    "as_of": ("As of", "Stāvoklis"),
    # categories (the memorandum's kinds of solution) and ledger kinds
    "cat.consultation": ("Consultations", "Konsultācijas"),
    "cat.equipment-replacement": ("Equipment replacement", "Iekārtu nomaiņa"),
    "cat.additional-device": ("Additional MikroTīkls devices", "Papildus “MikroTīkls” interneta iekārtu izvietošana"),
    "cat.technical-improvement": ("Individual technical improvements", "Individuāli tehniskie uzlabojumi"),
    "kind.consultation": ("Consultation", "Konsultācija"),
    "kind.routeros-upgrade": ("RouterOS upgrade", "RouterOS atjaunināšana"),
    "kind.firmware-upgrade": ("Firmware upgrade", "Programmaparatūras atjaunināšana"),
    "kind.swap": ("Equipment swap", "Iekārtas nomaiņa"),
    "kind.add-device": ("Additional device", "Papildu iekārta"),
    "kind.push": ("Configuration push", "Konfigurācijas ieviešana"),
    "kind.restore": ("Restore", "Atjaunošana no kopijas"),
    "kind.measure": ("Bandwidth measurement", "Interneta jaudas mērījums"),
    "kind.technical-fix": ("Technical fix", "Tehnisks uzlabojums"),
    "kind.tls-enroll": ("API over TLS enrolled", "API pāreja uz TLS"),
    "kind.re-pin": ("Identity pinned again", "Identitāte piesaistīta no jauna"),
    # progress
    "fig.done": ("Schools with a short-term improvement", "Skolas ar īstermiņa uzlabojumiem"),
    "fig.target": ("Target", "Mērķis"),
    "fig.of_target": ("Of the target", "No mērķa"),
    "fig.enrolled": ("Schools enrolled", "Iesaistītās skolas"),
    "fig.of_enrolled": ("Of the enrolled schools", "No iesaistītajām skolām"),
    "fig.inventory": ("Schools in the inventory", "Skolas inventārā"),
    "fig.median_down": ("Median change in download", "Lejupielādes ātruma izmaiņu mediāna"),
    "sec.over_time": ("Progress over time", "Izpilde laika gaitā"),
    "sec.by_municipality": ("By municipality", "Pa pašvaldībām"),
    "sec.by_kind": ("By kind of improvement", "Pa uzlabojumu veidiem"),
    "sec.bandwidth": ("Internet capacity before and after", "Interneta jauda pirms un pēc"),
    "sec.done": ("Schools done", "Skolas ar paveiktiem uzlabojumiem"),
    "sec.pending": ("Schools with nothing done yet", "Skolas, kurās vēl nav paveikts nekas"),
    "note.before_reform": ("Municipalities as they were before the administrative reform of 1 July 2021.",
                           "Pašvaldības, kādas tās bija pirms 2021. gada 1. jūlija administratīvi teritoriālās "
                           "reformas."),
    "note.after_reform": ("Municipalities as formed by the administrative reform of 1 July 2021.",
                          "Pašvaldības pēc 2021. gada 1. jūlija administratīvi teritoriālās reformas."),
    "note.unknown": ("Schools in the ledger but not in the inventory (counted): ",
                     "Skolas žurnālā, kuru nav inventārā (ieskaitītas): "),
    "chart.progress": ("Schools with an improvement, cumulative by week",
                       "Skolas ar uzlabojumiem, kumulatīvi pa nedēļām"),
    "chart.municipalities": ("Schools with an improvement per municipality", "Skolas ar uzlabojumiem pa pašvaldībām"),
    "chart.bandwidth": ("Download speed before and after (Mbit/s)", "Lejupielādes ātrums pirms un pēc (Mbit/s)"),
    "chart.bandwidth_more": ("the {n} largest changes of {total}", "{n} lielākās izmaiņas no {total}"),
    "col.municipality": ("Municipality", "Pašvaldība"),
    "col.schools": ("Schools", "Skolas"),
    "col.done": ("Done", "Paveikts"),
    "col.share": ("Share", "Daļa"),
    "col.category": ("Kind of solution", "Risinājuma veids"),
    "col.kind": ("Intervention", "Darbība"),
    "col.events": ("Interventions", "Darbības"),
    "col.week": ("Week", "Nedēļa"),
    "col.new": ("New", "Jaunas"),
    "col.cumulative": ("Cumulative", "Kopā"),
    "col.school": ("School", "Skola"),
    "col.name": ("Name", "Nosaukums"),
    "col.first_done": ("First done", "Pirmais uzlabojums"),
    "col.categories": ("Kinds", "Veidi"),
    "col.before": ("Before", "Pirms"),
    "col.after": ("After", "Pēc"),
    "col.down_before": ("Down before", "Lejup pirms"),
    "col.down_after": ("Down after", "Lejup pēc"),
    "col.up_before": ("Up before", "Augšup pirms"),
    "col.up_after": ("Up after", "Augšup pēc"),
    "col.change_down": ("Change down", "Izmaiņa lejup"),
    "col.change_up": ("Change up", "Izmaiņa augšup"),
    "col.attempts": ("Attempts not completed", "Nepabeigti mēģinājumi"),
    "col.last_event": ("Last event", "Pēdējais notikums"),
    "target_line": ("target", "mērķis"),
    # upgrades
    "fig.upgrades_done": ("Upgrades completed", "Pabeigtas atjaunināšanas"),
    "fig.upgrades_failed": ("Upgrades not completed", "Nepabeigtas atjaunināšanas"),
    "fig.compliant": ("Routers on target or newer", "Maršrutētāji ar mērķa vai jaunāku versiju"),
    "fig.campaign": ("Campaign", "Kampaņa"),
    "fig.facts": ("Versions from", "Versijas no"),
    "facts.inventory": ("the inventory (no facts run)", "inventāra (nav faktu apkopojuma)"),
    "sec.upgrades": ("Upgrades", "Atjaunināšanas"),
    "sec.exclusions": ("Routers not upgraded, with reasons", "Neatjaunināti maršrutētāji un iemesli"),
    "sec.distribution": ("RouterOS versions in the fleet", "RouterOS versijas parkā"),
    "sec.compliance": ("Compliance with the target versions", "Atbilstība mērķa versijām"),
    "chart.versions": ("Routers per RouterOS version", "Maršrutētāji pa RouterOS versijām"),
    "col.time": ("When", "Kad"),
    "col.router": ("Router", "Maršrutētājs"),
    "col.model": ("Model", "Modelis"),
    "col.channel": ("Channel", "Kanāls"),
    "col.technician": ("Technician", "Tehniķis"),
    "col.from_version": ("Version before", "Versija pirms"),
    "col.to_version": ("Version after", "Versija pēc"),
    "col.from_firmware": ("Firmware before", "Programmaparatūra pirms"),
    "col.to_firmware": ("Firmware after", "Programmaparatūra pēc"),
    "col.backup": ("Backup SHA-256", "Rezerves kopijas SHA-256"),
    "col.outcome": ("Outcome", "Rezultāts"),
    "col.reason": ("Reason", "Iemesls"),
    "col.detail": ("Detail", "Sīkāk"),
    "col.version": ("Version", "Versija"),
    "col.routers": ("Routers", "Maršrutētāji"),
    "col.target": ("Target", "Mērķis"),
    "col.compliant": ("Compliant", "Atbilst"),
    "outcome.completed": ("completed", "pabeigts"),
    "outcome.failed": ("failed", "neizdevās"),
    "outcome.reverted": ("reverted", "atcelts"),
    "outcome.interrupted": ("interrupted", "pārtraukts"),
    "reason.failed": ("failed", "neizdevās"),
    "reason.reverted": ("reverted", "atcelts"),
    "reason.interrupted": ("interrupted", "pārtraukts"),
    "reason.on-target": ("already on the target", "jau mērķa versijā"),
    "reason.not-attempted": ("not attempted", "nav mēģināts"),
    # drift
    "fig.in_sync": ("Routers matching their template", "Maršrutētāji atbilst veidnei"),
    "fig.drifted": ("Routers that drifted", "Maršrutētāji ar novirzēm"),
    "fig.no_backup": ("Routers without a backup", "Maršrutētāji bez rezerves kopijas"),
    "fig.exposed": ("Routers on versions with advisories", "Maršrutētāji ar ievainojamām versijām"),
    "sec.templates": ("Drift per template", "Novirzes pa veidnēm"),
    "sec.routers": ("Routers", "Maršrutētāji"),
    "sec.differences": ("Differences", "Atšķirības"),
    "sec.exposed": ("Routers on RouterOS versions with known advisories",
                    "Maršrutētāji ar RouterOS versijām, kurām ir zināmi drošības brīdinājumi"),
    "sec.advisories": ("Advisories", "Drošības brīdinājumi"),
    "chart.templates": ("Routers per template and state", "Maršrutētāji pa veidnēm un stāvokļiem"),
    "col.template": ("Template", "Veidne"),
    "col.state": ("State", "Stāvoklis"),
    "col.changes": ("Changes", "Izmaiņas"),
    "col.commit": ("Backup commit", "Kopijas versija"),
    "col.unchecked": ("Not in backups", "Nav kopijās"),
    "col.error": ("Error", "Kļūda"),
    "col.difference": ("Command that removes the drift", "Komanda novirzes novēršanai"),
    "col.source": ("Version from", "Versija no"),
    "col.advisories": ("Advisories", "Brīdinājumi"),
    "col.id": ("Identifier", "Identifikators"),
    "col.title": ("Title", "Nosaukums"),
    "col.severity": ("Severity", "Bīstamība"),
    "col.published": ("Published", "Publicēts"),
    "col.affected": ("Affected versions", "Skartās versijas"),
    "col.reference": ("Source", "Avots"),
    "state.in-sync": ("matches", "atbilst"),
    "state.drift": ("drift", "novirze"),
    "state.no-backup": ("no backup", "nav kopijas"),
    "state.error": ("error", "kļūda"),
    "severity.critical": ("critical", "kritiska"),
    "severity.high": ("high", "augsta"),
    "severity.medium": ("medium", "vidēja"),
    "severity.low": ("low", "zema"),
    "source.facts": ("facts", "fakti"),
    "source.backup": ("backup", "kopija"),
    "source.inventory": ("inventory", "inventārs"),
    "source.unknown": ("unknown", "nezināms"),
    "status.on-target": ("on target", "mērķa versija"),
    "status.newer": ("newer", "jaunāka"),
    "status.behind": ("behind", "novecojusi"),
    "status.unknown": ("unknown", "nezināma"),
    "status.no-target": ("no target", "nav mērķa"),
    # compensation
    "fig.payable": ("Compensation payable", "Izmaksājamā kompensācija"),
    "fig.computed": ("Computed by the rule (all municipalities)", "Aprēķināts pēc noteikuma (visas pašvaldības)"),
    "fig.budget": ("Budget", "Budžets"),
    "fig.remaining": ("Budget remaining", "Budžeta atlikums"),
    "fig.signed": ("Municipalities with a signed contract", "Pašvaldības ar noslēgtu līgumu"),
    "fig.unsigned": ("Municipalities without one", "Pašvaldības bez līguma"),
    "fig.months": ("Months", "Mēneši"),
    "note.rule": (
        "Identified cost: the documented monthly fee. Shared contract with no identifiable share: up to "
        "{optical} a month for an optical connection and {other} for any other, per school. Paid only to "
        "municipalities with a signed contract. Each school-month is rounded to cents (half up); totals are "
        "exact sums.",
        "Identificētas izmaksas: dokumentētā mēneša maksa. Kopējs līgums bez identificējamas daļas: līdz "
        "{optical} mēnesī par optisko pieslēgumu un {other} par citiem pieslēgumu veidiem uz vienu izglītības "
        "iestādi. Izmaksā tikai pašvaldībām ar noslēgtu līgumu. Katras skolas mēneša summa noapaļota līdz "
        "centiem; kopsummas ir precīzas summas."),
    "note.over_budget": ("The payable total exceeds the budget.", "Izmaksājamā summa pārsniedz budžetu."),
    "sec.municipalities": ("Per municipality", "Pa pašvaldībām"),
    "sec.municipality_month": ("Per municipality and month", "Pa pašvaldībām un mēnešiem"),
    "sec.missing": ("Schools lacking what the rule needs", "Skolas, kurām trūkst noteikumam vajadzīgā"),
    "sec.schools": ("Per school and month", "Pa skolām un mēnešiem"),
    "chart.compensation": ("Compensation payable per month", "Izmaksājamā kompensācija pa mēnešiem"),
    "col.month": ("Month", "Mēnesis"),
    "col.signed": ("Contract signed", "Līgums noslēgts"),
    "col.contract_amount": ("Contract amount", "Līguma summa"),
    "col.computed": ("Computed", "Aprēķināts"),
    "col.payable": ("Payable", "Izmaksājams"),
    "col.amount": ("Amount", "Summa"),
    "col.connection": ("Connection", "Pieslēgums"),
    "col.shared": ("Shared contract", "Kopējs līgums"),
    "col.fee": ("Documented fee", "Dokumentētā maksa"),
    "col.rule": ("Rule", "Noteikums"),
    "col.needs": ("Lacks", "Trūkst"),
    "conn.optical": ("optical", "optiskais"),
    "conn.other": ("other", "cits"),
    "rule.identified": ("identified cost", "identificētas izmaksas"),
    "rule.cap": ("shared-contract cap", "kopējā līguma griesti"),
    "rule.none": ("cannot be computed", "nevar aprēķināt"),
    "needs.fee": ("a documented fee", "dokumentēta maksa"),
    "needs.connection-type": ("a connection type", "pieslēguma veids"),
    "needs.contract": ("a signed contract", "noslēgts līgums"),
    "yes": ("yes", "jā"),
    "no": ("no", "nē"),
    "none": ("none", "nav"),
    "empty": ("Nothing to show.", "Nav datu."),
}
LABELS.update(PROGRAMME_LABELS)
LABELS.update(ASSESSMENT_LABELS)
LABELS.update(MAP_LABELS)


@dataclass(frozen=True)
class Lang:
    """One language: its labels and its number and date formats."""

    code: str

    def t(self, key: str, **values: Any) -> str:
        """The label ``key`` in this language (``{name}`` fields filled from ``values``)."""
        pair = LABELS.get(key)
        text = key if pair is None else pair[LANGS.index(self.code)]
        return text.format(**values) if values else text

    def label(self, prefix: str, value: str | None) -> str:
        """A code (kind, state, outcome …) in words; an unknown code is shown as it is."""
        if value is None:
            return ""
        key = f"{prefix}.{value}"
        return self.t(key) if key in LABELS else value

    # -- numbers --------------------------------------------------------------------------------

    def _group(self, digits: str, sep: str) -> str:
        head, _, tail = digits.partition(".")
        sign = "-" if head.startswith("-") else ""
        head = head.lstrip("-")
        groups: list[str] = []
        while len(head) > 3:
            groups.insert(0, head[-3:])
            head = head[:-3]
        groups.insert(0, head)
        if self.code == "lv":
            return sign + sep.join(groups) + ("," + tail if tail else "")
        return sign + ",".join(groups) + ("." + tail if tail else "")

    def integer(self, value: int, *, grouped: bool = True) -> str:
        return self._group(str(int(value)), NBSP) if grouped else str(int(value))

    def decimal(self, value: float | Decimal, places: int = 1, *, grouped: bool = True) -> str:
        quant = Decimal(1).scaleb(-places)
        text = str(Decimal(str(value)).quantize(quant, ROUND_HALF_UP))
        if not grouped:
            return text.replace(".", ",") if self.code == "lv" else text
        return self._group(text, NBSP)

    def money(self, value: Decimal, *, grouped: bool = True) -> str:
        number = self.decimal(value, 2, grouped=grouped)
        if not grouped:
            return number
        return f"{number}{NBSP}€" if self.code == "lv" else f"€{number}"

    def percent(self, value: Decimal | None, *, grouped: bool = True) -> str:
        if value is None:
            return "–"
        number = self.decimal(value, 1, grouped=grouped)
        if not grouped:
            return number
        return f"{number}{NBSP}%" if self.code == "lv" else f"{number}%"

    # -- dates ----------------------------------------------------------------------------------

    def day(self, value: date) -> str:
        return value.strftime("%d.%m.%Y") if self.code == "lv" else value.isoformat()

    def long_day(self, value: date) -> str:
        if self.code == "lv":
            return f"{value.year}. gada {value.day}. {_MONTHS_LV[value.month - 1]}"
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"

    def moment(self, value: datetime) -> str:
        """A moment in Latvian time, to the minute, with its UTC offset (``06.12.2026 09:12 +02:00``)."""
        return for_people(value, day_format="%d.%m.%Y" if self.code == "lv" else "%Y-%m-%d")

    def month(self, value: str) -> str:
        year, month = int(value[:4]), int(value[5:7])
        if self.code == "lv":
            return f"{year}. gada {_MONTHS_LV[month - 1]}"
        return f"{_MONTHS_EN[month - 1]} {year}"

    def week(self, value: str) -> str:
        year, _, week = value.partition("-W")
        return f"{year}. g. {int(week)}. nedēļa" if self.code == "lv" else value

    def week_short(self, value: str) -> str:
        """A week as a chart's axis shows it: ``14. ned.`` / ``W14``."""
        week = int(value.partition("-W")[2])
        return f"{week}. ned." if self.code == "lv" else f"W{week:02d}"


def get_lang(code: str) -> Lang:
    if code not in LANGS:
        raise InputError(f"--lang {code!r}: choose one of {', '.join(LANGS)}")
    return Lang(code)
