"""The RouterOS API (8728, and 8729 over TLS) of a simulated router, on asyncio.

Wire only: words and sentences in, :meth:`SimDevice.call` in the middle, sentences out. Length
prefixes are librouteros's own functions (``determine_length``/``decode_length``/``encode_length``);
the 5-byte form (``0xF0`` + 4 bytes), which librouteros lacks, is accepted on input and never sent.
Word text is UTF-8 with ``surrogateescape``, so bytes that are not UTF-8 (cp1252 from WinBox)
travel through unchanged.

Replies follow ``../shared/docs/routeros.md`` section 1: ``!re`` rows, ``!trap`` with only
``=message=``/``=category=`` then ``!done``, ``!empty`` on 7.18+, ``.tag`` on every reply sentence
if and only if the request had one, ``!fatal`` after ``/quit``, and no ``!done`` at all when the
router drops the session (reboot, install, backup load). Faults and latency apply here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field

from librouteros.exceptions import ProtocolError
from librouteros.protocol import decode_length, determine_length, encode_length

from mikronet.sim import messages as msg
from mikronet.sim.device import SimDevice
from mikronet.sim.reply import Reply
from mikronet.sim.services import admits, service_settings

__all__ = ["ApiServer", "decode_sentence_words", "encode_sentence", "read_sentence"]

LOG = logging.getLogger(__name__)
MAX_WORD = 64 * 1024 * 1024
"""Largest word accepted after login (a guard, far above anything a client sends)."""
PRE_LOGIN_WORD = 16 * 1024
"""Largest word accepted before login: a name and a password, with room to spare."""
PRE_LOGIN_WORDS = 16
"""Most words in one sentence before login."""
PRE_LOGIN_SENTENCES = 8
"""Most sentences a client may send before it has logged in (RouterOS limits this; its figure is
not published)."""
LOGIN_TIMEOUT = 30.0
"""Seconds a connection may stay open without logging in."""
TOO_MANY_BEFORE_LOGIN = "too many commands before login"


class WireError(Exception):
    """The peer broke the framing (a reserved control byte, an absurd length): the session ends."""


async def _read_word(reader: asyncio.StreamReader, limit: int = MAX_WORD) -> bytes | None:
    """One word's bytes; ``None`` for the end-of-sentence (a zero length). A word longer than ``limit``
    ends the session before a byte of it is read."""
    first = await reader.readexactly(1)
    control = first[0]
    if control == 0:
        return None
    if control >= 0xF8:
        raise WireError(f"reserved control byte 0x{control:02x}")
    if control >= 0xF0:  # 5-byte form: 0xF0 then the length in 4 bytes
        length = int.from_bytes(await reader.readexactly(4), "big")
    else:
        try:
            extra = determine_length(first)
            length = decode_length(first + (await reader.readexactly(extra) if extra else b""))
        except ProtocolError as exc:
            raise WireError(str(exc)) from exc
    if length > limit:
        raise WireError(f"word of {length} bytes")
    return await reader.readexactly(length)


async def read_sentence(
    reader: asyncio.StreamReader, *, max_word: int = MAX_WORD, max_words: int | None = None
) -> list[str]:
    """The words of one sentence, decoded (UTF-8, undecodable bytes kept as surrogates)."""
    words: list[str] = []
    while (word := await _read_word(reader, max_word)) is not None:
        words.append(word.decode("utf-8", "surrogateescape"))
        if max_words is not None and len(words) > max_words:
            raise WireError(f"more than {max_words} words in a sentence")
    return words


def encode_sentence(words: Iterable[str]) -> bytes:
    """Encode a sentence; each word's bytes go out exactly as they came in."""
    out = bytearray()
    for word in words:
        data = word.encode("utf-8", "surrogateescape")
        out += encode_length(len(data))
        out += data
    out += b"\x00"
    return bytes(out)


@dataclass
class ParsedSentence:
    command: str
    args: dict[str, str] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)
    tag: str | None = None


def decode_sentence_words(words: list[str]) -> ParsedSentence:
    """Split a request into command, ``=k=v`` arguments (``=k`` alone means empty), queries and tag."""
    parsed = ParsedSentence(words[0])
    for word in words[1:]:
        if word.startswith("="):
            key, _, value = word[1:].partition("=")
            parsed.args[key] = value
        elif word.startswith("?"):
            parsed.queries.append(word)
        elif word.startswith(".tag="):
            parsed.tag = word[5:] or None
        # other API attribute words are ignored, as RouterOS ignores unknown ones
    return parsed


class _Session:
    """One client connection."""

    def __init__(self, server: ApiServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.device = server.device
        self.reader = reader
        self.writer = writer
        self.user: str | None = None
        self.challenge: bytes | None = None
        self.pending: dict[str, str] = {}
        self.dropped_once = False
        self.before_login = 0
        self.login_deadline = asyncio.get_running_loop().time() + server.login_timeout
        # With latency, replies leave one RTT after their request arrived, from a writer task of their
        # own: the reading goes on, so pipelined requests cost one RTT in all, as on a real link.
        self.arrived = 0.0
        self.outbox: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        self.outbox_task: asyncio.Task[None] | None = None

    async def send(self, *sentences: list[str]) -> None:
        data = b"".join(encode_sentence(s) for s in sentences)
        if self.server.latency <= 0:
            self.writer.write(data)
            await self.writer.drain()
            return
        if self.outbox_task is None:
            self.outbox_task = asyncio.create_task(self._deliver())
        self.outbox.put_nowait((self.arrived + self.server.latency, data))

    async def _deliver(self) -> None:
        loop = asyncio.get_running_loop()
        while (entry := await self.outbox.get()) is not None:
            due, data = entry
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
            self.writer.write(data)
            await self.writer.drain()

    async def flush(self) -> None:
        """Let every queued reply leave before the session ends."""
        if self.outbox_task is not None:
            self.outbox.put_nowait(None)
            await self.outbox_task

    def tagged(self, reply_word: str, tag: str | None, *words: str) -> list[str]:
        return [reply_word, *([f".tag={tag}"] if tag is not None else []), *words]

    async def _next_sentence(self) -> list[str]:
        """The next request; before login within the login timeout, small, and only a few of them."""
        if self.user is not None:
            return await read_sentence(self.reader)
        self.before_login += 1
        if self.before_login > PRE_LOGIN_SENTENCES:
            await self.send(["!fatal", TOO_MANY_BEFORE_LOGIN])
            raise WireError(TOO_MANY_BEFORE_LOGIN)
        remaining = self.login_deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise WireError("no login within the login timeout")
        try:
            return await asyncio.wait_for(
                read_sentence(self.reader, max_word=PRE_LOGIN_WORD, max_words=PRE_LOGIN_WORDS), remaining
            )
        except TimeoutError as exc:
            raise WireError("no login within the login timeout") from exc

    async def run(self) -> None:
        while True:
            words = await self._next_sentence()
            self.arrived = asyncio.get_running_loop().time()
            if not words:
                continue  # empty sentences are ignored
            if self.device.faults.hang:
                continue
            request = decode_sentence_words(words)
            if not await self.handle(request):
                return

    async def handle(self, request: ParsedSentence) -> bool:
        """Answer one request; False when the session is over."""
        command, tag = request.command, request.tag
        if command == "/quit":
            await self.send(["!fatal", msg.SESSION_TERMINATED])
            return False
        if command == "/login":
            await self.login(request)
            return True
        if self.user is None:
            await self.send(self.tagged("!trap", tag, f"=message={msg.NOT_LOGGED_IN}"), self.tagged("!done", tag))
            return True
        if self.device.faults.drop_mid_command and not self.dropped_once:
            self.dropped_once = True
            self.writer.write(encode_sentence(["!re"])[:-1] + b"\x0c=name=ether")
            await self.writer.drain()
            return False
        if command == "/cancel":
            await self.cancel(request)
            return True
        verb = command.rsplit("/", 1)[-1]
        if verb == "listen" or request.args.get("follow") is not None or request.args.get("follow-only") is not None:
            await self.follow(request)
            return True
        if self.device.gate is not None:
            await self.device.gate(command)
        reply = self.device.call(command, request.args, request.queries, user=self.user)
        return await self.answer(reply, request)

    async def answer(self, reply: Reply, request: ParsedSentence) -> bool:
        tag = request.tag
        sentences = [self.tagged("!re", tag, *(f"={k}={v}" for k, v in row.items())) for row in reply.rows]
        if reply.disconnect:
            if sentences:
                await self.send(*sentences)
            return False
        if reply.trap is not None:
            words = [f"=message={reply.trap.message}"]
            if reply.trap.category is not None:
                words.insert(0, f"=category={reply.trap.category}")
            sentences.append(self.tagged("!trap", tag, *words))
        elif self.device.wants_empty(request.command, reply):
            sentences.append(self.tagged("!empty", tag))
        done = [f"=ret={reply.ret}"] if reply.ret is not None and reply.trap is None else []
        sentences.append(self.tagged("!done", tag, *done))
        await self.send(*sentences)
        return True

    async def follow(self, request: ParsedSentence) -> None:
        """``listen`` and ``print follow``: rows now, then nothing until ``/cancel``."""
        if request.command.endswith("/listen"):
            rows: list[dict[str, str]] = []
        else:
            args = {k: v for k, v in request.args.items() if k not in ("follow", "follow-only")}
            reply = self.device.call(request.command, args, request.queries, user=self.user or "admin")
            if reply.trap is not None or request.args.get("follow-only") is not None:
                if reply.trap is not None:
                    await self.answer(reply, request)
                    return
                reply = Reply()
            rows = reply.rows
        if rows:
            await self.send(*(self.tagged("!re", request.tag, *(f"={k}={v}" for k, v in r.items())) for r in rows))
        self.pending[request.tag or ""] = request.command

    async def cancel(self, request: ParsedSentence) -> None:
        wanted = request.args.get("tag")
        tags = [wanted] if wanted is not None else list(self.pending)
        out: list[list[str]] = []
        finished: list[list[str]] = []
        for tag in tags:
            if tag in self.pending:
                del self.pending[tag]
                shown = tag or None
                out.append(
                    self.tagged("!trap", shown, f"=category={msg.CATEGORY_INTERRUPTED}", f"=message={msg.INTERRUPTED}")
                )
                finished.append(self.tagged("!done", shown))
        await self.send(*out, self.tagged("!done", request.tag), *finished)

    async def login(self, request: ParsedSentence) -> None:
        behaviour, args, tag = self.device.behaviour, request.args, request.tag
        name, password, response = args.get("name"), args.get("password"), args.get("response")
        refused = msg.INVALID_USER_OR_PASSWORD if behaviour.plain_login else msg.CANNOT_LOG_IN
        if name is not None and password is not None and behaviour.plain_login:
            ok = self.device.authenticate(name, password)
        elif name is not None and response is not None:
            ok = (
                behaviour.challenge_login
                and self.challenge is not None
                and self.device.authenticate_challenge(name, self.challenge, response)
            )
        elif behaviour.challenge_login or behaviour.bare_login_challenge:
            self.challenge = os.urandom(16)
            await self.send(self.tagged("!done", tag, f"=ret={self.challenge.hex()}"))
            return
        else:
            ok = False
        if ok:
            self.user = name
            await self.send(self.tagged("!done", tag))
        else:
            await self.send(self.tagged("!trap", tag, f"=message={refused}"), self.tagged("!done", tag))


class ApiServer:
    """The API listener of one router on one address and port (plain, or TLS with ``ssl_context``)."""

    def __init__(
        self,
        device: SimDevice,
        host: str,
        port: int,
        *,
        ssl_context: ssl.SSLContext | None = None,
        latency: float = 0.0,
        service: str = "api",
        login_timeout: float = LOGIN_TIMEOUT,
        follow_services: bool = True,
    ) -> None:
        self.device = device
        self.login_timeout = login_timeout
        self.follow_services = follow_services
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.latency = latency
        self.service = service
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def listening(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(
                self._serve,
                self.host,
                self.port,
                ssl=self.ssl_context,
                reuse_address=True,
                backlog=64,
                ssl_handshake_timeout=10.0 if self.ssl_context else None,
            )

    async def stop(self) -> None:
        """Stop listening (connections are refused) and drop every session."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        self.drop_sessions()
        if server is not None:
            await server.wait_closed()

    async def close_listener(self) -> None:
        """Stop accepting (connections are refused); sessions already open stay, as on RouterOS when
        the service is disabled or moved."""
        server, self._server = self._server, None
        if server is not None:
            server.close()

    async def move(self, port: int) -> None:
        """Listen on ``port`` instead; sessions already open stay."""
        listening = self._server is not None
        await self.close_listener()
        self.port = port
        if listening:
            await self.start()

    def close_now(self) -> None:
        """Stop accepting and drop every session right away (call from the loop); :meth:`stop` finishes."""
        if self._server is not None:
            self._server.close()
        self.drop_sessions()

    def drop_sessions(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def _accepts(self, writer: asyncio.StreamWriter) -> bool:
        """Whether ``/ip service`` lets this client in (service on, client from an allowed network)."""
        if not self.follow_services:
            return True
        service = service_settings(self.device)[self.service]
        peer = writer.get_extra_info("peername")
        return admits(service, str(peer[0]) if peer else "")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.device.online or not self._accepts(writer):
            writer.transport.abort()
            return
        self._writers.add(writer)
        session = _Session(self, reader, writer)
        try:
            await session.run()
            await session.flush()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, WireError) as exc:
            LOG.debug("%s: api session ended: %s", self.device.spec.router_id, exc)
        finally:
            if session.outbox_task is not None and not session.outbox_task.done():
                session.outbox_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                    await session.outbox_task
            self._writers.discard(writer)
            if not writer.transport.is_closing():
                writer.close()
