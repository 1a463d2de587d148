"""Ledger speed: appends one by one, a merge in one transaction, and verify, for 10,000 events;
then verify at scale, 1,000,000 events, in constant memory (a benchmark script, not a test).

    .venv/bin/python bench/bench_ledger.py [-n EVENTS] [--scale EVENTS] [--postgres URL] [--pg-scale EVENTS]

On a SQLite file in a temporary folder (WAL, synchronous=FULL: each append is one committed,
synced transaction), and on PostgreSQL when a URL is given or the tests' server is up
(``MIKRONET_TEST_POSTGRES``, or the ``.services.env`` that ``make services`` writes); there the
tables go into a schema of their own, dropped at the end. Prints per backend: appends per second
(each its own transaction, as a workflow writes them), merge (``import_events``) events per second,
the time ``verify`` takes over all the events, and ``list`` (reading them all back).

At scale, a ledger of ``--scale`` chained events (written straight into the tables, in batches) is
verified by a process of its own, which reports events per second and its peak resident memory
(``getrusage`` ``ru_maxrss``, and ``VmHWM`` from ``/proc``); over :data:`RSS_LIMIT_MB` the bench fails
(exit 1). The same process's memory before reading any event is printed beside it, so the figure
verify adds is plain. ``--pg-scale`` does the same on PostgreSQL (0: skipped).
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mikronet.ledger import GENESIS, Event, Ledger, event_hash, open_ledger
from mikronet.ledger.rows import INSERT, row_of  # the bench fills the tables directly: appends take hours

REPO = Path(__file__).resolve().parents[1]
RSS_LIMIT_MB = 200
BATCH = 5000


def _postgres_url(given: str | None) -> str | None:
    if given:
        return given
    if os.environ.get("MIKRONET_TEST_POSTGRES"):
        return os.environ["MIKRONET_TEST_POSTGRES"]
    env = REPO / ".services.env"
    if env.is_file():
        for line in env.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if name == "MIKRONET_TEST_POSTGRES":
                return " ".join(shlex.split(value))
    return None


def _fill(ledger: Ledger, count: int) -> float:
    kinds = ("consultation", "push", "measure", "routeros-upgrade")
    start = time.perf_counter()
    for n in range(count):
        ledger.append(
            school=f"LV-{n % 563:04d}",
            kind=kinds[n % 4],
            technician="Anna Bērziņa",
            router=f"LV-{n % 563:04d}/gw",
            details={"note": "Wi-Fi pārklājums ģimnāzijā", "n": n, "from_version": "7.15.3", "to_version": "7.16.2"},
        )
    return time.perf_counter() - start


def _measure(name: str, url: str, second_url: str, count: int) -> None:
    with open_ledger(url) as ledger:
        appending = _fill(ledger, count)
        start = time.perf_counter()
        report = ledger.verify()
        verifying = time.perf_counter() - start
        assert report.ok and report.checked == count, report
        start = time.perf_counter()
        events = ledger.events()
        listing = time.perf_counter() - start
    with open_ledger(second_url) as other:
        start = time.perf_counter()
        merged = other.import_events(events)
        merging = time.perf_counter() - start
        assert len(merged.added) == count
    print(
        f"{name:<10} {count} events: append {count / appending:8.0f}/s ({appending * 1000 / count:.2f} ms each)"
        f"  merge {count / merging:8.0f}/s  verify {verifying:6.3f} s  list {listing:6.3f} s",
        flush=True,
    )


def _chained(count: int) -> Iterator[list[tuple[Any, ...]]]:
    """``count`` events of a chain, in batches of rows ready to insert (never all in memory)."""
    kinds = ("consultation", "push", "measure", "routeros-upgrade")
    categories = ("consultation", None, None, "technical-improvement")
    start = datetime(2021, 4, 1, tzinfo=UTC)
    before: Event | None = None
    rows: list[tuple[Any, ...]] = []
    for n in range(count):
        event = Event(
            seq=n + 1, id=str(uuid.uuid4()), time=start + timedelta(seconds=n), technician="Anna Bērziņa",
            school=f"LV-{n % 563:04d}", router=f"LV-{n % 563:04d}/gw", serial=None, kind=kinds[n % 4],
            category=categories[n % 4], details={"note": "Wi-Fi pārklājums ģimnāzijā", "n": n}, outcome="completed",
            prev_id=before.id if before else None, prev_hash=before.hash if before else GENESIS, hash="",
        )
        before = replace(event, hash=event_hash(event))
        rows.append(row_of(before))
        if len(rows) == BATCH:
            yield rows
            rows = []
    if rows:
        yield rows
    if before is not None:
        yield [("head", before.seq, before.id, before.hash)]


def _fill_directly(url: str, count: int) -> float:
    """Write ``count`` chained events and the head straight into a new ledger's tables."""
    open_ledger(url).close()  # create the tables
    started = time.perf_counter()
    head_sql = "INSERT INTO ledger_head (one, seq, id, hash) VALUES (1, ?, ?, ?)"
    if url.startswith("sqlite:///"):
        import sqlite3

        conn = sqlite3.connect(url[len("sqlite:///"):])
        with conn:
            for rows in _chained(count):
                if rows[0][0] == "head":
                    conn.execute(head_sql, rows[0][1:])
                else:
                    conn.executemany(INSERT, rows)
        conn.close()
    else:
        import psycopg

        with psycopg.connect(url) as pg, pg.cursor() as cursor:
            for rows in _chained(count):
                if rows[0][0] == "head":
                    cursor.execute(head_sql.replace("?", "%s"), rows[0][1:])
                else:
                    cursor.executemany(INSERT.replace("?", "%s"), rows)
    return time.perf_counter() - started


def _peak_rss_mb() -> tuple[float, float]:
    """This process's peak resident memory: ``getrusage`` (KiB on Linux) and ``VmHWM`` from /proc."""
    rusage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    hwm = 0.0
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return rusage, hwm


def _verify_only(url: str, expected: int) -> int:
    """In a process of its own: open, verify, report events/s and peak memory; 1 when over the limit."""
    with open_ledger(url, create=False) as ledger:
        before, _ = _peak_rss_mb()
        started = time.perf_counter()
        report = ledger.verify()
        took = time.perf_counter() - started
    rusage, hwm = _peak_rss_mb()
    ok = report.ok and report.checked == expected
    print(f"  verify {report.checked} events: {took:6.1f} s, {report.checked / took:8.0f} events/s; peak RSS "
          f"{rusage:.0f} MB (VmHWM {hwm:.0f} MB; {before:.0f} MB before reading), limit {RSS_LIMIT_MB} MB"
          + ("" if ok else f"; NOT OK: {report.record()}"), flush=True)
    return 0 if ok and max(rusage, hwm) <= RSS_LIMIT_MB else 1


def _at_scale(name: str, url: str, count: int) -> int:
    filling = _fill_directly(url, count)
    print(f"{name:<10} {count} events written directly in {filling:.1f} s", flush=True)
    done = subprocess.run([sys.executable, __file__, "--verify-only", url, "--expect", str(count)], check=False)
    return done.returncode


def _pg_schemas(url: str, count: int) -> tuple[list[str], list[str]]:
    schemas = [f"bench_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    joiner = "&" if "?" in url else "?"
    return schemas, [f"{url}{joiner}options={quote(f'-csearch_path={s}')}" for s in schemas]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-n", "--events", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=1_000_000, help="events for verify at scale (0: skip)")
    parser.add_argument("--pg-scale", type=int, default=0, help="the same on PostgreSQL (0: skip)")
    parser.add_argument("--postgres", default=None, metavar="URL")
    parser.add_argument("--verify-only", default=None, metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--expect", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.verify_only:
        return _verify_only(args.verify_only, args.expect)
    status = 0
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as folder:
        if args.events:
            _measure("sqlite", f"sqlite:///{folder}/a.sqlite", f"sqlite:///{folder}/b.sqlite", args.events)
        if args.scale:
            status |= _at_scale("sqlite", f"sqlite:///{folder}/scale.sqlite", args.scale)
    url = _postgres_url(args.postgres)
    if url is None:
        print("postgresql: no server (give --postgres URL or run `make services`)", file=sys.stderr)
        return status
    import psycopg

    schemas, urls = _pg_schemas(url, 3)
    with psycopg.connect(url, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f"CREATE SCHEMA {schema}")
    try:
        if args.events:
            _measure("postgresql", urls[0], urls[1], args.events)
        if args.pg_scale:
            status |= _at_scale("postgresql", urls[2], args.pg_scale)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return status


if __name__ == "__main__":
    sys.exit(main())
