"""Assessment against hand-worked fixtures: each school's findings, the solution each calls for, and
the evidence it carries; the report lists the schools by need, per municipality, in every format."""

from __future__ import annotations

import json
from dataclasses import replace

import jsonschema

from mikronet.reports import SCHEMA_FILE, assess_school, build_assessment, load_advisories, render_report
from mikronet.reports.needs import SchoolNeeds

from .assessment_fixtures import BY_ID, INVENTORY, MEASURES, NOW, routers_of
from .fixtures import Event, Router, at


def needs(school_id: str, routers: tuple[Router, ...] | None = None) -> SchoolNeeds:
    chosen = routers_of(school_id) if routers is None else routers
    return assess_school(BY_ID[school_id], chosen, MEASURES, load_advisories())


def test_a_hap_lite_on_a_300_mbit_line_needs_replacing() -> None:
    found = needs("LV-0101")
    assert (found.contracted_mbps, found.measured_down_mbps, found.measurements) == (300, 94.0, 3)
    assert [(f.code, f.solution, f.router) for f in found.findings] == [
        ("router-capacity", "equipment-replacement", "LV-0101/gw")]
    evidence = found.findings[0].evidence
    assert (evidence["model_name"], evidence["port_mbps"], evidence["capacity_mbps"], evidence["contracted_mbps"]) \
        == ("hAP lite", 100, 100, 300)
    assert "10/100" in evidence["source"]  # the datasheet the figure comes from
    # 94 of 300 is under half, but the router explains it: no consultation on top
    assert found.solutions == ("equipment-replacement",)


def test_a_school_measuring_40_percent_of_its_contract_needs_a_consultation() -> None:
    found = needs("LV-0102")
    assert found.share == 0.4
    assert [(f.code, f.solution) for f in found.findings] == [("underperforming", "consultation")]
    assert dict(found.findings[0].evidence) == {
        "contracted_mbps": 100, "measured_down_mbps": 40.0, "measurements": 3, "share": 0.4, "threshold": 0.5,
        "source": "median of the school's measure events in the ledger"}


def test_a_20_mbit_line_is_the_line_itself() -> None:
    found = needs("LV-0103")
    assert [(f.code, f.solution) for f in found.findings] == [("line", "line")]
    assert found.findings[0].evidence["contracted_mbps"] == 20
    assert found.findings[0].evidence["threshold_mbps"] == 30
    assert found.findings[0].evidence["measured_down_mbps"] == 18.0


def test_an_old_routeros_line_and_its_advisories_call_for_an_upgrade() -> None:
    old = replace(routers_of("LV-0102")[0], routeros="6.48.1")
    found = needs("LV-0102", (old,))
    codes = {f.code: f for f in found.findings}
    assert codes["routeros-unsupported"].evidence["line"] == "6.48"
    assert "CVE-2023-30799" in codes["advisory"].evidence["advisories"]  # fixed in 6.49.7
    assert codes["advisory"].solution == "technical-improvement" and codes["advisory"].severity == 3


def test_nothing_measured_and_nothing_wrong_is_no_need() -> None:
    found = needs("LV-0104", ())
    assert (found.findings, found.measured_down_mbps, found.share) == ((), None, None)


def recorded_assessments() -> list[Event]:
    out = []
    for seq, school in enumerate(("LV-0102", "LV-0103", "LV-0101", "LV-0104"), 100):
        routers = () if school == "LV-0104" else routers_of(school)
        details = assess_school(BY_ID[school], routers, MEASURES, load_advisories()).record()
        out.append(Event(seq, f"ev-{seq}", at("2026-12-01 08:00"), "Anna Bērziņa", school, None, None, "assessment",
                         None, details, "completed", prev_hash="", hash=f"h{seq}"))
    return out


def test_the_report_lists_schools_by_need_per_municipality() -> None:
    events = [*MEASURES, *recorded_assessments()[:3]]  # LV-0104 not assessed
    report = build_assessment(INVENTORY, events, now=NOW)
    # severity 3 first (router, line), the lower share first among equals; then the consultation
    assert [s.school for s in report.schools] == ["LV-0101", "LV-0103", "LV-0102"]
    assert dict(report.by_solution) == {"consultation": 1, "equipment-replacement": 1, "additional-device": 0,
                                        "technical-improvement": 0, "line": 1}
    rows = {m.municipality: (m.schools, m.assessed, m.needing, dict(m.by_solution)["line"])
            for m in report.by_municipality}
    assert rows["Ludzas novads"] == (1, 1, 1, 1) and rows["Ogres novads"] == (1, 0, 0, 0)
    assert report.not_assessed == (("LV-0104", "Ogres tehnikums", "Ogres novads"),)


def test_the_report_in_every_format_and_language() -> None:
    report = build_assessment(INVENTORY, [*MEASURES, *recorded_assessments()], now=NOW)
    md = render_report(report, "md", "lv")
    assert "Skolu vajadzību novērtējums" in md and "Iekārtu nomaiņa" in md
    assert r"hAP lite \(RB941-2nD\) nodrošina ne vairāk kā 100 Mbit/s \(portu ātrums\) 300 Mbit/s" in md
    assert "Vidējā/ilgā termiņā: pats pieslēgums" in md
    en = render_report(report, "md", "en")
    assert "median 40.0 Mbit/s of 3 measurements against 100 Mbit/s contracted" in en
    csv_text = render_report(report, "csv", "en", table="schools")
    assert csv_text.splitlines()[1].startswith("LV-0101,")
    data = json.loads(render_report(report, "json"))
    assert data["report"] == "assessment" and data["data"]["schools"][0]["findings"][0]["code"] == "router-capacity"
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")),
                                                format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(data)] == []
    assert "<svg" in render_report(report, "html", "lv")
