"""What tests across the folders share (their helpers live in ``tests/support``): a simulated fleet
with every router pinned, a ledger on SQLite and on a real PostgreSQL server, and the system's
Chromium for pytest-playwright's ``page`` (``support.browser``).

Ledger tests (and every test of what a command records) run on both.

The server's URL comes from ``MIKRONET_TEST_POSTGRES`` (``make test`` starts the server with
``.ci/services`` and exports it; after ``make services`` the ``.services.env`` file it wrote is read
too). Each test gets a schema of its own in that database, dropped afterwards, so test runs from
several checkouts can share one server. Without a server the PostgreSQL cases skip, saying why;
where the services are required (``CI`` or ``MIKRONET_REQUIRE_SERVICES`` set) they fail instead.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import pytest
from support.browser import launch_args
from support.fleet import PinnedFleet, pinned_fleet
from support.services import missing

from mikronet.ledger import display_url

REPO = Path(__file__).resolve().parents[1]
SERVICES_ENV = REPO / ".services.env"
BACKENDS = ("sqlite", "postgresql")


def _services_env() -> dict[str, str]:
    if not SERVICES_ENV.is_file():
        return {}
    values: dict[str, str] = {}
    for line in SERVICES_ENV.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name.strip():
            values[name.strip()] = " ".join(shlex.split(value))
    return values


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium, headless (never a downloaded browser)."""
    return launch_args()


if importlib.util.find_spec("pytest_playwright") is None:

    @pytest.fixture
    def page() -> NoReturn:
        """Stands in for pytest-playwright's ``page`` where it is not installed: skip, or fail in CI."""
        missing("pytest-playwright is not installed (pip install -e '.[test]')")


def _no_server(reason: str) -> NoReturn:
    missing(f"no PostgreSQL server: {reason}")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test server's URL (a database the tests may create schemas in)."""
    url = os.environ.get("MIKRONET_TEST_POSTGRES")
    env = _services_env()
    if not url:
        url = env.get("MIKRONET_TEST_POSTGRES")
    if not url:
        why = os.environ.get("MIKRONET_TEST_POSTGRES_SKIP") or env.get("MIKRONET_TEST_POSTGRES_SKIP")
        _no_server(why or "MIKRONET_TEST_POSTGRES is not set (`make services` starts one and writes .services.env)")
        raise AssertionError("unreachable")
    try:
        import psycopg
    except ImportError:
        _no_server("the psycopg driver is not installed (pip install -e '.[postgres]')")
        raise AssertionError("unreachable") from None
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as exc:
        _no_server(f"cannot connect to {display_url(url)}: {str(exc).strip().splitlines()[0]}")
    return url


def _with_search_path(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_schema_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL URL whose tables land in a new, empty schema of their own."""
    import psycopg

    base: str = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _with_search_path(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def make_url(kind: str, request: pytest.FixtureRequest, folder: Path) -> str:
    """A fresh, empty ledger URL of the given kind."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'ledger.sqlite'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture(params=BACKENDS)
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty ledger, once on SQLite and once on PostgreSQL."""
    return make_url(request.param, request, tmp_path)


@pytest.fixture(scope="module")
def start_pinned_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., PinnedFleet]]:
    """``start_pinned_fleet(inventory_text, environ={...}, options=FleetOptions(...))``: an inventory, its
    simulated fleet and every router pinned, running until the end of the test module."""
    with ExitStack() as stack:

        def start(inventory_text: str, **kwargs: Any) -> PinnedFleet:
            root: Path = tmp_path_factory.mktemp("fleet")
            return stack.enter_context(pinned_fleet(inventory_text, root, **kwargs))

        yield start


# -- the checkout stays as it was -------------------------------------------------------------------

_CHECKOUT = Path(__file__).resolve().parents[1]


def _checkout_changes() -> set[str] | None:
    """``git status`` of the checkout (what is not ignored), or ``None`` outside a git checkout."""
    import subprocess

    try:
        done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=_CHECKOUT,
                              capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return set(done.stdout.splitlines()) if done.returncode == 0 else None


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_BEFORE] = _checkout_changes()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A test that writes into the checkout (a ledger beside the sample inventory, a report in the
    working directory) fails the run: tests write only under their temporary folders."""
    before = session.config.stash.get(_BEFORE, None)
    after = _checkout_changes()
    if before is None or after is None or hasattr(session.config, "workerinput"):
        return
    written = sorted(after - before)
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("the tests changed the checkout: " + "; ".join(written), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[set[str] | None]()
