"""A small dashboard world on disk: two municipalities, hostile school names, a ledger with notes,
fleet state rows and a run record; users of every role; the app under Starlette's TestClient.

Everything of Cēsu novads is distinctive (names, ids, serials, a model, a RouterOS version, a
technician, a run) so a test can search any body for it when the user is Ādažu novads's.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mikronet.secret import REDACTOR
from mikronet.web import USERS_FILE, Sources, UserStore, WebSettings, create_app, open_sources

PASSWORD = "Ļoti-drošs-42"
SECRET_IN_RECORD = "Xq7-ņš-noslēpums-319"  # a secret a run record carries; it must never reach a body
XSS_NAME = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(2)>'
XSS_NOTE = "<script>alert(3)</script> Wi-Fi pārklājums"

FLEET = """\
defaults:
  transport: api
  username: mikronet
  password: {env: MIKRONET_PASSWORD}
  template: school-gateway
"""

SCHOOLS = """\
schools:
  - id: LV-0101
    name: "Ādažu vidusskola"
    municipality: "Ādažu novads"
    connection: {type: optical}
    routers:
      - {name: gw, host: 10.1.1.1, model: RB4011iGS+, serial: ADA0000001, routeros: 7.14.3}
  - id: LV-0102
    name: '<script>alert(1)</script>'
    municipality: "Ādažu novads"
    connection: {type: optical}
    routers:
      - {name: gw, host: 10.1.2.1, model: hEX S, serial: ADA0000002, routeros: 6.49.18}
  - id: LV-0201
    name: '"><img src=x onerror=alert(2)>'
    municipality: "Cēsu novads"
    connection: {type: other}
    routers:
      - {name: gw, host: 10.2.1.1, model: CCR2004-16G-2S+, serial: CES0000001, routeros: 7.99.1}
  - id: LV-0202
    name: "Cēsu Valsts ģimnāzija"
    municipality: "Cēsu novads"
    connection: {type: optical}
    routers:
      - {name: gw, host: 10.2.2.1, model: CCR2004-16G-2S+, serial: CES0000002, routeros: 7.99.1}
"""

# every string that belongs to Cēsu novads alone
CESU = ("Cēsu novads", "Cēsu Valsts ģimnāzija", "LV-0201", "LV-0202", "CES0000001", "CES0000002", "CCR2004",
        "7.99.1", "Ģirts Cēsnieks", "onerror", "20260102T080000Z-upgrade")
ADAZI = ("Ādažu novads", "LV-0101", "Ādažu vidusskola", "ADA0000001")


@dataclass
class World:
    folder: Path
    sources: Sources
    users: UserStore
    routers: dict[str, str]
    """school id -> its router's id"""


def _run_record(folder: Path, name: str, operation: str, results: list[dict[str, object]]) -> None:
    folder.mkdir(exist_ok=True)
    lines = [{"type": "run", "version": 1, "operation": operation, "command": ["mikronet", operation],
              "started": "2026-01-02T08:00:00+00:00", "selection": [r["router"] for r in results]}]
    lines += [{"type": "result", "finished": "2026-01-02T08:05:00+00:00", "changes": 2, "plan": [], "applied": [],
               "error": None, "notes": [], **r} for r in results]
    (folder / f"{name}.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                                          encoding="utf-8")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from _world(tmp_path, monkeypatch, None)


@pytest.fixture
def pg_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_schema_url: str) -> Iterator[World]:
    """The same world with its ledger on PostgreSQL (and so the database's row-level security)."""
    yield from _world(tmp_path, monkeypatch, pg_schema_url)


def _world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledger_url: str | None) -> Iterator[World]:
    monkeypatch.setenv("MIKRONET_PASSWORD", "router-parole-77")
    inv = tmp_path / "inv"
    (inv / "schools").mkdir(parents=True)
    (inv / "fleet.yaml").write_text(textwrap.dedent(FLEET), encoding="utf-8")
    (inv / "schools" / "all.yaml").write_text(textwrap.dedent(SCHOOLS), encoding="utf-8")
    sources = open_sources(inv, ledger_url)
    routers = {r.school.id: r.id for r in sources.inventory.routers}
    ledger = sources.ledger
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    ledger.append(school="LV-0101", kind="consultation", technician="Anna Ādamsone", details={"note": XSS_NOTE},
                  time=at, programme="consultation")  # marked as the programme's: it counts
    ledger.append(school="LV-0102", kind="swap", technician="Anna Ādamsone", router=routers["LV-0102"],
                  details={"note": "jauns maršrutētājs"}, time=at.replace(day=6), programme="equipment-replacement")
    ledger.append(school="LV-0201", kind="routeros-upgrade", technician="Ģirts Cēsnieks", router=routers["LV-0201"],
                  details={"from": "7.14.3", "to": "7.99.1"}, time=at.replace(day=7))
    ledger.append(school="LV-0202", kind="consultation", technician="Ģirts Cēsnieks",
                  details={"note": "Cēsu piezīme"}, time=at.replace(day=8))
    state = ledger.state
    state.update(routers["LV-0101"], "LV-0101", {"model": "RB4011iGS+", "serial": "ADA0000001",
                                                  "routeros": "7.14.3", "firmware": "7.14.3", "drift": True,
                                                  "last_operation": "push", "last_status": "changed",
                                                  "last_at": "2026-01-02T08:05:00+00:00"})
    state.update(routers["LV-0102"], "LV-0102", {"routeros": "6.49.18", "last_operation": "push",
                                                  "last_status": "unreachable"})
    state.update(routers["LV-0201"], "LV-0201", {"model": "CCR2004-16G-2S+", "routeros": "7.99.1",
                                                  "serial": "CES0000001", "drift": True,
                                                  "mismatch": "serial CES0000009", "last_status": "unreachable"})
    state.update(routers["LV-0202"], "LV-0202", {"model": "CCR2004-16G-2S+", "routeros": "7.99.1"})
    REDACTOR.register(SECRET_IN_RECORD)
    _run_record(inv / "runs", "20260102T080000Z-push", "push", [
        {"router": routers["LV-0101"], "status": "changed", "reason": f"token {SECRET_IN_RECORD}"},
        {"router": routers["LV-0201"], "status": "failed", "reason": "Cēsu kļūda"},
    ])
    _run_record(inv / "runs", "20260102T080000Z-upgrade", "upgrade", [
        {"router": routers["LV-0202"], "status": "ok"},
    ])
    users = UserStore(inv / USERS_FILE)
    users.add("ministrija", "ministry", PASSWORD)
    users.add("tehnikis", "technician", PASSWORD)
    users.add("adazi", "municipality", PASSWORD, "Ādažu novads")
    users.add("cesis", "municipality", PASSWORD, "Cēsu novads")
    users.save()
    try:
        yield World(inv, sources, users, routers)
    finally:
        ledger.close()


class Clock:
    """A settable clock for sessions and login limits."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(world: World, clock: Clock):  # type: ignore[no-untyped-def]
    return create_app(world.sources, world.users, WebSettings(secret_key="k" * 64, clock=clock,
                                                              session_seconds=3600))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(client, name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Log ``client`` in through the form (as a browser does); returns the POST's response."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"user": name, "password": password, "csrf": token, "next": "/programme"},
                       follow_redirects=False)


def record_assessments(world: World) -> None:
    """Bandwidth measurements at one school of each municipality, then ``mikronet assess``'s work over
    every school: each school gets an assessment event in the ledger, as the command records it."""
    from mikronet.ops.assess import assess

    ledger = world.sources.ledger
    at = datetime(2026, 1, 9, 10, 0, tzinfo=UTC)
    for school, down in (("LV-0101", 18.5), ("LV-0101", 21.5), ("LV-0201", 9.25)):
        ledger.append(school=school, kind="measure", technician="Anna Ādamsone",
                      details={"down_mbps": down, "up_mbps": 4.0}, time=at)
    assess(world.sources.inventory, ledger, technician="Anna Ādamsone")
