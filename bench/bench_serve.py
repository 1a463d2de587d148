"""Dashboard latency under concurrent readers (a benchmark script, not a test).

    .venv/bin/python bench/bench_serve.py [--schools 600] [--events 10000] [--clients 50] [--rounds 3]
                                          [--workers 1]

Builds an inventory of 600 schools, a ledger of 10,000 events and a fleet-state row per router, starts
``mikronet serve`` on a free loopback port, and logs in CLIENTS clients (half ministry, half one
municipality each), each asking for the programme, a school and the ledger pages ROUNDS times, all
at once. Prints per page the single-client latency (the floor), the p95 of the first round (each
scope's pages computed for the first time since the record changed), the median and p95 of the later
rounds (the pages kept), and the p95 of all; counts every answer that is not 200. Exits 1 on any error.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from bench_reports import events, write_fleet  # a sibling script: its folder is on the path when run

from mikronet.inventory import load_inventory
from mikronet.ledger import open_ledger
from mikronet.web import USERS_FILE, UserStore

PASSWORD = "bench-parole-ā-42"
PAGES = ("programme", "school", "ledger")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def build(root: Path, schools: int, count: int) -> tuple[list[str], list[str]]:
    """The world on disk; returns the school ids and the municipalities."""
    rng = random.Random(20260101)
    write_fleet(root, schools, rng)
    inventory = load_inventory(root)
    started = time.perf_counter()
    with open_ledger(None, base_dir=inventory.trust_dir) as ledger:
        for event in events(inventory, count, rng):
            ledger.append(school=event.school, kind=event.kind, technician=event.technician, router=event.router,
                          serial=event.serial, details=event.details, outcome=event.outcome, time=event.time,
                          category=event.category)
        ledger.state.update_many((r.id, r.school.id, {"model": r.model, "routeros": r.routeros, "serial": r.serial,
                                                      "drift": rng.random() < 0.1, "last_operation": "push",
                                                      "last_status": rng.choice(("ok", "changed", "unreachable"))})
                                 for r in inventory.routers)
    print(f"built {schools} schools, {len(inventory.routers)} routers, {count} events "
          f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    municipalities = sorted({s.municipality for s in inventory.schools})
    users = UserStore(inventory.trust_dir / USERS_FILE)
    users.add("ministrija", "ministry", PASSWORD)
    for n, name in enumerate(municipalities):
        users.add(f"m{n}", "municipality", PASSWORD, name)
    users.save()
    return [s.id for s in inventory.schools], municipalities


def client(base: str, name: str) -> httpx.Client:
    http = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
    token = re.search(r'name="csrf" value="([^"]+)"', http.get("/login").text)
    assert token is not None
    answer = http.post("/login", data={"user": name, "password": PASSWORD, "csrf": token.group(1)})
    assert answer.status_code == 303, answer.status_code
    return http


def walk(http: httpx.Client, school: str, rounds: int, times: dict[str, list[float]],
         first: dict[str, list[float]], errors: list[str], lock: threading.Lock) -> None:
    paths = {"programme": "/programme", "school": f"/schools/{school}", "ledger": "/ledger"}
    for round_ in range(rounds):
        for page in PAGES:
            started = time.perf_counter()
            try:
                status = http.get(paths[page]).status_code
            except httpx.HTTPError as exc:
                status, detail = 0, type(exc).__name__
            else:
                detail = str(status)
            took = time.perf_counter() - started
            with lock:
                (first if round_ == 0 else times)[page].append(took)
                if status != 200:
                    errors.append(f"{page}: {detail}")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        schools, municipalities = build(root, args.schools, args.events)
        by_municipality: dict[str, list[str]] = {}
        for school in load_inventory(root).schools:
            by_municipality.setdefault(school.municipality, []).append(school.id)
        port = _free_port()
        env = dict(os.environ, MIKRONET_PASSWORD="bench")
        server = subprocess.Popen([sys.executable, "-m", "mikronet", "-i", str(root), "serve", "--port", str(port),
                                   "--workers", str(args.workers)], env=env, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    httpx.get(f"{base}/login", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            # the floor: one client alone, best of three per page
            alone = client(base, "ministrija")
            floor = {}
            for page, path in zip(PAGES, ("/programme", f"/schools/{schools[0]}", "/ledger"), strict=True):
                took = []
                for _ in range(3):
                    started = time.perf_counter()
                    alone.get(path).raise_for_status()
                    took.append(time.perf_counter() - started)
                floor[page] = min(took)
            rng = random.Random(7)
            clients = []
            for n in range(args.clients):
                if n % 2 == 0:
                    clients.append((client(base, "ministrija"), rng.choice(schools)))
                else:
                    index = rng.randrange(len(municipalities))
                    clients.append((client(base, f"m{index}"), rng.choice(by_municipality[municipalities[index]])))
            times: dict[str, list[float]] = {page: [] for page in PAGES}
            first: dict[str, list[float]] = {page: [] for page in PAGES}
            errors: list[str] = []
            lock = threading.Lock()
            threads = [threading.Thread(target=walk, args=(http, school, args.rounds, times, first, errors, lock))
                       for http, school in clients]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(30)
    total = sum(len(v) for v in times.values()) + sum(len(v) for v in first.values())
    print(f"{args.clients} clients × {args.rounds} rounds × {len(PAGES)} pages = {total} requests in {wall:.1f} s "
          f"({total / wall:.1f}/s), {args.workers} worker(s), {args.schools} schools, {args.events} events")
    print("first visits: every scope's pages computed once (most clients of a municipality are the first to ask);")
    print("again: the record unchanged since, so pages come from what the dashboard keeps")
    print(f"{'page':<10} {'alone ms':>9} {'first p95':>10} {'median ms':>10} {'p95 ms':>9} {'all p95':>8}")
    for page in PAGES:
        again, cold = sorted(times[page]), sorted(first[page])
        print(f"{page:<10} {floor[page] * 1000:9.0f} {_p95(cold) * 1000:10.0f} "
              f"{statistics.median(again or cold) * 1000:10.0f} {_p95(again or cold) * 1000:9.0f} "
              f"{_p95(again + cold) * 1000:8.0f}")
    print(f"errors: {len(errors)}" + (f" ({', '.join(sorted(set(errors))[:5])})" if errors else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
