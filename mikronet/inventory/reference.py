"""Reference data the inventory is checked against: Latvia's municipalities.

Municipalities come from ``mikronet/data/municipalities.yaml`` (its sources and the date they were
checked are stated in the file): the 119 municipalities before the administrative-territorial
reform of 2021-07-01, the 43 it formed, which went into which (two pre-reform novadi were split),
and the later merge of Varakļānu novads into Madonas novads. A school's municipality is checked
against them, a pre-reform name is accepted and the current municipality derived from it, and an
unknown name gets "did you mean".

Names are accepted as people write them (:meth:`Municipalities.canonical`): the official and everyday
forms, the genitive with ``novads``, ``novada pašvaldība``, ``valstspilsēta``, ``valstspilsētas
pašvaldība``, ``pilsēta`` or ``republikas pilsēta`` (``Rēzeknes valstspilsēta`` is Rēzekne, ``Ādažu
novada pašvaldība`` is Ādažu novads), in any case, with or without diacritics. A state city and
the novads named after it (Rēzekne and Rēzeknes novads) are different municipalities: a form resolves
to the one it names, a form that could be either is an error naming both, and "did you mean" never
offers one for the other.

Models are checked against the one hardware table and lookup, :mod:`mikronet.hardware`.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mikronet.inventory.model import School

__all__ = [
    "LaterMerge",
    "Municipalities",
    "Predecessor",
    "municipalities",
    "municipality_on",
]


def fold(text: str) -> str:
    """Casefolded, without diacritics (``Rēzeknes`` → ``rezeknes``): how near misses are compared."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _close(name: str, choices: Sequence[str], n: int = 3) -> list[str]:
    """Choices close to ``name``; a match that differs only in case or diacritics comes first."""
    folded = {fold(c): c for c in choices}
    exact = folded.get(fold(name))
    if exact is not None:
        return [exact]
    return [folded[k] for k in difflib.get_close_matches(fold(name), list(folded), n=n, cutoff=0.6)]


_NOVADS_FORMS = ("novada pašvaldība", "novada dome", "novads", "novada")
_CITY_FORMS = ("valstspilsētas pašvaldība", "valstspilsētas dome", "valstspilsēta", "republikas pilsētas pašvaldība",
               "republikas pilsēta", "pilsētas pašvaldība", "pilsētas dome", "pilsēta")
_FORMS = sorted([(fold(f), "novads") for f in _NOVADS_FORMS] + [(fold(f), "city") for f in _CITY_FORMS]
                + [("pasvaldiba", "")], key=lambda pair: -len(pair[0]))


def _genitive(city: str) -> str:
    """``Rīga`` → ``Rīgas``, ``Rēzekne`` → ``Rēzeknes``, ``Daugavpils`` stays: how a city is named before a noun."""
    return city if city.endswith("s") else city + "s"


def _kind_and_stem(name: str) -> tuple[str, str]:
    """``("novads" | "city" | "", folded genitive stem)`` of a name as written; no form word: ``("", folded name)``."""
    folded = " ".join(fold(name).split())
    for form, kind in _FORMS:
        if folded.endswith(" " + form):
            return kind, folded[: -len(form) - 1]
    return "", folded


def _did_you_mean(names: Sequence[str]) -> str:
    if not names:
        return ""
    quoted = " or ".join(repr(n) for n in names)
    return f"; did you mean {quoted}?"


@dataclass(frozen=True)
class Predecessor:
    """A pre-reform municipality, or the named part of one, that went into a post-reform one."""

    name: str
    part: str | None = None


@dataclass(frozen=True)
class LaterMerge:
    """A change after the reform: ``merged`` municipalities joined ``into`` from ``date`` on."""

    date: date
    merged: tuple[str, ...]
    into: str
    note: str = ""


@dataclass(frozen=True)
class Municipalities:
    """Latvia's municipalities before and after the reform, and the mapping between them."""

    reform_date: date
    current: tuple[str, ...]
    """The 43 municipalities formed on :attr:`reform_date` (7 state cities, 36 novadi)."""
    before: tuple[str, ...]
    """The 119 municipalities until the day before the reform (9 republic cities, 110 novadi)."""
    formed_from: Mapping[str, tuple[Predecessor, ...]]
    state_cities: tuple[str, ...]
    later: tuple[LaterMerge, ...]
    districts: tuple[str, ...]
    """The districts (rajoni) abolished in 2009: not municipalities, listed to say so."""

    def successors(self, before: str) -> tuple[str, ...]:
        """The post-reform municipalities a pre-reform one went into (two for a split one)."""
        return tuple(m for m, parts in self.formed_from.items() if any(p.name == before for p in parts))

    def parts_of(self, before: str) -> list[tuple[str, str | None]]:
        """``(post-reform municipality, part)`` for each piece of a pre-reform municipality."""
        return [(m, p.part) for m, parts in self.formed_from.items() for p in parts if p.name == before]

    def on(self, current: str, day: date) -> str:
        """The municipality that covers a post-reform municipality's territory on ``day`` (later merges)."""
        name = current
        for merge in sorted(self.later, key=lambda m: m.date):
            if merge.date <= day and name in merge.merged:
                name = merge.into
        return name

    def resolve(self, municipality: str, before: str | None) -> tuple[str, str | None]:
        """``(current, before)`` for what a school says; ``ValueError`` with the reason otherwise.

        A post-reform name is taken as it is (and, for one the reform left as it was, such as Rīga,
        the pre-reform one is the same). A pre-reform name alone is taken as the municipality before
        the reform and the current one derived from it (refused for a split municipality, whose
        successor cannot be known). ``before``, when given, must be a pre-reform municipality that
        went into ``municipality``.
        """
        name = self.canonical(municipality)
        old = self.canonical(before, f"municipality before {self.reform_date}", self.before) if before is not None \
            else None
        if name in self.current or name in {m.into for m in self.later}:
            if old is not None:
                self._check_before(old, name)
            elif len(parts := self.formed_from.get(name, ())) == 1 and parts[0].part is None:
                old = parts[0].name  # unchanged by the reform (Rīga, Alūksnes novads): the same before
            return name, old
        if name in self.before:
            if old is not None and old != name:
                raise ValueError(
                    f"{name!r} is a municipality before {self.reform_date}, and so is municipality_before_2021 "
                    f"{old!r}; write the municipality as of {self.reform_date} here"
                )
            return self._successor(name), name
        raise ValueError(self.unknown_message(name, "municipality"))

    @cached_property
    def _stems(self) -> dict[str, dict[str, str]]:
        """Folded genitive stem → ``{"novads" | "city": name}``: ``rezeknes`` → Rēzekne and Rēzeknes novads."""
        stems: dict[str, dict[str, str]] = {}
        for name in dict.fromkeys((*self.current, *self.before)):
            if name.endswith(" novads"):
                stems.setdefault(fold(name.removesuffix(" novads")), {})["novads"] = name
            else:
                stems.setdefault(fold(_genitive(name)), {})["city"] = name
        return stems

    def same_stem(self, name: str) -> list[str]:
        """The municipalities named after the place ``name`` starts with (``Rēzeknes …`` → Rēzekne and
        Rēzeknes novads); empty when it names no known place."""
        words = " ".join(fold(name).split()).split(" ")
        by_city = {fold(c): c for c in (*self.current, *self.before) if not c.endswith(" novads")}
        for n in range(len(words), 0, -1):
            head = " ".join(words[:n])
            found = self._stems.get(head) or ({"city": by_city[head]} if head in by_city else None)
            if found:
                return sorted(set(found.values()), key=lambda m: (m.endswith(" novads"), m))
        return []

    def canonical(self, text: str, what: str = "municipality", choices: Sequence[str] | None = None) -> str:
        """The municipality ``text`` names, as the reference data spells it; ``ValueError`` naming the
        candidates when it could be either of two, or with "did you mean" when it names none."""
        name = unicodedata.normalize("NFC", " ".join(text.split()))
        known = (*self.current, *self.before)
        if name in known:
            return name
        exact = {fold(k): k for k in known}.get(fold(name))
        if exact is not None:
            return exact
        kind, stem = _kind_and_stem(name)
        found = self._stems.get(stem, {})
        if kind:
            if kind in found:
                return found[kind]
        elif len(set(found.values())) == 1:
            return next(iter(found.values()))
        elif found:
            both = " or ".join(repr(m) for m in self.same_stem(name))
            raise ValueError(f"{text!r} could be {both}: write which (e.g. {_example(found)!r})")
        raise ValueError(self.unknown_message(text, what, choices))

    def _successor(self, before: str) -> str:
        parts = self.parts_of(before)
        if len(parts) == 1:
            return parts[0][0]
        pieces = "; ".join(f"{part} → {current}" for current, part in parts)
        raise ValueError(
            f"{before!r} was split on {self.reform_date} ({pieces}): write the municipality as of "
            f"{self.reform_date} ({' or '.join(repr(c) for c, _ in parts)}) and {before!r} as "
            "municipality_before_2021"
        )

    def _check_before(self, old: str, current: str) -> None:
        if old not in self.before:
            if old in self.current:
                formed = " and ".join(repr(p.name) for p in self.formed_from[old])
                raise ValueError(
                    f"{old!r} was formed on {self.reform_date} (from {formed}): "
                    "it is not a municipality before the reform"
                )
            raise ValueError(self.unknown_message(old, f"municipality before {self.reform_date}", self.before))
        allowed = {self.on(m, date.max) for m in self.successors(old)} | set(self.successors(old))
        if current not in allowed:
            went = " and ".join(repr(m) for m in self.successors(old))
            raise ValueError(f"{old!r} went into {went} on {self.reform_date}, not into {current!r}")

    def unknown_message(self, name: str, what: str, choices: Sequence[str] | None = None) -> str:
        if name in self.districts:
            novads = name.removesuffix(" rajons") + " novads"
            hint = [novads] if novads in self.current else _close(name, self.current)
            return (
                f"{name!r} is a district (rajons), abolished in 2009, not a municipality"
                + _did_you_mean(hint)
            )
        pool = choices if choices is not None else (*self.current, *self.before)
        # a place's own municipalities first: "Rīgas novads" is not Roja or Nīca, and the city of
        # Rēzekne is never offered for Rēzeknes novads (or the other way) as if it were a spelling of it
        close = [m for m in self.same_stem(name) if m in pool] or _close(name, list(dict.fromkeys(pool)))
        return f"unknown {what} {name!r}" + (
            _did_you_mean(close) or " (see mikronet/data/municipalities.yaml for the names)"
        )


def _example(found: Mapping[str, str]) -> str:
    """A form that names the city unambiguously (``Rēzeknes valstspilsēta``), else the novads."""
    city = found.get("city")
    return f"{_genitive(city)} valstspilsēta" if city else found["novads"]


def _load_municipalities(data: Mapping[str, Any]) -> Municipalities:
    formed: dict[str, tuple[Predecessor, ...]] = {}
    for current, parts in data["after"].items():
        formed[str(current)] = tuple(
            Predecessor(str(p["name"]), str(p["part"])) if isinstance(p, dict) else Predecessor(str(p))
            for p in parts
        )
    later = tuple(
        LaterMerge(entry["date"], tuple(entry["merged"]), str(entry["into"]), str(entry.get("note", "")))
        for entry in data.get("later", ())
    )
    return Municipalities(
        reform_date=data["reform_date"],
        current=tuple(formed),
        before=tuple(str(n) for n in data["before"]),
        formed_from=MappingProxyType(formed),
        state_cities=tuple(data["state_cities"]),
        later=later,
        districts=tuple(data.get("districts_until_2009", ())),
    )


@cache
def municipalities() -> Municipalities:
    """The reference data, read once from the package's ``data/municipalities.yaml``."""
    import yaml

    text = resources.files("mikronet").joinpath("data/municipalities.yaml").read_text(encoding="utf-8")
    return _load_municipalities(yaml.safe_load(text))


def municipality_on(school: School, day: date) -> str | None:
    """The municipality a school belonged to on ``day``: its pre-reform one before the reform (``None``
    if the inventory does not say), its current one after, with later merges applied."""
    ref = municipalities()
    if day < ref.reform_date:
        return school.municipality_before_2021
    return ref.on(school.municipality, day)
