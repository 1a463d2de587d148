"""Offline field work merged into the team's ledger, and a ledger of the first schema version migrated.

The team's ledger is SQLite and PostgreSQL in turn; a technician's laptop keeps SQLite.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ledger_support import insert_row, linked, run_sql

from mikronet.errors import LedgerError
from mikronet.ledger import (
    SCHEMA_VERSION,
    Event,
    Ledger,
    event_hash,
    export_text,
    open_backend,
    open_ledger,
    read_jsonl,
    verify_chain,
)
from mikronet.ledger.model import canonical_json


def _field_laptop(folder: Path) -> tuple[Ledger, list[Event]]:
    laptop = open_ledger(f"sqlite:///{folder / 'laptop.sqlite'}")
    events = [
        laptop.append(
            school="LV-0107",
            kind="consultation",
            technician="Pēteris Liepiņš",
            details={"note": "Ežezera skola: kabeļi"},
        ),
        laptop.append(
            school="LV-0107", kind="measure", technician="Pēteris Liepiņš", details={"down_mbps": 18.4, "up_mbps": 4.1}
        ),
        laptop.append(
            school="LV-0107",
            kind="technical-fix",
            technician="Pēteris Liepiņš",
            details={"note": "nomainīts ielāpkabelis"},
        ),
    ]
    return laptop, events


def _export(ledger: Ledger, path: Path) -> Path:
    path.write_text(export_text(ledger.events(), "jsonl", source=ledger.url), encoding="utf-8")
    return path


def test_an_offline_ledger_merged_twice_adds_its_events_once(ledger_url: str, tmp_path: Path) -> None:
    laptop, offline = _field_laptop(tmp_path)
    exported = _export(laptop, tmp_path / "lauka-darbs.jsonl")
    with open_ledger(ledger_url) as team:
        own = team.append(school="LV-0042", kind="push", technician="Anna Bērziņa", details={"changes": 3})
        first = team.import_events(read_jsonl(exported))
        second = team.import_events(read_jsonl(exported))
        assert (len(first.added), first.skipped) == (3, 0)
        assert (len(second.added), second.skipped) == (0, 3)
        merged = team.events()
        assert [e.id for e in merged] == [own.id, *(e.id for e in offline)]
        assert team.verify().ok
        for mine, theirs in zip(merged[1:], offline, strict=True):
            assert (mine.time, mine.technician, mine.details, mine.category) == (
                theirs.time,
                theirs.technician,
                theirs.details,
                theirs.category,
            )
            assert (mine.origin_hash, mine.origin_prev_hash) == (theirs.hash, theirs.prev_hash)
        assert merged[1].prev_id == own.id
        back = _export(team, tmp_path / "komanda.jsonl")
    # the laptop's chain is still whole, and so is the file it exported
    assert laptop.verify().ok and verify_chain(read_jsonl(exported)).ok
    # and the team's export brings the laptop only what it lacks
    report = laptop.import_events(read_jsonl(back))
    assert ([e.id for e in report.added], report.skipped) == ([own.id], 3)
    assert laptop.verify().ok
    laptop.close()


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, lines: list[dict[str, object]]) -> Path:
    path.write_text("".join(canonical_json(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_file_whose_chain_is_broken_is_refused_naming_the_event(ledger_url: str, tmp_path: Path) -> None:
    laptop, offline = _field_laptop(tmp_path)
    lines = _lines(_export(laptop, tmp_path / "a.jsonl"))
    lines[2]["details"] = {"down_mbps": 180.4, "up_mbps": 40.1}  # someone improved the figures
    with open_ledger(ledger_url) as team:
        with pytest.raises(LedgerError) as caught:
            team.import_events(read_jsonl(_write(tmp_path / "b.jsonl", lines)))
        assert caught.value.event == offline[1].id
        assert f"broken at {offline[1].id}: edited" in str(caught.value)
        assert team.count() == 0


def test_an_event_already_merged_with_other_content_is_refused(ledger_url: str, tmp_path: Path) -> None:
    laptop, offline = _field_laptop(tmp_path)
    with open_ledger(ledger_url) as team:
        team.import_events(read_jsonl(_export(laptop, tmp_path / "a.jsonl")))
        changed = replace(offline[0], details={"note": "cits teksts"})
        changed = replace(changed, hash=event_hash(changed))
        with pytest.raises(LedgerError, match=f"event {offline[0].id} is already in the ledger with other content"):
            team.import_events([changed])
        assert team.count() == 3 and team.verify().ok


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda lines: lines[:-1], "cut short or altered: the header states 3 events"),
        (lambda lines: lines[1:], "a.jsonl:1: type: expected the ledger header first"),
        (
            lambda lines: [*lines[:2], {**lines[2], "time": "2021-05-01 12:00"}],
            "a.jsonl:3: time: time '2021-05-01 12:00' has no timezone",
        ),
        (lambda lines: [*lines[:2], {**lines[2], "school": 42}], "a.jsonl:3: school: expected text, found 42"),
        (lambda lines: [*lines[:2], {**lines[2], "hash": "abc"}], "a.jsonl:3: hash: expected a SHA-256"),
    ],
)
def test_a_bad_file_names_file_line_and_field(tmp_path: Path, damage: object, message: str) -> None:
    laptop, _ = _field_laptop(tmp_path)
    lines = _lines(_export(laptop, tmp_path / "a.jsonl"))
    path = _write(tmp_path / "a.jsonl", damage(lines))  # type: ignore[operator]
    with pytest.raises(LedgerError) as caught:
        read_jsonl(path)
    assert message in str(caught.value)


def test_a_line_that_is_not_json_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"type": "ledger", "version": 1}\n{"type": "event",\n', encoding="utf-8")
    with pytest.raises(LedgerError, match=r"x.jsonl:2: not JSON"):
        read_jsonl(path)


# --- migration --------------------------------------------------------------------------------

SCHEMA_V1 = (  # as the first release created it; never edit
    "CREATE TABLE ledger_schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL, note TEXT NOT NULL)",
    """CREATE TABLE ledger_events (seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, time TEXT NOT NULL,
    technician TEXT NOT NULL, school TEXT NOT NULL, router TEXT, serial TEXT, kind TEXT NOT NULL, category TEXT,
    details TEXT NOT NULL, outcome TEXT NOT NULL, prev_id TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""",
    "INSERT INTO ledger_schema_version (version, applied, note) VALUES (1, '2021-04-01T00:00:00.000000Z', 'events')",
)


def test_a_version_1_ledger_is_migrated_and_its_chain_goes_on(ledger_url: str) -> None:
    backend = open_backend(ledger_url)
    for statement in SCHEMA_V1:
        backend.run(statement)
    backend.close()
    old: list[Event] = []
    for i, note in enumerate(["pirmā konsultācija", "otrā konsultācija"]):
        day = datetime(2021, 4, 20 + i, 10, 0, tzinfo=UTC)
        old.append(linked(old[-1] if old else None, id=f"v1-{i}", time=day, details={"note": note}))
        insert_row(ledger_url, old[-1])

    with open_ledger(ledger_url) as ledger:
        assert ledger.events() == old
        assert ledger.verify().ok
        new = ledger.append(school="LV-0042", kind="measure", technician="Ilze Siliņa")
        assert (new.seq, new.prev_id, new.prev_hash) == (3, "v1-1", old[-1].hash)
        assert ledger.verify().ok
        versions = ledger.backend.fetch("SELECT version FROM ledger_schema_version ORDER BY version")
    assert [v for (v,) in versions] == list(range(1, SCHEMA_VERSION + 1)) and SCHEMA_VERSION >= 2
    run_sql(ledger_url, "DELETE FROM ledger_events WHERE id = 'v1-1'")
    with open_ledger(ledger_url) as ledger:
        assert ledger.verify().first_bad == "v1-1"
