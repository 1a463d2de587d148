"""Fixtures for the RouterOS language tests (helpers live in ros_corpus.py)."""

from __future__ import annotations

import pytest
from ros_corpus import DAMAGED, EXPORTS, load

from mikronet.routeros import Config


@pytest.fixture(scope="session")
def corpus_models() -> dict[str, Config]:
    """Every export, parsed (damaged ones with recover=True)."""
    if not EXPORTS:
        pytest.fail("corpus not found next to the repository (../shared/corpus)")
    return {p.name[:2]: load(p.name[:2], recover=p.name[:2] in DAMAGED) for p in EXPORTS}
