"""Single sign-on through a reverse proxy's authenticated-user header (``--proxy-user-header``): the
user the proxy names, with that user's role and scope, believed only from a trusted proxy's own
address; every other peer's header counts for nothing."""

from __future__ import annotations

import time
from urllib.parse import quote

import httpx
import pytest
from starlette.testclient import TestClient

from mikronet.cli.main import main
from mikronet.errors import InputError
from mikronet.web import WebSettings, create_app
from mikronet.web.proxy import TrustedProxies, check_header_name

from .conftest import ADAZI, CESU, PASSWORD, csrf_of, login
from .test_serve import _free_port, _serve

LATVIAN = "ilze.bērziņa"  # a Cēsu novads municipality user
PROXY = ("127.0.0.1", 51000)
STRANGER = ("192.0.2.7", 51000)


def _settings(clock, **extra):  # type: ignore[no-untyped-def]
    return WebSettings(secret_key="k" * 64, clock=clock, session_seconds=3600, proxy_user_header="X-Remote-User",
                       **extra)


@pytest.fixture
def sso(world, clock):  # type: ignore[no-untyped-def]
    world.users.add(LATVIAN, "municipality", PASSWORD, "Cēsu novads")
    world.users.save()
    return create_app(world.sources, world.users, _settings(clock))


def _as(name: str | bytes) -> dict[str, str | bytes]:
    return {"X-Remote-User": name}


def test_the_proxy_names_the_user_without_password_or_cookie(sso) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(sso, client=PROXY)
    everything = client.get("/api/fleet", headers=_as("ministrija"))
    assert everything.status_code == 200 and everything.json()["routers"] == 4
    page = client.get("/fleet", headers=_as("adazi"), follow_redirects=False)
    assert page.status_code == 200
    assert "adazi" in page.text and ADAZI[0] in page.text
    assert not any(word in page.text for word in CESU)  # the municipality user sees only its own schools
    assert client.get("/api/fleet", headers=_as("adazi")).json()["routers"] == 2
    school = client.get("/api/schools/LV-0201", headers=_as("adazi"))
    assert school.status_code == 404
    assert client.get("/login", headers=_as("adazi"), follow_redirects=False).headers["location"] == "/programme"


def test_latvian_names_percent_encoded_or_raw_utf8(sso) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(sso, client=PROXY)
    for value in (quote(LATVIAN), LATVIAN.encode("utf-8")):
        answer = client.get("/api/fleet", headers=_as(value))
        assert answer.status_code == 200, value
        assert answer.json()["routers"] == 2
        assert "CES0000001" in client.get("/api/schools/LV-0201", headers=_as(value)).text
        assert client.get("/api/schools/LV-0101", headers=_as(value)).status_code == 404
    unreadable = client.get("/fleet", headers=_as("ilze.b%E7rzi%F1a"))  # latin-1 percent-encoded: not UTF-8
    assert unreadable.status_code == 403 and "UTF-8" in unreadable.text


def test_an_unknown_user_is_refused_with_a_page_not_a_login_form(sso) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(sso, client=PROXY)
    for path in ("/fleet", "/login", "/programme?lang=en"):
        page = client.get(path, headers=_as(quote("jānis.svešais")), follow_redirects=False)
        assert page.status_code == 403, path
        assert "jānis.svešais" in page.text and "mikronet user add" in page.text
        assert 'name="password"' not in page.text
    api = client.get("/api/fleet", headers=_as(quote("nav-tāda")))
    assert api.status_code == 403 and "nav-tāda" in api.json()["error"]
    hostile = client.get("/fleet", headers=_as(quote("<script>alert(9)</script>")))
    assert hostile.status_code == 403 and "<script>alert(9)" not in hostile.text


@pytest.mark.parametrize("forwarded", [None, "127.0.0.1", "127.0.0.1, ::1"])
def test_the_header_from_any_other_peer_is_ignored(sso, forwarded: str | None) -> None:  # type: ignore[no-untyped-def]
    """Not a proxy: no user, whatever the header says (and whatever X-Forwarded-For claims)."""
    client = TestClient(sso, client=STRANGER)
    headers: dict[str, str | bytes] = {**_as("ministrija"), **({"X-Forwarded-For": forwarded} if forwarded else {})}
    assert client.get("/api/fleet", headers=headers).status_code == 401
    page = client.get("/fleet", headers=headers, follow_redirects=False)
    assert page.status_code == 302 and page.headers["location"].startswith("/login")
    assert client.get("/api/fleet", headers=_as("nobody")).status_code == 401  # not even a 403: ignored
    assert login(client, "adazi").status_code == 303  # the form still works for it
    assert client.get("/api/fleet", headers=headers).json()["routers"] == 2  # still adazi, not the header's


def test_without_the_option_no_header_counts(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, client=PROXY)
    assert client.get("/api/fleet", headers=_as("ministrija")).status_code == 401
    assert client.get("/api/fleet", headers={"X-Forwarded-User": "ministrija"}).status_code == 401


def test_the_proxy_wins_over_a_session_and_forms_are_the_fallback(sso) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(sso, client=PROXY)
    assert client.get("/fleet", follow_redirects=False).status_code == 302  # no header: the login form
    assert login(client, "ministrija").status_code == 303
    assert client.get("/api/fleet").json()["routers"] == 4
    assert client.get("/api/fleet", headers=_as("adazi")).json()["routers"] == 2


def test_forms_still_need_their_csrf_token(sso) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(sso, client=PROXY)
    page = client.get("/programme", headers=_as("tehnikis"))
    assert page.status_code == 200
    forged = client.post("/logout", headers=_as("tehnikis"), data={"csrf": "x" * 43}, follow_redirects=False)
    assert forged.status_code == 403
    other = TestClient(sso, client=PROXY)  # another browser of the same user: its own session, its own token
    assert other.post("/logout", headers=_as("tehnikis"), data={"csrf": csrf_of(page.text)},
                      follow_redirects=False).status_code == 403
    assert client.post("/logout", headers=_as("tehnikis"), data={"csrf": csrf_of(page.text)},
                       follow_redirects=False).status_code == 303


def test_trusted_proxies_by_network(world, clock) -> None:  # type: ignore[no-untyped-def]
    app = create_app(world.sources, world.users, _settings(clock, trusted_proxies=("10.20.0.0/16", "2001:db8::1")))
    assert TestClient(app, client=("10.20.3.4", 1)).get("/api/fleet", headers=_as("cesis")).json()["routers"] == 2
    assert TestClient(app, client=("2001:db8::1", 1)).get("/api/fleet", headers=_as("cesis")).status_code == 200
    assert TestClient(app, client=("10.21.0.1", 1)).get("/api/fleet", headers=_as("cesis")).status_code == 401
    assert TestClient(app, client=PROXY).get("/api/fleet", headers=_as("cesis")).status_code == 401


def test_forwarded_for_is_believed_from_proxies_alone(world, clock) -> None:  # type: ignore[no-untyped-def]
    """Login limits per address count the client X-Forwarded-For names when a proxy sends it, and the
    peer's own address when anyone else does (so a stranger cannot spread its failures over names)."""
    app = create_app(world.sources, world.users, _settings(clock, login_limit_address=3, login_limit_user=100))
    proxy, stranger = TestClient(app, client=PROXY), TestClient(app, client=STRANGER)
    proxy.headers.update({"X-Forwarded-For": "203.0.113.9"})
    for n in range(3):
        assert login(proxy, "ministrija", "nepareizi").status_code == 401
        stranger.headers.update({"X-Forwarded-For": f"198.51.100.{n}, 127.0.0.1"})
        assert login(stranger, "ministrija", "nepareizi").status_code == 401
    assert login(proxy, "ministrija").status_code == 429  # 203.0.113.9 is blocked
    proxy.headers.update({"X-Forwarded-For": "203.0.113.10"})
    assert login(proxy, "ministrija").status_code == 303  # another client behind the same proxy is not
    stranger.headers.update({"X-Forwarded-For": "198.51.100.77"})
    assert login(stranger, "ministrija").status_code == 429  # the stranger is itself, whatever it claims


def test_trust_and_header_names_are_checked() -> None:
    trusted = TrustedProxies(["127.0.0.1", "::1", "10.0.0.0/8"])
    assert "::ffff:127.0.0.1" in trusted and "10.9.8.7" in trusted and "[::1]" in trusted
    assert "127.0.0.2" not in trusted and "testclient" not in trusted and None not in trusted
    assert trusted.client("192.0.2.1, 10.0.0.5, 127.0.0.1") == "192.0.2.1"
    assert trusted.client("198.51.100.3, 192.0.2.1:4711, 10.0.0.5") == "192.0.2.1"
    assert trusted.client("[2001:db8::9]:80") == "2001:db8::9"
    assert trusted.client("10.0.0.1, 127.0.0.1") == "10.0.0.1"
    with pytest.raises(InputError, match="not-an-address"):
        TrustedProxies(["not-an-address"])
    assert check_header_name("X-Remote-User") == "x-remote-user"
    for bad in ("Cookie", "X-Forwarded-For", "X Remote User", ""):
        with pytest.raises(InputError):
            check_header_name(bad)


def test_serve_refuses_bad_options_with_status_2(world, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["-i", str(world.folder), "serve", "--proxy-user-header", "X-Remote-User",
                 "--trusted-proxy", "10.0.0.0/33"]) == 2
    assert "10.0.0.0/33" in capsys.readouterr().err
    assert main(["-i", str(world.folder), "serve", "--proxy-user-header", "Authorization"]) == 2
    assert "Authorization" in capsys.readouterr().err


def _until_up(process, client: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(process.stderr.read())
        try:
            client.get("/login")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("no answer")


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_with_single_sign_on_over_a_socket(world, workers: int) -> None:  # type: ignore[no-untyped-def]
    """Through uvicorn: the proxy on loopback names the user even with X-Forwarded-For naming the real
    client (the peer is what is trusted, not the forwarded address)."""
    world.users.add(LATVIAN, "municipality", PASSWORD, "Cēsu novads")
    world.users.save()
    port = _free_port()
    process = _serve(world.folder, "--port", str(port), "--workers", str(workers),
                     "--proxy-user-header", "X-Remote-User")
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as client:
            _until_up(process, client)
            forwarded = {"X-Forwarded-For": "198.51.100.4", "X-Forwarded-Proto": "https"}
            answer = client.get("/api/fleet", headers={"X-Remote-User": quote(LATVIAN), **forwarded})
            assert answer.status_code == 200 and answer.json()["routers"] == 2
            assert client.get("/api/fleet", headers={"X-Remote-User": "ministrija"}).json()["routers"] == 4
            raw = client.get("/api/schools/LV-0202", headers={"X-Remote-User": LATVIAN.encode("utf-8")})
            assert raw.status_code == 200 and "Cēsu Valsts ģimnāzija" in raw.text
            latin = client.get("/fleet", headers={"X-Remote-User": "ilze.bçrziña".encode("latin-1")})
            assert latin.status_code == 403 and "UTF-8" in latin.text
            assert client.get("/fleet", headers={"X-Remote-User": "sve%C5%A1ais"}).status_code == 403
            assert client.get("/api/fleet", headers=forwarded).status_code == 401
    finally:
        process.terminate()
        process.wait(20)


def test_serve_ignores_the_header_from_a_peer_it_does_not_trust(world) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    process = _serve(world.folder, "--port", str(port), "--proxy-user-header", "X-Remote-User",
                     "--trusted-proxy", "192.0.2.1")
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as client:
            _until_up(process, client)
            spoofed = {"X-Remote-User": "ministrija", "X-Forwarded-For": "192.0.2.1"}
            assert client.get("/api/fleet", headers=spoofed).status_code == 401
            page = client.get("/fleet", headers=spoofed)
            assert page.status_code == 302 and page.headers["location"].startswith("/login")
    finally:
        process.terminate()
        process.wait(20)
