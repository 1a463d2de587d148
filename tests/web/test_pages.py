"""What each page shows beyond its list: a school's plan, assessment and measured bandwidth over
time; a municipality's plans, interventions and compensation; the fleet's upgrade compliance; the
programme's compensation (municipalities with and without a contract)."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

from starlette.testclient import TestClient

from mikronet.web import UserStore, WebSettings, create_app, open_sources

from .conftest import CESU, FLEET, SCHOOLS, login, record_assessments

PLANNED = """\
    plan:
      - {category: equipment-replacement, note: "hAP lite uz 300 Mbit/s līnijas — ātrāks", date: 2026-03-02}
"""
PROGRAMME = """\
contracts:
  Ādažu novads: {signed: 2021-06-26, amount_eur: 300.0}
  Cēsu novads: {signed: null, amount_eur: 500.0}
"""


def _app(world):  # type: ignore[no-untyped-def]
    """The world's inventory with a plan for LV-0101, contract speeds and the two contracts, opened anew."""
    schools = textwrap.dedent(SCHOOLS).replace(
        '    municipality: "Ādažu novads"\n    connection: {type: optical}\n',
        '    municipality: "Ādažu novads"\n    connection: {type: optical, contracted_mbps: 100, monthly_fee_eur: 40}\n'
        + PLANNED, 1)
    assert PLANNED in schools
    (world.folder / "schools" / "all.yaml").write_text(schools, encoding="utf-8")
    (world.folder / "fleet.yaml").write_text(textwrap.dedent(FLEET) + PROGRAMME, encoding="utf-8")
    sources = open_sources(world.folder, world.sources.ledger.url)
    users = UserStore.load(world.users.path)
    return sources, create_app(sources, users, WebSettings(secret_key="k" * 64))


def test_a_school_shows_its_plan_assessment_and_bandwidth_over_time(world) -> None:  # type: ignore[no-untyped-def]
    sources, app = _app(world)
    try:
        for day, down in ((10, 40.0), (20, 95.5)):
            sources.ledger.append(school="LV-0101", kind="measure", technician="Anna Ādamsone",
                                  router=world.routers["LV-0101"],
                                  details={"down_mbps": down, "up_mbps": 20.0, "contracted_mbps": 100},
                                  time=datetime(2026, 2, day, 9, 0, tzinfo=UTC))
        world.sources = sources
        record_assessments(world)
        client = TestClient(app)
        assert login(client, "adazi").status_code == 303
        data = client.get("/api/schools/LV-0101").json()
        assert data["plan"] == [{"category": "equipment-replacement", "date": "2026-03-02",
                                 "note": "hAP lite uz 300 Mbit/s līnijas — ātrāks"}]
        assert [m["down_mbps"] for m in data["measurements"]][-2:] == [40.0, 95.5]
        assert data["assessment"]["school"] == "LV-0101" and data["school"]["contracted_mbps"] == 100
        html = client.get("/schools/LV-0101").text
        assert 'data-chart="bandwidth"' in html and "<polyline" in html
        assert "hAP lite uz 300 Mbit/s līnijas — ātrāks" in html and "Iekārtu nomaiņa" in html
        assert 'data-assessed="' in html
        assert 'data-chart="bandwidth"' not in client.get("/schools/LV-0102").text  # nothing measured there
    finally:
        sources.ledger.close()


def test_a_municipality_shows_its_plans_interventions_and_compensation(world) -> None:  # type: ignore[no-untyped-def]
    sources, app = _app(world)
    try:
        client = TestClient(app)
        assert login(client, "adazi").status_code == 303
        data = client.get("/api/municipalities/%C4%80da%C5%BEu%20novads").json()
        assert [p["school"] for p in data["plans"]] == ["LV-0101"]
        assert data["interventions"]["matched"] == 2
        assert {e["school"] for e in data["interventions"]["recent"]} == {"LV-0101", "LV-0102"}
        assert [m["municipality"] for m in data["compensation"]["municipalities"]] == ["Ādažu novads"]
        html = client.get("/municipalities/%C4%80da%C5%BEu%20novads").text
        assert 'href="/ledger?municipality=%C4%80da%C5%BEu+novads"' in html
        assert 'data-table="municipalities"' in html and "Maksas kompensācija" in html
        leaked = [word for word in (*CESU, "500,00") if word in html]
        assert not leaked, leaked
    finally:
        sources.ledger.close()


def test_the_programme_shows_compensation_with_and_without_contracts(world) -> None:  # type: ignore[no-untyped-def]
    sources, app = _app(world)
    try:
        ministry, adazi = TestClient(app), TestClient(app)
        assert login(ministry, "ministrija").status_code == 303
        assert login(adazi, "adazi").status_code == 303
        paid = ministry.get("/api/programme").json()["compensation"]
        assert (paid["signed"], paid["unsigned"]) == (["Ādažu novads"], ["Cēsu novads"])
        own = adazi.get("/api/programme").json()["compensation"]
        assert (own["signed"], own["unsigned"]) == (["Ādažu novads"], [])
        assert 'data-chart="compensation"' in ministry.get("/programme").text
    finally:
        sources.ledger.close()


def test_the_fleet_shows_upgrade_compliance_against_the_last_campaign(world) -> None:  # type: ignore[no-untyped-def]
    sources, app = _app(world)
    try:
        sources.ledger.append(school="LV-0101", kind="routeros-upgrade", technician="Anna Ādamsone",
                              router=world.routers["LV-0101"],
                              details={"from": "7.12.1", "to": "7.14.3", "campaign": "ziema",
                                       "target": "7.14.3"})
        client = TestClient(app)
        assert login(client, "ministrija").status_code == 303
        compliance = client.get("/api/fleet").json()["compliance"]
        assert compliance["with_target"] >= 1 and compliance["compliant"] >= 1
        assert 'data-table="compliance"' in client.get("/fleet").text
    finally:
        sources.ledger.close()



def test_a_long_table_on_a_page_is_cut_with_a_note_of_the_rest() -> None:
    from mikronet.reports.document import Column, Document, Section, Table
    from mikronet.web.labels import web_lang
    from mikronet.web.views import document_blocks

    lang = web_lang("lv")
    rows = tuple((f"LV-{n:04d}", f"Skola Nr. {n} — ņ") for n in range(60))
    doc = Document("progress", lang.report, "T", "", datetime(2026, 1, 1, tzinfo=UTC), (),
                   (Section("Gaida", (Table("pending", "Gaida", (Column("Id", "code"), Column("Nosaukums")), rows),)),))
    cut = document_blocks(doc, lang, rows=50)[0]["blocks"]
    assert len(cut[0]["rows"]) == 50 and cut[0]["rows"][-1][0] == "LV-0049"
    assert cut[1]["type"] == "note" and "10" in cut[1]["text"]
    whole = document_blocks(doc, lang)[0]["blocks"]
    assert len(whole) == 1 and len(whole[0]["rows"]) == 60
