"""``/tool speed-test``, ``/tool bandwidth-test`` and ``/ping``: plausible figures from the school's line.

A school's contracted bandwidth (inventory ``connection.contracted_mbps``), or what its router can
carry where that is less (:func:`line_capacity`), bounds what a test measures: results land between
82 % and 97 % of it, varying per router and per run but reproducible for the same router, run and
boot. Values are API text: bandwidths in bits per second for bandwidth-test,
``921Mbps``-style strings for speed-test (as RouterOS prints them).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from mikronet.hardware import model_info
from mikronet.routeros.values import duration_seconds
from mikronet.sim import messages as msg
from mikronet.sim.menus import Request
from mikronet.sim.reply import CommandTrap, Reply

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = ["register_tools"]

DEFAULT_MBPS = 100.0


def _rng(device: RouterState, salt: str) -> random.Random:
    run = device.next_tool_run()
    return random.Random(f"{device.serial}:{salt}:{device.boot_count}:{run}")


def line_capacity(model: str, contracted: float | None) -> float:
    """What a test can measure: the contracted line, bounded by what the router carries (its published
    routing throughput, else its port speed: a hAP lite's 10/100 ports cap a 300 Mbit/s line)."""
    info = model_info(model)
    carries = float(info.port_mbps)
    if info.throughput_mbps is not None:
        carries = min(carries, float(info.throughput_mbps))
    return min(contracted or DEFAULT_MBPS, carries)


def _rates(device: RouterState, rng: random.Random) -> tuple[float, float]:
    contracted = line_capacity(device.spec.model, device.spec.contracted_mbps)
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


_BTEST_ARGS = frozenset({
    "address", "direction", "duration", "protocol", "user", "password", "connection-count",
    "tcp-connection-count", "local-tx-speed", "remote-tx-speed", "random-data", "interval",
    "local-udp-tx-size", "remote-udp-tx-size", "once",
})


def _speed_cap(value: str | None) -> float | None:
    """``local-tx-speed=50M`` -> 50e6 bits per second (RouterOS rates are decimal)."""
    if not value or value == "0":
        return None
    units = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}
    try:
        return float(value[:-1]) * units[value[-1]] if value[-1] in units else float(value)
    except ValueError as exc:
        raise CommandTrap(msg.INVALID_VALUE.format(name="local-tx-speed"), msg.CATEGORY_ARGUMENT) from exc


def bandwidth_test(device: RouterState, request: Request) -> Reply:
    """``/tool bandwidth-test``: one row per second of the test, as RouterOS streams them.

    Figures come from the school's contracted bandwidth (the ``contracted_mbps`` device option):
    receive between 82 % and 97 % of it, transmit a little less, each second within ±3 % of the
    run's rate, reproducible for the same router, run and boot. Values are bits per second;
    ``direction`` (``receive`` by default, ``transmit`` or ``both``) decides which of the ``rx-*`` and
    ``tx-*`` columns a row has, as on RouterOS.
    """
    for name in request.args:
        if name not in _BTEST_ARGS:
            raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT, argument=name)
    address = request.args.get("address", "")
    if not address:
        raise CommandTrap(msg.VALUE_NEEDED.format(name="address"), msg.CATEGORY_ARGUMENT)
    direction = request.args.get("direction", "receive") or "receive"
    if direction not in ("receive", "transmit", "both"):
        raise CommandTrap(msg.INVALID_VALUE.format(name="direction"), msg.CATEGORY_ARGUMENT)
    protocol = request.args.get("protocol", "udp") or "udp"
    if protocol not in ("tcp", "udp"):
        raise CommandTrap(msg.INVALID_VALUE.format(name="protocol"), msg.CATEGORY_ARGUMENT)
    duration = duration_seconds(request.args.get("duration", "10s") or "10s")
    if duration is None:
        raise CommandTrap(msg.INVALID_VALUE.format(name="duration"), msg.CATEGORY_ARGUMENT)
    rng = _rng(device, "btest")
    down, up = _rates(device, rng)
    rates = {"rx": down * 1e6, "tx": up * 1e6}
    caps = {"tx": _speed_cap(request.args.get("local-tx-speed")), "rx": _speed_cap(request.args.get("remote-tx-speed"))}
    for side, cap in caps.items():
        if cap is not None:
            rates[side] = min(rates[side], cap * rng.uniform(0.97, 0.995))
    sides = {"receive": ("rx",), "transmit": ("tx",), "both": ("tx", "rx")}[direction]
    seconds = max(1, min(int(duration), 60))
    totals = {side: 0.0 for side in sides}
    window: dict[str, list[float]] = {side: [] for side in sides}
    rows = []
    for second in range(1, seconds + 1):
        row = {
            ".section": str(second - 1),
            "status": "running" if second < seconds else "done testing",
            "duration": f"{second}s",
            "direction": direction,
            "connection-count": request.args.get("connection-count", "20"),
            "local-cpu-load": f"{rng.randint(8, 30)}%",
            "remote-cpu-load": f"{rng.randint(5, 25)}%",
            "lost-packets": "0",
            "random-data": "false",
        }
        for side in sides:
            current = rates[side] * rng.uniform(0.97, 1.03)
            if caps[side] is not None:  # a speed limit is a ceiling, wobble or not
                current = min(current, float(caps[side] or 0))
            totals[side] += current
            window[side] = [*window[side][-9:], current]
            row[f"{side}-current"] = str(int(current))
            row[f"{side}-10-second-average"] = str(int(sum(window[side]) / len(window[side])))
            row[f"{side}-total-average"] = str(int(totals[side] / second))
            row[f"{side}-size"] = "1500"
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
