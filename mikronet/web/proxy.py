"""What the dashboard believes of a reverse proxy in front of it, and only of one it trusts.

:class:`ProxyMiddleware` looks at the peer of the TCP connection itself (uvicorn's own handling of
``X-Forwarded-*`` is turned off by ``mikronet serve``, so the ASGI ``client`` it sees is the peer). When
the peer is one of the trusted proxies (``--trusted-proxy``, addresses or networks; 127.0.0.1 and ::1
unless told otherwise):

- ``X-Forwarded-For`` gives the client's address (the nearest address that is not itself a trusted
  proxy), ``X-Forwarded-Proto`` its scheme;
- the authenticated-user header (``--proxy-user-header``), when configured and present, names the user:
  :func:`proxy_user` gives it to the application.

From any other peer all of these headers are ignored, and the user header is removed from the request
so nothing further in can read it by mistake.

The user header's value is percent-decoded, then read as UTF-8: ``ilze.b%C4%93rzi%C5%86a`` and the raw
UTF-8 bytes of ``ilze.bērziņa`` name the same user (a ``%`` in a name comes as ``%25``).
Latin-1 is not read: it has no ``ā``, ``ē``, ``ņ``…
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from mikronet.errors import InputError

__all__ = ["DEFAULT_TRUSTED", "ProxyMiddleware", "ProxyUser", "TrustedProxies", "check_header_name", "proxy_user"]

DEFAULT_TRUSTED: Final = ("127.0.0.1", "::1")
_KEY: Final = "mikronet.proxy_user"
_TOKEN: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# headers that already mean something else: naming one of them as the user header is a mistake
_RESERVED: Final = frozenset({"host", "cookie", "authorization", "content-type", "content-length",
                              "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded"})

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class ProxyUser:
    """The user a trusted proxy named: ``name`` when the header could be read, else ``problem`` says why."""

    name: str | None
    problem: str = ""


class TrustedProxies:
    """The addresses and networks (CIDR) whose requests may carry the proxy headers."""

    def __init__(self, entries: Iterable[str]) -> None:
        networks: list[Network] = []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                raise InputError(f"--trusted-proxy {entry!r}: not an IP address or network (CIDR)") from None
        self.networks = tuple(networks)

    def __contains__(self, host: str | None) -> bool:
        if not host:
            return False
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return False  # not an address at all (a test client, a Unix socket): never a proxy
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # a dual-stack listener sees 127.0.0.1 as ::ffff:127.0.0.1
        return any(address in network for network in self.networks)

    def client(self, forwarded_for: str) -> str | None:
        """The client's address in an ``X-Forwarded-For`` list: the last hop that is not a trusted proxy
        (each proxy appends the address it saw), or the first when every hop is one."""
        hops = [_host(hop) for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if hop not in self:
                return hop
        return hops[0] if hops else None


def _host(hop: str) -> str:
    hop = hop.strip()
    if hop.startswith("["):  # [2001:db8::1]:4711
        return hop[1:hop.find("]")] if "]" in hop else hop
    if hop.count(":") == 1:  # 192.0.2.1:4711
        return hop.split(":", 1)[0]
    return hop


def check_header_name(name: str) -> str:
    """``name`` as a header name the proxy may set (lower case), or :class:`InputError`."""
    if not _TOKEN.fullmatch(name):
        raise InputError(f"--proxy-user-header {name!r}: not an HTTP header name")
    if name.lower() in _RESERVED:
        raise InputError(f"--proxy-user-header {name}: that header already means something else; "
                         "use one of its own, e.g. X-Remote-User")
    return name.lower()


def decode_user(raw: bytes) -> ProxyUser:
    """The user name in a header value (percent-encoded or raw UTF-8)."""
    try:
        name = unquote_to_bytes(raw.strip()).decode("utf-8")
    except UnicodeDecodeError:
        return ProxyUser(None, "the name is not UTF-8 (send it percent-encoded)")
    return ProxyUser(name)


def proxy_user(scope: Scope) -> ProxyUser | None:
    """The user the trusted proxy named for this request, or ``None`` (no header, or not from a proxy)."""
    found = scope.get(_KEY)
    return found if isinstance(found, ProxyUser) else None


class ProxyMiddleware:
    """Believes the proxy headers of the trusted proxies alone (see the module's description)."""

    def __init__(self, app: ASGIApp, *, trusted: TrustedProxies, user_header: str | None = None) -> None:
        self.app = app
        self.trusted = trusted
        self.user_header = check_header_name(user_header).encode("latin-1") if user_header else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.pop(_KEY, None)
        peer = scope.get("client")
        headers: list[tuple[bytes, bytes]] = list(scope.get("headers", []))
        if peer is not None and peer[0] in self.trusted:
            self._believe(scope, headers)
        elif self.user_header is not None:
            scope["headers"] = [(k, v) for k, v in headers if k.lower() != self.user_header]
        await self.app(scope, receive, send)

    def _believe(self, scope: Scope, headers: list[tuple[bytes, bytes]]) -> None:
        forwarded = [v for k, v in headers if k.lower() == b"x-forwarded-for"]
        if forwarded:
            client = self.trusted.client(b",".join(forwarded).decode("latin-1"))
            if client:
                scope["client"] = (client, 0)
        proto = next((v for k, v in headers if k.lower() == b"x-forwarded-proto"), None)
        if proto is not None and proto.decode("latin-1").strip() in ("http", "https"):
            scope["scheme"] = proto.decode("latin-1").strip()
        if self.user_header is None:
            return
        values = [v for k, v in headers if k.lower() == self.user_header]
        if len(values) > 1:
            scope[_KEY] = ProxyUser(None, "the proxy sent the user header more than once")
        elif values and values[0].strip():
            scope[_KEY] = decode_user(values[0])
