"""What a simulated router answers: :class:`Reply` and :class:`Trap`, shared by the API and SSH faces.

Handlers return a :class:`Reply` or raise :class:`CommandTrap`; the device turns the latter into a
reply with ``trap`` set, so neither face ever sees a Python exception for a RouterOS error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CommandTrap", "Reply", "Trap"]


@dataclass(frozen=True)
class Trap:
    """A RouterOS error: its own ``message`` and, for some errors, a ``category`` (0..7)."""

    message: str
    category: int | None = None
    argument: str | None = field(default=None, compare=False)
    """The argument the error is about (an unknown parameter's name): the console points its column
    at it; the API never sends it (a trap carries only ``message`` and ``category``)."""


@dataclass
class Reply:
    """The answer to one command.

    ``rows`` hold values as RouterOS API text ('true'/'false', raw integers, durations such as
    ``1w2d3h``); unset properties are absent. ``ret`` is the ``=ret=`` of ``!done``. ``trap`` is set
    when the command failed. ``disconnect`` means the router drops the session without replying
    (reboot, install, backup load, reset-configuration): the face closes the connection.
    """

    rows: list[dict[str, str]] = field(default_factory=list)
    ret: str | None = None
    trap: Trap | None = None
    disconnect: bool = False


class CommandTrap(Exception):
    """Raised by a handler to answer with a ``!trap``; :meth:`SimDevice.call` turns it into a Reply."""

    def __init__(self, message: str, category: int | None = None, argument: str | None = None) -> None:
        super().__init__(message)
        self.trap = Trap(message, category, argument)
