"""What every response and every login passes through: security headers, the secret redactor,
login rate limits, CSRF tokens and the session's age.

:class:`GuardMiddleware` is pure ASGI and wraps the whole application, error pages included: it adds
the headers (a strict Content-Security-Policy with no inline script and no inline style, no framing,
no sniffing, no referrer) and runs :data:`mikronet.secret.REDACTOR` over every HTML, JSON and text
body before it leaves.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mikronet.secret import REDACTOR, Redactor

__all__ = ["CSP", "HEADERS", "Clock", "GuardMiddleware", "RateLimiter", "check_csrf", "csrf_token"]

Clock = Callable[[], float]

CSP: Final = ("default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
              "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS: Final = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cache-control", b"no-store"),
)
_TEXT_TYPES: Final = (b"text/", b"application/json")


class GuardMiddleware:
    """Security headers on every response; the redactor over every text body (``Strict-Transport-Security``
    too when the dashboard serves TLS itself)."""

    def __init__(self, app: ASGIApp, *, redactor: Redactor = REDACTOR, tls: bool = False) -> None:
        self.app = app
        self.redactor = redactor
        self.extra = ((b"strict-transport-security", b"max-age=31536000"),) if tls else ()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._finish(start, b"".join(body), send)

        await self.app(scope, receive, guarded)

    async def _finish(self, start: dict[str, Any], raw: bytes, send: Send) -> None:
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length",)]
        names = {k.lower() for k, _ in headers}
        kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        if kind.startswith(_TEXT_TYPES):
            raw = self.redactor.redact(raw.decode("utf-8", "replace")).encode("utf-8")
        headers += [(k, v) for k, v in (*HEADERS, *self.extra) if k not in names]
        headers.append((b"content-length", str(len(raw)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": raw})


class FailureStore(Protocol):
    """Where failed logins are counted (the ledger's ``login_failures``: :mod:`mikronet.ledger.logins`)."""

    def count(self, key: str, since: float) -> int: ...

    def add(self, key: str, at: float, *, forget_before: float) -> None: ...

    def clear(self, key: str) -> None: ...


@dataclass
class RateLimiter:
    """At most ``limit`` failed logins per key in ``window`` seconds (keys: ``user:NAME``, ``addr:IP``).

    Counted in ``store``, the ledger's database: every worker of ``mikronet serve --workers N`` (and
    every host on one PostgreSQL ledger) sees the same failures.
    """

    limit: int
    window: float
    store: FailureStore
    clock: Clock = time.time

    def blocked(self, key: str) -> bool:
        return self.store.count(key, self.clock() - self.window) >= self.limit

    def fail(self, key: str) -> None:
        now = self.clock()
        self.store.add(key, now, forget_before=now - self.window)

    def clear(self, key: str) -> None:
        self.store.clear(key)


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token (made on first use); forms carry it in a hidden field."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def check_csrf(session: MutableMapping[str, Any], given: object) -> bool:
    token = session.get("csrf")
    return isinstance(token, str) and isinstance(given, str) and hmac.compare_digest(token, given)
