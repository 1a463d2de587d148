"""Bandwidth measurement: RouterOS's bandwidth test from the school's router toward a test server.

``/tool bandwidth-test address=SERVER direction=both protocol=tcp duration=…`` streams one row a
second; the last row's ``rx-total-average`` is what the school can download and ``tx-total-average``
what it can upload (bits per second, from the router's side). Reports compare a school's figures
before and after an improvement, so each measurement goes into the ledger as a ``measure`` event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mikronet.errors import InputError, MikronetError
from mikronet.runner.results import RouterResult, Stands, Status
from mikronet.transport import Command, Transport

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["measure_router", "server_for"]


def server_for(router: Router, explicit: str | None) -> str:
    """The test server: ``--server``, else the router's ``bandwidth_test_server`` variable."""
    server = explicit or router.vars.get("bandwidth_test_server")
    if not server:
        raise InputError(f"{router.id}: no bandwidth test server: give --server, or set the variable "
                         "bandwidth_test_server in the inventory")
    return str(server)


def _mbps(row: dict[str, Any], key: str) -> float | None:
    value = row.get(key)
    try:
        return round(float(str(value)) / 1e6, 2) if value not in (None, "") else None
    except ValueError:
        return None


def measure_router(transport: Transport, router: Router, server: str, *, seconds: int = 10,
                   protocol: str = "tcp") -> RouterResult:
    """Run the test and return down/up Mbps in ``details`` (a failed result when RouterOS refuses)."""
    try:
        reply = transport.run([Command("/tool", "bandwidth-test", {
            "address": server, "direction": "both", "protocol": protocol, "duration": f"{seconds}s"})])[0]
    except MikronetError as exc:
        return RouterResult.from_error(router.id, exc, stands=Stands.UNTOUCHED)
    if not reply.ok:
        return RouterResult(router.id, Status.FAILED, cause="measure", stands=Stands.UNTOUCHED,
                            error=f"/tool bandwidth-test: {reply.error}")
    rows = [dict(r) for r in reply.rows]
    last = rows[-1] if rows else {}
    down, up = _mbps(last, "rx-total-average"), _mbps(last, "tx-total-average")
    if down is None or up is None:
        return RouterResult(router.id, Status.FAILED, cause="measure", stands=Stands.UNTOUCHED,
                            error=f"the bandwidth test gave no averages (status {last.get('status')!r})")
    contracted = router.school.connection.contracted_mbps
    details = {"down_mbps": down, "up_mbps": up, "server": server, "duration_s": seconds, "protocol": protocol,
               "contracted_mbps": contracted}
    return RouterResult(router.id, Status.OK, details=details,
                        notes=[f"down {down:g} Mbps, up {up:g} Mbps" + (f" (contracted {contracted} Mbps)"
                                                                        if contracted else "")])
