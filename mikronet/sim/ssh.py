"""The SSH face of a simulated router: asyncssh in front of :class:`~mikronet.sim.console.Console`.

What real clients rely on (``../shared/docs/routeros.md`` sections 4.1-4.5 and 7):

* password login checked by the router with the part of the user name before ``+``
  (``admin+ct511w4098h`` is netmiko's), public-key login against the router's ``/user/ssh-keys``
  (or keys given to :func:`start_ssh_server`);
* a PTY shell that echoes what is typed, takes ``\\r``, ``\\n`` or ``\\r\\n`` as one Enter (also
  when the ``\\r`` and the ``\\n`` arrive in different packets), ends output lines with ``\\r\\n`` and
  leaves the prompt ``[admin@MikroTik] > `` without a newline after it;
* ``[y/N]`` questions answered by a single key;
* an exec channel (``ssh r "/export terse"``, also ``export terse`` as napalm-ros sends it) that runs
  the command and closes with exit status 0;
* a stable host key per router (:mod:`mikronet.sim.hostkey`, derived from the serial number), so a
  swapped router (new serial) shows a new key; and sessions dropped when the router goes offline.

Many routers share one event loop; a session costs one small object and one :class:`Console`.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from mikronet.sim.console import Console, ConsoleDevice
from mikronet.sim.hostkey import host_key_openssh
from mikronet.sim.scp import FileDevice, file_server_factory
from mikronet.sim.services import admits, service_from_row
from mikronet.sim.sshlib import asyncssh

__all__ = [
    "LoginOptions",
    "SimSSHServer",
    "SshDevice",
    "host_key",
    "parse_login_name",
    "start_ssh_server",
]

LOG = logging.getLogger(__name__)

SERVER_VERSION = "ROSSSH"  # RouterOS identifies itself as ``SSH-2.0-ROSSSH``
_OPTIONS = re.compile(r"(?:\d*[cetwh])+")
_OPTION = re.compile(r"(\d*)([cetwh])")


class SshDevice(ConsoleDevice, FileDevice, Protocol):
    """What the SSH server needs from a simulated router, beyond what the console needs."""

    @property
    def serial(self) -> str: ...
    @property
    def online(self) -> bool: ...

    def authenticate(self, username: str, password: str) -> bool: ...
    def add_listener(self, callback: Callable[[str], None]) -> None: ...
    def remove_listener(self, callback: Callable[[str], None]) -> None: ...


@dataclass(frozen=True)
class LoginOptions:
    """The console options a login name carries after ``+`` (reference 4.1)."""

    user: str
    width: int | None = None
    height: int | None = None
    colors: bool = True
    detect_terminal: bool = True
    dumb: bool = False


def parse_login_name(name: str) -> LoginOptions:
    """``admin+ct511w4098h`` -> user ``admin``, no colours, no detection, 511x4098.

    A letter alone switches its option off (``c``, ``t``) or on (``e``); ``w`` and ``h`` take the
    number before them. A suffix that is not a string of options is part of the user name.
    """
    user, plus, suffix = name.rpartition("+")
    if not plus or not user or _OPTIONS.fullmatch(suffix) is None:
        return LoginOptions(name)
    width = height = None
    colors = detect = True
    dumb = False
    for number, letter in _OPTION.findall(suffix):
        if letter == "w" and number:
            width = int(number)
        elif letter == "h" and number:
            height = int(number)
        elif letter == "c":
            colors = bool(number) and number != "0"
        elif letter == "t":
            detect = bool(number) and number != "0"
        elif letter == "e":
            dumb = not number or number != "0"
    return LoginOptions(user, width, height, colors, detect, dumb)


def host_key(serial: str) -> asyncssh.SSHKey:
    """The router's SSH host key (:func:`mikronet.sim.hostkey.host_key_for`): same serial, same key."""
    return asyncssh.import_private_key(host_key_openssh(serial))


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


class _Session(asyncssh.SSHServerSession[bytes]):
    """One channel: a PTY shell (line editing, echo) or an exec command."""

    def __init__(self, owner: SimSSHServer, login: LoginOptions) -> None:
        self._owner = owner
        self._login = login
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._console: Console | None = None
        self._size = (80, 24)
        self._command: str | None = None
        self._line: list[str] = []
        self._after_cr = False
        self._escape = ""  # an escape sequence being swallowed (arrow keys and the like)
        self._key_question = False
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._done = False
        # SCP (an exec of `scp -t|-f …`) and the SFTP subsystem are asyncssh's, over the router's files
        self._files: asyncssh.SSHServerSession[bytes] | None = None

    # --- asyncssh callbacks ----------------------------------------------------------------------
    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def _transfer(self) -> asyncssh.SSHServerSession[bytes]:
        """Hand this channel to asyncssh's SCP/SFTP server over the router's files."""
        if self._files is None:
            self._files = asyncssh.stream.SSHServerStreamSession(None, file_server_factory(self._owner.device), 3,
                                                                 True)
            assert self._chan is not None
            self._files.connection_made(self._chan)
        return self._files

    def connection_lost(self, exc: Exception | None) -> None:
        if self._files is not None:
            self._files.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._files is not None:
            self._files.pause_writing()

    def resume_writing(self) -> None:
        if self._files is not None:
            self._files.resume_writing()

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Mapping[int, int]
    ) -> bool:
        if term_size[0] > 0:
            self._size = (term_size[0], term_size[1] or 24)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str | bytes) -> bool:
        self._command = command.decode("utf-8", "replace") if isinstance(command, bytes) else command
        if self._command.startswith("scp "):
            return bool(self._transfer().exec_requested(self._command))
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        if subsystem == "sftp":
            return bool(self._transfer().subsystem_requested(subsystem))
        return False

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self._console is not None and self._login.width is None and width > 0:
            self._console.width = width

    def session_started(self) -> None:
        if self._files is not None:
            self._files.session_started()
            return
        width = self._login.width or self._size[0]
        height = self._login.height or self._size[1]
        self._console = Console(self._owner.device, self._login.user, width, height)
        if self._command is not None:
            self._run_exec(self._command)
            return
        self._write(self._console.banner())
        self._write(self._console.prompt())

    def data_received(self, data: bytes | str, datatype: int | None) -> None:
        if self._files is not None:
            self._files.data_received(data, datatype)  # type: ignore[arg-type]
            return
        text = self._decoder.decode(data) if isinstance(data, bytes) else data
        for ch in text:
            if self._done:
                return
            self._key(ch)

    def eof_received(self) -> bool:
        if self._files is not None:
            return bool(self._files.eof_received())
        self._finish()
        return False

    def break_received(self, msec: int) -> bool:
        return True

    # --- the line editor -------------------------------------------------------------------------
    def _key(self, ch: str) -> None:
        if self._escape:
            self._escape += ch
            if (len(self._escape) == 2 and ch not in "[O") or (len(self._escape) > 2 and "@" <= ch <= "~"):
                self._escape = ""
            return
        if ch == "\n" and self._after_cr:
            self._after_cr = False  # the \n of a \r\n: the Enter was already taken
            return
        self._after_cr = ch == "\r"
        if self._key_question:
            self._answer(ch)
        elif ch in "\r\n":
            self._enter()
        elif ch in "\x7f\x08":
            if self._line:
                self._line.pop()
                self._write("\b \b")
        elif ch == "\x03":  # Ctrl-C drops the line
            self._line.clear()
            self._write("\r\n" + self._prompt())
        elif ch == "\x04" and not self._line:  # Ctrl-D on an empty line logs out
            self._write("\r\n")
            self._finish()
        elif ch == "\x1b":
            self._escape = ch
        elif ch >= " ":
            self._line.append(ch)
            self._write(ch)

    def _enter(self) -> None:
        line = "".join(self._line)
        self._line.clear()
        self._write("\r\n")
        gate = getattr(self._owner.device, "gate", None)  # a test seam some devices lack
        if gate is not None and line.strip():
            asyncio.get_running_loop().create_task(self._gated(gate, line))
            return
        self._show(self._feed(line))

    async def _gated(self, gate: Callable[[str], Awaitable[None]], line: str) -> None:
        await gate(line)
        if not self._done:
            self._show(self._feed(line))

    def _answer(self, ch: str) -> None:
        self._key_question = False
        if ch == "\x03":
            ch = "n"
        if ch >= " ":
            self._write(ch)
        self._write("\r\n")
        self._show(self._feed(ch if ch >= " " else ""))

    def _feed(self, line: str) -> tuple[str, bool, bool]:
        assert self._console is not None
        try:
            out = self._console.feed(line)
        except Exception:  # a console bug must not kill the connection silently
            LOG.exception("console failed on %r", line)
            return "failure: internal error\n", False, False
        return out.text, out.question, out.close

    def _show(self, result: tuple[str, bool, bool]) -> None:
        text, question, close = result
        self._write(text)
        if close or (self._command is not None and not question):  # an exec ends after its one command
            self._finish()
            return
        self._key_question = question
        self._write(self._prompt())

    def _prompt(self) -> str:
        assert self._console is not None
        return self._console.prompt()

    # --- exec --------------------------------------------------------------------------------------
    def _run_exec(self, command: str) -> None:
        for line in command.replace("\r\n", "\n").split("\n"):
            if not line.strip():
                continue
            text, question, close = self._feed(line)
            self._write(text)
            if close:
                break
            if question:  # read the answer from stdin, as RouterOS does
                self._key_question = True
                self._write(self._prompt())
                return
        self._finish()

    def _finish(self) -> None:
        if self._done or self._chan is None:
            return
        self._done = True
        if self._command is not None:
            self._chan.exit(0)
        else:
            self._chan.close()
            self._owner.drop(self._chan.get_extra_info("connection"))

    def _write(self, text: str) -> None:
        if self._chan is not None and text and not self._done:
            self._chan.write(_crlf(text))


class _Server(asyncssh.SSHServer):
    """Authentication for one connection."""

    def __init__(self, owner: SimSSHServer) -> None:
        self._owner = owner
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._owner.track(conn)
        peer = conn.get_extra_info("peername")
        if not self._owner.device.online or not self._owner.admits(str(peer[0]) if peer else ""):
            conn.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._owner.untrack(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        user = parse_login_name(username).user
        ok = self._owner.device.authenticate(user, password)
        LOG.info("ssh login %s for %s", "accepted" if ok else "refused", user)
        return ok

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        user = parse_login_name(username).user
        return any(candidate.public_data == key.public_data for candidate in self._owner.keys_for(user))

    def session_requested(self) -> _Session:
        assert self._conn is not None
        return _Session(self._owner, parse_login_name(self._conn.get_extra_info("username") or ""))


class SimSSHServer:
    """A router's SSH listener and its live connections. :meth:`close` ends both."""

    def __init__(self, device: SshDevice, authorized_keys: Mapping[str, Sequence[str]] | None = None) -> None:
        self.device = device
        self._authorized = {user: tuple(keys) for user, keys in (authorized_keys or {}).items()}
        self._connections: set[asyncssh.SSHServerConnection] = set()
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._serial = device.serial
        self.host_key = host_key(device.serial)

    async def start(self, host: str, port: int) -> None:
        self._loop = asyncio.get_running_loop()
        self._acceptor = await asyncssh.create_server(
            lambda: _Server(self), host, port,
            server_host_keys=[self.host_key], server_version=SERVER_VERSION,
            encoding=None, line_editor=False, allow_scp=False, agent_forwarding=False,
            x11_forwarding=False, login_timeout=30, keepalive_interval=0,
        )
        self.device.add_listener(self._on_device_event)

    @property
    def port(self) -> int:
        """The port listened on (useful when started with port 0)."""
        assert self._acceptor is not None
        return int(self._acceptor.get_port())

    follow_services = True

    def admits(self, peer: str) -> bool:
        """Whether ``/ip service`` lets a client from ``peer`` use SSH (a router without the menu: yes)."""
        if not self.follow_services:
            return True
        reply = self.device.call("/ip/service/print", {}, ["?name=ssh"])
        if reply.trap is not None or not reply.rows:
            return True
        return admits(service_from_row("ssh", reply.rows[0]), peer)

    def keys_for(self, user: str) -> list[asyncssh.SSHKey]:
        """Public keys ``user`` may log in with: the router's ``/user/ssh-keys``, else the configured ones."""
        texts: list[str] = list(self._authorized.get(user, ()))
        reply = self.device.call("/user/ssh-keys/print", {})
        if reply.trap is None:
            texts += [row["key"] for row in reply.rows
                      if row.get("user") == user and row.get("key") and row.get("disabled") != "true"]
        keys = []
        for text in texts:
            try:
                keys.append(asyncssh.import_public_key(text))
            except (asyncssh.KeyImportError, ValueError):
                LOG.warning("ignoring an unreadable public key of %s", user)
        return keys

    def refresh_host_key(self) -> None:
        """Take the key of the router's current serial (after a swap) for new connections."""
        if self.device.serial != self._serial and self._acceptor is not None:
            self._serial = self.device.serial
            self.host_key = host_key(self._serial)
            self._acceptor.update(server_host_keys=[self.host_key])

    def track(self, conn: asyncssh.SSHServerConnection) -> None:
        self._connections.add(conn)

    def untrack(self, conn: asyncssh.SSHServerConnection) -> None:
        self._connections.discard(conn)

    def drop(self, conn: asyncssh.SSHServerConnection | None) -> None:
        """Close one connection once what was written to it has gone out."""
        if conn is not None and self._loop is not None:
            self._loop.call_soon(conn.close)

    def _on_device_event(self, event: str) -> None:
        # called from whichever thread rebooted the router; act on the server's loop
        if self._loop is None or self._loop.is_closed():
            return
        if event == "offline":
            self._loop.call_soon_threadsafe(self._drop_all)
        else:
            self._loop.call_soon_threadsafe(self.refresh_host_key)

    def _drop_all(self) -> None:
        for conn in list(self._connections):
            conn.close()

    def close(self) -> None:
        """Stop listening and close every session."""
        self.device.remove_listener(self._on_device_event)
        if self._acceptor is not None:
            self._acceptor.close()
        self._drop_all()

    async def wait_closed(self) -> None:
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
        for conn in list(self._connections):
            await conn.wait_closed()


async def start_ssh_server(
    device: SshDevice,
    host: str,
    port: int,
    *,
    authorized_keys: Mapping[str, Sequence[str]] | None = None,
    follow_services: bool = True,
) -> SimSSHServer:
    """Serve ``device``'s console over SSH on ``host:port`` (port 0 picks a free one).

    ``authorized_keys`` maps a user name to OpenSSH public key lines accepted besides the router's
    own ``/user/ssh-keys``. ``follow_services=False`` ignores ``/ip service ssh address=``.
    """
    server = SimSSHServer(device, authorized_keys)
    server.follow_services = follow_services
    await server.start(host, port)
    return server
