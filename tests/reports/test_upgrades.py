"""The upgrade audit against hand-worked figures: per-router evidence, exclusions with reasons,
versions from the newest facts run, compliance per channel and model."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from mikronet.errors import InputError
from mikronet.reports import Target, build_upgrades, latest_facts, parse_target

from .fixtures import NOW, Inventory, event

SHA = "ab" * 32
EVENTS = (
    event(1, "2021-05-03 20:00", "LV-0001", "routeros-upgrade", router="LV-0001/gw", campaign="2021-spring",
          from_version="6.49.13", to_version="7.16.2", from_firmware="6.49.13", to_firmware="7.16.2",
          channel="stable", backup_sha256=SHA, model="RB4011iGS+"),
    event(2, "2021-05-03 20:10", "LV-0002", "routeros-upgrade", "failed", router="LV-0002/gw",
          campaign="2021-spring", from_version="7.12.1", to_version="7.16.2", channel="stable",
          cause="download-failed", technician="Jānis Ķēniņš"),
    event(3, "2021-05-04 20:00", "LV-0003", "firmware-upgrade", router="LV-0003/ap", campaign="other"),
    event(4, "2021-05-05 08:00", "LV-0003", "consultation"),
)


def facts_run(directory: Path) -> Path:
    runs = directory / "runs"
    runs.mkdir()
    (runs / "20210501T100000Z-facts.jsonl").write_text(json.dumps({"type": "run", "operation": "facts"}) + "\n")
    rows = [
        {"type": "run", "version": 1, "operation": "facts", "started": "2021-05-10T10:00:00Z"},
        {"type": "result", "router": "LV-0001/gw", "status": "ok",
         "details": {"facts": {"version": "7.16.2", "channel": "stable", "model": "RB4011iGS+"}}},
        {"type": "result", "router": "LV-0002/gw", "status": "ok",
         "details": {"facts": {"version": "7.12.1", "channel": "stable", "model": "RB750Gr3"}}},
        {"type": "result", "router": "LV-0003/gw", "status": "unreachable", "details": {}},
        {"type": "summary", "counts": {"ok": 2, "unreachable": 1}},
    ]
    newest = runs / "20210510T100000Z-facts.jsonl"
    newest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return runs


def test_a_campaign_audit(inventory: Inventory, tmp_path: Path) -> None:
    facts = latest_facts(facts_run(tmp_path))
    assert facts is not None and facts.name == "20210510T100000Z-facts.jsonl"
    report = build_upgrades(inventory, EVENTS, facts=facts, campaign="2021-spring",
                            targets=[parse_target("7.16.2"), parse_target("*/L009UiGS-2HaxD=7.20.2")], now=NOW)
    assert [(u.router, u.from_version, u.to_version, u.outcome, u.cause) for u in report.upgrades] == [
        ("LV-0001/gw", "6.49.13", "7.16.2", "completed", None),
        ("LV-0002/gw", "7.12.1", "7.16.2", "failed", "download-failed")]
    assert report.upgrades[0].backup_sha256 == SHA and report.upgrades[0].technician == "Anna Bērziņa"
    assert (report.completed, report.failed) == (1, 1)
    assert [(e.router, e.reason, e.detail) for e in report.exclusions] == [
        ("LV-0002/gw", "failed", "download-failed"),
        ("LV-0003/gw", "on-target", "7.16.2"),
        ("LV-0003/ap", "not-attempted", None),  # its firmware upgrade belongs to another campaign
    ]


def test_versions_and_compliance(inventory: Inventory, tmp_path: Path) -> None:
    report = build_upgrades(inventory, EVENTS, facts=latest_facts(facts_run(tmp_path)),
                            targets=[parse_target("7.16.2"), parse_target("*/L009UiGS-2HaxD=7.20.2")], now=NOW)
    assert [(r.router, r.version, r.source, r.status) for r in report.routers] == [
        ("LV-0001/gw", "7.16.2", "facts", "on-target"),
        ("LV-0002/gw", "7.12.1", "facts", "behind"),
        ("LV-0003/gw", "7.16.2", "inventory", "on-target"),  # no facts: unreachable in the run
        ("LV-0003/ap", "7.19.4", "inventory", "behind"),
    ]
    assert [(v.version, v.routers) for v in report.distribution] == [("7.19.4", 1), ("7.16.2", 2), ("7.12.1", 1)]
    assert [(c.channel, c.model, c.target, c.routers, c.compliant) for c in report.compliance] == [
        (None, "L009UiGS-2HaxD", "7.20.2", 1, 0),
        (None, "RB750Gr3", "7.16.2", 1, 1),
        ("stable", "RB4011iGS+", "7.16.2", 1, 1),
        ("stable", "RB750Gr3", "7.16.2", 1, 0),
    ]
    assert (report.compliant, report.with_target, report.percent_compliant) == (2, 4, Decimal("50.0"))


def test_without_facts_versions_come_from_the_inventory(inventory: Inventory) -> None:
    report = build_upgrades(inventory, EVENTS, now=NOW)
    assert report.facts_run is None
    assert {r.source for r in report.routers} == {"inventory"}
    assert {r.status for r in report.routers} == {"no-target"}
    assert report.percent_compliant is None


def test_the_most_specific_target_wins(inventory: Inventory, tmp_path: Path) -> None:
    report = build_upgrades(inventory, (), facts=latest_facts(facts_run(tmp_path)), now=NOW,
                            targets=[parse_target("7.20.2"), parse_target("stable=7.12.1"),
                                     parse_target("stable/RB4011iGS+=7.18.2")])
    assert [(r.router, r.target) for r in report.routers] == [
        ("LV-0001/gw", "7.18.2"), ("LV-0002/gw", "7.12.1"), ("LV-0003/gw", "7.20.2"), ("LV-0003/ap", "7.20.2")]


def test_since_leaves_out_earlier_events(inventory: Inventory) -> None:
    from datetime import date

    report = build_upgrades(inventory, EVENTS, since=date(2021, 5, 4), now=NOW)
    assert [u.router for u in report.upgrades] == ["LV-0003/ap"]


@pytest.mark.parametrize(("text", "target"), [
    ("7.16.2", Target("7.16.2")),
    ("stable=7.16.2", Target("7.16.2", "stable")),
    ("long-term/RB750Gr3=6.49.18", Target("6.49.18", "long-term", "RB750Gr3")),
    ("*/RB750Gr3=7.16.2", Target("7.16.2", None, "RB750Gr3")),
    ("testing=7.21beta3", Target("7.21beta3", "testing")),
])
def test_target_spec(text: str, target: Target) -> None:
    assert parse_target(text) == target


def test_a_target_for_a_model_covers_every_spelling_of_it() -> None:
    target = Target("7.16.2", None, "hAP lite")
    assert target.matches("stable", "RB941-2nD") and target.matches("stable", "RouterBOARD 941-2nD")
    assert not target.matches("stable", "RB952Ui-5ac2nD") and not target.matches("stable", None)
    assert Target("7.16.2", "stable", "RB750Gr3").matches("stable", "RB750Gr3")
    assert not Target("7.16.2", "stable", "RB750Gr3").matches("testing", "RB750Gr3")


@pytest.mark.parametrize("text", ["seven", "stable=7", "=7.16.2", "stable=latest"])
def test_bad_target_names_the_option(text: str) -> None:
    with pytest.raises(InputError, match="--target"):
        parse_target(text)


def test_a_broken_run_record_names_file_and_line(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "20210510T100000Z-facts.jsonl").write_text('{"type": "run"}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"20210510T100000Z-facts.jsonl:2"):
        latest_facts(runs)
