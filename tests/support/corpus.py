"""The one place the tests find the real-export corpus (``shared/corpus`` beside the project)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

__all__ = ["corpus_dir"]

ENV = "MIKRONET_CORPUS"
_HERE = Path(__file__).resolve()


@functools.cache
def corpus_dir() -> Path:
    """The corpus folder (``exports/``, ``outputs/``, ``SOURCES.md``): ``$MIKRONET_CORPUS`` if set,
    else the first ``shared/corpus`` found in the folders above the project (the checkout may sit a
    level deeper than ``shared``). Absent, the test that asked fails with what to do."""
    named = os.environ.get(ENV)
    if named:
        path = Path(named).expanduser()
        if not (path / "exports").is_dir():
            pytest.fail(f"{ENV}={named} has no exports/ folder: point it at the shared corpus", pytrace=False)
        return path
    searched = []
    for parent in _HERE.parents[2:]:
        candidate = parent / "shared" / "corpus"
        searched.append(str(candidate))
        if (candidate / "exports").is_dir():
            return candidate
    pytest.fail(
        "the real-export corpus is missing: no shared/corpus beside the project (looked in "
        f"{', '.join(searched[:3])}, …). Put the shared folder next to the checkout, or set {ENV}=/path/to/corpus.",
        pytrace=False,
    )
