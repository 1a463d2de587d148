"""The one interface every transport implements, and the values that cross it.

A transport speaks to one router. It runs :class:`Command` s — a menu path, a verb, arguments and
(for ``print``) API query words — and returns a :class:`Reply` for each, in order. ``run`` takes a
batch so that a transport able to pipeline (the API) spends one round trip on it; a failed command
is data in its reply, never an exception, so the caller knows exactly which commands took effect.
Connection-level failures raise :class:`~mikronet.errors.TransportError` subclasses naming the router.

Above commands, every transport reads a router's configuration as the RouterOS model
(:meth:`Transport.read_state`), applies a plan (:meth:`Transport.apply`) and fetches a file whole
(:meth:`Transport.fetch_file`), each in the way its protocol does best; the workflows and the fleet
runner see only this shape and never ask which transport they hold.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

from mikronet.errors import RouterCommandError

if TYPE_CHECKING:
    from mikronet.routeros import Config, Op, Plan, Schema

__all__ = ["EXPORT_FILE", "ActualState", "ApplyReport", "Command", "Reply", "Transport", "TransportStats",
           "export_commands"]

EXPORT_FILE = "mikronet-export"
"""The file (``.rsc`` added by RouterOS) an export is written to when the caller names none."""


@dataclass(frozen=True)
class Command:
    """One RouterOS command. ``path`` is the menu in API form (``/ip/address``)."""

    path: str
    verb: str
    args: Mapping[str, str] = field(default_factory=dict)
    queries: tuple[str, ...] = ()

    @property
    def word(self) -> str:
        return f"{self.path.rstrip('/')}/{self.verb}" if self.path.strip("/") else f"/{self.verb}"

    @staticmethod
    def of(path: tuple[str, ...] | str, verb: str, args: Mapping[str, str] | None = None, *queries: str) -> Command:
        """Build from a menu tuple (``("ip", "address")``) or an API path string."""
        api_path = "/" + "/".join(path) if isinstance(path, tuple) else path
        return Command(api_path, verb, dict(args or {}), tuple(queries))


@dataclass(frozen=True)
class Reply:
    """What RouterOS answered one command: rows, ``=ret=``, or its error message."""

    command: Command
    rows: tuple[Mapping[str, str], ...] = ()
    ret: str | None = None
    error: str | None = None
    category: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def raise_for_error(self, router: str) -> Reply:
        if self.error is not None:
            raise RouterCommandError(self.error, router=router, path=self.command.word, category=self.category)
        return self


@dataclass(frozen=True)
class ActualState:
    """The router's configuration for some paths, its version, and (API only) the ids of its items."""

    config: Config
    version: str | None
    ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # path -> .id of each item, in order
    extra: tuple[Reply, ...] = ()  # answers to the commands sent along with the read


@dataclass
class ApplyReport:
    """Which operations of a plan took effect, and where and why applying stopped."""

    applied: list[Op] = field(default_factory=list)
    failed: Op | None = None
    error: str | None = None
    round_trips: int = 0
    stopped: bool = False  # the caller asked to stop (an interruption) before the plan was through
    lost: str | None = None  # the session broke while applying (why)
    uncertain: list[Op] = field(default_factory=list)  # sent when it broke: whether they ran is unknown

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.stopped and self.lost is None


def export_commands(
    file: str = EXPORT_FILE, *, path: tuple[str, ...] | None = None, hide_sensitive: bool = False,
    verbose: bool = False, terse: bool = False,
) -> list[Command]:
    """The one way the product asks for an export: ``/export file=…`` (of ``path``, or the whole
    router) and the ``/file print`` of ``file.rsc`` that lets :meth:`Transport.fetch_file` check the
    size (and carries the contents inline where RouterOS gives them). RouterOS 6 needs
    ``hide-sensitive`` to hide secrets, RouterOS 7 refuses the flag: pass it for v6 only."""
    args: dict[str, str] = {"file": file}
    if hide_sensitive:
        args["hide-sensitive"] = ""
    if verbose:
        args["verbose"] = "yes"
    if terse:
        args["terse"] = "yes"
    return [
        Command("/" + "/".join(path) if path else "/", "export", args),
        Command("/file", "print", {".proplist": ".id,name,size,contents"}, (f"?name={file}.rsc",)),
    ]


@dataclass
class TransportStats:
    """What a session cost: round trips (a write followed by waiting for its answer), commands, bytes."""

    round_trips: int = 0
    commands: int = 0
    connects: int = 0


class Transport(ABC):
    """A session with one router. Use as a context manager; ``close`` is idempotent."""

    kind: str = ""
    seconds_per_operation: float = 0.02
    """How long applying one operation may take (pipelined on the API; a console line over SSH)."""

    def __init__(self, router_id: str) -> None:
        self.router_id = router_id
        self.stats = TransportStats()

    @abstractmethod
    def run(self, commands: Sequence[Command]) -> list[Reply]:
        """Run the commands in order (pipelined where the transport can) and answer each."""

    def call(self, command: Command) -> Reply:
        """Run one command; raise :class:`RouterCommandError` if RouterOS refused it."""
        return self.run([command])[0].raise_for_error(self.router_id)

    def print(
        self, path: tuple[str, ...] | str, *queries: str, proplist: Sequence[str] = ()
    ) -> list[Mapping[str, str]]:
        args = {".proplist": ",".join(proplist)} if proplist else {}
        return list(self.call(Command.of(path, "print", args, *queries)).rows)

    @abstractmethod
    def read_state(self, paths: Sequence[str], schema: Schema, *, extra: Sequence[Command] = ()) -> ActualState:
        """The configuration of ``paths`` and the RouterOS version, read at once.

        ``extra`` commands are answered in :attr:`ActualState.extra`, in the same round trip where the
        transport can (a ``print`` of a non-configuration menu such as ``/file`` is the usual one).
        """

    @abstractmethod
    def apply(
        self, plan: Plan, state: ActualState, schema: Schema, *, stop: Callable[[], bool] | None = None
    ) -> ApplyReport:
        """Apply ``plan`` to the router whose configuration ``state`` was read. A refused command ends
        the apply; ``stop()`` returning true ends it at the next point where that is safe. The report
        lists exactly the operations that took effect."""

    @abstractmethod
    def fetch_file(self, name: str, *, listing: Reply | None = None) -> bytes:
        """The whole content of the router's file ``name``, checked against the size the router gives
        for it; :class:`~mikronet.errors.TransportError` when it cannot be had whole. ``listing`` is a
        ``/file print`` reply for it already in hand (it saves a round trip)."""

    def export(
        self, *, path: tuple[str, ...] | None = None, verbose: bool = False, terse: bool = False,
        hide_sensitive: bool = False, file: str | None = None,
    ) -> str:
        """The router's ``/export`` text (of ``path``, or the whole router), LF line ends.

        RouterOS 7 hides sensitive values by itself; RouterOS 6 shows them unless ``hide_sensitive``
        is given (and 7 refuses that flag, so callers pass it for 6 only: see
        :func:`mikronet.routeros.version.is_v6`). With ``file``, the export goes through that file on
        the router, fetched whole (size checked) and removed again, on every transport; without it,
        the transport may take a shorter way (the SSH console prints it)."""
        name = file or EXPORT_FILE
        replies = self.run(export_commands(name, path=path, hide_sensitive=hide_sensitive, verbose=verbose,
                                           terse=terse))
        try:
            replies[0].raise_for_error(self.router_id)
            data = self.fetch_file(f"{name}.rsc", listing=replies[1])
        finally:
            self.run([Command("/file", "remove", {"numbers": f"{name}.rsc"})])
        return data.decode(self.text_encoding(), "surrogateescape").replace("\r\n", "\n")

    def text_encoding(self) -> str:
        """How the router's files and text are encoded (UTF-8 unless the transport is told otherwise)."""
        return "utf-8"

    @abstractmethod
    def close(self) -> None:
        """End the session."""

    def __enter__(self) -> Transport:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
