"""Ledger speed: appends one by one, a merge in one transaction, and verify, for 10,000 events
(a benchmark script, not a test).

    .venv/bin/python bench/bench_ledger.py [-n EVENTS] [--postgres URL]

On a SQLite file in a temporary folder (WAL, synchronous=FULL: each append is one committed,
synced transaction), and on PostgreSQL when a URL is given or the tests' server is up
(``MIKRONET_TEST_POSTGRES``, or the ``.services.env`` that ``make services`` writes); there the
tables go into a schema of their own, dropped at the end. Prints per backend: appends per second
(each its own transaction, as a workflow writes them), merge (``import_events``) events per second,
the time ``verify`` takes over all the events, and ``list`` (reading them all back).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from mikronet.ledger import Ledger, open_ledger

REPO = Path(__file__).resolve().parents[1]


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


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-n", "--events", type=int, default=10_000)
    parser.add_argument("--postgres", default=None, metavar="URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as folder:
        _measure("sqlite", f"sqlite:///{folder}/a.sqlite", f"sqlite:///{folder}/b.sqlite", args.events)
    url = _postgres_url(args.postgres)
    if url is None:
        print("postgresql: no server (give --postgres URL or run `make services`)", file=sys.stderr)
        return 0
    import psycopg

    schemas = [f"bench_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(url, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f"CREATE SCHEMA {schema}")
    try:
        joiner = "&" if "?" in url else "?"
        a, b = (f"{url}{joiner}options={quote(f'-csearch_path={s}')}" for s in schemas)
        _measure("postgresql", a, b, args.events)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
