"""The RouterOS API transport: librouteros over plain TCP (8728) or TLS (8729).

librouteros does the framing and the login. This module adds what a fleet tool needs on top:

* TLS verified against a CA file or a pinned SHA-256 fingerprint; the fingerprint is checked
  right after the handshake, before the login sentence (and so the password) is written;
* batches of commands pipelined in one round trip (all sentences written, each tagged, then every
  answer matched to its command by tag) with raw string values — no int/bool guessing — so a
  comment ``"007"`` stays ``"007"``. librouteros itself cannot read tagged replies; its protocol
  layer is used to write and read sentences, and the words are read here;
* librouteros's exceptions translated into mikronet's, each naming the router and the command.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mikronet.errors import (
    AuthenticationError,
    IdentityChangedError,
    TransportError,
    TransportTimeout,
    TrustError,
    UntrustedError,
)
from mikronet.secret import Secret
from mikronet.transport.base import ActualState, ApplyReport, Command, Reply, Transport
from mikronet.transport.rows import api_path, state_from_replies
from mikronet.transport.trust import fingerprint_of_der, normalise_fingerprint

if TYPE_CHECKING:
    from mikronet.routeros import Plan, Schema
    from mikronet.transport.sentences import SentenceReader
    from mikronet.transport.ssh import SshOptions

__all__ = ["ApiOptions", "ApiTransport"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiOptions:
    """How to reach one router's API."""

    host: str
    port: int = 8728
    username: str = "admin"
    password: Secret = field(default_factory=lambda: Secret(""))
    tls: bool = False
    tls_fingerprint: str | None = None   # pinned SHA-256 of the certificate (hex)
    ca_file: Path | None = None          # or verify the chain against this CA
    tls_no_certificate: bool = False     # the router's api-ssl has no certificate: anonymous DH
    encoding: str = "utf-8"
    timeout: float = 10.0
    ssh: SshOptions | None = None        # for files the API cannot hand over whole (SCP; needs an SSH pin)
    names: tuple[str, ...] = ()          # what the router's certificate must name with a CA file (host, id)


_SESSIONS: dict[tuple[str, int, int, str], ssl.SSLSession] = {}
"""The last TLS session with each router, by the context that checked it: the verifying session of a
push resumes the first one's (a session ticket only the router that was checked can read), saving a
full handshake each side. A session is reused only under the same check (the same context and pin)."""


@functools.lru_cache(maxsize=16)
def _client_context(kind: str, ca_file: str | None) -> ssl.SSLContext:
    """One TLS client context per kind of check, built once: ``pin`` (the fingerprint is compared after
    the handshake), ``ca`` (the chain against the fleet's CA file), ``adh`` (no certificate at all)."""
    if kind == "ca":
        context = ssl.create_default_context(cafile=ca_file)
        context.check_hostname = False  # school routers are addressed by IP: their names are checked after
        return context
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if kind == "adh":
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers("ADH:@SECLEVEL=0")
    return context


def _check_names(sock: ssl.SSLSocket, names: tuple[str, ...], router_id: str) -> None:
    """With a CA file, the certificate must also name this router (its address or id), so that one
    router's certificate from the fleet CA cannot stand in for another's."""
    cert: dict[str, Any] = dict(sock.getpeercert() or {})
    alt = [str(pair[1]) for pair in cert.get("subjectAltName", ())]
    common = [str(attr[1]) for rdn in cert.get("subject", ()) for attr in rdn if attr[0] == "commonName"]
    presented = {n.lower() for n in (*alt, *common)}
    if not presented & {n.lower() for n in names}:
        sock.close()
        raise IdentityChangedError(
            f"the certificate names {', '.join(sorted(presented)) or 'nothing'}, not this router "
            f"({', '.join(names)}); nothing was sent",
            router=router_id,
        )


class ApiTransport(Transport):
    kind = "api"

    def __init__(self, router_id: str, options: ApiOptions) -> None:
        super().__init__(router_id)
        self.options = options
        self._reader: SentenceReader | None = None
        self._endpoint: tuple[str, int, int, str] = (options.host, options.port, 0, "")
        self._api = self._connect()

    # -- connection ---------------------------------------------------------------------------

    def _ssl_wrapper(self) -> Callable[[socket.socket], socket.socket] | None:
        opts = self.options
        if not opts.tls:
            return None
        pinned = normalise_fingerprint(opts.tls_fingerprint) if opts.tls_fingerprint else None
        if opts.tls_no_certificate:
            context = _client_context("adh", None)
        elif pinned is not None:
            context = _client_context("pin", None)  # the pin below is the check (it is the more precise)
        elif opts.ca_file is not None:
            context = _client_context("ca", str(opts.ca_file))  # names are checked below
        else:
            raise UntrustedError(
                "TLS needs a pinned certificate fingerprint or a CA file; run `mikronet trust ROUTER` to pin it",
                router=self.router_id,
            )
        router_id = self.router_id

        endpoint = (opts.host, opts.port, id(context), pinned or "")
        self._endpoint = endpoint

        def wrap(sock: socket.socket) -> socket.socket:
            wrapped = context.wrap_socket(sock, session=_SESSIONS.get(endpoint))
            if opts.ca_file is not None and pinned is None and not opts.tls_no_certificate:
                _check_names(wrapped, opts.names, router_id)
            if pinned is not None and not opts.tls_no_certificate:
                der = wrapped.getpeercert(binary_form=True) or b""
                seen = fingerprint_of_der(der)
                if seen != pinned:
                    wrapped.close()
                    raise IdentityChangedError(
                        f"TLS certificate fingerprint {seen} is not the pinned {pinned}; nothing was sent. "
                        "If the router was swapped, record it with `mikronet swap`; otherwise treat this as an attack",
                        router=router_id,
                    )
            return wrapped

        return wrap

    def _connect(self) -> object:
        import librouteros
        from librouteros.exceptions import LibRouterosError, TrapError

        opts = self.options
        self.stats.connects += 1
        try:
            api = librouteros.connect(
                host=opts.host,
                username=opts.username,
                password=opts.password.reveal(),
                port=opts.port,
                timeout=opts.timeout,
                encoding=opts.encoding,
                ssl_wrapper=self._ssl_wrapper(),
            )
        except TrustError:
            raise
        except TrapError as exc:
            raise AuthenticationError(f"login refused: {exc.message}", router=self.router_id) from None
        except TimeoutError as exc:
            raise TransportTimeout(f"no answer from {opts.host}:{opts.port} within {opts.timeout:g} s",
                                   router=self.router_id) from exc
        except ssl.SSLError as exc:
            raise TransportError(f"TLS handshake with {opts.host}:{opts.port} failed: {exc.reason or exc}",
                                 router=self.router_id) from exc
        except (OSError, LibRouterosError) as exc:
            raise TransportError(f"cannot connect to {opts.host}:{opts.port}: {exc}", router=self.router_id) from exc
        finally:
            self.stats.round_trips += 2 + (1 if opts.tls else 0)  # TCP handshake, TLS handshake, login
        log.debug("%s: connected to %s:%s (%s)", self.router_id, opts.host, opts.port, "tls" if opts.tls else "plain")
        return api

    # -- commands -----------------------------------------------------------------------------

    def run(self, commands: Sequence[Command]) -> list[Reply]:
        if not commands:
            return []
        from librouteros.exceptions import ConnectionClosed, FatalError, LibRouterosError
        from librouteros.protocol import encode_sentence

        protocol = self._api.protocol  # type: ignore[attr-defined]
        if self._reader is None:
            from mikronet.transport.sentences import SentenceReader

            self._reader = SentenceReader(protocol.transport.sock, self.options.encoding)
        try:
            # Each command is tagged with its index, so replies are matched to commands even if the
            # router answers pipelined commands out of order (it may, for tagged long-running ones).
            # The whole batch goes out in one write.
            encoding = self.options.encoding
            batch = b"".join(
                encode_sentence(command.word, *(f"={k}={v}" for k, v in command.args.items()), *command.queries,
                                f".tag={index}", encoding=encoding)
                for index, command in enumerate(commands))
            if log.isEnabledFor(logging.DEBUG):
                log.debug("%s: <--- %s", self.router_id, "; ".join(c.word for c in commands))
            protocol.transport.write(batch)
            self.stats.round_trips += 1
            self.stats.commands += len(commands)
            return self._read_replies(self._reader, commands)
        except FatalError as exc:
            raise TransportError(f"the router closed the session: {exc}", router=self.router_id) from exc
        except ConnectionClosed as exc:
            raise TransportError("the router closed the connection", router=self.router_id) from exc
        except TimeoutError as exc:
            raise TransportTimeout(f"no answer within {self.options.timeout:g} s", router=self.router_id) from exc
        except (OSError, LibRouterosError) as exc:
            raise TransportError(str(exc) or type(exc).__name__, router=self.router_id) from exc

    def _read_replies(self, reader: SentenceReader, commands: Sequence[Command]) -> list[Reply]:
        """Read until every command's ``!done``; rows, ``=ret=`` and the first trap go by tag."""
        rows: list[list[dict[str, str]]] = [[] for _ in commands]
        errors: list[tuple[str, int | None] | None] = [None] * len(commands)
        replies: list[Reply | None] = [None] * len(commands)
        pending = len(commands)
        while pending:
            reply_word, words = reader.sentence()
            tag = None
            attrs: dict[str, str] = {}
            for word in words:  # one pass: `=key=value` words (a value may hold `=`), and the tag
                if word[:1] == "=":
                    key, _, value = word[1:].partition("=")
                    attrs[key] = value
                elif word[:5] == ".tag=":
                    tag = word[5:]
            if tag is None or not tag.isdigit() or int(tag) >= len(commands):
                raise TransportError(f"a reply without a known tag ({reply_word})", router=self.router_id)
            index = int(tag)
            if reply_word == "!re":
                rows[index].append(attrs)
            elif reply_word == "!trap" and errors[index] is None:
                category = attrs.get("category", "")
                errors[index] = (attrs.get("message", ""), int(category) if category.isdigit() else None)
            elif reply_word == "!done":
                error, category_number = errors[index] or (None, None)
                replies[index] = Reply(commands[index], tuple(rows[index]), attrs.get("ret"), error, category_number)
                pending -= 1
            # !empty and any later reply word carry no rows
        return [reply for reply in replies if reply is not None]

    def read_state(self, paths: Sequence[str], schema: Schema, *, extra: Sequence[Command] = ()) -> ActualState:
        """Every path's ``print`` and the version in one pipelined round trip, ``extra`` riding along."""
        commands = [Command("/system/resource", "print", {".proplist": "version"})]
        commands += [Command(api_path(p), "print") for p in paths]
        replies = self.run([*commands, *extra])
        return state_from_replies(paths, replies[0], replies[1:len(commands)], schema, self.router_id,
                                  tuple(replies[len(commands):]))

    def apply(
        self, plan: Plan, state: ActualState, schema: Schema, *, stop: Callable[[], bool] | None = None
    ) -> ApplyReport:
        from mikronet.transport.api_apply import apply_over_api

        return apply_over_api(self, plan, state, schema, stop=stop)

    def fetch_file(self, name: str, *, listing: Reply | None = None) -> bytes:
        """The file whole: inline ``contents`` when the router shows all of it, else ``/file/read`` in
        pipelined chunks (RouterOS 7.13+), else SCP over the pinned SSH service. Checked against the
        size ``/file print`` gives. ``listing`` is a ``/file print`` reply already in hand."""
        reply = listing or self.run([Command("/file", "print", {".proplist": ".id,name,size,contents"},
                                             (f"?name={name}",))])[0]
        rows = [r for r in reply.raise_for_error(self.router_id).rows if r.get("name", name) == name]
        if not rows:
            raise TransportError(f"there is no file {name} on the router", router=self.router_id, path="/file")
        size = int(rows[0].get("size", "-1") or -1)
        if size < 0:
            raise TransportError(f"the router gives no size for {name}", router=self.router_id, path="/file")
        inline = rows[0].get("contents")
        if inline is not None:
            data = inline.encode(self.options.encoding, "surrogateescape")
            if len(data) == size:
                return data
        data = self._read_chunks(name, size) or self._scp(name)
        if len(data) != size:
            raise TransportError(f"fetched {len(data)} of the {size} bytes of {name}; not whole",
                                 router=self.router_id, path="/file")
        return data

    def _read_chunks(self, name: str, size: int, chunk: int = 32768) -> bytes | None:
        """``/file/read`` in chunks, all pipelined; None where the router has no such command."""
        commands = [Command("/file", "read", {"file": name, "chunk-size": str(chunk), "offset": str(offset)})
                    for offset in range(0, max(size, 1), chunk)]
        replies = self.run(commands)
        if any(not r.ok for r in replies):
            return None
        return b"".join(str(r.rows[0].get("data", "") if r.rows else "").encode(self.options.encoding,
                                                                              "surrogateescape")
                        for r in replies)

    def _scp(self, name: str) -> bytes:
        if self.options.ssh is None:
            raise TransportError(
                f"{name} is larger than RouterOS hands over the API here, and no SSH host key is pinned "
                "to fetch it over SCP; run `mikronet trust` for this router",
                router=self.router_id, path="/file",
            )
        from mikronet.transport.scp import scp_get

        return scp_get(self.router_id, self.options.ssh, name)

    def text_encoding(self) -> str:
        return self.options.encoding

    def close(self) -> None:
        api, self._api = self._api, None
        sock = getattr(getattr(getattr(api, "protocol", None), "transport", None), "sock", None)
        if isinstance(sock, ssl.SSLSocket) and sock.session is not None and not self.options.tls_no_certificate:
            if len(_SESSIONS) > 4096:
                _SESSIONS.clear()
            _SESSIONS[self._endpoint] = sock.session
        if api is not None:
            with contextlib.suppress(OSError):
                api.close()  # type: ignore[attr-defined]
