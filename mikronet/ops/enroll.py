"""TLS enrolment: a router gets a certificate of its own, api-ssl uses it, and mikronet pins it.

Over an SSH session whose host key is pinned (so the channel is known to reach the right router):

1. ``/certificate add`` a certificate naming the router (its id, and its address as a subject
   alternative name), then ``/certificate sign`` it;
2. read its SHA-256 fingerprint over that same session;
3. ``/ip service set api-ssl certificate=… disabled=no``;
4. connect to api-ssl, check the certificate presented is the one the router described over SSH, and
   pin that fingerprint.

The fingerprint is learnt over the pinned SSH channel, never from the TLS handshake alone, so a
man-in-the-middle on api-ssl cannot get itself pinned. This is how a fleet moves off plain API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mikronet.errors import MikronetError
from mikronet.runner.results import RouterResult, Stands, Status
from mikronet.transport import Command, TrustStore, connect, fetch_identity
from mikronet.transport.trust import TLS_KIND, Pin, normalise_fingerprint

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["CERTIFICATE", "enroll_router"]

CERTIFICATE = "mikronet-api"


def enroll_router(router: Router, store: TrustStore, *, timeout: float = 15.0, check: bool = False) -> RouterResult:
    """Enrol one router (see the module's docstring); every outcome is a result."""
    try:
        session = connect(router, store, transport="ssh", timeout=timeout)
    except MikronetError as exc:
        return RouterResult.from_error(router.id, exc, stands=Stands.UNTOUCHED)
    try:
        existing = session.run([Command("/certificate", "print", {}, (f"?name={CERTIFICATE}",))])[0]
        have = [row for row in existing.rows if row.get("name") == CERTIFICATE]
        if check:
            what = "already has its certificate" if have else "would get a certificate and api-ssl"
            return RouterResult(router.id, Status.PLANNED if not have else Status.OK, notes=[what])
        if not have:
            replies = session.run([
                Command("/certificate", "add", {
                    "name": CERTIFICATE, "common-name": router.id, "subject-alt-name": f"IP:{router.host}",
                    "key-size": "prime256v1", "days-valid": "3650", "key-usage": "digital-signature,tls-server"}),
                Command("/certificate", "sign", {"numbers": CERTIFICATE}),
            ])
            for reply in replies:
                reply.raise_for_error(router.id)
            have = list(session.run([Command("/certificate", "print", {}, (f"?name={CERTIFICATE}",))])[0]
                        .raise_for_error(router.id).rows)
        fingerprint = normalise_fingerprint(str(have[0].get("fingerprint", ""))) if have else ""
        if len(fingerprint) != 64:
            return RouterResult(router.id, Status.FAILED, cause="enrol", stands=Stands.UNKNOWN,
                                error=f"the router gave no SHA-256 fingerprint for its certificate ({fingerprint!r})")
        session.run([Command("/ip/service", "set", {"numbers": "api-ssl", "certificate": CERTIFICATE,
                                                     "disabled": "no"})])[0].raise_for_error(router.id)
    except MikronetError as exc:
        return RouterResult.from_error(router.id, exc, status=Status.FAILED, stands=Stands.UNKNOWN)
    finally:
        session.close()
    try:
        presented = fetch_identity(router, timeout=timeout)
    except MikronetError as exc:
        return RouterResult.from_error(router.id, exc, status=Status.FAILED, stands=Stands.UNKNOWN)
    if presented.tls is None or presented.tls.value != fingerprint:
        seen = presented.tls.value if presented.tls else presented.tls_error
        return RouterResult(router.id, Status.IDENTITY_CHANGED, cause="identity-changed", stands=Stands.UNKNOWN,
                            error=f"api-ssl presents {seen}, not the certificate {fingerprint} the router "
                                  "described over SSH; nothing was pinned")
    store.record(Pin(router.id, TLS_KIND, fingerprint))
    return RouterResult(router.id, Status.CHANGED, details={"tls_fingerprint": fingerprint},
                        notes=[f"api-ssl serves {CERTIFICATE} ({fingerprint[:16]}…), pinned"])
