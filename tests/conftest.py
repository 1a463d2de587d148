"""Fixtures for the whole suite; their helpers live in ``tests/support``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from support.fleet import PinnedFleet, pinned_fleet


@pytest.fixture(scope="module")
def start_pinned_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., PinnedFleet]]:
    """``start_pinned_fleet(inventory_text, environ={...}, options=FleetOptions(...))``: an inventory, its
    simulated fleet and every router pinned, running until the end of the test module."""
    with ExitStack() as stack:

        def start(inventory_text: str, **kwargs: Any) -> PinnedFleet:
            root: Path = tmp_path_factory.mktemp("fleet")
            return stack.enter_context(pinned_fleet(inventory_text, root, **kwargs))

        yield start
