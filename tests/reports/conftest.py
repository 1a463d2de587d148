"""Fixtures of the report tests (the values are in fixtures.py)."""

from __future__ import annotations

import pytest

from .fixtures import CONTRACTS, ROUTERS, SCHOOLS, Inventory


@pytest.fixture
def inventory() -> Inventory:
    return Inventory(SCHOOLS, ROUTERS, dict(CONTRACTS))
