"""Round trips of `plan` and of the whole safe `push`, at 50 ms simulated RTT.

One simulated router (RouterOS 7.16, API), a template of 20 items (an address list), plan then push.
Each run reports: wall time, wall time / RTT (what the router's distance costs), and the client's own
count of round trips (a TCP connect, the login and every pipelined batch count one each).
Targets: plan ≤ 4 round trips (connect, login, one pipelined read); push ≤ 10.

    .venv/bin/python bench/bench_push.py [--rtt-ms 50] [--items 20] [--transport api|api-ssl|ssh]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mikronet.inventory import load_inventory, resolve_secrets  # noqa: E402
from mikronet.ops.push import Pusher, PushOptions  # noqa: E402
from mikronet.render import Renderer  # noqa: E402
from mikronet.runner.results import Status  # noqa: E402
from mikronet.sim.fleet import SimFleet  # noqa: E402
from mikronet.sim.runtime import FleetOptions  # noqa: E402
from mikronet.transport import TrustStore, fetch_identity  # noqa: E402

INVENTORY = """\
defaults: {{transport: {transport}, username: mikronet, password: {{env: MIKRONET_PASSWORD}}, template: bench}}
schools:
  - id: LV-0500
    name: "Benčmarka pamatskola"
    municipality: "Rīga"
    connection: {{type: optical, contracted_mbps: 100}}
    routers:
      - {{name: gw, host: 10.50.0.1, model: RB5009UG+S+, serial: HF5000001, routeros: 7.16.2}}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt-ms", type=float, default=50.0)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--transport", default="api", choices=("api", "api-ssl", "ssh"))
    args = parser.parse_args()
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    os.environ.setdefault("MIKRONET_PASSWORD", "bench-Pa55")
    rtt = args.rtt_ms / 1000
    work = Path(tempfile.mkdtemp(prefix="mikronet-bench-push-"))
    (work / "inventory.yaml").write_text(INVENTORY.format(transport=args.transport), encoding="utf-8")
    templates = work / "templates"
    templates.mkdir()
    lines = ["/ip firewall address-list"]
    lines += [f"add address=192.0.2.{n} list=bench comment=item-{n}" for n in range(1, args.items + 1)]
    (templates / "bench.rsc.j2").write_text("\n".join(lines) + "\n", encoding="utf-8")

    options = FleetOptions(latency_ms=args.rtt_ms)
    with SimFleet(work / "inventory.yaml", directory=work / "sim", options=options) as fleet:
        inventory = load_inventory(fleet.inventory_path)
        router = resolve_secrets(inventory.routers)[0]
        trust = TrustStore(inventory.known_hosts)
        presented = fetch_identity(router)
        for pin in (presented.ssh, presented.tls):
            if pin is not None:
                trust.record(pin)
        pusher = Pusher(Renderer(templates), trust, None, options=PushOptions(revert_after=30))
        desired = pusher.render([router])[0]

        started = time.perf_counter()
        planned = pusher.plan(desired)
        plan_s = time.perf_counter() - started
        started = time.perf_counter()
        pushed = pusher.push(desired)
        push_s = time.perf_counter() - started
        assert planned.status is Status.PLANNED and len(planned.plan) == args.items, planned
        assert pushed.status is Status.CHANGED, (pushed.error, pushed.reason)

    print(f"push round trips at {args.rtt_ms:g} ms RTT, {args.items} changed items, transport {args.transport}")
    print(f"{'':8}{'wall s':>9}{'wall/RTT':>10}{'counted':>9}  target")
    print(f"{'plan':8}{plan_s:9.3f}{plan_s / rtt:10.1f}{planned.round_trips:9d}  ≤ 4")
    print(f"{'push':8}{push_s:9.3f}{push_s / rtt:10.1f}{pushed.round_trips:9d}  ≤ 10")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
