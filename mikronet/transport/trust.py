"""Pinned identities of routers: SSH host keys and TLS certificate fingerprints.

School routers carry self-signed certificates and host keys nobody distributes, so mikronet pins
what it saw once, explicitly (``mikronet trust ROUTER``), in a ``known_hosts`` file kept beside the
inventory, and refuses anything else. One line a pin, keyed by router id (not by address, so a
router that moves keeps its pin and a swapped router does not inherit one)::

    LV-0042/gw ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…
    LV-0042/gw tls-sha256 3f5a…e1

A TLS fingerprint written in the inventory (``tls_fingerprint``) counts as a pin too.

Many routers finish at once (a run's threads) and two runs may pin at the same time (two
processes), so every change is made under a lock: a thread lock, and ``flock`` on the sibling file
``known_hosts.lock``; under it the file is read again, the change applied and the file replaced
whole. No pin another writer recorded is lost.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    """The ``known_hosts`` file of one inventory. Reads are cheap (cached until the file changes);
    writes are serialised across threads and processes and replace the file atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: tuple[tuple[int, int, int], dict[str, list[Pin]]] | None = None
        self._lock = threading.RLock()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

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

    @staticmethod
    def _group(pins: list[Pin]) -> dict[str, list[Pin]]:
        found: dict[str, list[Pin]] = {}
        for pin in pins:
            found.setdefault(pin.router_id, []).append(pin)
        return found

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)  # a write replaces the file: a new inode

    def _by_router(self) -> dict[str, list[Pin]]:
        """The file's pins by router, read again only when the file changed (a fleet run asks for
        every router's pins: reading the whole file each time would grow with the square of it)."""
        with self._lock:
            stamp = self._stamp()
            if stamp is None:
                return {}
            if self._cache is None or self._cache[0] != stamp:
                self._cache = (stamp, self._group(list(self._read())))
            return self._cache[1]

    def pins(self, router_id: str) -> list[Pin]:
        return list(self._by_router().get(router_id, ()))

    def all_pins(self) -> dict[str, list[Pin]]:
        """Every router's pins as the file says now (read afresh, under the lock: what another
        process wrote a moment ago is in it)."""
        with self._locked():
            found = self._group(list(self._read()))
            self._cache = None
        return found

    def ssh_key(self, router_id: str) -> Pin | None:
        return next((p for p in self.pins(router_id) if p.kind != TLS_KIND), None)

    def tls_fingerprint(self, router_id: str) -> str | None:
        pin = next((p for p in self.pins(router_id) if p.kind == TLS_KIND), None)
        return pin.value if pin else None

    def record(self, pin: Pin) -> None:
        """Pin ``pin``, replacing an earlier pin of the same router and kind family (SSH or TLS)."""
        family_tls = pin.kind == TLS_KIND

        def change(pins: list[Pin]) -> list[Pin]:
            kept = [p for p in pins if not (p.router_id == pin.router_id and (p.kind == TLS_KIND) == family_tls)]
            return [*kept, pin]

        self._update(change)

    def replace_router(self, router_id: str, pins: list[Pin]) -> None:
        """Drop every pin of ``router_id`` and pin ``pins`` instead, in one change (a swapped router)."""
        self._update(lambda old: [p for p in old if p.router_id != router_id] + list(pins))

    def forget(self, router_id: str) -> None:
        self._update(lambda pins: [p for p in pins if p.router_id != router_id])

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This store's threads one at a time, and one process at a time (``flock`` on the lock file,
        opened afresh each time so two stores of one process exclude each other too)."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # closing releases the lock

    def _update(self, change: Callable[[list[Pin]], list[Pin]]) -> None:
        """Read the file again under the lock, apply ``change``, write it whole, refresh the cache."""
        with self._locked():
            pins = change(list(self._read()))
            header = "# mikronet pinned router identities: ROUTER KIND VALUE (see `mikronet trust`)\n"
            text = header + "".join(p.line() + "\n" for p in sorted(pins, key=lambda p: (p.router_id, p.kind)))
            write_atomic(self.path, text, mode=0o600)
            stamp = self._stamp()
            self._cache = (stamp, self._group(pins)) if stamp is not None else None

    def openssh_known_hosts(self, router_id: str, host: str, port: int) -> str:
        """The router's SSH pin as one OpenSSH known_hosts line for ``host:port`` (for paramiko)."""
        pin = self.ssh_key(router_id)
        if pin is None:
            return ""
        name = host if port == 22 else f"[{host}]:{port}"
        return f"{name} {pin.kind} {pin.value}\n"
