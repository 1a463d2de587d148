"""Placeholder."""
from __future__ import annotations

from mikronet.sim.state import RouterState


def register_readonly(device: RouterState) -> None:
    return None
