"""The ledger on SQLite and PostgreSQL: appends, queries, the kind → category mapping, secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from ledger_support import stored_text

from mikronet.errors import LedgerError
from mikronet.ledger import DEFAULT_CATEGORIES, GENESIS, Ledger, event_hash, open_ledger
from mikronet.secret import Secret

NOTE = "Wi-Fi pārklājums ģimnāzijas zālē: ķēdes ūdens žogs, čaula, ņemt, ļoti, šķīvis"


@pytest.fixture
def ledger(ledger_url: str) -> Ledger:
    opened = open_ledger(ledger_url)
    yield opened  # type: ignore[misc]
    opened.close()


def test_an_appended_event_is_chained_hashed_and_read_back(ledger: Ledger) -> None:
    first = ledger.append(school="LV-0042", kind="consultation", technician="Anna Bērziņa", details={"note": NOTE})
    second = ledger.append(
        school="LV-0042",
        kind="routeros-upgrade",
        technician="Jānis Ozoliņš",
        router="LV-0042/gw",
        serial="50DB9FB4DC2B",
        details={"from_version": "7.15.3", "to_version": "7.16.2", "timings": {"install_s": 41.5}},
        outcome="failed",
    )
    assert (first.seq, first.prev_id, first.prev_hash) == (1, None, GENESIS)
    assert (second.seq, second.prev_id, second.prev_hash) == (2, first.id, first.hash)
    assert second.hash == event_hash(second) != first.hash
    assert first.category == "consultation" and second.category is None  # an upgrade is maintenance
    assert first.time.tzinfo is not None and first.time.utcoffset() == timedelta(0)
    assert ledger.events() == [first, second]
    back = ledger.get(second.id)
    assert back.details == {"from_version": "7.15.3", "to_version": "7.16.2", "timings": {"install_s": 41.5}}
    assert (back.technician, back.router, back.serial, back.outcome) == (
        "Jānis Ozoliņš",
        "LV-0042/gw",
        "50DB9FB4DC2B",
        "failed",
    )
    assert ledger.get(first.id).details["note"] == NOTE
    assert back.summary == "7.15.3 → 7.16.2"
    assert ledger.verify().ok and ledger.verify().checked == 2


def test_events_filter_by_school_router_kind_and_time(ledger: Ledger) -> None:
    t0 = datetime(2021, 4, 1, 8, 0, tzinfo=UTC)
    a = ledger.append(school="LV-0042", kind="consultation", technician="A", time=t0)
    b = ledger.append(school="LV-0042", kind="push", technician="A", router="LV-0042/gw", time=t0 + timedelta(days=1))
    c = ledger.append(school="LV-0107", kind="push", technician="A", router="LV-0107/gw", time=t0 + timedelta(days=2))
    assert ledger.events(school="LV-0042") == [a, b]
    assert ledger.events(router="LV-0107/gw") == [c]
    assert ledger.events(kind="push") == [b, c]
    assert ledger.events(since=t0 + timedelta(days=1)) == [b, c]
    assert ledger.events(until=t0 + timedelta(days=1)) == [a, b]
    riga = timezone(timedelta(hours=3))
    assert ledger.events(since=datetime(2021, 4, 2, 11, 0, tzinfo=riga), kind="push", school="LV-0042") == [b]


def test_get_takes_an_id_a_unique_prefix_or_a_seq(ledger: Ledger) -> None:
    events = [ledger.append(school="LV-0042", kind="measure", technician="A", id=f"abcd{i}-x") for i in range(2)]
    assert ledger.get("abcd1-x") == events[1]
    assert ledger.get("abcd0") == events[0]
    assert ledger.get("2") == events[1]
    with pytest.raises(LedgerError, match="begins 2 event ids"):
        ledger.get("abcd")
    with pytest.raises(LedgerError, match="no event 'zzzz'"):
        ledger.get("zzzz")


def test_an_id_cannot_be_recorded_twice(ledger: Ledger) -> None:
    ledger.append(school="LV-0042", kind="measure", technician="A", id="one")
    with pytest.raises(LedgerError, match="already in the ledger"):
        ledger.append(school="LV-0042", kind="measure", technician="A", id="one")
    assert ledger.count() == 1 and ledger.verify().ok


def test_the_category_mapping_is_the_programmes_and_can_be_changed(ledger_url: str) -> None:
    with open_ledger(ledger_url, categories={"measure": "technical-improvement", "swap": None}) as ledger:
        measured = ledger.append(school="LV-0042", kind="measure", technician="A")
        swapped = ledger.append(school="LV-0042", kind="swap", technician="A")
        added = ledger.append(school="LV-0042", kind="add-device", technician="A")
        explicit = ledger.append(school="LV-0042", kind="restore", technician="A", category="consultation")
    assert (measured.category, swapped.category, added.category) == ("technical-improvement", None, "additional-device")
    assert explicit.category == "consultation"
    assert DEFAULT_CATEGORIES["restore"] is None and DEFAULT_CATEGORIES["swap"] == "equipment-replacement"
    with pytest.raises(LedgerError, match=r"programme\.categories: measure: 'speed' is not a category"):
        open_ledger(ledger_url, categories={"measure": "speed"})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "reboot"}, "unknown kind 'reboot'; kinds: consultation, routeros-upgrade"),
        ({"outcome": "done"}, "unknown outcome 'done'; outcomes: completed, failed, reverted, interrupted"),
        ({"category": "upgrades"}, "unknown category 'upgrades'"),
        ({"school": " "}, "an event needs a school"),
        ({"time": datetime(2021, 5, 1, 12, 0)}, "has no timezone"),
        ({"details": {"speed": float("nan")}}, "details: details.speed is nan, which JSON cannot hold"),
        ({"details": {"when": object()}}, "details: details.when is a object, which JSON cannot hold"),
    ],
)
def test_a_bad_event_is_refused_and_nothing_is_written(ledger: Ledger, fields: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"school": "LV-0042", "kind": "consultation", "technician": "A"}
    with pytest.raises(LedgerError) as caught:
        ledger.append(**(base | fields))  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert ledger.count() == 0


def test_details_become_plain_json(ledger: Ledger) -> None:
    when = datetime(2021, 5, 3, 9, 30, tzinfo=UTC)
    event = ledger.append(
        school="LV-0042",
        kind="measure",
        technician="A",
        details={"down_mbps": 94.25, "fee": Decimal("19.90"), "at": when, "servers": ("a", "b"), "ok": True},
    )
    expected = {
        "down_mbps": 94.25,
        "fee": "19.90",
        "at": "2021-05-03T09:30:00.000000Z",
        "servers": ["a", "b"],
        "ok": True,
    }
    assert event.details == expected and ledger.get(event.id).details == expected
    assert ledger.verify().ok


def test_technician_defaults_to_the_environment(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_TECHNICIAN", "Līga Kalniņa")
    assert ledger.append(school="LV-0042", kind="consultation").technician == "Līga Kalniņa"


def test_no_secret_reaches_the_ledger(ledger_url: str) -> None:
    password = "Ūdens-Ķ9-slepena-parole-7731"
    Secret(password)  # registered, as every password is once the inventory resolves it
    with open_ledger(ledger_url) as ledger:
        event = ledger.append(
            school="LV-0042",
            kind="push",
            technician="A",
            details={
                "summary": [f"/user set admin password={password}", "/ip dns set servers=1.1.1.1"],
                "note": f"parole bija {password}",
                password: "a secret as a key",
                "secret": Secret(password),
            },
        )
        assert password not in repr(event.details)
        assert event.details["summary"][0] == "/user set admin password=***"
        assert ledger.verify().ok
    stored = stored_text(ledger_url)
    assert b"/ip dns set servers=1.1.1.1" in stored  # the scan does see the details
    assert password.encode("utf-8") not in stored


def test_a_newer_schema_is_refused(ledger_url: str) -> None:
    from ledger_support import run_sql

    open_ledger(ledger_url).close()
    run_sql(ledger_url, "INSERT INTO ledger_schema_version (version, applied, note) VALUES (99, 'x', 'future')")
    with pytest.raises(LedgerError, match="schema version 99, newer than this mikronet knows"):
        open_ledger(ledger_url)


def test_a_technician_marks_work_as_the_programmes(ledger: Ledger) -> None:
    upgrade = ledger.append(school="LV-0042", kind="routeros-upgrade", technician="A",
                            details={"from_version": "6.49.13", "to_version": "7.16.2"},
                            programme="technical-improvement")
    plain = ledger.append(school="LV-0042", kind="routeros-upgrade", technician="A")
    assert (upgrade.category, upgrade.marked, upgrade.details["programme"]) == ("technical-improvement", True, True)
    assert (plain.category, plain.marked) == (None, False)  # an upgrade is maintenance by default
    assert ledger.get(upgrade.id).marked and ledger.verify().ok
    with pytest.raises(LedgerError, match="'upgrades' is not a category"):
        ledger.append(school="LV-0042", kind="consultation", technician="A", programme="upgrades")
    with pytest.raises(LedgerError, match="disagree"):
        ledger.append(school="LV-0042", kind="swap", technician="A", category="consultation",
                      programme="equipment-replacement")


def test_an_assessment_and_a_marked_event_say_so_in_one_line(ledger: Ledger) -> None:
    found = ledger.append(school="LV-0042", kind="assessment", technician="A", details={
        "findings": [{"code": "router-capacity", "solution": "equipment-replacement"},
                     {"code": "advisory", "solution": "technical-improvement"}]})
    clear = ledger.append(school="LV-0042", kind="assessment", technician="A", details={"findings": []})
    marked = ledger.append(school="LV-0042", kind="consultation", technician="A", details={"note": "Wi-Fi"},
                           programme="consultation")
    assert found.summary == "2 findings: router-capacity, advisory" and found.category is None
    assert clear.summary == "no need found"
    assert marked.summary == "Wi-Fi; marked as the programme's"
