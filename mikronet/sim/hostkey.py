"""Stable SSH host keys for simulated routers, derived from the serial number.

A router keeps its host key across restarts of the fleet (a technician's ``known_hosts`` stays
valid), and a swapped router (new serial) presents a new key, as real hardware does -- which is
what ``mikronet trust`` and host-key pinning are tested against. The key is Ed25519, seeded from a
hash of the serial; it is a test fixture, not a secret.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["host_key_for", "host_key_openssh"]


def host_key_for(serial: str) -> Ed25519PrivateKey:
    """The Ed25519 host key of the router with this serial number (same serial, same key)."""
    seed = hashlib.sha256(f"mikronet-sim-hostkey:{serial}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def host_key_openssh(serial: str) -> bytes:
    """The same key as an unencrypted OpenSSH private key (what asyncssh/paramiko import)."""
    return host_key_for(serial).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
