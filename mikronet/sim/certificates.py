"""``/certificate``: certificates a router makes for itself, and api-ssl serving the one it is told to.

``/certificate add name=… common-name=… subject-alt-name=IP:…`` then ``/certificate sign NAME`` makes a
self-signed certificate with a key of the router's own (derived from its serial and the name, so the
same router makes the same certificate again); its SHA-256 ``fingerprint`` shows in ``print``.
``/ip service set api-ssl certificate=NAME`` makes api-ssl present it from the next handshake on; a
router whose api-ssl names no certificate of its own presents the fleet CA's (the simulator's stand-in
for a fleet that had certificates issued centrally).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import ipaddress
import ssl
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mikronet.sim import messages as msg
from mikronet.sim.config import PathHooks
from mikronet.sim.menus import Request
from mikronet.sim.reply import CommandTrap, Reply
from mikronet.sim.store import Item

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = ["api_ssl_context", "certificate_hooks"]

_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_BEFORE = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
_AFTER = datetime.datetime(2035, 1, 1, tzinfo=datetime.UTC)


@functools.lru_cache(maxsize=256)
def _made(serial: str, name: str, common_name: str, alt: str) -> tuple[bytes, bytes, str]:
    """(certificate PEM, key PEM, fingerprint) of a self-signed certificate, the same for the same inputs."""
    secret = int.from_bytes(hashlib.sha256(f"mikronet-sim-cert:{serial}:{name}".encode()).digest(), "big")
    key = ec.derive_private_key(secret % (_ORDER - 1) + 1, ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name or name)])
    names: list[x509.GeneralName] = []
    for entry in filter(None, (a.strip() for a in alt.split(","))):
        kind, _, value = entry.partition(":")
        if kind == "IP":
            names.append(x509.IPAddress(ipaddress.ip_address(value)))
        elif kind == "DNS":
            names.append(x509.DNSName(value))
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
               .serial_number(int.from_bytes(hashlib.sha256(f"{serial}:{name}".encode()).digest()[:8], "big"))
               .not_valid_before(_BEFORE).not_valid_after(_AFTER)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    cert = builder.sign(key, hashes.SHA256())
    der = cert.public_bytes(serialization.Encoding.DER)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem, hashlib.sha256(der).hexdigest()


def _made_for(device: RouterState, item: Item) -> tuple[bytes, bytes, str]:
    return _made(device.serial, item.get("name", ""), item.get("common-name", ""), item.get("subject-alt-name", ""))


def certificate_hooks(device: RouterState) -> PathHooks:
    """``sign`` as an extra verb, and a signed certificate's fingerprint and key flag in its row."""
    signed = device.signed_certificates

    def computed(item: Item, request: Request | None) -> dict[str, str]:
        if item.get("name", "") not in signed:
            return {"private-key": "false"}
        _, _, fingerprint = _made_for(device, item)
        return {"fingerprint": fingerprint, "private-key": "true", "invalid-before": "2025-01-01 00:00:00",
                "invalid-after": "2035-01-01 00:00:00", "expires-after": "520w"}

    def sign(request: Request) -> Reply:
        wanted = request.args.get("numbers") or request.args.get(".id") or ""
        table = device.store.table(("certificate",))
        item = next((i for i in table if i.get("name") == wanted or i.id == wanted), None)
        if item is None:
            raise CommandTrap(msg.NO_SUCH_ITEM, msg.NO_SUCH_CATEGORY)
        signed.add(item.get("name", ""))
        return Reply()

    return PathHooks(computed=computed, extra_verbs={"sign": sign})


def api_ssl_context(device: RouterState) -> ssl.SSLContext | None:
    """A server context for the certificate ``/ip service`` api-ssl names, when the router made it;
    None: it names none of its own (the caller keeps the fleet CA's)."""
    services = device.store.tables.get(("ip", "service"))
    row = next((i for i in services if i.get("name") == "api-ssl"), None) if services is not None else None
    name = row.get("certificate", "") if row is not None else ""
    if not name or name == "none" or name not in getattr(device, "signed_certificates", set()):
        return None
    item = next((i for i in device.store.table(("certificate",)) if i.get("name") == name), None)
    if item is None:
        return None
    return _context(*_made_for(device, item))


@functools.lru_cache(maxsize=256)
def _context(cert: bytes, key: bytes, fingerprint: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory(prefix="mikronet-sim-cert-") as folder:
        path = Path(folder) / f"{fingerprint[:16]}.pem"
        path.write_bytes(cert + key)
        context.load_cert_chain(path)
    return context
