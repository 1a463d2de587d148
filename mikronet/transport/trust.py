"""Pinned identities of routers: SSH host keys and TLS certificate fingerprints.

School routers carry self-signed certificates and host keys nobody distributes, so mikronet pins
what it saw once, explicitly (``mikronet trust ROUTER``), in a ``known_hosts`` file kept beside the
inventory, and refuses anything else. One line a pin, keyed by router id (not by address, so a
router that moves keeps its pin and a swapped router does not inherit one)::

    LV-0042/gw ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…
    LV-0042/gw tls-sha256 3f5a…e1

A TLS fingerprint written in the inventory (``tls_fingerprint``) counts as a pin too.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mikronet.errors import InputError
from mikronet.files import write_atomic

__all__ = ["TLS_KIND", "Pin", "TrustStore", "fingerprint_of_der", "ssh_fingerprint"]

TLS_KIND = "tls-sha256"


@dataclass(frozen=True)
class Pin:
    router_id: str
    kind: str   # ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256 …, or tls-sha256
    value: str  # base64 key blob (SSH) or lowercase hex SHA-256 (TLS)

    def line(self) -> str:
        return f"{self.router_id} {self.kind} {self.value}"


def fingerprint_of_der(der: bytes) -> str:
    """SHA-256 of a DER certificate, lowercase hex (what ``tls_fingerprint`` holds)."""
    return hashlib.sha256(der).hexdigest()


def normalise_fingerprint(text: str) -> str:
    """Accept ``AB:CD:…``, ``abcd…`` or ``sha256:abcd…``; return lowercase hex without separators."""
    text = text.strip().lower()
    text = text.removeprefix("sha256:").replace(":", "")
    return text


def ssh_fingerprint(key_blob_b64: str) -> str:
    """OpenSSH-style ``SHA256:…`` fingerprint of a base64 key blob, for messages."""
    digest = hashlib.sha256(base64.b64decode(key_blob_b64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


class TrustStore:
    """The ``known_hosts`` file of one inventory. Reads are cheap; writes replace the file atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: tuple[tuple[int, int, int], dict[str, list[Pin]]] | None = None
        self._lock = threading.Lock()

    def _read(self) -> Iterator[Pin]:
        if not self.path.exists():
            return
        for number, raw in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 3:
                raise InputError(f"{self.path}:{number}: expected 'ROUTER KIND VALUE', got {line!r}")
            yield Pin(*parts)

    def _by_router(self) -> dict[str, list[Pin]]:
        """The file's pins by router, read again only when the file changed (a fleet run asks for
        every router's pins: reading the whole file each time would grow with the square of it)."""
        try:
            info = self.path.stat()
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)  # a write replaces the file: a new inode
        except FileNotFoundError:
            return {}
        with self._lock:
            if self._cache is None or self._cache[0] != stamp:
                found: dict[str, list[Pin]] = {}
                for pin in self._read():
                    found.setdefault(pin.router_id, []).append(pin)
                self._cache = (stamp, found)
            return self._cache[1]

    def pins(self, router_id: str) -> list[Pin]:
        return list(self._by_router().get(router_id, ()))

    def ssh_key(self, router_id: str) -> Pin | None:
        return next((p for p in self.pins(router_id) if p.kind != TLS_KIND), None)

    def tls_fingerprint(self, router_id: str) -> str | None:
        pin = next((p for p in self.pins(router_id) if p.kind == TLS_KIND), None)
        return pin.value if pin else None

    def record(self, pin: Pin) -> None:
        """Pin ``pin``, replacing an earlier pin of the same router and kind family (SSH or TLS)."""
        family_tls = pin.kind == TLS_KIND
        kept = [
            p for p in self._read()
            if not (p.router_id == pin.router_id and (p.kind == TLS_KIND) == family_tls)
        ]
        kept.append(pin)
        self._write(kept)

    def forget(self, router_id: str) -> None:
        self._write([p for p in self._read() if p.router_id != router_id])

    def _write(self, pins: list[Pin]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header = "# mikronet pinned router identities: ROUTER KIND VALUE (see `mikronet trust`)\n"
        text = header + "".join(p.line() + "\n" for p in sorted(pins, key=lambda p: (p.router_id, p.kind)))
        write_atomic(self.path, text)

    def openssh_known_hosts(self, router_id: str, host: str, port: int) -> str:
        """The router's SSH pin as one OpenSSH known_hosts line for ``host:port`` (for paramiko)."""
        pin = self.ssh_key(router_id)
        if pin is None:
            return ""
        name = host if port == 22 else f"[{host}]:{port}"
        return f"{name} {pin.kind} {pin.value}\n"
