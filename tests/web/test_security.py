"""The dashboard's defences: login limits, session expiry, CSRF, cookie flags, headers, escaping of
hostile names and notes, the redactor over every body, and the users file."""

from __future__ import annotations

import os
import stat
from html.parser import HTMLParser

import pytest
import yaml
from starlette.testclient import TestClient

from mikronet.cli.main import main
from mikronet.errors import InputError
from mikronet.inventory import inventory_files, load_inventory
from mikronet.web import UserStore, WebSettings, create_app, open_sources

from .conftest import PASSWORD, SECRET_IN_RECORD, XSS_ATTR, XSS_NAME, XSS_NOTE, csrf_of, login

PAGES = ("/programme", "/fleet", "/rollouts", "/ledger", "/schools/LV-0101", "/schools/LV-0102",
         "/schools/LV-0201", "/municipalities/%C4%80da%C5%BEu%20novads", "/municipalities/C%C4%93su%20novads",
         "/assessment")


def test_login_is_limited_per_user(app, clock) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    for _ in range(5):
        assert login(client, "ministrija", "nepareizi").status_code == 401
    assert login(client, "ministrija").status_code == 429  # even the right password, while limited
    assert client.get("/api/fleet").status_code == 401
    assert login(client, "tehnikis").status_code == 303  # another user from the same address still may
    clock.now += 15 * 60 + 1
    assert login(client, "ministrija").status_code == 303


def test_login_is_limited_per_address(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    for n in range(20):
        assert login(client, f"nav-{n}", "nepareizi").status_code == 401
    response = login(client, "ministrija")
    assert response.status_code == 429
    assert "Pārāk daudz" in response.text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_login_limits_are_shared_by_every_worker(world, clock, request, backend: str) -> None:  # type: ignore[no-untyped-def]
    """Two workers (two applications, each with its own connection to the one ledger) count the same
    failures; the database keeps no name that was typed."""
    url = world.sources.ledger.url if backend == "sqlite" else request.getfixturevalue("pg_schema_url")
    settings = WebSettings(secret_key="k" * 64, clock=clock)
    workers = [open_sources(world.folder, url) for _ in range(2)]
    try:
        clients = [TestClient(create_app(sources, world.users, settings)) for sources in workers]
        for n in range(5):
            assert login(clients[n % 2], "ministrija", "nepareizi-ļoti").status_code == 401
        assert login(clients[0], "ministrija").status_code == 429
        assert login(clients[1], "ministrija").status_code == 429
        stored = workers[0].ledger.backend.fetch("SELECT key FROM login_failures")
        assert len(stored) == 10 and not any("ministrija" in key or "testclient" in key for (key,) in stored)
        clock.now += 15 * 60 + 1
        assert login(clients[1], "ministrija").status_code == 303
    finally:
        for sources in workers:
            sources.ledger.close()


def test_session_expires(app, clock) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "ministrija")
    clock.now += 3599
    assert client.get("/api/fleet").status_code == 200
    clock.now += 2
    assert client.get("/api/fleet").status_code == 401
    assert client.get("/fleet", follow_redirects=False).status_code == 302


def test_login_needs_the_forms_csrf_token(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    client.get("/login")
    for token in (None, "", "forged"):
        data = {"user": "ministrija", "password": PASSWORD} | ({"csrf": token} if token is not None else {})
        assert client.post("/login", data=data, follow_redirects=False).status_code == 403
    assert client.get("/api/fleet").status_code == 401
    other = TestClient(app)  # another browser's token is not this session's
    stolen = csrf_of(other.get("/login").text)
    assert client.post("/login", data={"user": "ministrija", "password": PASSWORD, "csrf": stolen},
                       follow_redirects=False).status_code == 403


def test_logout_needs_the_csrf_token(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "ministrija")
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.post("/logout", data={"csrf": "forged"}, follow_redirects=False).status_code == 403
    assert client.get("/api/fleet").status_code == 200
    token = csrf_of(client.get("/fleet").text)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/fleet").status_code == 401
    assert client.get("/logout").status_code == 405


def test_login_goes_only_to_a_local_page(app) -> None:  # type: ignore[no-untyped-def]
    for target, expected in (("//evil.example/x", "/programme"), ("https://evil.example/", "/programme"),
                             ("/ledger?kind=swap", "/ledger?kind=swap"), ("/\\evil.example", "/programme")):
        client = TestClient(app)
        token = csrf_of(client.get("/login").text)
        response = client.post("/login", data={"user": "tehnikis", "password": PASSWORD, "csrf": token,
                                               "next": target}, follow_redirects=False)
        assert response.headers["location"] == expected


def test_session_cookie_flags(world, clock) -> None:  # type: ignore[no-untyped-def]
    for tls in (False, True):
        app = create_app(world.sources, world.users, WebSettings(secret_key="k" * 64, tls=tls, clock=clock))
        client = TestClient(app, base_url="https://testserver" if tls else "http://testserver")
        response = login(client, "ministrija")
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("mikronet=")
        flags = {part.strip().lower() for part in cookie.split(";")}
        assert {"httponly", "samesite=strict", "path=/"} <= flags
        assert any(f.startswith("max-age=") for f in flags)
        assert ("secure" in flags) is tls
        assert ("strict-transport-security" in response.headers) is tls


def test_every_response_has_the_security_headers(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    anonymous = [client.get(p, follow_redirects=False) for p in ("/login", "/programme", "/api/fleet",
                                                                 "/static/style.css", "/nowhere", "/api/openapi.json")]
    login(client, "adazi")
    responses = anonymous + [client.get(p) for p in (*PAGES, "/api/schools/LV-0201")]
    for response in responses:
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


class _Inline(HTMLParser):
    """Collects what a page would run or style inline: script and style elements, on* and style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.found.append(tag)
        self.found += [f"{tag}[{name}]" for name, _ in attrs if name == "style" or name.startswith("on")]


def test_pages_have_no_inline_script_or_style(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "ministrija")
    for path in (*PAGES, "/login"):
        parser = _Inline()
        parser.feed(client.get(path).text)
        assert parser.found == [], path


def test_hostile_names_and_notes_are_text(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "ministrija")
    pages = {p: client.get(p).text for p in (*PAGES, "/ledger?school=LV-0101")}
    for path, page in pages.items():
        for payload in (XSS_NAME, XSS_ATTR, XSS_NOTE, "<img src=x"):
            assert payload not in page, (path, payload)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["/schools/LV-0102"]
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages["/schools/LV-0201"]
    assert "&lt;script&gt;alert(3)&lt;/script&gt; Wi-Fi pārklājums" in pages["/ledger?school=LV-0101"]
    # the JSON twin carries the name as it is, as JSON, never as HTML
    school = client.get("/api/schools/LV-0102")
    assert school.headers["content-type"].startswith("application/json")
    assert school.json()["school"]["name"] == XSS_NAME


def test_no_secret_reaches_a_body(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "ministrija")
    page, api = client.get("/rollouts").text, client.get("/api/rollouts").text
    for body in (page, api):
        assert SECRET_IN_RECORD not in body
        assert "token ***" in body


def test_user_add_writes_a_private_file_of_hashes(world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MIKRONET_USER_PASSWORD", "Jauna-parole-ščū")
    status = main(["-i", str(world.folder), "user", "add", "pilsēta", "--role", "municipality",
                   "--municipality", "Cēsu novads"])
    assert status == 0
    path = world.folder / "users.yaml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert "Jauna-parole-ščū" not in text and PASSWORD not in text
    entry = yaml.safe_load(text)["users"]["pilsēta"]
    assert entry["role"] == "municipality" and entry["hash"].startswith("$argon2id$")
    store = UserStore.load(path)
    assert store.authenticate("pilsēta", "Jauna-parole-ščū") is not None
    assert store.authenticate("pilsēta", "cita") is None
    assert store.authenticate("ministrija", PASSWORD) is not None  # the others are kept


@pytest.mark.parametrize("args", [
    ["--role", "municipality"],                                   # no municipality
    ["--role", "municipality", "--municipality", "Nekurienes novads"],
    ["--role", "ministry", "--municipality", "Cēsu novads"],
    ["--role", "king"],
])
def test_user_add_refuses_bad_input_with_status_2(world, monkeypatch: pytest.MonkeyPatch, capsys,  # type: ignore[no-untyped-def]
                                                  args: list[str]) -> None:
    monkeypatch.setenv("MIKRONET_USER_PASSWORD", "Jauna-parole-ščū")
    assert main(["-i", str(world.folder), "user", "add", "jānis", *args]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert UserStore.load(world.folder / "users.yaml").get("jānis") is None


def test_a_broken_users_file_names_its_line(world) -> None:  # type: ignore[no-untyped-def]
    path = world.folder / "users.yaml"
    path.write_text("users:\n  a: {role: king, hash: x}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"users\.yaml.*king"):
        UserStore.load(path)


def test_the_users_file_is_not_read_as_inventory(world) -> None:  # type: ignore[no-untyped-def]
    assert (world.folder / "users.yaml").exists()
    assert all(p.name != "users.yaml" for p in inventory_files(world.folder))
    assert len(load_inventory(world.folder).schools) == 4


def test_a_user_added_while_serving_can_log_in(app, world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    assert login(client, "jauns", "Jauna-parole-ščū").status_code == 401
    monkeypatch.setenv("MIKRONET_USER_PASSWORD", "Jauna-parole-ščū")
    assert main(["-i", str(world.folder), "user", "add", "jauns", "--role", "technician"]) == 0
    assert login(client, "jauns", "Jauna-parole-ščū").status_code == 303
    assert client.get("/api/fleet").json()["routers"] == 4
