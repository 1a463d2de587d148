"""Files fetched whole over SCP, on an SSH session whose host key is the pinned one.

RouterOS serves SCP on its SSH service. It is how a file the API cannot hand over whole (an export
over RouterOS 6's 4,095-byte ``contents`` limit) is fetched; the SCP stream states the file's size,
and the transfer fails unless exactly that many bytes arrive.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mikronet.errors import AuthenticationError, IdentityChangedError, TransportError, TrustError, UntrustedError

if TYPE_CHECKING:
    from mikronet.transport.ssh import SshOptions

__all__ = ["scp_get", "scp_get_over", "scp_put_over"]


def scp_get_over(router_id: str, transport: Any, name: str, timeout: float) -> bytes:
    """Fetch ``name`` over an open paramiko transport."""
    from scp import SCPClient, SCPException

    with tempfile.TemporaryDirectory(prefix="mikronet-scp-") as folder:
        local = Path(folder) / "file"
        try:
            with SCPClient(transport, socket_timeout=timeout) as client:
                client.get(name, str(local))
        except (SCPException, OSError, EOFError) as exc:
            raise TransportError(f"SCP of {name} failed: {exc}", router=router_id, path="/file") from exc
        if not local.exists():
            raise TransportError(f"SCP of {name} brought nothing back", router=router_id, path="/file")
        return local.read_bytes()


def scp_put_over(router_id: str, transport: Any, name: str, data: bytes, timeout: float) -> None:
    """Upload ``data`` as the router's file ``name`` over an open paramiko transport."""
    from scp import SCPClient, SCPException

    try:
        with SCPClient(transport, socket_timeout=timeout) as client:
            client.putfo(io.BytesIO(data), name)
    except (SCPException, OSError, EOFError) as exc:
        raise TransportError(f"SCP upload of {name} failed: {exc}", router=router_id, path="/file") from exc


def scp_get(router_id: str, options: SshOptions, name: str) -> bytes:
    """Open an SSH session checked against the pinned host key, fetch ``name`` whole, close."""
    import paramiko

    if not options.known_hosts_line:
        raise UntrustedError("no SSH host key is pinned for this router; nothing was sent", router=router_id)
    client = paramiko.SSHClient()
    host_keys = client.get_host_keys()
    for line in options.known_hosts_line.splitlines():
        entry = paramiko.hostkeys.HostKeyEntry.from_line(line)
        if entry is not None:
            for hostname in entry.hostnames:
                host_keys.add(hostname, entry.key.get_name(), entry.key)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect(options.host, port=options.port, username=options.username,
                       password=options.password.reveal(), timeout=options.timeout, banner_timeout=options.timeout,
                       auth_timeout=options.timeout, look_for_keys=False, allow_agent=False)
    except paramiko.AuthenticationException:
        raise AuthenticationError("SSH login refused (user name or password)", router=router_id) from None
    except paramiko.BadHostKeyException:
        raise IdentityChangedError("the SSH host key is not the pinned one; nothing was sent",
                                   router=router_id) from None
    except paramiko.SSHException as exc:
        raise TrustError(f"SSH refused: {exc}", router=router_id) from None
    except OSError as exc:
        raise TransportError(f"cannot connect to {options.host}:{options.port}: {exc}", router=router_id) from exc
    try:
        transport = client.get_transport()
        if transport is None:
            raise TransportError("the SSH session closed", router=router_id)
        return scp_get_over(router_id, transport, name, options.timeout)
    finally:
        client.close()
