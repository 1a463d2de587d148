"""Fixtures of the CLI tests: the push pipeline's small pinned fleet (tests/ops) for the commands that
talk to routers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ops.conftest import ENV, INVENTORY
from support.fleet import PinnedFleet

from mikronet.inventory import Inventory
from mikronet.sim.fleet import SimFleet


@pytest.fixture(scope="module")
def pinned(start_pinned_fleet: Callable[..., PinnedFleet]) -> PinnedFleet:
    return start_pinned_fleet(INVENTORY, environ=ENV)


@pytest.fixture(scope="module")
def fleet(pinned: PinnedFleet) -> SimFleet:
    return pinned.fleet


@pytest.fixture(scope="module")
def sim_inventory(pinned: PinnedFleet) -> Inventory:
    return pinned.inventory
