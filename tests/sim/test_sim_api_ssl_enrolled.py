"""A router started without a certificate (``sim up --adh``) serves the certificate ``/ip service``
gives api-ssl once it has one: anonymous Diffie-Hellman stops working, a client sees the router's own
certificate -- and taking the certificate away brings ADH back."""

from __future__ import annotations

import hashlib
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mikronet.sim.fleet import SimFleet

ROUTER = "LV-0043/gw"


def _adh_client() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # Ansible's force_no_cert, mktxp
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_ciphers("ADH:@SECLEVEL=0")
    context.maximum_version = ssl.TLSVersion.TLSv1_2  # ADH exists only up to TLS 1.2 (1.3 has no anonymous suites)
    return context


def _certificate_client() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # a client that wants a certificate (unverified)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _handshake(host: str, port: int, context: ssl.SSLContext) -> bytes | None:
    """The certificate the server presents (DER), None for an anonymous one; SSLError if refused."""
    with socket.create_connection((host, port), timeout=5) as raw, context.wrap_socket(raw) as tls:
        return tls.getpeercert(binary_form=True)


def _eventually(check: Callable[[], Any]) -> Any:
    """The listener follows the router's change on the fleet's loop: give it a moment (not a threshold
    on speed -- the test only waits for the state it asserts)."""
    last: BaseException | None = None
    for _ in range(100):
        try:
            return check()
        except (AssertionError, ssl.SSLError, OSError) as exc:
            last = exc
            time.sleep(0.05)
    assert last is not None
    raise last


def test_api_ssl_switches_from_anonymous_dh_to_the_enrolled_certificate(
    sim_inventory: Path, tmp_path: Path, start_sim_fleet: Callable[..., SimFleet], connect: Callable[..., Any]
) -> None:
    fleet = start_sim_fleet(sim_inventory, tmp_path, api_ssl_certificate=False, ssh=False)
    try:
        endpoint = fleet.endpoint(ROUTER)
        assert _handshake(endpoint.host, endpoint.api_ssl, _adh_client()) is None
        with pytest.raises(ssl.SSLError):
            _handshake(endpoint.host, endpoint.api_ssl, _certificate_client())

        api = connect(fleet, ROUTER)  # plain API, as tls-enroll's first steps
        certificate = api.path("certificate")
        tuple(certificate("add", name="api-ssl-cert", **{"common-name": ROUTER}))
        tuple(certificate("sign", numbers="api-ssl-cert"))
        fingerprint = next(r for r in certificate if r["name"] == "api-ssl-cert")["fingerprint"]
        service = next(r for r in api.path("ip", "service") if r["name"] == "api-ssl")
        tuple(api.path("ip", "service")("set", **{".id": service[".id"], "certificate": "api-ssl-cert"}))

        def serves_the_certificate() -> None:
            der = _handshake(endpoint.host, endpoint.api_ssl, _certificate_client())
            assert der is not None
            seen = ":".join(f"{b:02x}" for b in hashlib.sha256(der).digest())
            assert seen.replace(":", "") == fingerprint.replace(":", "").lower()

        _eventually(serves_the_certificate)
        with pytest.raises(ssl.SSLError):  # anonymous DH is gone
            _handshake(endpoint.host, endpoint.api_ssl, _adh_client())

        tuple(api.path("ip", "service")("set", **{".id": service[".id"], "certificate": "none"}))
        _eventually(lambda: _handshake(endpoint.host, endpoint.api_ssl, _adh_client()))
        api.close()
    finally:
        fleet.stop()
