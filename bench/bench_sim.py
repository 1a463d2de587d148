"""Capacity of the simulated fleet: 1,000 routers in one process.

Measures, for a fleet of N routers (API, api-ssl and SSH listeners each) in this process:

* start-up time: from ``SimFleet.start()`` until every router listens and the inventory is written;
* memory: resident set size after start-up and at its peak under load (``VmRSS``/``VmHWM``);
* API round trips under load: C concurrent librouteros (asyncio) clients, each logged in to its own
  router, issuing ``/system/resource/print`` R times; p50/p99/max of the round-trip time. The
  clients run in a separate process so they do not share the fleet's event loop.

    .venv/bin/python bench/bench_sim.py [--routers 1000] [--clients 100] [--requests 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PASSWORD = "bench-Pa55"
VERSIONS = ("6.49.18", "7.12.1", "7.14.3", "7.16.2", "7.18.2", "7.19.4")


def write_inventory(directory: Path, routers: int) -> Path:
    from mikronet.hardware import MODELS

    schools = []
    for n in range((routers + 1) // 2):
        entries = []
        for k, name in enumerate(("gw", "lab")):
            index = 2 * n + k
            if index >= routers:
                break
            model = MODELS[index % len(MODELS)]
            entries.append(
                {
                    "name": name,
                    "host": f"10.{index // 250}.{index % 250}.1",
                    "model": model.model,
                    "serial": f"BENCH{index:06d}",
                    "routeros": VERSIONS[index % len(VERSIONS)],
                }
            )
        schools.append(
            {
                "id": f"LV-{n + 1:04d}",
                "name": f"Skola {n + 1}",
                "municipality": "Rīga",
                "connection": {"type": "optical", "contracted_mbps": 100 + n % 900},
                "routers": entries,
            }
        )
    doc = {
        "defaults": {
            "transport": "api",
            "username": "admin",
            "password": {"env": "MIKRONET_PASSWORD"},
            "template": "school-gateway",
        },
        "schools": schools,
    }
    path = directory / "bench-inventory.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def memory_kib() -> dict[str, int]:
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


async def _client(host: str, port: int, requests: int, out: list[float], errors: list[str]) -> None:
    import librouteros

    try:
        api = await librouteros.async_connect(host, "admin", PASSWORD, port=port, timeout=30)
    except Exception as exc:
        errors.append(f"connect {host}: {exc!r}")
        return
    try:
        for _ in range(requests):
            started = time.perf_counter()
            rows = [row async for row in api("/system/resource/print")]
            out.append(time.perf_counter() - started)
            if not rows:
                errors.append(f"{host}: empty reply")
    except Exception as exc:
        errors.append(f"{host}: {exc!r}")
    finally:
        await api.close()


def run_clients(endpoints: list[tuple[str, int]], requests: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """In a child process: every client at once, each on its own router; report the timings."""
    timings: list[float] = []
    errors: list[str] = []

    async def main() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(_client(host, port, requests, timings, errors) for host, port in endpoints))
        return time.perf_counter() - started

    elapsed = asyncio.run(main())
    queue.put({"timings": timings, "errors": errors[:5], "error_count": len(errors), "elapsed": elapsed})


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routers", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--no-ssh", action="store_true", help="start only the API listeners")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from mikronet.sim.fleet import SimFleet
    from mikronet.sim.runtime import FleetOptions

    base = memory_kib()["VmRSS"]
    with tempfile.TemporaryDirectory(prefix="mikronet-bench-") as tmp:
        inventory = write_inventory(Path(tmp), args.routers)
        fleet = SimFleet(
            inventory,
            directory=Path(tmp) / "fleet",
            options=FleetOptions(ssh=not args.no_ssh),
            environ={"MIKRONET_PASSWORD": PASSWORD},
        )
        started = time.perf_counter()
        fleet.start(timeout=600)
        startup = time.perf_counter() - started
        after_start = memory_kib()
        fds = len(os.listdir("/proc/self/fd"))
        try:
            ids = list(fleet.router_ids)
            step = max(1, len(ids) // args.clients)
            chosen = [fleet.endpoint(rid) for rid in ids[::step][: args.clients]]
            queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()  # type: ignore[type-arg]
            child = multiprocessing.get_context("spawn").Process(
                target=run_clients, args=([(e.host, e.api) for e in chosen], args.requests, queue)
            )
            cpu_before = _cpu_seconds()
            child.start()
            result = queue.get(timeout=600)
            server_cpu = _cpu_seconds() - cpu_before
            child.join(timeout=60)
            peak = memory_kib()
        finally:
            fleet.stop()

    timings = result["timings"]
    figures = {
        "routers": args.routers,
        "listeners": args.routers * (2 if args.no_ssh else 3),
        "startup_s": round(startup, 2),
        "rss_baseline_mib": round(base / 1024, 1),
        "rss_after_start_mib": round(after_start["VmRSS"] / 1024, 1),
        "rss_peak_mib": round(peak["VmHWM"] / 1024, 1),
        "open_fds": fds,
        "clients": len(chosen),
        "requests": len(timings),
        "errors": result["error_count"],
        "throughput_rps": round(len(timings) / result["elapsed"], 1) if result["elapsed"] else 0,
        "server_cpu_us_per_request": round(server_cpu / len(timings) * 1e6) if timings else None,
        "rtt_p50_ms": round(statistics.median(timings) * 1000, 2) if timings else None,
        "rtt_p99_ms": round(percentile(timings, 0.99) * 1000, 2) if timings else None,
        "rtt_max_ms": round(max(timings) * 1000, 2) if timings else None,
    }
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        print(f"simulated fleet: {figures['routers']} routers, {figures['listeners']} listeners, one process")
        print(f"  start-up           {figures['startup_s']} s")
        print(
            f"  RSS after start    {figures['rss_after_start_mib']} MiB (interpreter alone: "
            f"{figures['rss_baseline_mib']} MiB); peak {figures['rss_peak_mib']} MiB"
        )
        print(f"  open descriptors   {figures['open_fds']}")
        print(
            f"  load               {figures['clients']} concurrent clients x {args.requests} requests "
            f"({figures['requests']} done, {figures['errors']} errors), {figures['throughput_rps']} req/s"
        )
        print(
            f"  API round trip     p50 {figures['rtt_p50_ms']} ms, p99 {figures['rtt_p99_ms']} ms, "
            f"max {figures['rtt_max_ms']} ms"
        )
        print(f"  fleet CPU          {figures['server_cpu_us_per_request']} us per request (logins included)")
        for line in result["errors"]:
            print(f"  error: {line}")
    return 0 if result["error_count"] == 0 and figures["rss_peak_mib"] < 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
