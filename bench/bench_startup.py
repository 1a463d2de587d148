"""Start-up time of the ``mikronet`` command (a benchmark script, not a test).

    .venv/bin/python bench/bench_startup.py [-n RUNS]

Runs each command RUNS times as a fresh process and reports the median wall time, and the same
as a ratio to ``python -c pass`` measured in the same run (so the figure means something on a slow
or busy machine too). The budget is 0.3 s for ``mikronet --version`` and ``mikronet --help``; the
script exits 1 if a median is over it. ``inventory check`` on the sample fleet is reported for
information (it loads and validates 46 files).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUDGET_S = 0.3


def median_run(argv: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=REPO, check=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=15)
    args = parser.parse_args()
    python = sys.executable
    mikronet = str(Path(python).parent / "mikronet")
    env = {**os.environ, "MIKRONET_PASSWORD": "bench-only-password", "MIKRONET_WIFI_PASSPHRASE": "bench-only-wifi",
           "MIKRONET_RADIUS_SECRET": "bench-only-radius"}
    cases = [
        ("python -c pass", [python, "-c", "pass"], False),
        ("mikronet --version", [mikronet, "--version"], True),
        ("mikronet --help", [mikronet, "--help"], True),
        ("mikronet inventory --help", [mikronet, "inventory", "--help"], False),
        (
            "mikronet inventory check (sample)",
            [mikronet, "-i", str(REPO / "inventory"), "inventory", "check"],
            False,
        ),
    ]
    median_run(cases[1][1], 2, env)  # warm the file cache and .pyc files first
    baseline = median_run(cases[0][1], args.runs, env)
    over = []
    print(f"start-up, median of {args.runs} runs (ratio to `python -c pass` = {baseline * 1000:.0f} ms)")
    for label, argv, budgeted in cases:
        value = baseline if label.startswith("python") else median_run(argv, args.runs, env)
        mark = ""
        if budgeted:
            ok = value <= BUDGET_S
            mark = f"  budget {BUDGET_S:.1f} s: {'ok' if ok else 'OVER'}"
            if not ok:
                over.append(label)
        print(f"  {label:<36} {value * 1000:7.0f} ms  {value / baseline:5.1f}x{mark}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
