"""The dashboard in a real browser: Playwright driving Debian's Chromium (never a downloaded one; the
launch is the suite's, ``tests/conftest.py`` and ``support.browser``).

Each role logs in through the form and walks the pages: charts are drawn (SVG with bars and lines),
Latvian letters come through, the stylesheet applies under the CSP, and the browser reports no
console error, no CSP violation and no script run by a hostile school name. With ``CI`` or
``MIKRONET_REQUIRE_SERVICES`` set, a missing Playwright or Chromium fails instead of skipping.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
import uvicorn
from support.browser import Watch

from mikronet.web import WebSettings, create_app

from .conftest import PASSWORD, record_assessments

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(world) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The dashboard on 127.0.0.1 and a free port, in a thread of this process; yields its base URL."""
    app = create_app(world.sources, world.users, WebSettings(secret_key="b" * 64))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(500):
        if instance.started:
            break
        thread.join(0.02)
    assert instance.started, "the dashboard did not start"
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)


def _login(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/programme")
    assert page.url.startswith(f"{base}/login")
    page.fill("input[name=user]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/programme")


def _charts(page: Page) -> int:
    """How many charts have drawn marks (bars, lines)."""
    return int(page.eval_on_selector_all(
        "figure.chart svg", "svgs => svgs.filter(s => s.querySelectorAll('rect, polyline, path, line').length)"
                            ".length"))


@pytest.mark.parametrize("role", ["ministrija", "tehnikis", "adazi"])
def test_each_role_walks_the_pages(server: str, page: Page, role: str) -> None:
    watch = Watch(page)
    _login(page, server, role)
    assert _charts(page) >= 2
    body = page.inner_text("body")
    assert "Skolas ar īstermiņa uzlabojumiem" in body and "Ādažu novads" in body
    assert ("Cēsu novads" in body) is (role != "adazi")
    # the stylesheet applies (no inline style: CSP allows only the file)
    border = page.eval_on_selector("header.top", "e => getComputedStyle(e).borderBottomStyle")
    assert border == "solid"
    page.click("nav >> text=Iekārtas")
    page.wait_for_url(f"{server}/fleet")
    assert _charts(page) == 2
    assert page.locator("table[data-table=unreachable] tbody tr").count() == (1 if role == "adazi" else 2)
    page.goto(f"{server}/municipalities/{quote('Ādažu novads')}")
    assert page.locator("table[data-table=schools] tbody tr").count() == 2
    page.click("text=<script>alert(1)</script>")  # the hostile name is a link text, not a script
    page.wait_for_url(f"{server}/schools/LV-0102")
    assert page.locator("h1").inner_text() == "<script>alert(1)</script>"
    page.goto(f"{server}/ledger?school=LV-0101")
    assert "<script>alert(3)</script> Wi-Fi pārklājums" in page.inner_text("table[data-table=events]")
    assert page.get_attribute("p.chain", "data-chain") == "ok"
    page.goto(f"{server}/rollouts")
    assert page.locator("section.run").count() == (1 if role == "adazi" else 2)
    page.goto(f"{server}/programme")
    page.click("a.lang")
    assert "Schools with a short-term improvement" in page.inner_text("body")
    page.click("button:has-text('Log out')")
    page.wait_for_url(f"{server}/login")
    assert page.goto(f"{server}/fleet") is not None and page.url.startswith(f"{server}/login")
    assert watch.problems == []
    _login(page, server, role)
    response = page.goto(f"{server}/schools/LV-0201")  # another municipality's school: as if it did not exist
    assert response is not None and response.status == (404 if role == "adazi" else 200)


@pytest.mark.parametrize("role", ["ministrija", "adazi"])
def test_the_assessment_page_in_the_browser(server: str, world, page: Page, role: str) -> None:  # type: ignore[no-untyped-def]
    """Each school's assessment with the report's charts, in Latvian and English, under the CSP."""
    record_assessments(world)
    watch = Watch(page)
    _login(page, server, role)
    page.click("nav >> text=Novērtējums")
    page.wait_for_url(f"{server}/assessment")
    assert _charts(page) >= 2  # schools per solution, and measured against contracted speed
    assert page.locator("figure[data-chart=bandwidth] svg rect.bar").count() == (2 if role == "adazi" else 4)
    body = page.inner_text("body")
    assert "Skolu vajadzību novērtējums" in body and "Ādažu vidusskola" in body
    assert ("Cēsu novads" in body) is (role != "adazi")
    rows = page.locator("table[data-table=schools] tbody tr").count()
    assert rows == (2 if role == "adazi" else 4)
    page.click("ul[data-list=assessed] >> text=<script>alert(1)</script>")  # a link text, not a script
    page.wait_for_url(f"{server}/schools/LV-0102")
    page.goto(f"{server}/assessment")
    page.click("a.lang")
    assert "Assessment of the schools' needs" in page.inner_text("h1")
    assert watch.problems == []


@pytest.mark.parametrize("role", ["ministrija", "adazi"])
def test_the_map_in_the_browser(server: str, page: Page, role: str) -> None:
    """The programme's map draws under the CSP; its shapes link to their municipality's page."""
    watch = Watch(page)
    _login(page, server, role)
    shaded = page.locator("figure.map svg path.area")
    assert shaded.count() == (1 if role == "adazi" else 2)
    assert page.locator("figure.map svg path").count() == 42
    adazi = f"figure.map a[href='/municipalities/{quote('Ādažu novads', safe='')}']"
    fill = page.eval_on_selector(f"{adazi} path", "p => getComputedStyle(p).fill")
    assert fill == "rgb(0, 109, 44)"  # Ādaži: every school done
    assert "Ādažu novads: paveikts 2 no 2 skolām" in page.inner_html("figure.map")
    page.click(adazi)
    page.wait_for_url(f"{server}/municipalities/{quote('Ādažu novads')}")
    assert page.locator("table[data-table=schools] tbody tr").count() == 2
    assert watch.problems == []
