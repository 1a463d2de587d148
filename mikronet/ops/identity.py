"""Router identities: what a router presents (SSH host key, TLS certificate) against its pins.

Trust on first use is explicit: a router with nothing pinned is shown and pinned only when asked.
A router whose identity differs from its pin is refused unless the change is declared (``--replace``,
or a recorded swap), because that is what an impostor looks like too.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mikronet.errors import MikronetError
from mikronet.runner.results import RouterResult, Stands, Status
from mikronet.transport import TrustStore, fetch_identity
from mikronet.transport.trust import TLS_KIND, Pin, ssh_fingerprint

if TYPE_CHECKING:
    from mikronet.inventory import Router
    from mikronet.runner import RunResult

__all__ = ["check_identity", "confirm_pins", "pins_of"]


def _describe(pin: Pin) -> dict[str, str]:
    shown = ssh_fingerprint(pin.value) if pin.kind != TLS_KIND else pin.value
    return {"kind": pin.kind, "value": pin.value, "fingerprint": shown}


def pins_of(result: RouterResult) -> list[Pin]:
    """The pins a ``trust`` result proposes (from its details)."""
    return [Pin(result.router, p["kind"], p["value"]) for p in result.details.get("new_pins", [])]


def check_identity(router: Router, store: TrustStore, lock: threading.Lock, *, pin: bool, replace: bool,
                   timeout: float = 10.0) -> RouterResult:
    """Compare what ``router`` presents with its pins; pin or re-pin as allowed. ``lock`` serialises
    writes to the trust store across the threads of a run."""
    try:
        presented = fetch_identity(router, timeout=timeout)
    except MikronetError as exc:
        return RouterResult.from_error(router.id, exc, stands=Stands.UNTOUCHED)
    old_ssh, old_tls = store.ssh_key(router.id), store.tls_fingerprint(router.id)
    shown: dict[str, Any] = {
        "ssh": _describe(presented.ssh) if presented.ssh else None,
        "tls": _describe(presented.tls) if presented.tls else None,
        "lines": presented.describe(),
    }
    changed, new = [], []
    if presented.ssh is not None:
        if old_ssh is None:
            new.append(presented.ssh)
        elif old_ssh.value != presented.ssh.value:
            changed.append(presented.ssh)
    if presented.tls is not None:
        if old_tls is None:
            new.append(presented.tls)
        elif old_tls != presented.tls.value:
            changed.append(presented.tls)
    if changed and not replace:
        kinds = ", ".join("TLS certificate" if p.kind == TLS_KIND else "SSH host key" for p in changed)
        return RouterResult(router.id, Status.IDENTITY_CHANGED, cause="identity-changed", stands=Stands.UNTOUCHED,
                            error=f"its {kinds} differs from the pinned one; re-pin only if the router was "
                                  "replaced (`mikronet trust --replace`, or `mikronet swap`)",
                            details=shown)
    proposed = new + changed
    if not proposed:
        return RouterResult(router.id, Status.OK, details={**shown, "pinned": True})
    if not pin:
        return RouterResult(router.id, Status.PLANNED, details={**shown, "new_pins": [_describe(p) for p in proposed]})
    with lock:
        for item in proposed:
            store.record(item)
    notes = ["re-pinned a changed identity"] if changed else []
    return RouterResult(router.id, Status.CHANGED, details={**shown, "pinned": True, "replaced": bool(changed)},
                        notes=notes)


def _presented(result: RouterResult) -> list[Pin]:
    """The pins a successful ``trust`` or ``tls-enroll`` result says the router presented and holds."""
    if result.status not in (Status.OK, Status.CHANGED):
        return []
    if "tls_fingerprint" in result.details:  # tls-enroll
        return [Pin(result.router, TLS_KIND, str(result.details["tls_fingerprint"]))]
    if not result.details.get("pinned"):
        return []
    return [Pin(result.router, shown["kind"], shown["value"])
            for shown in (result.details.get("ssh"), result.details.get("tls")) if shown]


def confirm_pins(run: RunResult, store: TrustStore) -> RunResult:
    """After a run that pins: read ``known_hosts`` again and turn every result whose router's pin is
    not what the router presented into a failure (``cause`` ``pin-lost``) -- whatever overwrote it,
    the next run would refuse that router. Changes ``run`` in place and returns it."""
    pinned = store.all_pins()
    for i, result in enumerate(run.results):
        held = pinned.get(result.router, [])
        wrong = [pin for pin in _presented(result) if pin not in held]
        if not wrong:
            continue
        what = "; ".join(f"{'TLS certificate' if p.kind == TLS_KIND else 'SSH host key'} {_describe(p)['fingerprint']}"
                         for p in wrong)
        run.results[i] = replace(
            result, status=Status.FAILED, cause="pin-lost",
            error=f"after the run, {store.path} does not pin what the router presented ({what}); "
                  "run `mikronet trust` for it again")
    return run
