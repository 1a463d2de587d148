"""The SSH transport: netmiko's ``mikrotik_routeros`` driver on paramiko.

For routers whose API is closed. Host keys are checked strictly against the pin in the
inventory's ``known_hosts`` (``mikronet trust`` records it): an unknown or changed key ends the
connection during key exchange, before authentication, so the password is never sent to an
impostor. Commands are built from values with RouterOS quoting (:func:`mikronet.routeros.quote`),
never by pasting text together. RouterOS answers a bad command with an error line, not an exit
status; those lines become the reply's error.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mikronet.errors import (
    AuthenticationError,
    IdentityChangedError,
    TransportError,
    TransportTimeout,
    UntrustedError,
)
from mikronet.routeros import quote
from mikronet.secret import Secret
from mikronet.transport.base import ActualState, ApplyReport, Command, Reply, Transport
from mikronet.transport.console import error_in
from mikronet.transport.scp import scp_get_over
from mikronet.transport.ssh_state import apply_over_console, parse_detail, parse_settings, read_over_console

if TYPE_CHECKING:
    from mikronet.routeros import Plan, Schema

__all__ = ["SshOptions", "SshTransport", "cli_line", "error_in"]

log = logging.getLogger(__name__)

# The end of any console prompt: `[user@identity] > ` or, in a submenu, `[user@identity] /ip/address> `.
_PROMPT = r"\] (?:/[^\r\n>]*)?> ?$"

# Commands that ask `[y/N]` (the firmware upgrade: `[y/n]`) on the console; the API does not ask.
_CONFIRMED = frozenset({"/system/backup/load", "/system/reboot", "/system/reset-configuration",
                        "/system/package/downgrade", "/system/routerboard/upgrade"})


# Arguments that are flags on the console (`export hide-sensitive`); the API sends them as `=key=`.
_FLAG_WORDS = frozenset({"hide-sensitive", "show-sensitive", "verbose", "terse", "compact", "once", "detail"})


@dataclass(frozen=True)
class SshOptions:
    host: str
    port: int = 22
    username: str = "admin"
    password: Secret = field(default_factory=lambda: Secret(""))
    known_hosts_line: str = ""    # the pinned key as an OpenSSH known_hosts line; empty = nothing pinned
    timeout: float = 15.0


def cli_line(command: Command) -> str:
    """A command as one RouterOS console line, every value quoted (``/ip address add address=…``)."""
    menu = " ".join(part for part in command.path.strip("/").split("/") if part)
    words = [f"/{menu}" if menu else "", command.verb]
    args = dict(command.args)
    target = args.pop(".id", None) or args.pop("numbers", None)
    if target is not None:
        words.append(",".join(quote(t) for t in target.split(",")))
    for key, value in args.items():
        words.append(key if key in _FLAG_WORDS and value == "" else f"{key}={quote(value)}")
    return " ".join(w for w in words if w)


class SshTransport(Transport):
    kind = "ssh"
    seconds_per_operation = 0.5

    def __init__(self, router_id: str, options: SshOptions) -> None:
        super().__init__(router_id)
        self.options = options
        self._conn = self._connect()

    def _connect(self) -> object:
        from netmiko import ConnectHandler
        from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException
        from paramiko.ssh_exception import BadHostKeyException, SSHException

        opts = self.options
        if not opts.known_hosts_line:
            raise UntrustedError(
                "no SSH host key is pinned for this router; run `mikronet trust ROUTER` first", router=self.router_id
            )
        fd, key_file = tempfile.mkstemp(prefix="mikronet-known-hosts-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(opts.known_hosts_line)
        self.stats.connects += 1
        try:
            return ConnectHandler(
                device_type="mikrotik_routeros",
                host=opts.host,
                port=opts.port,
                username=opts.username,
                password=opts.password.reveal(),
                ssh_strict=True,
                system_host_keys=False,
                alt_host_keys=True,
                alt_key_file=key_file,
                use_keys=False,
                allow_agent=False,
                conn_timeout=opts.timeout,
                auth_timeout=opts.timeout,
                banner_timeout=opts.timeout,
                fast_cli=True,
            )
        except NetmikoAuthenticationException:
            raise AuthenticationError("login refused (user name or password)", router=self.router_id) from None
        except NetmikoTimeoutException as exc:
            cause = exc.__context__
            if isinstance(cause, BadHostKeyException):
                raise IdentityChangedError(
                    "the SSH host key changed since it was pinned; nothing was sent. If the router was swapped, "
                    "record it with `mikronet swap` (it re-pins the key); otherwise treat this as an attack",
                    router=self.router_id,
                ) from None
            if isinstance(cause, SSHException) and "not found in known_hosts" in str(cause):
                raise IdentityChangedError("the router's SSH host key is not the pinned one; nothing was sent",
                                           router=self.router_id) from None
            if isinstance(cause, OSError) and not isinstance(cause, TimeoutError):
                message = f"cannot connect to {opts.host}:{opts.port}: {cause}"
                raise TransportError(message, router=self.router_id) from None
            raise TransportTimeout(f"no SSH session with {opts.host}:{opts.port}", router=self.router_id) from None
        except OSError as exc:
            raise TransportError(f"cannot connect to {opts.host}:{opts.port}: {exc}", router=self.router_id) from exc
        finally:
            os.unlink(key_file)

    def send(self, line: str, *, read_timeout: float = 30.0, confirm: bool = False) -> str:
        """Send one console line and return what the router printed (echo and prompt removed).

        With ``confirm``, a ``[y/N]`` question the command asks is answered ``y`` (reboot, backup load).
        """
        from netmiko.exceptions import ReadTimeout

        conn: Any = self._conn
        try:
            if confirm:
                # Such commands end the session (reboot, backup load): do not wait long for a prompt.
                output: str = conn.send_command(line, expect_string=r"\[y/[nN]\]:? ?|\] > ?$",
                                                read_timeout=min(read_timeout, 10.0),
                                                strip_prompt=False, strip_command=True, cmd_verify=True)
                if "[y/N]" in output or "[y/n]" in output:
                    conn.write_channel("y")
                    output += conn.read_channel_timing(read_timeout=2.0, last_read=0.5)
            else:
                # Any prompt, not the one seen at login: a command may rename the router (identity).
                output = conn.send_command(line, expect_string=_PROMPT, read_timeout=read_timeout,
                                           strip_prompt=True, strip_command=True, cmd_verify=True)
                if "identity" in line:
                    conn.set_base_prompt()
        except ReadTimeout as exc:
            raise TransportTimeout(f"no prompt after {line.split()[0] if line else 'command'}",
                                   router=self.router_id) from exc
        except (OSError, EOFError) as exc:
            raise TransportError(f"the SSH session broke: {exc}", router=self.router_id) from exc
        self.stats.round_trips += 1
        self.stats.commands += 1
        return output

    def run(self, commands: Sequence[Command]) -> list[Reply]:
        """One console line per command. A ``print`` becomes ``print detail`` with its equality
        queries as a ``where`` clause, and its rows are read from the printed output."""

        replies = []
        for command in commands:
            if command.verb == "print":
                replies.append(self._print(command))
                continue
            output = self.send(cli_line(command), confirm=command.word in _CONFIRMED)
            error = error_in(output)
            # A command that reports (``key: value`` blocks, as a bandwidth test prints each second) gives
            # one row: its last value of each key.
            shown = parse_settings(output) if error is None else {}
            replies.append(Reply(command, rows=(shown,) if shown else (), error=error))
        return replies

    def _print(self, command: Command) -> Reply:

        menu = " ".join(part for part in command.path.strip("/").split("/") if part)
        terms = []
        for query in command.queries:
            key, sep, value = query.removeprefix("?=").removeprefix("?").partition("=")
            if not sep or not key or key.startswith(("#", "<", ">", "-")):
                raise TransportError(f"the console cannot ask {query!r}", router=self.router_id, path=command.word)
            terms.append(f"{key}={quote(value)}")
        where = f" where {' and '.join(terms)}" if terms else ""
        output = self.send(f"/{menu} print detail without-paging{where}")
        error = error_in(output)
        if error is not None:
            return Reply(command, error=error)
        # A file's contents as the console prints them are not its bytes (wrapped, escaped): files come over SCP.
        rows = [{k: v for k, v in row.items() if k != "contents"} for row in parse_detail(output)]
        if not rows and not terms:
            settings = parse_settings(output)
            rows = [settings] if settings else []
        wanted = [k for k in command.args.get(".proplist", "").split(",") if k]
        if wanted:
            rows = [{k: v for k, v in row.items() if k in wanted} for row in rows]
        return Reply(command, rows=tuple(rows))

    def read_state(self, paths: Sequence[str], schema: Schema, *, extra: Sequence[Command] = ()) -> ActualState:

        state = read_over_console(self, paths, schema)
        if not extra:
            return state
        return ActualState(state.config, state.version, state.ids, tuple(self.run(extra)))

    def apply(
        self, plan: Plan, state: ActualState, schema: Schema, *, stop: Callable[[], bool] | None = None
    ) -> ApplyReport:

        return apply_over_console(self, plan, stop=stop)

    def fetch_file(self, name: str, *, listing: Reply | None = None) -> bytes:
        """The file over SCP on this session's SSH connection (its host key was checked at login),
        checked against the size a ``/file print`` listing gives when one is in hand."""

        conn: Any = self._conn
        transport = conn.remote_conn_pre.get_transport() if conn is not None else None
        if transport is None:
            raise TransportError("the SSH session is closed", router=self.router_id)
        data = scp_get_over(self.router_id, transport, name, self.options.timeout)
        rows = [r for r in (listing.rows if listing is not None and listing.ok else ()) if r.get("name") == name]
        size = rows[0].get("size", "") if rows else ""
        if size.isdigit() and int(size) != len(data):
            raise TransportError(f"fetched {len(data)} of the {size} bytes of {name}; not whole",
                                 router=self.router_id, path="/file")
        return data

    def export(
        self, *, path: tuple[str, ...] | None = None, verbose: bool = False, terse: bool = False,
        hide_sensitive: bool = False, file: str | None = None,
    ) -> str:
        """Through ``file`` (fetched over SCP) when one is named; otherwise printed on the console."""
        if file is not None:
            return super().export(path=path, verbose=verbose, terse=terse, hide_sensitive=hide_sensitive, file=file)
        words = ["/" + " ".join(path) if path else "", "export"]
        if hide_sensitive:
            words.append("hide-sensitive")
        if verbose:
            words.append("verbose")
        if terse:
            words.append("terse")
        return self.send(" ".join(w for w in words if w)).replace("\r\n", "\n")

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError, EOFError):
                conn.disconnect()  # type: ignore[attr-defined]
