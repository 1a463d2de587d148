"""An in-process transport: the RouterOS API transport with the socket replaced by a direct call into a
simulated router (:meth:`mikronet.sim.device.SimDevice.call`, the entry both of the simulator's faces
use). Everything above the wire — reading state, applying a plan pipelined, fetching a file whole,
exporting — is the API transport's own code, so a push test through it exercises the product; only
the bytes on a socket are skipped. Time on the router is its :class:`~mikronet.sim.clock.ManualClock`:
a scheduled revert fires when the test advances the clock, never by itself.

Plug it in through the connector seam: ``Pusher(..., connector=twins.connect)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mikronet.errors import AuthenticationError, TransportError
from mikronet.inventory import Router
from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceOptions, DeviceSpec, SimDevice
from mikronet.transport import Command, Reply
from mikronet.transport.api import ApiOptions, ApiTransport

__all__ = ["InProcessTransport", "Twins"]


class InProcessTransport(ApiTransport):
    """An API session with one simulated router, without a socket."""

    kind = "in-process"

    def __init__(self, router_id: str, device: SimDevice, *, username: str = "admin") -> None:
        self.device = device
        self.username = username
        self._open = True
        super().__init__(router_id, ApiOptions(host="in-process", port=0))

    def _connect(self) -> object:
        if not self.device.online:
            raise TransportError("connection refused: the router is not answering", router=self.router_id)
        services = self.device.call("/ip/service/print", {}, ("?name=api",), user=self.username).rows
        if services and services[0].get("disabled") in ("true", "yes"):
            raise TransportError("connection refused: the API service is disabled", router=self.router_id)
        self.stats.connects += 1
        return self.device

    def run(self, commands: Sequence[Command]) -> list[Reply]:
        if not self._open:
            raise TransportError("the session is closed", router=self.router_id)
        self.stats.round_trips += 1
        self.stats.commands += len(commands)
        replies = []
        for command in commands:
            answer = self.device.call(command.word, dict(command.args), tuple(command.queries), user=self.username)
            if answer.disconnect:
                self._open = False
                raise TransportError("the router closed the connection", router=self.router_id)
            trap = answer.trap
            replies.append(Reply(command, tuple(dict(row) for row in answer.rows), answer.ret,
                                 trap.message if trap is not None else None,
                                 trap.category if trap is not None else None))
        return replies

    def close(self) -> None:
        self._open = False


@dataclass
class Twins:
    """Simulated routers in this process, one per inventory router, and the connector that reaches them.

    They share one :class:`ManualClock`: :meth:`sleep` and :meth:`monotonic` are that clock, to hand to
    ``Pusher(sleep=…, clock=…)`` so that a push waiting for a router's revert moves the routers' time
    instead of waiting in real time."""

    devices: dict[str, SimDevice] = field(default_factory=dict)
    refuse_login: set[str] = field(default_factory=set)
    clock: ManualClock = field(default_factory=ManualClock)

    @classmethod
    def of(cls, routers: Iterable[Router], *, password: str, options: DeviceOptions | None = None) -> Twins:
        """A factory-fresh twin of each router (its model, serial and RouterOS version)."""
        twins = cls()
        for router in routers:
            spec = DeviceSpec(router.id, router.model, router.serial or f"IP{len(twins.devices):06d}",
                              router.routeros or "7.16.2", username=router.username or "admin", password=password)
            twins.devices[router.id] = SimDevice(spec, clock=twins.clock, options=options)
        return twins

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass on the routers (their timers fire), at once."""
        self.clock.advance(seconds)

    def monotonic(self) -> float:
        return self.clock.monotonic()

    def connect(self, router: Router) -> InProcessTransport:
        """The connector: ``Pusher(connector=twins.connect)``, ``Fleet(connector=twins.connect)``."""
        if router.id in self.refuse_login:
            raise AuthenticationError("invalid user name or password (6)", router=router.id)
        return InProcessTransport(router.id, self.devices[router.id], username=router.username or "admin")

    def export(self, router_id: str) -> str:
        """The twin's whole configuration as ``/export show-sensitive`` prints it."""
        device = self.devices[router_id]
        return device.export(show_sensitive=True if device.parsed_version.major >= 7 else None)
