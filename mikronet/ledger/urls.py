"""Ledger URLs as they may be shown: in errors, logs and output, never with their password."""

from __future__ import annotations

import re

__all__ = ["display_url"]

_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^:/@]*):[^@/]*@", re.IGNORECASE)


def display_url(url: str) -> str:
    """The URL with a password masked (``postgresql://anna:***@db/ledger``)."""
    return _PASSWORD.sub(r"\1:***@", url)
