"""TLS for the simulated routers' api-ssl: a fleet CA and one certificate per router, or ADH.

A fleet keeps its CA in its directory (``tls/ca.pem``, key beside it, mode 0600), so clients can
verify against ``ca.pem`` and pinned fingerprints stay valid while the directory is reused. A
router's key is derived from its serial and its certificate is signed deterministically, so the
same router behind the same CA always shows the same certificate; a new serial (a swapped device)
gives a new one.

A router whose api-ssl has no certificate offers only anonymous Diffie-Hellman, which exists only
up to TLS 1.2: :func:`adh_context` caps the version, sets ``ADH:@SECLEVEL=0`` as the clients do,
and loads the RFC 7919 ``ffdhe2048`` group.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["FFDHE2048_PEM", "FleetCA", "adh_context", "certificate_fingerprint"]

# RFC 7919 ffdhe2048 (as `openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048` writes it)
FFDHE2048_PEM = b"""-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
"""

_NOT_BEFORE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
_NOT_AFTER = datetime.datetime(2049, 12, 31, tzinfo=datetime.UTC)
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def certificate_fingerprint(pem: bytes) -> str:
    """SHA-256 fingerprint of a PEM certificate, as ``AA:BB:…``."""
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def _sign(builder: x509.CertificateBuilder, key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    return builder.sign(key, hashes.SHA256(), ecdsa_deterministic=True)


@dataclass(frozen=True)
class RouterCertificate:
    """Where a router's certificate chain (certificate then key, PEM) lies, and its fingerprint."""

    path: Path
    fingerprint: str


class FleetCA:
    """The certificate authority of one fleet directory."""

    def __init__(self, directory: Path) -> None:
        self._issued: dict[tuple[str, str, str], RouterCertificate] = {}
        self.directory = directory / "tls"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.ca_path = self.directory / "ca.pem"
        key_path = self.directory / "ca.key"
        if self.ca_path.exists() and key_path.exists():
            self._key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            self._cert = x509.load_pem_x509_certificate(self.ca_path.read_bytes())
        else:
            self._key = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mikronet simulated fleet CA")])
            builder = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(self._key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(_NOT_BEFORE)
                .not_valid_after(_NOT_AFTER)
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(
                    x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
                )
            )
            assert isinstance(self._key, ec.EllipticCurvePrivateKey)
            self._cert = _sign(builder, self._key)
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(
                    self._key.private_bytes(
                        serialization.Encoding.PEM,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                )
            self.ca_path.write_bytes(self._cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, router_id: str, serial: str, address: str) -> RouterCertificate:
        """The certificate of one router (key from its serial; SAN: its address and its identity)."""
        secret = int.from_bytes(hashlib.sha256(f"mikronet-sim-tls:{serial}".encode()).digest(), "big")
        key = ec.derive_private_key(secret % (_P256_ORDER - 1) + 1, ec.SECP256R1())
        safe = "".join(ch if ch.isalnum() else "_" for ch in router_id)
        names: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(address))]
        builder = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COMMON_NAME, router_id),
                        x509.NameAttribute(NameOID.SERIAL_NUMBER, serial),
                    ]
                )
            )
            .issuer_name(self._cert.subject)
            .public_key(key.public_key())
            .serial_number(int.from_bytes(hashlib.sha256(f"{serial}:{address}".encode()).digest()[:16], "big") >> 1)
            .not_valid_before(_NOT_BEFORE)
            .not_valid_after(_NOT_AFTER)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        )
        assert isinstance(self._key, ec.EllipticCurvePrivateKey)
        cert = _sign(builder, self._key)
        pem = cert.public_bytes(serialization.Encoding.PEM)
        path = self.directory / f"{safe}.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(
                pem
                + key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        return RouterCertificate(path, certificate_fingerprint(pem))

    def server_context(self, certificate: RouterCertificate) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate.path)
        return context

    def certificate(self, router_id: str, serial: str, address: str) -> RouterCertificate:
        """The router's certificate, issued on first use (and then kept)."""
        key = (router_id, serial, address)
        found = self._issued.get(key)
        if found is None:
            found = self._issued[key] = self.issue(router_id, serial, address)
        return found

    def lazy_context(self, router_id: str, serial: str, address: str,
                     own: Callable[[], ssl.SSLContext | None] | None = None) -> ssl.SSLContext:
        """A server context that gets the router's certificate at the first handshake.

        A thousand routers then start without a thousand signatures: the base context's SNI
        callback (called whether or not the client sends a name) swaps in the real context. ``own``
        gives the context of a certificate the router made itself and api-ssl names, which wins.
        """
        base = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        real: list[ssl.SSLContext] = []

        def choose(connection: ssl.SSLObject | ssl.SSLSocket, name: str | None, _: ssl.SSLContext) -> None:
            mine = own() if own is not None else None
            if mine is not None:
                connection.context = mine
                return
            if not real:
                real.append(self.server_context(self.certificate(router_id, serial, address)))
            connection.context = real[0]

        base.sni_callback = choose
        return base


def adh_context(directory: Path) -> ssl.SSLContext:
    """A server context offering only anonymous DH (TLS 1.2 at most), as api-ssl without a certificate."""
    params = directory / "tls" / "ffdhe2048.pem"
    if not params.exists():
        params.parent.mkdir(parents=True, exist_ok=True)
        params.write_bytes(FFDHE2048_PEM)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("ADH:@SECLEVEL=0")
    context.load_dh_params(str(params))
    return context
