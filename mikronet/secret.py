"""The :class:`Secret` type: a value that never shows itself.

Passwords and keys travel through mikronet wrapped in ``Secret``. Its ``repr`` and ``str`` are
``***``; the only way to the value is :meth:`Secret.reveal`, called where the value is handed to a
router. Every revealed value is also registered with :data:`REDACTOR`, so a log record or an output
line that carries it anyway is redacted before it leaves the process.
"""

from __future__ import annotations

import logging
import threading
from typing import Final

__all__ = ["MASK", "REDACTOR", "RedactingFilter", "Redactor", "Secret"]

MASK: Final = "***"


class Redactor:
    """Replaces every registered secret value in a text with ``***``."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def register(self, value: str) -> None:
        if len(value) >= 3:  # shorter values would mask ordinary text
            with self._lock:
                self._values.update(_spellings(value))

    def redact(self, text: str) -> str:
        if not self._values:
            return text
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, MASK)
        return text


def _spellings(value: str) -> set[str]:
    """The value as written raw, in a Python repr (a client library's DEBUG log), JSON-escaped and
    URL-encoded: a secret with a quote, backslash or non-ASCII letter is spelled differently there."""
    import json
    from urllib.parse import quote

    escaped = (json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1])
    return {value, repr(value)[1:-1], *escaped, quote(value)}


REDACTOR: Final = Redactor()


class Secret:
    """A secret string. ``repr``/``str``/format give ``***``; :meth:`reveal` gives the value."""

    __slots__ = ("_source", "_value")

    def __init__(self, value: str, source: str = "") -> None:
        self._value = value
        self._source = source
        REDACTOR.register(value)

    def reveal(self) -> str:
        return self._value

    @property
    def source(self) -> str:
        """Where the value came from (``env:NAME``, ``file:PATH``), safe to show."""
        return self._source

    def __repr__(self) -> str:
        return MASK

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> tuple[type[Secret], tuple[str, str]]:  # pragma: no cover - pickling keeps it usable
        return (Secret, (self._value, self._source))


class RedactingFilter(logging.Filter):
    """A logging filter that masks every registered secret in a record's message and arguments."""

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._redactor.redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
