"""The access matrix: every role × every page and API route × a school inside and outside the user's
municipality. A municipality user gets 404 for anything of another municipality (as for what does not
exist), and no body it receives names or counts anything of another municipality."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from .conftest import ADAZI, CESU, login, record_assessments

ROLES = ("anonymous", "ministrija", "tehnikis", "adazi")
INSIDE = {"school": "LV-0101", "municipality": "Ādažu novads"}
OUTSIDE = {"school": "LV-0201", "municipality": "Cēsu novads"}
MISSING = {"school": "LV-9999", "municipality": "Nekurienes novads"}

PLAIN = ("/programme", "/fleet", "/rollouts", "/ledger", "/assessment")
PER_PLACE = ("/schools/{school}", "/municipalities/{municipality}", "/ledger?school={school}",
             "/ledger?municipality={municipality}")


def _routes() -> list[tuple[str, str]]:
    """(where, path) pairs: the plain pages, and the per-school pages for each kind of place."""
    out = [("any", p) for p in PLAIN]
    for where, place in (("inside", INSIDE), ("outside", OUTSIDE), ("missing", MISSING)):
        out += [(where, p.format(**{k: quote(v) for k, v in place.items()})) for p in PER_PLACE]
    return out + [(where, "/api" + path) for where, path in out]


def _expected(role: str, where: str, path: str) -> int:
    api = path.startswith("/api/")
    if role == "anonymous":
        return 401 if api else 302
    if where == "missing" or (where == "outside" and role == "adazi"):
        return 404
    return 200


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role: str) -> None:  # type: ignore[no-untyped-def]
    record_assessments(world)  # every school assessed: the assessment pages have something to leak
    client = TestClient(app)
    if role != "anonymous":
        assert login(client, role).status_code == 303
    seen = []
    for where, path in _routes():
        response = client.get(path, follow_redirects=False)
        expected = _expected(role, where, path)
        assert response.status_code == expected, (role, path, response.status_code)
        if expected == 302:
            assert response.headers["location"].startswith("/login?next=")
        if path.startswith("/api/") and expected == 200:
            assert response.headers["content-type"].startswith("application/json")
        if role == "adazi":
            leaked = [word for word in CESU if word in response.text]
            assert not leaked, (path, leaked)
        seen.append(response.text)
    if role in ("ministrija", "tehnikis"):
        everything = "".join(seen)
        # the same walk shows them all to the ministry (LV-0202's serial is on its school page, not walked)
        assert [word for word in CESU if word not in everything] == ["CES0000002"]


def test_municipality_totals_are_its_own(app) -> None:  # type: ignore[no-untyped-def]
    """The programme's figures for a municipality count its schools only, and its target is its own."""
    client = TestClient(app)
    login(client, "adazi")
    data = client.get("/api/programme").json()
    assert data["report"] == "progress"
    assert (data["data"]["inventory_schools"], data["data"]["target"], data["data"]["done"]) == (2, 2, 2)
    assert [m["municipality"] for m in data["data"]["by_municipality"]] == ["Ādažu novads"]
    text = client.get("/api/programme").text
    assert "563" not in text  # the national enrolment is not a municipality's figure
    fleet = client.get("/api/fleet").json()
    assert fleet["routers"] == 2
    assert fleet["versions"] == {"6.49.18": 1, "7.14.3": 1}
    assert [r["school"] for r in fleet["unreachable"]] == ["LV-0102"]
    ledger = client.get("/api/ledger").json()
    assert ledger["matched"] == 2
    assert {e["school"] for e in ledger["events"]} == {"LV-0101", "LV-0102"}
    runs = client.get("/api/rollouts").json()["runs"]
    assert [r["id"] for r in runs] == ["20260102T080000Z-push"]
    assert [r["router"] for r in runs[0]["routers"]] == ["LV-0101/gw"]


def test_ministry_sees_every_municipality(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "ministrija")
    fleet = client.get("/api/fleet").json()
    assert fleet["routers"] == 4
    assert [r["router"] for r in fleet["mismatched"]] == ["LV-0201/gw"]
    assert client.get("/api/ledger").json()["matched"] == 4
    assert client.get("/api/ledger?technician=Ģirts Cēsnieks").json()["matched"] == 2
    assert client.get("/api/ledger?kind=consultation&from=2026-01-06").json()["matched"] == 1
    page = client.get("/programme").text
    assert all(word in page for word in ("Ādažu novads", "Cēsu novads"))
    assert {r["id"] for r in client.get("/api/rollouts").json()["runs"]} == {"20260102T080000Z-push",
                                                                             "20260102T080000Z-upgrade"}


def test_municipality_user_sees_its_own_school_page(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "adazi")
    school = client.get("/api/schools/LV-0101").json()
    assert school["school"]["municipality"] == "Ādažu novads"
    router = school["routers"][0]
    assert (router["model"], router["serial"], router["routeros"], router["last_status"], router["drift"]) == \
        ("RB4011iGS+", "ADA0000001", "7.14.3", "changed", True)
    page = client.get("/schools/LV-0101").text
    assert all(word in page for word in ADAZI)


def test_bad_filter_is_400_not_a_traceback(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "ministrija")
    response = client.get("/api/ledger?from=yesterday")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["error"]
    assert "Traceback" not in client.get("/ledger?to=31.12.2026").text


def test_openapi_lists_every_api_route(app) -> None:  # type: ignore[no-untyped-def]
    spec = TestClient(app).get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    api_paths = {route.path for route in app.routes if getattr(route, "path", "").startswith("/api/")}
    assert set(spec["paths"]) == api_paths - {"/api/openapi.json"}


def test_language_from_the_query_is_remembered(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "adazi")
    assert "Skolas ar īstermiņa uzlabojumiem" in client.get("/programme").text  # Latvian by default
    english = client.get("/ledger?kind=consultation&lang=en")
    assert "Ledger of interventions" in english.text
    assert 'href="/ledger?kind=consultation&amp;lang=lv"' in english.text  # the switch keeps the filters
    assert "Schools with a short-term improvement" in client.get("/programme").text
    assert "Nav atrasts" in client.get("/api/schools/LV-0201?lang=lv").json()["error"]


def test_pages_kept_for_one_scope_never_reach_another(app) -> None:  # type: ignore[no-untyped-def]
    """Rendered pages are kept per scope: the ministry's, kept first, are not what a municipality gets."""
    ministry, adazi = TestClient(app), TestClient(app)
    assert login(ministry, "ministrija").status_code == 303
    assert login(adazi, "adazi").status_code == 303
    paths = [p for _, p in _routes() if "LV-0201" not in p and "C%C4%93su" not in p]
    for path in paths:
        ministry.get(path)
    for path in paths:
        response = adazi.get(path)
        leaked = [word for word in CESU if word in response.text]
        assert not leaked, (path, leaked)
    assert "ministrija" not in adazi.get("/programme").text  # the frame is the user's own, not a kept one's


def test_a_change_to_the_record_shows_on_the_next_request(app, world) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    assert login(client, "ministrija").status_code == 303
    assert "Jaunais ieraksts ū" not in client.get("/ledger").text
    assert "7.99.2" not in client.get("/fleet").text
    world.sources.ledger.append(school="LV-0202", kind="consultation", technician="Ģirts Cēsnieks",
                                details={"note": "Jaunais ieraksts ū"})
    world.sources.ledger.state.update(world.routers["LV-0202"], "LV-0202",
                                      {"routeros": "7.99.2", "updated_at": "2026-01-09T10:00:00+00:00"})
    assert "Jaunais ieraksts ū" in client.get("/ledger").text
    assert "7.99.2" in client.get("/fleet").text
    assert client.get("/api/ledger").json()["matched"] == 5


def test_the_ledger_is_paged_newest_first(app, world) -> None:  # type: ignore[no-untyped-def]
    for n in range(60):
        world.sources.ledger.append(school="LV-0101", kind="consultation", technician="Anna Ādamsone",
                                    details={"note": f"piezīme {n}"})
    client = TestClient(app)
    assert login(client, "adazi").status_code == 303
    first = client.get("/api/ledger?kind=consultation").json()
    assert (first["matched"], first["page"], first["pages"], len(first["events"])) == (61, 1, 2, 50)
    assert first["events"][0]["details"]["note"] == "piezīme 59"
    second = client.get("/api/ledger?kind=consultation&page=2").json()
    assert len(second["events"]) == 11 and second["events"][-1]["kind"] == "consultation"
    assert {e["id"] for e in first["events"]}.isdisjoint(e["id"] for e in second["events"])
    html = client.get("/ledger?kind=consultation").text
    assert 'href="/ledger?kind=consultation&amp;page=2"' in html
    assert first["verified_at"] and first["chain_ok"] is True
    assert client.get("/api/ledger?page=0").status_code == 400
    assert client.get("/api/ledger?page=x").status_code == 400


def test_assessment_is_the_scopes_own(app, world) -> None:  # type: ignore[no-untyped-def]
    """The assessment page and its JSON: a municipality user's schools only, counted as its own; the
    ministry's covers every school. Measured figures are the median of the school's measurements."""
    record_assessments(world)
    client = TestClient(app)
    login(client, "adazi")
    data = client.get("/api/assessment").json()
    assert (data["schema_version"], data["report"]) == (1, "assessment")
    report = data["data"]
    assert [s["school"] for s in report["schools"]] == ["LV-0101", "LV-0102"]  # the one in need first
    first = report["schools"][0]
    assert (first["measured_down_mbps"], first["measurements"]) == (20.0, 2)
    assert "line" in first["solutions"]
    assert [m["municipality"] for m in report["by_municipality"]] == ["Ādažu novads"]
    assert dict(report["by_solution"])["line"] == 1
    assert report["not_assessed"] == []
    page = client.get("/assessment").text
    assert "Skolu vajadzību novērtējums" in page and "Ādažu vidusskola" in page
    assert page.count('<rect class="bar"') >= 2  # the solutions chart and the bandwidth chart have marks
    assert 'data-chart="bandwidth"' in page and 'data-chart="solutions"' in page
    assert "<script>alert(1)</script>" not in page  # the hostile name is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    english = client.get("/assessment?lang=en").text
    assert "Assessment of the schools' needs" in english or "Assessment of the schools&#39; needs" in english

    ministry = TestClient(app)
    login(ministry, "ministrija")
    everything = ministry.get("/api/assessment").json()["data"]
    assert {s["school"] for s in everything["schools"]} == {"LV-0101", "LV-0102", "LV-0201", "LV-0202"}
    assert dict(everything["by_solution"])["line"] == 2
    assert [m["municipality"] for m in everything["by_municipality"]] == ["Ādažu novads", "Cēsu novads"]


def test_assessment_before_any_is_recorded(app) -> None:  # type: ignore[no-untyped-def]
    """With no assessment in the ledger every visible school is listed as not assessed yet."""
    client = TestClient(app)
    login(client, "adazi")
    report = client.get("/api/assessment").json()["data"]
    assert report["schools"] == []
    assert [row[0] for row in report["not_assessed"]] == ["LV-0101", "LV-0102"]
    page = client.get("/assessment")
    assert page.status_code == 200 and 'data-chart="bandwidth"' not in page.text


def test_the_map_is_the_scopes_own(app) -> None:  # type: ignore[no-untyped-def]
    """The programme's map: the ministry sees every municipality with schools shaded and the others
    named; a municipality user sees its own shaded and the rest as nameless outlines, and its JSON
    holds its own figures only."""
    ministry = TestClient(app)
    login(ministry, "ministrija")
    data = ministry.get("/api/programme").json()["map"]
    assert [(a["municipality"], a["schools"], a["done"], a["percent"]) for a in data["areas"]] == \
        [("Ādažu novads", 2, 2, "100.0"), ("Cēsu novads", 2, 0, "0.0")]
    assert data["not_on_map"] == [] and data["source"]["licence"] == "CC0 1.0"
    page = ministry.get("/programme").text
    assert page.count('<path class="area"') == 2 and page.count('<path class="empty"') == 40
    assert '<a href="/municipalities/%C4%80da%C5%BEu%20novads">' in page
    assert "Cēsu novads: paveikts 0 no 2 skolām" in page

    adazi = TestClient(app)
    login(adazi, "adazi")
    data = adazi.get("/api/programme").json()["map"]
    assert [a["municipality"] for a in data["areas"]] == ["Ādažu novads"]
    page = adazi.get("/programme").text
    assert page.count('<path class="area"') == 1 and page.count('<path class="outline"') == 41
    assert '<path class="empty"' not in page
    assert "Ādažu novads: paveikts 2 no 2 skolām" in page
    assert not [name for name in ("Cēsu novads", "Rīga", "Madonas novads", "Tukuma novads") if name in page]


def test_the_first_pages_are_ready_before_the_first_visit_and_after_a_change(world) -> None:  # type: ignore[no-untyped-def]
    """Started, the dashboard has computed every scope's programme, fleet, ledger and assessment pages
    before it answers; after the record changes, it computes them again without waiting for a visit."""
    import time

    from mikronet.web import Scope, User, WebSettings, create_app
    from mikronet.web.labels import web_lang

    def kept(municipality: str | None) -> object:
        user = User("x", "municipality", municipality) if municipality else User("x", "ministry")
        key = ("page", Scope(world.sources, user).key, web_lang("lv").code, "programme_page", False, ())
        return world.sources.kept_now(key)

    app = create_app(world.sources, world.users, WebSettings(secret_key="k" * 64, prepare_every=0.1))
    assert kept(None) is None
    with TestClient(app) as client:
        assert kept(None) is not None and kept("Ādažu novads") is not None and kept("Cēsu novads") is not None
        world.sources.ledger.append(school="LV-0101", kind="consultation", technician="Anna Ādamsone",
                                    details={"note": "pēc izmaiņām"})
        assert kept("Ādažu novads") is None  # the record changed: what was kept is stale
        deadline = time.monotonic() + 30
        while kept("Ādažu novads") is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kept("Ādažu novads") is not None
        assert login(client, "adazi").status_code == 303
        assert "Ādažu novads" in client.get("/programme").text
