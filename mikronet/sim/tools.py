"""``/tool speed-test``, ``/tool bandwidth-test`` and ``/ping``: plausible figures from the school's line.

A school's contracted bandwidth (inventory ``connection.contracted_mbps``) bounds what a test
measures: results land between 82 % and 97 % of it, varying per router and per run but
reproducible for the same router, run and boot. Values are API text: bandwidths in bits per
second for bandwidth-test, ``921Mbps``-style strings for speed-test (as RouterOS prints them).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from mikronet.sim import messages as msg
from mikronet.sim.config import print_rows
from mikronet.sim.formats import parse_duration
from mikronet.sim.menus import Request
from mikronet.sim.reply import CommandTrap, Reply

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = ["register_tools"]

DEFAULT_MBPS = 100.0


def _rng(device: RouterState, salt: str) -> random.Random:
    run = device.next_tool_run()
    return random.Random(f"{device.serial}:{salt}:{device.boot_count}:{run}")


def _rates(device: RouterState, rng: random.Random) -> tuple[float, float]:
    contracted = device.spec.contracted_mbps or DEFAULT_MBPS
    down = contracted * rng.uniform(0.82, 0.97)
    up = contracted * rng.uniform(0.80, 0.96)
    return down, up


def _mbps(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.1f}Gbps"
    return f"{value:.1f}Mbps" if value < 100 else f"{value:.0f}Mbps"


def speed_test(device: RouterState, request: Request) -> Reply:
    address = request.args.get("address", "")
    if not address:
        raise CommandTrap(msg.VALUE_NEEDED.format(name="address"), msg.CATEGORY_ARGUMENT)
    rng = _rng(device, "speed")
    down, up = _rates(device, rng)
    ping = [rng.uniform(1.5, 4.0), rng.uniform(4.0, 9.0), rng.uniform(12.0, 40.0)]
    cpu = rng.randint(8, 35)
    row = {
        "status": "done",
        "ping-min-avg-max": f"{ping[0]:.2f}ms / {ping[1]:.2f}ms / {ping[2]:.1f}ms",
        "jitter-min-avg-max": (f"{rng.randint(8, 40)}us / {rng.uniform(0.2, 1.5):.2f}ms / {rng.uniform(3, 9):.1f}ms"),
        "loss": "0% (0/200)",
        "tcp-download": f"{_mbps(down)} local-cpu-load:{cpu}%",
        "tcp-upload": f"{_mbps(up)} local-cpu-load:{cpu}% remote-cpu-load:{rng.randint(5, 30)}%",
        "udp-download": f"{_mbps(down * 0.99)} local-cpu-load:{cpu // 3}% remote-cpu-load:{rng.randint(5, 25)}%",
        "udp-upload": f"{_mbps(up * 0.99)} local-cpu-load:{cpu // 2}% remote-cpu-load:{rng.randint(3, 10)}%",
    }
    return Reply(rows=[{".section": "0", "status": "running"}, {".section": "1", **row}])


def bandwidth_test(device: RouterState, request: Request) -> Reply:
    address = request.args.get("address", "")
    if not address:
        raise CommandTrap(msg.VALUE_NEEDED.format(name="address"), msg.CATEGORY_ARGUMENT)
    direction = request.args.get("direction", "receive")
    if direction not in ("receive", "transmit", "both"):
        raise CommandTrap(msg.INVALID_VALUE.format(name="direction"), msg.CATEGORY_ARGUMENT)
    try:
        duration = parse_duration(request.args.get("duration", "10s") or "10s")
    except ValueError as exc:
        raise CommandTrap(msg.INVALID_VALUE.format(name="duration"), msg.CATEGORY_ARGUMENT) from exc
    rng = _rng(device, "btest")
    down, up = _rates(device, rng)
    rows = []
    seconds = max(1, min(int(duration), 60))
    for second in range(1, seconds + 1):
        row = {
            ".section": str(second - 1),
            "status": "running" if second < seconds else "done testing",
            "duration": f"{second}s",
            "direction": direction,
            "connection-count": request.args.get("connection-count", "20"),
            "lost-packets": "0",
            "random-data": "false",
        }
        wobble = rng.uniform(0.97, 1.03)
        if direction in ("receive", "both"):
            row.update(
                {
                    "rx-current": str(int(down * wobble * 1e6)),
                    "rx-10-second-average": str(int(down * 1e6)),
                    "rx-total-average": str(int(down * 1e6)),
                }
            )
        if direction in ("transmit", "both"):
            row.update(
                {
                    "tx-current": str(int(up * wobble * 1e6)),
                    "tx-10-second-average": str(int(up * 1e6)),
                    "tx-total-average": str(int(up * 1e6)),
                }
            )
        rows.append(row)
    return Reply(rows=rows)


def ping(device: RouterState, request: Request) -> Reply:
    address = request.args.get("address", "")
    if not address:
        raise CommandTrap(msg.VALUE_NEEDED.format(name="address"), msg.CATEGORY_ARGUMENT)
    count = max(1, min(int(request.args.get("count", "4") or 4), 100))
    rng = _rng(device, "ping")
    times = [rng.uniform(3.0, 12.0) for _ in range(count)]
    rows = []
    for seq, ms in enumerate(times):
        done = times[: seq + 1]
        rows.append(
            {
                "seq": str(seq),
                "host": address,
                "size": request.args.get("size", "56"),
                "ttl": request.args.get("ttl", "57"),
                "time": f"{ms:.3f}ms".replace(".000", ""),
                "sent": str(seq + 1),
                "received": str(seq + 1),
                "packet-loss": "0",
                "min-rtt": f"{min(done):.3f}ms",
                "avg-rtt": f"{sum(done) / len(done):.3f}ms",
                "max-rtt": f"{max(done):.3f}ms",
            }
        )
    return Reply(rows=rows)


def register_tools(device: RouterState) -> None:
    device.menus.register(("tool",), "speed-test", lambda r: speed_test(device, r))
    device.menus.register(("tool",), "bandwidth-test", lambda r: bandwidth_test(device, r))
    device.menus.register((), "ping", lambda r: ping(device, r))
    device.menus.register(("tool",), "ping", lambda r: ping(device, r))
    device.menus.register(("ip", "neighbor"), "print", lambda r: print_rows([], r))
