"""The :class:`Secret` type: a value that never shows itself.

Passwords and keys travel through mikronet wrapped in ``Secret``. Its ``repr`` and ``str`` are
``***``; the only way to the value is :meth:`Secret.reveal`, called where the value is handed to a
router. Every revealed value is also registered with :data:`REDACTOR`, so a log record or an output
line that carries it anyway is redacted before it leaves the process.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Final

__all__ = ["BASE_SPELLINGS", "MASK", "REDACTOR", "RedactingFilter", "Redactor", "Secret", "display_url"]

MASK: Final = "***"

_URL_PASSWORD: Final = re.compile(r"^([a-z][a-z0-9+.-]*://[^:/@]*):[^@/]*@", re.IGNORECASE)


def display_url(url: str) -> str:
    """The URL with a password masked (``postgresql://anna:***@db/ledger``), to show in errors and logs."""
    return _URL_PASSWORD.sub(r"\1:***@", url)


def _python_repr(value: str) -> str:
    return repr(value)[1:-1]


def _bytes_repr(value: str) -> str:
    return repr(value.encode("utf-8"))[2:-1]


def _json(value: str) -> str:
    return json.dumps(value)[1:-1]


def _json_unicode(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _url(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _url_plus(value: str) -> str:
    return urllib.parse.quote_plus(value, safe="")


BASE_SPELLINGS: Final[tuple[Callable[[str], str], ...]] = (
    _python_repr, _bytes_repr, _json, _json_unicode, _url, _url_plus,
)
"""How a secret's text can be spelled where it is written: Python ``repr`` (log records of
librouteros and paramiko), bytes ``repr``, JSON with and without ``\\u`` escapes, URL-encoded."""


class Redactor:
    """Replaces every registered secret value, in every known spelling, in a text with ``***``.

    A value is registered in its raw form; its other spellings (``repr``, JSON, URL, and any added
    with :meth:`add_spelling`, such as RouterOS's quoted form) are derived from it, so a password
    with ``"``, ``$``, ``\\``, ``?`` or Latvian letters is masked however it was written down.
    """

    def __init__(self, spellings: Sequence[Callable[[str], str]] = BASE_SPELLINGS) -> None:
        self._values: set[str] = set()
        self._spellings: list[Callable[[str], str]] = list(spellings)
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def register(self, value: str) -> None:
        if len(value) >= 3 and value not in self._values:  # shorter values would mask ordinary text
            with self._lock:
                self._values.add(value)
                self._pattern = None

    def add_spelling(self, spelling: Callable[[str], str]) -> None:
        """Also mask ``spelling(value)`` for every registered value (idempotent)."""
        with self._lock:
            if spelling not in self._spellings:
                self._spellings.append(spelling)
                self._pattern = None

    def forms(self, value: str) -> set[str]:
        """Every spelling of ``value`` that is masked."""
        found = {value}
        for spelling in self._spellings:
            try:
                form = spelling(value)
            except (ValueError, UnicodeError):
                continue
            if len(form) >= 3:
                found.add(form)
        return found

    def _compiled(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._values:
                forms = set().union(*(self.forms(v) for v in self._values))
                ordered = sorted(forms, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(f) for f in ordered))
            return self._pattern

    def redact(self, text: str) -> str:
        if not self._values or not text:
            return text
        pattern = self._compiled()
        return pattern.sub(MASK, text) if pattern is not None else text


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
