"""The loop side of a simulated fleet: devices and their listeners, in one asyncio loop.

Each router gets its own loopback address (``127.B.x.y``; Linux routes all of 127/8 to ``lo``) and
listens on the standard ports (API 8728, api-ssl 8729, SSH 22) where it may -- SSH on 22 needs root
-- or on fallback ports, which the written inventory records. A router's listeners follow its state:
they close while it reboots (connections are refused) and open again when it is back.
:class:`~mikronet.sim.fleet.SimFleet` runs this in a thread; ``mikronet sim run`` with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import os
import resource
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from mikronet.sim.api import ApiServer
from mikronet.sim.certificates import api_ssl_context
from mikronet.sim.clock import LoopClock
from mikronet.sim.device import DeviceOptions, DeviceSpec, Faults, SimDevice
from mikronet.sim.faults import FaultSpec, assign_faults
from mikronet.sim.services import SERVICES, Service, service_settings, set_ports, unprivileged
from mikronet.sim.tls import FleetCA, adh_context

__all__ = ["Endpoint", "FleetOptions", "FleetRuntime", "RouterSetup", "raise_fd_limit"]

LOG = logging.getLogger(__name__)
STANDARD = (8728, 8729, 22)
FALLBACK = (8728, 8729, 10022)


class _Closable(Protocol):
    def close(self) -> None: ...
    async def wait_closed(self) -> None: ...


@dataclass(frozen=True)
class Endpoint:
    """Where one simulated router listens."""

    router_id: str
    host: str
    api: int
    api_ssl: int
    ssh: int | None
    """None when the fleet runs without SSH."""


@dataclass(frozen=True)
class RouterSetup:
    """One router to simulate: what it is, what it starts with, which faults it has."""

    spec: DeviceSpec
    initial_config: str | None = None
    faults: Faults = field(default_factory=Faults)
    ports: tuple[int, int, int] | None = None
    """Ports the inventory gives it (api, api-ssl, ssh), honoured where non-standard."""
    source: str | None = None
    """Where ``initial_config`` came from (the backup file), for reporting its refused lines."""


@dataclass(frozen=True)
class FleetOptions:
    """How a fleet runs; every field has a sensible default for the demo."""

    latency_ms: float = 0.0
    """Round-trip time added to every API reply (without blocking other sessions)."""
    device: DeviceOptions = field(default_factory=DeviceOptions)
    ssh: bool = True
    api_ssl_certificate: bool = True
    """False: api-ssl offers only anonymous DH, as a router without a certificate."""
    block: int | None = None
    """Second octet of the loopback block (127.B.0.0/16); None picks a free one."""
    faults: tuple[FaultSpec, ...] = ()
    fault_seed: int = 0
    login_timeout: float = 30.0
    """Seconds an API connection may stay open without logging in (then it is closed)."""
    follow_services: bool = True
    """Listeners follow ``/ip service`` (ports, disabled, allowed networks). False keeps the API,
    api-ssl and SSH open on their usual ports whatever the routers say: a rehearsal against backups
    that close the management services (or a test reading them back) can still reach them."""


def raise_fd_limit() -> int:
    """Raise the open-file limit to its hard maximum (1,000 routers need ~3,000 listeners); return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _address(block: int, index: int) -> str:
    return f"127.{block}.{index // 250}.{index % 250 + 2}"


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _can_bind(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class _Router:
    """One router's device and listeners; follows the device offline and back."""

    def __init__(
        self, runtime: FleetRuntime, device: SimDevice, endpoint: Endpoint, tls: ssl.SSLContext | None
    ) -> None:
        self.runtime = runtime
        self.device = device
        self.endpoint = endpoint
        latency = runtime.options.latency_ms / 1000.0
        host = endpoint.host
        timeout, follow = runtime.options.login_timeout, runtime.options.follow_services
        self.api = ApiServer(device, host, endpoint.api, latency=latency, service="api", login_timeout=timeout,
                             follow_services=follow)
        self.api_ssl = (
            ApiServer(device, host, endpoint.api_ssl, ssl_context=tls, latency=latency, service="api-ssl",
                      login_timeout=timeout, follow_services=follow)
            if tls is not None
            else None
        )
        self.anonymous_tls = tls if runtime.ca is None else None
        """api-ssl's context while the router names no certificate of its own (ADH): once ``/ip
        service`` gives api-ssl one, the listener serves that instead, as RouterOS does."""
        self.ssh: _Closable | None = None
        self.ssh_hangs = False
        self.ssh_port = endpoint.ssh
        self.lock = asyncio.Lock()
        device.add_listener(self._on_event)
        device.add_change_listener(self._on_change)

    def _on_change(self, path: tuple[str, ...]) -> None:
        if path == ("ip", "service"):  # a port moved, a service went off or on: the listeners follow
            loop = self.runtime.loop
            loop.call_soon_threadsafe(lambda: loop.create_task(self.follow()))

    def _wanted(self) -> tuple[dict[str, Service], Endpoint]:
        """The router's services, and the endpoint they make."""
        if not self.runtime.options.follow_services:
            return {name: Service(True, port) for name, port in SERVICES.items()}, self.endpoint
        settings = service_settings(self.device)
        low = self.runtime.low_ports
        ssh = unprivileged(settings["ssh"].port, low) if self.endpoint.ssh is not None else None
        endpoint = replace(self.endpoint, api=unprivileged(settings["api"].port, low),
                           api_ssl=unprivileged(settings["api-ssl"].port, low), ssh=ssh)
        return settings, endpoint

    def _on_event(self, event: str) -> None:
        loop = self.runtime.loop
        if event == "offline" and _in_loop(loop):
            # stop accepting at once, so a client that saw the session drop is refused from now on
            self.api.close_now()
            if self.api_ssl is not None:
                self.api_ssl.close_now()
            if self.ssh is not None:
                self.ssh.close()
        loop.call_soon_threadsafe(lambda: loop.create_task(self.follow()))

    async def follow(self) -> None:
        """Bring the listeners in line with the device: listening iff online and not refusing."""
        async with self.lock:
            if self.device.online and not self.device.faults.refuse:
                await self._up()
            else:
                await self._down()

    async def _up(self) -> None:
        settings, endpoint = self._wanted()
        await self._listen(settings, endpoint)
        if endpoint != self.endpoint:  # only once the listeners are where it says
            self.endpoint = endpoint
            self.runtime.endpoint_moved()

    async def _listen(self, settings: dict[str, Service], endpoint: Endpoint) -> None:
        for server, service in ((self.api, settings["api"]), (self.api_ssl, settings["api-ssl"])):
            if server is None:
                continue
            port = endpoint.api if server is self.api else endpoint.api_ssl
            if not service.enabled:
                await server.close_listener()
                server.port = port
                continue
            if server.port != port:
                await server.move(port)
            if server is self.api_ssl and self.anonymous_tls is not None:
                await self._serve_certificate(server)
            await server.start()
        if endpoint.ssh is None or self.runtime.ssh_factory is None:
            return
        hang = self.device.faults.hang
        if self.ssh is not None and (self.ssh_hangs != hang or self.ssh_port != endpoint.ssh
                                     or not settings["ssh"].enabled):
            await self._stop_ssh()
        if not settings["ssh"].enabled:
            return
        self.ssh_port = endpoint.ssh
        if self.ssh is None:
            if hang:  # the hang fault holds for SSH too: the port accepts and never says a word
                self.ssh = await asyncio.start_server(_black_hole, endpoint.host, endpoint.ssh, reuse_address=True)
            else:
                self.ssh = await self.runtime.ssh_factory(self.device, endpoint.host, endpoint.ssh,
                                                          follow_services=self.runtime.options.follow_services)
            self.ssh_hangs = hang

    async def _serve_certificate(self, server: ApiServer) -> None:
        """api-ssl of a router started without a certificate: the one ``/ip service`` names once it
        names one (anonymous DH no longer works), ADH again when it names none. Open sessions stay."""
        wanted = api_ssl_context(self.device) or self.anonymous_tls
        if wanted is not server.ssl_context:
            await server.close_listener()
            server.ssl_context = wanted

    async def _stop_ssh(self) -> None:
        ssh, self.ssh = self.ssh, None
        if ssh is not None:
            ssh.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ssh.wait_closed(), 5)

    async def _down(self) -> None:
        await self.api.stop()
        if self.api_ssl is not None:
            await self.api_ssl.stop()
        await self._stop_ssh()


async def _black_hole(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while await reader.read(4096):
            pass
    writer.close()


def _ssh_factory() -> Any:
    try:
        from mikronet.sim.ssh import start_ssh_server
    except ImportError:
        LOG.warning("the simulated SSH server is not available; routers answer on the API only")
        return None
    return start_ssh_server


class FleetRuntime:
    """The loop-side fleet: builds devices and listeners, starts and stops them."""

    def __init__(self, setups: Sequence[RouterSetup], directory: Path, options: FleetOptions) -> None:
        self.setups = list(setups)
        self.directory = directory
        self.options = options
        self.routers: dict[str, _Router] = {}
        self.ca: FleetCA | None = None
        self.ssh_factory: Any = None
        self.low_ports = False
        """Whether ports below 1024 can be bound (root); otherwise they are served 10000 higher."""
        self.on_endpoints: Callable[[], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._block = 0
        self._adh: ssl.SSLContext | None = None
        self._index: dict[str, int] = {}

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None, "the fleet is not running"
        return self._loop

    @property
    def endpoints(self) -> dict[str, Endpoint]:
        return {rid: router.endpoint for rid, router in self.routers.items()}

    def endpoint_moved(self) -> None:
        """A router's listener moved (``/ip service``): tell whoever keeps the inventory."""
        if self.on_endpoints is not None:
            self.on_endpoints()

    def _pick_block(self) -> int:
        if self.options.block is not None:
            return self.options.block
        start = 20 + os.getpid() % 200
        for offset in range(230):
            block = 20 + (start - 20 + offset) % 230
            if _can_bind(_address(block, 0), STANDARD[0]) and _can_bind(
                _address(block, len(self.setups) - 1), STANDARD[0]
            ):
                return block
        raise OSError(errno.EADDRINUSE, "no free loopback block for the fleet")

    async def start(self) -> None:
        """Build every router and start listening; returns once all listen."""
        self._loop = asyncio.get_running_loop()
        raise_fd_limit()
        self.ssh_factory = _ssh_factory() if self.options.ssh else None
        if self.options.api_ssl_certificate:
            self.ca = await asyncio.to_thread(FleetCA, self.directory)
        adh = adh_context(self.directory) if not self.options.api_ssl_certificate else None
        faults = assign_faults(self.options.faults, [s.spec.router_id for s in self.setups], self.options.fault_seed)
        for attempt in range(5):
            block = self._pick_block()
            ssh_standard = self.ssh_factory is not None and _can_bind(_address(block, 0), 22)
            self.low_ports = ssh_standard
            try:
                await self._start_block(block, ssh_standard, faults, adh)
                return
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or self.options.block is not None or attempt == 4:
                    await self.stop()
                    raise
                LOG.info("loopback block 127.%d is taken, trying another", block)
                await self.stop()

    async def _start_block(
        self, block: int, ssh_standard: bool, faults: Mapping[str, Faults], adh: ssl.SSLContext | None
    ) -> None:
        self._block, self._adh = block, adh
        await self._add(list(enumerate(self.setups)), faults)

    async def add_routers(self, setups: Sequence[RouterSetup]) -> None:
        """Start twins for routers the inventory gained while the fleet runs (the next free addresses)."""
        start = max((self._index[rid] for rid in self.routers), default=-1) + 1
        self.setups.extend(setups)
        await self._add([(start + n, setup) for n, setup in enumerate(setups)], {})

    async def remove_routers(self, router_ids: Sequence[str]) -> None:
        """Stop the twins of routers the inventory lost."""
        for router_id in router_ids:
            router = self.routers.pop(router_id, None)
            if router is not None:
                router.device.remove_listener(router._on_event)
                router.device.remove_change_listener(router._on_change)
                await router._down()
        self.setups = [s for s in self.setups if s.spec.router_id not in router_ids]

    async def replace_router(self, router_id: str, serial: str, model: str | None = None) -> None:
        """Put a new device, factory-fresh, in a router's place: same address and ports, a new serial
        (so a new SSH host key and TLS certificate) and perhaps a new model -- a swapped router."""
        index = self._index[router_id]
        old = next(s for s in self.setups if s.spec.router_id == router_id)
        await self.remove_routers([router_id])
        spec = replace(old.spec, serial=serial, model=model or old.spec.model)
        new = RouterSetup(spec=spec, ports=old.ports)
        self.setups.append(new)
        await self._add([(index, new)], {})

    async def _add(self, numbered: list[tuple[int, RouterSetup]], faults: Mapping[str, Faults]) -> None:
        clock = LoopClock(self.loop)
        block, adh, ssh_standard = self._block, self._adh, self.low_ports
        added = []
        for index, setup in numbered:
            self._index[setup.spec.router_id] = index
            host = _address(block, index)
            api, api_ssl, ssh = setup.ports or STANDARD
            device = SimDevice(
                setup.spec, clock=clock, options=self.options.device, initial_config=setup.initial_config
            )
            set_ports(device, {"api": api, "api-ssl": api_ssl, "ssh": ssh})
            for name in (*setup.faults.active(), *faults.get(setup.spec.router_id, Faults()).active()):
                device.set_fault(name, True)
            tls = adh
            if self.ca is not None:
                tls = self.ca.lazy_context(setup.spec.router_id, setup.spec.serial, host,
                                           own=functools.partial(api_ssl_context, device))
            ssh_port = unprivileged(ssh, ssh_standard) if self.ssh_factory is not None else None
            endpoint = Endpoint(setup.spec.router_id, host, api, api_ssl, ssh_port)
            self.routers[setup.spec.router_id] = _Router(self, device, endpoint, tls)
            added.append(self.routers[setup.spec.router_id])
            if index % 50 == 49:
                await asyncio.sleep(0)
        for router in added:
            await router.follow()

    async def stop(self) -> None:
        routers, self.routers = list(self.routers.values()), {}
        for router in routers:
            router.device.remove_listener(router._on_event)
            router.device.remove_change_listener(router._on_change)
            await router._down()
