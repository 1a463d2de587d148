"""What the tests need from outside the project (a client, a server, a browser): a skip on a
developer's machine that lacks it, a failure where every service is required (``CI`` or
``MIKRONET_REQUIRE_SERVICES`` set), so that a missing install never passes as a skipped test."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

__all__ = ["missing", "require_executable", "require_module", "services_required"]


def services_required() -> bool:
    """Whether a missing client or service fails the test instead of skipping it."""
    return bool(os.environ.get("CI") or os.environ.get("MIKRONET_REQUIRE_SERVICES"))


def missing(reason: str) -> NoReturn:
    """Skip with ``reason``, or fail with it where services are required."""
    if services_required():
        pytest.fail(f"required here (CI / MIKRONET_REQUIRE_SERVICES), but {reason}", pytrace=False)
    pytest.skip(reason)


def require_executable(path: Path, package: str) -> Path:
    """``path`` if it exists, else :func:`missing` naming the package that brings it."""
    if not path.exists():
        missing(f"{path.name} is not installed ({package}; `make test` installs it with the [clients] extra)")
    return path


def require_module(name: str, package: str | None = None) -> ModuleType:
    """The imported module, else :func:`missing` naming the package that brings it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"{name} cannot be imported ({package or name}: {exc})")
