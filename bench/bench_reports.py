"""Report build times on a large fleet (a benchmark script, not a test).

    .venv/bin/python bench/bench_reports.py [-n ROUNDS] [--schools 600] [--events 10000]

Generates an inventory of 600 schools (every third with a second router), 10,000 ledger events of
every kind, a facts run for every router and a backup per router (the rendered template; one in ten
changed by hand), then builds each report ROUNDS times and prints the best and the median wall time,
and for information the time to render it as HTML. Exits 1 if any report's best build exceeds 2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mikronet.inventory import load_inventory
from mikronet.ledger import Event
from mikronet.render import Renderer
from mikronet.reports import (
    build_compensation,
    build_drift,
    build_progress,
    build_upgrades,
    latest_facts,
    load_advisories,
    parse_target,
    render_report,
)
from mikronet.reports.common import DEFAULT_CATEGORIES

LIMIT_S = 2.0
REPO = Path(__file__).resolve().parents[1]
MODELS = ("RBD52G-5HacD2HnD", "RB750Gr3", "RB4011iGS+", "RB5009UG+S+", "L009UiGS-2HaxD")
VERSIONS = ("6.49.13", "6.49.18", "7.12.1", "7.14.3", "7.16.2", "7.18.2", "7.19.4")


def municipalities() -> list[tuple[str, str]]:
    sample = load_inventory(REPO / "inventory")
    return sorted({(s.municipality, s.municipality_before_2021 or s.municipality) for s in sample.schools})


def write_fleet(root: Path, schools: int, rng: random.Random) -> None:
    places = municipalities()
    lines = ["defaults:", "  transport: api", "  username: mikronet", "  password: {env: MIKRONET_PASSWORD}",
             "  template: school-gateway", "  vars: {admin_subnet: 10.1.0.0/16}", "schools:"]
    for n in range(1, schools + 1):
        now, before = rng.choice(places)
        kind = rng.choice(("optical", "other"))
        fee = f", monthly_fee_eur: {rng.randint(2000, 15000) / 100}" if rng.random() < 0.8 else ""
        lines += [f"  - id: LV-{n:04d}", f'    name: "Skola Nr. {n} — ā č ē ģ ī ķ ļ ņ š ū ž"',
                  f'    municipality: "{now}"', f'    municipality_before_2021: "{before}"',
                  f"    connection: {{type: {kind}, contracted_mbps: {rng.choice((100, 300, 500, 1000))}{fee}}}",
                  f"    vars: {{lan_subnet: 10.{n // 250}.{n % 250}.0/24}}", "    routers:"]
        for r, name in enumerate(("gw", "ap") if n % 3 == 0 else ("gw",)):
            host = f"10.{200 + n // 250}.{n % 250}.{r + 1}"
            lines.append(f"      - {{name: {name}, host: {host}, model: {rng.choice(MODELS)}, "
                         f"serial: S{n:05d}{r}, routeros: {rng.choice(VERSIONS)}}}")
    (root / "inventory.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_backups_and_facts(inventory: Any, rng: random.Random) -> None:
    renderer = Renderer()
    backups = inventory.trust_dir / "backups"
    rows = [{"type": "run", "version": 1, "operation": "facts", "started": "2021-06-01T10:00:00Z"}]
    for router in inventory.routers:
        text = f"# 2021-06-01 10:00:00 by RouterOS {router.routeros}\n" + renderer.render_router(router)
        if rng.random() < 0.1:
            text = text.replace("allow-remote-requests=yes", "allow-remote-requests=no")
        school, _, name = router.id.partition("/")
        path = backups / school / f"{name}.rsc"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        rows.append({"type": "result", "router": router.id, "status": "ok", "details": {"facts": {
            "version": router.routeros, "channel": rng.choice(("stable", "long-term")), "model": router.model}}})
    runs = inventory.trust_dir / "runs"
    runs.mkdir(exist_ok=True)
    (runs / "20210601T100000Z-facts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def events(inventory: Any, count: int, rng: random.Random) -> list[Event]:
    kinds = list(DEFAULT_CATEGORIES)
    start = datetime(2021, 3, 1, 8, tzinfo=UTC)
    out = []
    for seq in range(count):
        router = rng.choice(inventory.routers)
        kind = rng.choice(kinds)
        details: dict[str, Any] = {}
        if kind == "measure":
            details = {"down_mbps": rng.uniform(5, 900), "up_mbps": rng.uniform(1, 100)}
        elif kind == "routeros-upgrade":
            details = {"from_version": router.routeros, "to_version": "7.16.2", "channel": "stable",
                       "campaign": rng.choice(("2021-spring", "2021-autumn")), "backup_sha256": f"{seq:064x}"}
        outcome = rng.choices(("completed", "failed", "reverted", "interrupted"), weights=(85, 8, 4, 3))[0]
        out.append(Event(seq, f"ev-{seq}", start + timedelta(minutes=45 * seq), "Anna Bērziņa", router.school.id,
                         router.id, router.serial, kind, DEFAULT_CATEGORIES[kind], details, outcome,
                         prev_hash="", hash=f"h{seq}"))
    return out


def timed(work: Callable[[], object], rounds: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return times, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rounds", type=int, default=3)
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(20210701)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_fleet(root, args.schools, rng)
        inventory = load_inventory(root / "inventory.yaml")
        write_backups_and_facts(inventory, rng)
        ledger = events(inventory, args.events, rng)
        facts = latest_facts(inventory.trust_dir / "runs")
        advisories = load_advisories()
        targets = [parse_target("7.16.2"), parse_target("long-term=6.49.18")]
        work: dict[str, Callable[[], object]] = {
            "progress": lambda: build_progress(inventory, ledger),
            "upgrades": lambda: build_upgrades(inventory, ledger, facts=facts, targets=targets),
            "drift": lambda: build_drift(inventory, backups_dir=inventory.trust_dir / "backups",
                                         advisories=advisories, facts=facts),
            "compensation": lambda: build_compensation(inventory),
        }
        print(f"{len(inventory.schools)} schools, {len(inventory.routers)} routers, {len(ledger)} events; "
              f"best and median of {args.rounds} rounds; limit {LIMIT_S:.1f} s per build")
        worst = 0.0
        for name, build in work.items():
            times, report = timed(build, args.rounds)
            html, _ = timed(lambda report=report: render_report(report, "html", "lv"), 1)  # type: ignore[misc]
            best = min(times)
            worst = max(worst, best)
            print(f"  {name:<13} build best {best:6.3f} s  median {statistics.median(times):6.3f} s  "
                  f"(ratio to limit {best / LIMIT_S:4.2f})   html {html[0]:6.3f} s")
    if worst > LIMIT_S:
        print(f"FAIL: a report took {worst:.3f} s to build (limit {LIMIT_S:.1f} s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
