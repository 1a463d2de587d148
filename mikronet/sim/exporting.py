"""``/export`` of a simulated router (filled in when the project's export renderer is plugged in)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mikronet.sim.menus import Request
from mikronet.sim.reply import Reply

if TYPE_CHECKING:
    from mikronet.sim.device import SimDevice

__all__ = ["export_command", "export_text"]


def export_text(
    device: SimDevice,
    *,
    path: tuple[str, ...] | None,
    terse: bool,
    verbose: bool,
    show_sensitive: bool | None,
) -> str:
    raise NotImplementedError("export renderer not plugged in yet")


def export_command(device: SimDevice, request: Request, path: tuple[str, ...]) -> Reply:
    raise NotImplementedError("export renderer not plugged in yet")
