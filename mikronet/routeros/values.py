"""Value normalisers: one RouterOS value spelled the way RouterOS prints it back, so that equal
values compare equal.

``yes``/``true`` -> ``yes``; rates ``25M`` -> ``25000000``; durations ``1d``/``24h``/``1d00:00:00``
-> ``1d``; sizes ``2MiB`` -> ``2097152``; comma sets sorted (lists keep their order); MACs
upper-case; addresses ``10.255.255.1/32`` -> ``10.255.255.1`` and IPv6 compressed, networks with
their host bits cleared. Every normaliser is idempotent and leaves a value it does not
understand (``auto``, ``none``, a DNS name) as it is. The schema names each property's type.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable, Mapping
from typing import Final

__all__ = ["NORMALIZERS", "duration_seconds", "duration_us", "format_duration", "format_seconds", "normalize_value"]

_INT: Final = re.compile(r"[+-]?[0-9]+|0x[0-9A-Fa-f]+")
_RATE: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?)([kKMGT]?)(?:bps)?")
_SIZE: Final = re.compile(r"([0-9]+)(KiB|MiB|GiB|TiB|k|K|M|G|T)?")
_DURATION_PART: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?)(w|d|h|ms|m|s|us)")
_SECONDS: Final = re.compile(r"[0-9]+\.[0-9]+")
_CLOCK: Final = re.compile(r"([0-9]+):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?$")
_RATE_UNITS: Final = {"": 1, "k": 1000, "K": 1000, "M": 1000**2, "G": 1000**3, "T": 1000**4}
_SIZE_UNITS: Final = {None: 1, "k": 1024, "K": 1024, "KiB": 1024, "M": 1024**2, "MiB": 1024**2,
                      "G": 1024**3, "GiB": 1024**3, "T": 1024**4, "TiB": 1024**4}
_US: Final = {"w": 604_800_000_000, "d": 86_400_000_000, "h": 3_600_000_000, "m": 60_000_000,
              "s": 1_000_000, "ms": 1_000, "us": 1}


def _bool(value: str) -> str:
    low = value.lower()
    if low in ("yes", "true"):
        return "yes"
    if low in ("no", "false"):
        return "no"
    return value


def _int(value: str) -> str:
    text = value.strip()
    if _INT.fullmatch(text):
        return str(int(text, 16) if text[:2] == "0x" else int(text))
    return value


def _rate_part(part: str) -> str:
    m = _RATE.fullmatch(part)
    if not m:
        return part
    number, unit = m.groups()
    scaled = float(number) * _RATE_UNITS[unit] if "." in number else int(number) * _RATE_UNITS[unit]
    if isinstance(scaled, float):
        if not scaled.is_integer():
            return part
        scaled = int(scaled)
    return str(scaled)


def _rate(value: str) -> str:
    """Bits per second, decimal units: ``25M`` -> ``25000000``; ``768k/10M`` per direction."""
    return "/".join(_rate_part(p) for p in value.split("/"))


def _size(value: str) -> str:
    """Bytes, binary units: ``2MiB`` -> ``2097152``."""
    m = _SIZE.fullmatch(value.strip())
    if not m:
        return value
    return str(int(m.group(1)) * _SIZE_UNITS[m.group(2)])


def _kib(value: str) -> str:
    """A size counted in KiB where a bare number means KiB (``cache-size``): ``2MiB`` -> ``2048KiB``."""
    m = _SIZE.fullmatch(value.strip())
    if not m:
        return value
    unit = m.group(2)
    count = int(m.group(1)) if unit is None else int(m.group(1)) * _SIZE_UNITS[unit] // 1024
    if unit is not None and int(m.group(1)) * _SIZE_UNITS[unit] % 1024:
        return value
    return f"{count}KiB"


def duration_us(value: str) -> int | None:
    """A RouterOS duration in microseconds, or ``None`` when it is not one (``none``, ``auto``, empty).

    The one reader of durations in the product (the normalisers, the push guard, facts, and the
    simulated routers' scheduler and tools): units (``1w2d3h4m5s``, ``500ms``, ``1.5s``), a clock
    (``00:01:00``, ``03:04:05.250``), units then a clock as ``/system resource`` writes uptimes on
    v6 (``1w2d03:04:05``, ``1d 03:04:05``), or a bare number of seconds (``30``, ``2.5``)."""
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text) * 1_000_000
    if _SECONDS.fullmatch(text):
        return round(float(text) * 1_000_000)
    total = 0
    clock = _CLOCK.search(text)
    if clock is not None:
        hours, minutes, seconds, fraction = clock.groups()
        total = ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1_000_000
        total += int(fraction.ljust(6, "0")) if fraction else 0
        text = text[: clock.start()].rstrip()
        if not text:
            return total
    pos = 0
    for part in _DURATION_PART.finditer(text):
        if part.start() != pos:
            return None
        amount = part.group(1)
        unit = _US[part.group(2)]
        total += round(float(amount) * unit) if "." in amount else int(amount) * unit
        pos = part.end()
    if pos != len(text) or pos == 0:
        return None
    return total


def duration_seconds(value: str) -> float | None:
    """A RouterOS duration in seconds (:func:`duration_us`), or ``None`` when it is not one."""
    us = duration_us(value)
    return None if us is None else us / 1_000_000


def format_duration(us: int) -> str:
    """Microseconds as RouterOS writes a duration: ``1w2d3h4m5s``, ``100ms``, ``0s``."""
    if us == 0:
        return "0s"
    out = []
    for unit in ("w", "d", "h", "m", "s", "ms", "us"):
        size = _US[unit]
        count, us = divmod(us, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


def format_seconds(seconds: float) -> str:
    """Whole seconds as RouterOS writes an uptime over the API: ``1w4d23h26m9s``; zero is ``0s``."""
    return format_duration(int(seconds) * 1_000_000)


def _duration(value: str) -> str:
    us = duration_us(value)
    return value if us is None else format_duration(us)


def _list(value: str) -> str:
    if "," not in value and value.strip() == value:
        return value
    return ",".join(p.strip() for p in value.split(","))


def _set(value: str) -> str:
    parts = {p.strip() for p in value.split(",")} - {""}
    return ",".join(sorted(parts))


def _iset(value: str) -> str:
    return _set(value.lower())


def _mac(value: str) -> str:
    return value.upper()


def _one_address(text: str, network: bool) -> str:
    """One address, prefix or range as RouterOS prints it: a host's full-length prefix dropped
    (``10.0.0.1/32`` -> ``10.0.0.1``), IPv6 compressed and lower-case, with ``network`` the host
    bits cleared (``10.0.0.5/24`` -> ``10.0.0.0/24``). Anything else is left as it is."""
    bang = "!" if text.startswith("!") else ""
    body = text[len(bang):]
    if "-" in body and "/" not in body:
        low, _, high = body.partition("-")
        return f"{bang}{_one_address(low, False)}-{_one_address(high, False)}"
    if not body or not (body[0].isdigit() or body[0] in ":abcdefABCDEF"):
        return text
    try:
        if "/" not in body:
            return bang + str(ipaddress.ip_address(body))
        if network:
            net = ipaddress.ip_network(body, strict=False)
            full = net.prefixlen == net.max_prefixlen
            return bang + (str(net.network_address) if full else str(net))
        iface = ipaddress.ip_interface(body)
        full = iface.network.prefixlen == iface.network.max_prefixlen
        return bang + (str(iface.ip) if full else str(iface))
    except ValueError:
        return text


def _ip(value: str) -> str:
    """Addresses (``ip``): each of a comma list normalised, in order."""
    return ",".join(_one_address(p.strip(), False) for p in value.split(",")) if value else value


def _net(value: str) -> str:
    """Networks (``net``): each of a comma list normalised with the host bits cleared, in order."""
    return ",".join(_one_address(p.strip(), True) for p in value.split(",")) if value else value


def _ip_set(value: str) -> str:
    """A set of addresses (``ip-set``): normalised, each once, sorted."""
    return _set(_ip(value))


NORMALIZERS: Final[Mapping[str, Callable[[str], str]]] = {
    "text": lambda v: v,
    "bool": _bool,
    "flag": _bool,
    "int": _int,
    "rate": _rate,
    "size": _size,
    "kib": _kib,
    "duration": _duration,
    "list": _list,
    "set": _set,
    "iset": _iset,
    "mac": _mac,
    "ip": _ip,
    "net": _net,
    "ip-set": _ip_set,
}


@functools.lru_cache(maxsize=1 << 16)
def normalize_value(type_: str, value: str) -> str:
    """``value`` in canonical form for a property of type ``type_`` (idempotent). Remembered: a fleet
    compares the same few thousand values for every router."""
    return NORMALIZERS.get(type_, NORMALIZERS["text"])(value)
