"""Each page's data, read through a :class:`~mikronet.web.scope.Scope`: one JSON-able dict per page
(the ``/api/`` answer) and what its HTML template shows (the same data, with the reports' charts).

Nothing here reads a source directly; whatever a scope does not return cannot reach a page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from mikronet.errors import InputError
from mikronet.ledger import Event, RouterState
from mikronet.reports import report_data
from mikronet.reports.document import Bar, BarChart, Document, Drawing, GroupChart, LineChart, Table, cells, format_cell
from mikronet.reports.jsonout import plain
from mikronet.reports.svg import bar_chart, group_chart, line_chart
from mikronet.reports.views_fleet import upgrades_document
from mikronet.reports.views_programme import compensation_document, progress_document
from mikronet.web.labels import WebLang
from mikronet.web.scope import Scope
from mikronet.web.views_map import programme_map

__all__ = ["LedgerFilter", "Page", "fleet_page", "ledger_page", "municipality_page", "programme_page",
           "rollouts_page", "school_page"]

UNREACHABLE = frozenset({"unreachable", "timeout", "auth-failed"})
RECENT = 20
"""Interventions a municipality's page lists (the ledger page has them all)."""
TABLE_ROWS = 50
"""Rows a table of the programme page shows: the rest are on the municipality pages and in the report."""
PAGE_SIZE = 50
"""Ledger events a page."""


@dataclass(frozen=True)
class Page:
    """One page: its template, its title, the API's data and what only the HTML needs."""

    template: str
    title: str
    data: dict[str, Any]
    extra: Mapping[str, Any]


def chart(block: BarChart | LineChart | GroupChart, lang: WebLang) -> Markup:
    """A chart as inline SVG (the reports' renderer escapes every label it writes)."""
    if isinstance(block, BarChart):
        return Markup(bar_chart(block, lang.report))
    if isinstance(block, LineChart):
        return Markup(line_chart(block, lang.report))
    return Markup(group_chart(block, lang.report))


def document_blocks(doc: Document, lang: WebLang, *, keys: Collection[str] | None = None,
                    rows: int | None = None) -> list[dict[str, Any]]:
    """A report document's sections as template-ready values: charts as SVG, tables as text cells
    (only the charts and tables named in ``keys``, and the sections that hold one, when given; at most
    ``rows`` rows a table, with a note of how many more the report has)."""
    out = []
    for section in doc.sections:
        blocks: list[dict[str, Any]] = []
        for block in section.blocks:
            if keys is not None and getattr(block, "key", None) not in keys:
                continue
            if isinstance(block, Table):
                more = len(block.rows) - rows if rows is not None and len(block.rows) > rows else 0
                shown = replace(block, rows=block.rows[:rows]) if more else block
                blocks.append({"type": "table", "title": block.title, "key": block.key,
                               "columns": [c.label for c in block.columns],
                               "numeric": [c.kind in ("int", "number", "money", "percent") for c in block.columns],
                               "rows": cells(doc.lang, shown)})
                if more:
                    blocks.append({"type": "note", "text": lang.t("table.more") % more, "warn": False})
            elif isinstance(block, Drawing):
                continue  # the page draws the map itself, from the scope's figures, with links
            elif isinstance(block, BarChart | LineChart | GroupChart):
                blocks.append({"type": "chart", "key": block.key, "title": block.title, "svg": chart(block, lang)})
            else:
                blocks.append({"type": "note", "text": block.text, "warn": block.warn})
        if blocks:
            out.append({"title": section.title, "blocks": blocks})
    return out


def programme_page(scope: Scope, lang: WebLang) -> Page:
    report = scope.progress()
    doc = progress_document(report, lang.report)
    figures = [{"label": f.label, "value": format_cell(doc.lang, f.value, f.kind) or "–"} for f in doc.figures]
    map_data, map_page = programme_map(scope, lang, report)
    compensation = scope.compensation()
    paid = compensation_document(compensation, lang.report)
    data = {**report_data("progress", report), "map": map_data,
            "compensation": {"months": list(compensation.months),
                             "municipalities": plain(compensation.municipalities),
                             "signed": list(compensation.signed), "unsigned": list(compensation.unsigned),
                             "payable": str(compensation.payable)}}
    sections = [*document_blocks(doc, lang, rows=TABLE_ROWS),
                *document_blocks(paid, lang, keys={"compensation", "municipalities"})]
    return Page("programme.html", doc.title, data,
                {"figures": figures, "sections": sections, "municipalities": scope.municipalities(),
                 "map": map_page})


def _state(state: RouterState | None, router: Any) -> dict[str, Any]:
    found = state.record() if state else {}
    return {
        "router": router.id, "name": router.name, "school": router.school.id, "school_name": router.school.name,
        "model": found.get("model") or router.model,
        "serial": found.get("serial") or router.serial, "routeros": found.get("routeros") or router.routeros,
        "firmware": found.get("firmware"), "last_operation": found.get("last_operation"),
        "last_status": found.get("last_status"), "last_at": found.get("last_at"), "drift": found.get("drift"),
        "seen_at": found.get("seen_at"), "mismatch": found.get("mismatch"), "known": state is not None,
    }


def event_record(event: Event) -> dict[str, Any]:
    """An event as the dashboard shows it: its fields and hash, without its neighbours in the chain
    (whose ids and sequence numbers belong to other schools)."""
    return {"id": event.id, "time": event.time.astimezone(UTC).isoformat(timespec="seconds"),
            "technician": event.technician, "school": event.school, "router": event.router, "serial": event.serial,
            "kind": event.kind, "category": event.category, "outcome": event.outcome, "summary": event.summary,
            "details": dict(event.details), "hash": event.hash}


def municipality_page(scope: Scope, lang: WebLang, name: str) -> Page:
    schools = scope.municipality(name)
    done = {d.school for d in scope.progress(scope.events(municipality=name)).done_schools}
    rows = []
    for school in schools:
        states = {s.router: s for s in scope.states(school.id)}
        routers = [_state(states.get(r.id), r) for r in scope.routers(school.id)]
        rows.append({"id": school.id, "name": school.name, "routers": len(routers), "done": school.id in done,
                     "drifting": sum(1 for r in routers if r["drift"]),
                     "unreachable": sum(1 for r in routers if r["last_status"] in UNREACHABLE)})
    versions = Counter(s.routeros or lang.t("unknown") for s in scope.states() if s.school in {x.id for x in schools})
    bars = BarChart("versions", lang.t("versions"), tuple(Bar(v, float(n)) for v, n in sorted(versions.items())))
    plans = [{"school": school.id, "name": school.name, **plan_record(p)} for school in schools for p in school.plan]
    events = scope.events(municipality=name)
    recent = [event_record(e) for e in reversed(events[-RECENT:])]
    compensation = scope.compensation(name)
    paid = compensation_document(compensation, lang.report)
    data = {"municipality": name, "schools": rows, "done": len(done), "total": len(rows), "plans": plans,
            "interventions": {"matched": len(events), "recent": recent},
            "compensation": plain(compensation)}
    return Page("municipality.html", name, data,
                {"chart": chart(bars, lang) if versions else None,
                 "compensation": document_blocks(paid, lang, keys={"compensation", "municipalities",
                                                                     "municipality_month", "missing"}),
                 "ledger_link": f"/ledger?{urlencode({'municipality': name})}"})


def plan_record(plan: Any) -> dict[str, Any]:
    """A planned solution (a school's ``plan:`` entry) as the dashboard shows it."""
    return {"category": plan.category, "note": plan.note, "date": plan.date.isoformat() if plan.date else None}


def school_page(scope: Scope, lang: WebLang, school_id: str) -> Page:
    school = scope.school(school_id)
    states = {s.router: s for s in scope.states(school.id)}
    routers = [_state(states.get(r.id), r) for r in scope.routers(school.id)]
    found = scope.events(school=school.id)
    events = [event_record(e) for e in reversed(found)]
    measures = sorted((e for e in found if e.kind == "measure" and e.outcome == "completed"), key=lambda e: e.time)
    measured = [{"time": e.time.astimezone(UTC).isoformat(timespec="seconds"), "router": e.router,
                 "down_mbps": e.details.get("down_mbps"), "up_mbps": e.details.get("up_mbps"),
                 "contracted_mbps": e.details.get("contracted_mbps")}
                for e in measures]
    assessed = next((a for a in scope.assessment().schools if a.school == school.id), None)
    data = {"school": {"id": school.id, "name": school.name, "municipality": school.municipality,
                       "contracted_mbps": school.connection.contracted_mbps},
            "routers": routers, "events": events, "plan": [plan_record(p) for p in school.plan],
            "measurements": measured,
            "assessment": plain(assessed) if assessed else None}
    points = tuple((lang.report.moment(e.time), float(e.details["down_mbps"])) for e in measures
                   if isinstance(e.details.get("down_mbps"), int | float))
    line = LineChart("bandwidth", lang.t("school.bandwidth"), points,
                     target=float(school.connection.contracted_mbps) if school.connection.contracted_mbps else None,
                     target_label=lang.t("school.contracted"), value_kind="number")
    return Page("school.html", school.name, data,
                {"bandwidth": chart(line, lang) if points else None,
                 "assessment": assessed, "findings": [{"code": f.code, "solution": f.solution,
                                                       "severity": f.severity} for f in assessed.findings]
                 if assessed else []})


def fleet_page(scope: Scope, lang: WebLang) -> Page:
    states = scope.states()
    routers = {r.id: r for r in scope.routers()}
    rows = [_state(s, routers[s.router]) for s in states if s.router in routers]
    versions = Counter(r["routeros"] or lang.t("unknown") for r in rows)
    models = Counter(r["model"] or lang.t("unknown") for r in rows)
    data = {
        "routers": len(routers), "known": len(rows),
        "versions": dict(sorted(versions.items())), "models": dict(sorted(models.items())),
        "drifting": [r for r in rows if r["drift"]],
        "unreachable": [r for r in rows if r["last_status"] in UNREACHABLE],
        "mismatched": [r for r in rows if r["mismatch"]],
    }
    charts = [chart(BarChart(key, lang.t(key), tuple(Bar(k, float(v)) for k, v in sorted(counts.items()))), lang)
              for key, counts in (("versions", versions), ("models", models)) if counts]
    upgrades = scope.upgrades()
    data["compliance"] = {"campaign": upgrades.campaign, "targets": list(upgrades.targets),
                          "compliant": upgrades.compliant, "with_target": upgrades.with_target,
                          "percent": str(upgrades.percent_compliant) if upgrades.percent_compliant is not None
                          else None,
                          "by_model": plain(upgrades.compliance)}
    compliance = document_blocks(upgrades_document(upgrades, lang.report), lang, keys={"compliance"})
    return Page("fleet.html", lang.t("page.fleet"), data,
                {"charts": charts, "compliance": compliance,
                 "compliant": format_cell(lang.report, upgrades.percent_compliant, "percent") or "–"})


def rollouts_page(scope: Scope, lang: WebLang) -> Page:
    runs = []
    for run in scope.runs():
        runs.append({"id": run.id, "operation": run.operation, "started": run.started, "finished": run.finished,
                     "counts": run.counts(),
                     "routers": [{"router": r.get("router"), "status": r.get("status"), "changes": r.get("changes"),
                                  "cause": r.get("reason") or r.get("error") or r.get("cause")}
                                 for r in run.results]})
    return Page("rollouts.html", lang.t("page.rollouts"), {"runs": runs}, {})


@dataclass(frozen=True)
class LedgerFilter:
    """The ledger page's filters, from its query string."""

    school: str | None = None
    municipality: str | None = None
    kind: str | None = None
    technician: str | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1
    """Which page of matching events, newest first (:data:`PAGE_SIZE` a page)."""

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> LedgerFilter:
        def text(name: str) -> str | None:
            value = query.get(name, "").strip()
            return value or None

        def day(name: str) -> date | None:
            value = text(name)
            if value is None:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise InputError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None

        page = text("page") or "1"
        if not page.isascii() or not page.isdigit() or not 1 <= int(page) <= 1_000_000:
            raise InputError(f"page: {page!r} is not a page number (1, 2, …)")
        return cls(text("school"), text("municipality"), text("kind"), text("technician"), day("from"), day("to"),
                   int(page))

    def record(self) -> dict[str, str | None]:
        return {"school": self.school, "municipality": self.municipality, "kind": self.kind,
                "technician": self.technician, "from": self.since.isoformat() if self.since else None,
                "to": self.until.isoformat() if self.until else None}

    def query(self, page: int) -> str:
        """The query string of this filter's page ``page``."""
        given = [(k, v) for k, v in self.record().items() if v is not None]
        return urlencode([*given, *([("page", str(page))] if page > 1 else [])])


def ledger_page(scope: Scope, lang: WebLang, wanted: LedgerFilter) -> Page:
    """One page of the matching events, newest first (``matched`` counts them all), and the chain's state."""
    since = datetime.combine(wanted.since, time.min, UTC) if wanted.since else None
    until = datetime.combine(wanted.until, time.max, UTC) if wanted.until else None
    found = scope.events(school=wanted.school, municipality=wanted.municipality, kind=wanted.kind,
                         technician=wanted.technician, since=since, until=until)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    end = len(found) - (wanted.page - 1) * PAGE_SIZE
    shown = [event_record(e) for e in reversed(found[max(0, end - PAGE_SIZE):max(0, end)])]
    kinds = sorted({e.kind for e in found} | ({wanted.kind} if wanted.kind else set()))
    chain = scope.chain()
    data = {"filter": wanted.record(), "chain_ok": chain.ok, "verified_at": chain.at, "matched": len(found),
            "page": wanted.page, "pages": pages, "events": shown}
    links = {"newer": f"/ledger?{wanted.query(wanted.page - 1)}" if wanted.page > 1 else None,
             "older": f"/ledger?{wanted.query(wanted.page + 1)}" if wanted.page < pages else None}
    return Page("ledger.html", lang.t("page.ledger"), data,
                {"municipalities": scope.municipalities(), "kinds": kinds, "links": links,
                 "verified_at": format_cell(lang.report, datetime.fromisoformat(chain.at), "moment")})
