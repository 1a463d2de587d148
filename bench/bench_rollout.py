"""A rollout's headline figures: 600 routers pushed at 50 ms RTT against the floor, forks speed-up,
memory, and ``facts`` against a plain threaded librouteros loop.

The simulated fleet runs in its own process (``mikronet sim up``), so this process holds only what
a technician's runner holds. Every router starts from its factory configuration and is pushed the
school gateway template (about 40 operations, over the transport named, api-ssl by default), with
its before/after backups committed to git. Figures, all taken in this one run:

* floor: one router's push time alone (median of three routers) × ceil(600 ÷ forks);
* rollout: wall time of the 600-router push with ``--forks 50``, and its ratio to the floor
  (target ≤ 1.5); the runner's CPU per router; the runner's peak RSS (target ≤ 250 MB);
* speed-up from forks 1 to forks 100, pushing 100 other routers each way;
* ``facts`` on 100 routers against a plain threaded librouteros loop reading the same five menus
  with the same 50 threads (target ≤ 2×).

    .venv/bin/python bench/bench_rollout.py [--routers 600] [--rtt-ms 50] [--transport api-ssl]
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-Pa55"
MODELS = ("RBD52G-5HacD2HnD", "RB750Gr3", "RB4011iGS+", "RB5009UG+S+")


def write_inventory(path: Path, routers: int, transport: str) -> None:
    lines = ["defaults:", f"  transport: {transport}", "  username: mikronet", "  password: {env: MIKRONET_PASSWORD}",
             "  template: school-gateway", "  vars: {admin_subnet: 10.1.0.0/16}", "schools:"]
    for n in range(routers):
        lines += [f"  - id: LV-{n + 1:04d}", f'    name: "Skola Nr. {n + 1} — Rīga"', "    municipality: Rīga",
                  "    connection: {type: optical, contracted_mbps: 300}",
                  f"    vars: {{lan_subnet: 10.{100 + n // 250}.{n % 250}.0/24}}", "    routers:",
                  f"      - {{name: gw, host: 10.2.{n // 250}.{n % 250 + 1}, model: {MODELS[n % len(MODELS)]}, "
                  f"serial: B{n:06d}, routeros: 7.16.2}}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def sim(command: str, inventory: Path, folder: Path, *extra: str) -> None:
    subprocess.run([str(Path(sys.executable).with_name("mikronet")), "-i", str(inventory), "sim", command,
                    "--dir", str(folder), *extra], check=True, capture_output=True,
                   env={**os.environ, "MIKRONET_PASSWORD": PASSWORD})


def cpu_of(pid: int) -> float:
    """CPU seconds a process has used (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def phases(results: list) -> str:
    """Median seconds from a router's start to the end of each phase."""
    out = []
    for phase in ("plan", "backup", "apply", "verify", "total"):
        values = [r.timings[phase] for r in results if phase in r.timings]
        if values:
            out.append(f"{phase} {statistics.median(values):.2f}")
    return ", ".join(out)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plain_facts(routers: list, inventory: object, forks: int) -> float:
    """The same five reads as ``facts``, with librouteros and a thread pool, nothing else."""
    import ssl

    import librouteros

    from mikronet.transport import TrustStore

    store = TrustStore(inventory.known_hosts)  # type: ignore[attr-defined]

    def one(router: object) -> None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        tls = router.transport == "api-ssl"  # type: ignore[attr-defined]
        api = librouteros.connect(
            host=router.host, username=router.username, password=PASSWORD,  # type: ignore[attr-defined]
            port=router.ports.api_ssl if tls else router.ports.api,  # type: ignore[attr-defined]
            ssl_wrapper=context.wrap_socket if tls else None, timeout=10)
        try:
            for path in ("/system/identity", "/system/resource", "/system/routerboard", "/system/package",
                         "/system/package/update"):
                tuple(api.path(path))
        finally:
            api.close()
        _ = store

    started = time.perf_counter()
    with ThreadPoolExecutor(forks) as pool:
        list(pool.map(one, routers))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routers", type=int, default=600)
    parser.add_argument("--rtt-ms", type=float, default=50.0)
    parser.add_argument("--forks", type=int, default=50)
    parser.add_argument("--transport", default="api-ssl", choices=("api", "api-ssl"))
    parser.add_argument("--skip-speedup", action="store_true")
    parser.add_argument("--no-backups", action="store_true", help="Leave git out (to see what it costs).")
    parser.add_argument("--no-record", action="store_true",
                        help="Leave the run record, the ledger and the fleet state out (to see what they cost).")
    parser.add_argument("--switch", type=float, default=None, help="sys.setswitchinterval for this run.")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="Profile the rollout's CPU across threads (needs yappi) and print the top N functions.")
    args = parser.parse_args()
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    os.environ["MIKRONET_PASSWORD"] = PASSWORD
    os.environ.setdefault("MIKRONET_TECHNICIAN", "bench")
    if args.switch:
        sys.setswitchinterval(args.switch)

    from mikronet.inventory import load_inventory
    from mikronet.ops.fleet import Fleet
    from mikronet.ops.push import PushOptions
    from mikronet.ops.tasks import Facts, Push, Trust
    from mikronet.runner import RolloutPolicy

    work = Path(tempfile.mkdtemp(prefix="mikronet-bench-rollout-"))
    speed = 0 if args.skip_speedup else 200
    total = 3 + args.routers + speed
    write_inventory(work / "inventory.yaml", total, args.transport)
    started = time.perf_counter()
    sim("up", work / "inventory.yaml", work / "sim", "--latency-ms", str(args.rtt_ms), "--no-ssh")
    print(f"{total} simulated routers up in {time.perf_counter() - started:.1f} s (their own process), "
          f"{args.rtt_ms:g} ms RTT, transport {args.transport}")
    try:
        inventory = load_inventory(work / "sim" / "inventory.yaml")
        # recorded as the CLI records: run records, the ledger (one event per changed router), the state
        fleet = Fleet(inventory, policy=RolloutPolicy(forks=100, retries=0), record=not args.no_record,
                      command=["bench"],
                      push_options=PushOptions(revert_after=120, timeout=20))
        if args.no_backups:
            Fleet.backups = None  # type: ignore[assignment,misc]
        everyone = fleet.select(None)
        trusted = fleet.run(Trust(pin=True), everyone)
        assert not trusted.failed, trusted.failed[:3]
        floor_set, rollout, rest = everyone[:3], everyone[3:3 + args.routers], everyone[3 + args.routers:]

        one_at_a_time = replace(fleet.policy, forks=1)
        alone = []
        for router in floor_set:
            t0 = time.perf_counter()
            result = fleet.run(Push(), [router], one_at_a_time).results[0]
            alone.append(time.perf_counter() - t0)
            assert result.status.name == "CHANGED", result
        one = statistics.median(alone)
        floor = one * math.ceil(args.routers / args.forks)

        import json

        sim_pid = int(json.loads((work / "sim" / "state.json").read_text())["pid"])
        if args.profile:
            import yappi

            yappi.set_clock_type("cpu")
            yappi.start()
        sim0, cpu0, t0 = cpu_of(sim_pid), time.process_time(), time.perf_counter()
        run = fleet.run(Push(), rollout, replace(fleet.policy, forks=args.forks))
        wall, cpu, sim_cpu = time.perf_counter() - t0, time.process_time() - cpu0, cpu_of(sim_pid) - sim0
        if args.profile:
            yappi.stop()
            stats = yappi.get_func_stats()
            stats.sort("ttot")
            for row in list(stats)[:args.profile]:
                print(f"{row.ttot:8.2f} {row.tsub:8.2f} {row.ncall:9d}  {row.module.split('site-packages/')[-1]}"
                      f":{row.lineno} {row.name}")
        counts = run.counts()
        print(f"one router's push alone: {one:.3f} s ({one / (args.rtt_ms / 1000):.1f} RTT); "
              f"floor = {one:.3f} × ceil({args.routers}/{args.forks}) = {floor:.2f} s")
        print(f"rollout of {args.routers} routers, forks {args.forks}: {wall:.2f} s → wall/floor = "
              f"{wall / floor:.2f} (target ≤ 1.5); {counts}")
        print(f"runner CPU: {cpu:.2f} s, {cpu * 1000 / args.routers:.1f} ms per router; "
              f"peak RSS {peak_rss_mb():.0f} MB (target ≤ 250); simulated fleet's CPU {sim_cpu:.2f} s")
        print(f"per router, median seconds to the end of each phase: {phases(run.results)}")

        if rest:
            t0 = time.perf_counter()
            serial = fleet.run(Push(), rest[:100], one_at_a_time)
            one_at_a_time = time.perf_counter() - t0
            t0 = time.perf_counter()
            wide = fleet.run(Push(), rest[100:200], replace(fleet.policy, forks=100))
            hundred = time.perf_counter() - t0
            assert not serial.failed and not wide.failed
            print(f"100 routers: forks 1 {one_at_a_time:.1f} s, forks 100 {hundred:.2f} s → "
                  f"speed-up {one_at_a_time / hundred:.1f}×")

        sample = rollout[:100]
        t0 = time.perf_counter()
        facts = fleet.run(Facts(), sample, replace(fleet.policy, forks=args.forks))
        ours = time.perf_counter() - t0
        assert not facts.failed, facts.failed[:3]
        theirs = plain_facts(sample, inventory, args.forks)
        print(f"facts on 100 routers: mikronet {ours:.2f} s, plain threaded librouteros {theirs:.2f} s → "
              f"{ours / theirs:.2f}× (target ≤ 2)")
        print(f"threads now: {threading.active_count()}")
    finally:
        sim("down", work / "inventory.yaml", work / "sim")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
