"""Transports: one interface to a router, over the RouterOS API or SSH.

:func:`connect` opens the transport an inventory router names (``api``, ``api-ssl`` or ``ssh``),
with its pins from the trust store. :func:`fetch_identity` reads what a router presents (SSH host key,
TLS certificate) so that ``mikronet trust`` can pin it.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mikronet.errors import TransportError, TransportTimeout
from mikronet.transport.base import (
    EXPORT_FILE,
    ActualState,
    ApplyReport,
    Command,
    Reply,
    Transport,
    TransportStats,
    export_commands,
)
from mikronet.transport.trust import TLS_KIND, Pin, TrustStore, fingerprint_of_der, ssh_fingerprint

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = [
    "EXPORT_FILE",
    "ActualState",
    "ApplyReport",
    "Command",
    "Presented",
    "Reply",
    "Transport",
    "TransportStats",
    "TrustStore",
    "connect",
    "export_commands",
    "fetch_identity",
]


def connect(router: Router, trust: TrustStore, *, transport: str | None = None, timeout: float = 10.0) -> Transport:
    """Open a session with ``router`` over its transport (or ``transport`` if given)."""
    kind = transport or router.transport
    password = router.require_password()
    from mikronet.transport.ssh import SshOptions

    line = trust.openssh_known_hosts(router.id, router.host, router.ports.ssh)
    ssh = SshOptions(router.host, router.ports.ssh, router.username, password, line, timeout=max(timeout, 15.0))
    if kind == "ssh":
        from mikronet.transport.ssh import SshTransport

        return SshTransport(router.id, ssh)
    from mikronet.transport.api import ApiOptions, ApiTransport

    tls = kind == "api-ssl"
    pinned = router.tls_fingerprint or (trust.tls_fingerprint(router.id) if tls else None)
    options = ApiOptions(
        host=router.host,
        port=router.ports.api_ssl if tls else router.ports.api,
        username=router.username,
        password=password,
        tls=tls,
        tls_fingerprint=pinned,
        ca_file=router.ca_file,
        encoding=router.encoding,
        timeout=timeout,
        ssh=ssh if line else None,
        names=(router.host, router.id),
    )
    return ApiTransport(router.id, options)


@dataclass(frozen=True)
class Presented:
    """What a router showed when asked who it is (``None`` where the service did not answer)."""

    ssh: Pin | None
    tls: Pin | None
    ssh_error: str | None = None
    tls_error: str | None = None

    def describe(self) -> list[str]:
        lines = []
        if self.ssh:
            lines.append(f"ssh {self.ssh.kind} {ssh_fingerprint(self.ssh.value)}")
        else:
            lines.append(f"ssh: not pinned ({self.ssh_error})")
        if self.tls:
            lines.append(f"tls sha256 {self.tls.value}")
        else:
            lines.append(f"tls: not pinned ({self.tls_error})")
        return lines


def fetch_identity(router: Router, *, timeout: float = 10.0) -> Presented:
    """Connect without authenticating and read the SSH host key and the api-ssl certificate."""
    ssh_pin: Pin | None = None
    tls_pin: Pin | None = None
    ssh_error = tls_error = None
    timed_out = 0
    try:
        import paramiko

        with socket.create_connection((router.host, router.ports.ssh), timeout=timeout) as sock:
            session = paramiko.Transport(sock)
            session.banner_timeout = session.handshake_timeout = timeout
            try:
                session.start_client(timeout=timeout)
                if not session.initial_kex_done:  # start_client gave up waiting without an error of its own
                    raise TimeoutError
                key = session.get_remote_server_key()
                ssh_pin = Pin(router.id, key.get_name(), key.get_base64())
            finally:
                session.close()
    except TimeoutError:
        ssh_error, timed_out = f"no SSH answer within {timeout:g} s", timed_out + 1
    except (OSError, Exception) as exc:  # paramiko raises SSHException and plain Exceptions
        if "banner" in str(exc):  # connected, but nothing that speaks SSH answered
            ssh_error, timed_out = f"no SSH answer within {timeout:g} s", timed_out + 1
        else:
            ssh_error = str(exc) or type(exc).__name__
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with socket.create_connection((router.host, router.ports.api_ssl), timeout=timeout) as sock, \
                context.wrap_socket(sock) as tls_sock:
            der = tls_sock.getpeercert(binary_form=True)
            if der:
                tls_pin = Pin(router.id, TLS_KIND, fingerprint_of_der(der))
            else:
                tls_error = "no certificate"
    except TimeoutError:
        tls_error, timed_out = f"no TLS handshake within {timeout:g} s", timed_out + 1
    except (OSError, ssl.SSLError) as exc:
        tls_error = str(exc) or type(exc).__name__
    if ssh_pin is None and tls_pin is None:
        message = f"neither SSH nor api-ssl answered ({ssh_error}; {tls_error})"
        if timed_out == 2:
            raise TransportTimeout(message, router=router.id)
        raise TransportError(message, router=router.id)
    return Presented(ssh_pin, tls_pin, ssh_error, tls_error)
