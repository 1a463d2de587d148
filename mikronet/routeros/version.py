"""RouterOS versions: one type and one parser for the whole product.

A version is dotted numbers with an optional pre-release, as RouterOS names its releases:
``7.14.3``, ``6.49.17``, ``7.16rc1``, ``6.45beta27``; ``/system resource`` adds the channel
(``7.14.3 (stable)``), which :func:`parse_version` drops. Versions are dotted sequences, not
decimals (``5.2 < 5.18``), missing numbers are zero (``7.14 == 7.14.0``), and a pre-release sorts
before its release (``alpha < beta < rc < final``).

A :class:`Version` also compares with a tuple of numbers, read as a final release
(``v >= (7, 10)``; templates write ``(router.routeros | version) >= (7,)``), and with the text of
a version (``v < "7.13"``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

__all__ = ["Version", "is_v6", "parse_version"]

_VERSION: Final = re.compile(r"v?(?P<numbers>[0-9]+(?:\.[0-9]+)*)(?:(?P<stage>alpha|beta|rc)(?P<number>[0-9]+))?")
_STAGES: Final = {"alpha": 0, "beta": 1, "rc": 2, "": 3}


@dataclass(frozen=True, eq=False)
class Version:
    """A RouterOS version: ``numbers`` (``(7, 14, 3)``) plus an optional pre-release ``stage``
    (``alpha``, ``beta``, ``rc``) and its ``stage_number``. Hashable, ordered, ``str()`` gives
    the text RouterOS writes."""

    numbers: tuple[int, ...]
    stage: str = ""
    stage_number: int = 0

    @property
    def major(self) -> int:
        return self.numbers[0]

    @property
    def minor(self) -> int:
        return self.numbers[1] if len(self.numbers) > 1 else 0

    @property
    def patch(self) -> int:
        return self.numbers[2] if len(self.numbers) > 2 else 0

    @property
    def prerelease(self) -> bool:
        return bool(self.stage)

    def _key(self) -> tuple[tuple[int, ...], int, int]:
        numbers = self.numbers
        while len(numbers) > 1 and numbers[-1] == 0:
            numbers = numbers[:-1]
        return numbers, _STAGES[self.stage], self.stage_number

    def __str__(self) -> str:
        text = ".".join(str(n) for n in self.numbers)
        return f"{text}{self.stage}{self.stage_number}" if self.stage else text

    def __repr__(self) -> str:
        return f"Version({str(self)!r})"

    def __hash__(self) -> int:
        return hash(self._key())

    def __eq__(self, other: object) -> bool:
        theirs = _coerce(other)
        return NotImplemented if theirs is None else self._key() == theirs._key()

    def __lt__(self, other: object) -> bool:
        theirs = _coerce(other)
        return NotImplemented if theirs is None else self._key() < theirs._key()

    def __le__(self, other: object) -> bool:
        theirs = _coerce(other)
        return NotImplemented if theirs is None else self._key() <= theirs._key()

    def __gt__(self, other: object) -> bool:
        theirs = _coerce(other)
        return NotImplemented if theirs is None else self._key() > theirs._key()

    def __ge__(self, other: object) -> bool:
        theirs = _coerce(other)
        return NotImplemented if theirs is None else self._key() >= theirs._key()


def _coerce(other: object) -> Version | None:
    if isinstance(other, Version):
        return other
    if isinstance(other, tuple) and other and all(isinstance(n, int) for n in other):
        return Version(other)
    if isinstance(other, str):
        try:
            return parse_version(other)
        except ValueError:
            return None
    return None


@functools.lru_cache(maxsize=1024)
def _parse(text: str) -> Version:
    words = text.split()
    m = _VERSION.fullmatch(words[0]) if words else None
    if m is None or (len(words) > 1 and not words[1].startswith("(")):
        raise ValueError(f"not a RouterOS version: {text!r} (expected e.g. 7.14.3, 6.49.17 or 7.16rc1)")
    numbers = tuple(int(n) for n in m.group("numbers").split("."))
    return Version(numbers, m.group("stage") or "", int(m.group("number") or 0))


def parse_version(text: str | Version) -> Version:
    """``7.14.3``, ``6.45beta27``, ``7.16rc1`` or ``7.14.3 (stable)`` as a :class:`Version`
    (a Version is returned as it is). Anything else is a :class:`ValueError` naming the text."""
    if isinstance(text, Version):
        return text
    return _parse(str(text).strip())


def is_v6(version: str | Version | None) -> bool:
    """Whether ``version`` is a RouterOS 6 release (``6.49.17``, ``6.45beta27``, ``6.49 (stable)``).

    The one place the product asks "is this RouterOS 6": v6 shows secrets in ``/export`` unless told
    ``hide-sensitive``, v7 hides them unless told ``show-sensitive``, and so on. An unknown version
    (``None``, empty, or text that is not a version) is not v6: the product assumes v7 then."""
    if version is None or (isinstance(version, str) and not version.strip()):
        return False
    try:
        return parse_version(version).major == 6
    except ValueError:
        return False
