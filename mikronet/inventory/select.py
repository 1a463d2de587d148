"""``--limit``: choosing routers from the inventory.

A limit is comma-separated terms; each term is one of

* a glob on router ids or school ids: ``LV-0042/gw``, ``LV-0042``, ``LV-00*``, ``*/gw``;
* ``key=glob`` on a school or router field: ``municipality=Rīga``, ``model=RB4011*``;
* ``group:NAME`` (a glob too): ``group:pilot``.

:data:`GRAMMAR` says how they combine (``--help`` of ``--limit`` prints it): ``,`` is "or";
``&`` is "and", inside a term (``LV-800*&model=RB750*``, in either order) or as a term of its own
(``LV-800*,&model=RB750*``: the whole selection narrowed, as in Ansible); ``!`` is "not", before a
term (``LV-00*,!group:pilot``: removed from the whole selection) or before a part of one
(``LV-00*&!model=hEX``). Terms of their own are applied as Ansible does: the union of the plain
terms, then each ``&`` term, then each ``!`` term; with no plain term, the start is every router.

Matching ignores case and Unicode normal form, so ``municipality=rīga`` finds ``Rīga``; ``model=``
matches a model by any of its names (``model=hEX`` finds ``RB750Gr3``, see
:func:`mikronet.hardware.find_model`), ``municipality=`` a municipality by any form of its name
(``municipality=Rīgas valstspilsēta`` finds Rīga). A limit that selects nothing is an error that says which term
matched nothing, and so is an empty one: "every router" is never meant by accident (no ``--limit``
at all means every router).
"""

from __future__ import annotations

import difflib
import fnmatch
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from mikronet.errors import SelectionError
from mikronet.hardware import Model, find_model
from mikronet.inventory.model import Inventory, Router
from mikronet.inventory.reference import municipalities

__all__ = ["FIELDS", "GRAMMAR", "Part", "Term", "parse_limit", "select", "unmatched_terms"]

GRAMMAR = (
    "Terms: an id or glob (LV-0042/gw, LV-00*, */gw), key=glob (municipality=Rīga, model=hEX), group:NAME. "
    "',' = or; '&' = and, inside a term or as its own term (LV-800*&model=RB750* or LV-800*,&model=RB750*); "
    "'!' = not (LV-00*,!group:pilot or LV-00*&!model=hEX). An empty --limit is an error."
)
"""How terms combine, in one paragraph (shown by ``--help``)."""

log = logging.getLogger(__name__)


def _school_fields(router: Router) -> dict[str, str | None]:
    school = router.school
    return {
        "school": school.id,
        "name": school.name,
        "municipality": school.municipality,
        "municipality_before_2021": school.municipality_before_2021,
        "connection": school.connection.type,
    }


def _router_fields(router: Router) -> dict[str, str | None]:
    return {
        "id": router.id,
        "router": router.name,
        "host": router.host,
        "model": router.model,
        "serial": router.serial,
        "routeros": router.routeros,
        "transport": router.transport,
        "template": router.template,
    }


FIELDS: tuple[str, ...] = (
    "id",
    "router",
    "host",
    "model",
    "serial",
    "routeros",
    "transport",
    "template",
    "school",
    "name",
    "municipality",
    "municipality_before_2021",
    "connection",
)
"""The keys a ``key=value`` term may use (``name`` is the school's name, ``router`` the router's)."""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


_GLOB = frozenset("*?[")


def _model_names(model: Model) -> tuple[str, ...]:
    return tuple(n for n in (model.model, model.product, model.name, model.board_name, *model.aliases) if n)


@dataclass(frozen=True)
class Part:
    """One condition of a term: ``kind`` ``id`` (a glob on ids), ``field`` (``key=glob``) or ``group``."""

    text: str
    kind: str
    key: str | None
    pattern: str
    negated: bool = False

    def matcher(self) -> Callable[[Router], bool]:
        pattern = _fold(self._municipality() or self.pattern)

        def glob(value: str | None) -> bool:
            return value is not None and fnmatch.fnmatchcase(_fold(value), pattern)

        match: Callable[[Router], bool]
        if self.kind == "group":
            match = lambda r: any(glob(g) for g in r.school.groups)  # noqa: E731
        elif self.kind == "field" and self.key == "model":
            match = self._model_matcher(glob)
        elif self.kind == "field":
            key = self.key or ""
            match = lambda r: glob({**_school_fields(r), **_router_fields(r)}[key])  # noqa: E731
        else:
            match = lambda r: glob(r.id) or glob(r.school.id)  # noqa: E731
        return (lambda r: not match(r)) if self.negated else match

    def _municipality(self) -> str | None:
        """``municipality=Rēzeknes valstspilsēta``: the municipality a form names, as the inventory spells it."""
        if self.kind != "field" or self.key not in ("municipality", "municipality_before_2021") or (
                _GLOB & set(self.pattern)):
            return None
        try:
            return municipalities().canonical(self.pattern)
        except ValueError:
            return None

    def _model_matcher(self, glob: Callable[[str | None], bool]) -> Callable[[Router], bool]:
        """``model=``: the model string as written, or any name of the model it is (``hEX``, ``hAP ac2``)."""
        wanted = None if _GLOB & set(self.pattern) else find_model(self.pattern)

        def match(router: Router) -> bool:
            if glob(router.model):
                return True
            model = find_model(router.model)
            if model is None:
                return False
            return model == wanted or any(glob(name) for name in _model_names(model))

        return match


@dataclass(frozen=True)
class Term:
    """One comma-separated term of a limit: ``op`` ``+`` (or), ``&`` (and) or ``!`` (not) on the whole
    selection, and its parts, all of which a router must match (``a&b&!c``)."""

    text: str
    op: str
    parts: tuple[Part, ...]

    def matcher(self) -> Callable[[Router], bool]:
        matchers = [p.matcher() for p in self.parts]
        return lambda r: all(m(r) for m in matchers)


def _part(text: str, limit: str) -> Part:
    negated = text.startswith("!")
    body = text[1:].strip() if negated else text
    if not body:
        raise SelectionError(f"--limit {limit!r}: {text!r} needs something after '!'")
    if body.startswith("group:"):
        name = body[len("group:") :].strip()
        if not name:
            raise SelectionError(f"--limit {limit!r}: {text!r} needs a group name")
        return Part(text, "group", None, name, negated)
    if "=" in body:
        key, _, value = body.partition("=")
        key = key.strip()
        if key not in FIELDS:
            close = difflib.get_close_matches(key, FIELDS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f" (keys: {', '.join(FIELDS)})"
            raise SelectionError(f"--limit {limit!r}: unknown key {key!r}{hint}")
        if not value.strip():
            raise SelectionError(f"--limit {limit!r}: {text!r} needs a value after '='")
        return Part(text, "field", key, value.strip(), negated)
    return Part(text, "id", None, body, negated)


def parse_limit(limit: str) -> list[Term]:
    """Parse a limit into terms (see :data:`GRAMMAR`); a malformed or empty one raises :class:`SelectionError`."""
    if not limit.strip():
        raise SelectionError(f"--limit {limit!r}: an empty selection; name routers (leave --limit out for every "
                             "router)")
    terms = []
    for chunk in limit.split(","):
        text = chunk.strip()
        if not text:
            raise SelectionError(f"--limit {limit!r}: empty term (two commas, or a comma at an end)")
        op, body = "+", text
        if body[0] in "!&":
            op, body = body[0], body[1:].strip()
        if not body:
            raise SelectionError(f"--limit {limit!r}: {text!r} needs something after {op!r}")
        pieces = [piece.strip() for piece in body.split("&")]
        if any(not piece for piece in pieces):
            raise SelectionError(f"--limit {limit!r}: {text!r} has an empty part around '&'")
        terms.append(Term(text, op, tuple(_part(piece, limit) for piece in pieces)))
    return terms


def select(inventory: Inventory, limit: str | None) -> list[Router]:
    """The routers a limit selects, in inventory order; every router when ``limit`` is ``None``.

    Raises :class:`SelectionError` when the limit is empty or blank, malformed, or selects nothing,
    naming the terms that matched nothing.
    """
    routers = list(inventory.routers)
    if limit is None:
        return routers
    terms = parse_limit(limit)
    positives = [t for t in terms if t.op == "+"]
    chosen: set[str] = set() if positives else {r.id for r in routers}
    unmatched: list[Term] = []
    for term in sorted(terms, key=lambda t: "+&!".index(t.op)):  # as Ansible: or, then and, then not
        match = term.matcher()
        hits = {r.id for r in routers if match(r)}
        if not hits:
            unmatched.append(term)
        if term.op == "+":
            chosen |= hits
        elif term.op == "!":
            chosen -= hits
        else:
            chosen &= hits
    result = [r for r in routers if r.id in chosen]
    for term in unmatched:
        if result:
            log.warning("--limit term %r matched no router", term.text)
    if not result:
        if unmatched:
            details = "; ".join(_why(term, inventory) for term in unmatched)
            raise SelectionError(f"--limit {limit!r} selects no routers: {details}")
        raise SelectionError(
            f"--limit {limit!r} selects no routers: each term matches some, but together none"
        )
    return result


def _why(term: Term, inventory: Inventory) -> str:
    """'term X matched nothing', with the nearest known values of its first part that matches nothing."""
    part = next((p for p in term.parts if not any(map(p.matcher(), inventory.routers))), term.parts[0])
    if part.kind == "group":
        known = sorted(inventory.groups)
    elif part.kind == "field":
        key = part.key or ""
        values = {(_school_fields(r) | _router_fields(r))[key] for r in inventory.routers}
        known = sorted(v for v in values if v is not None)
    else:
        known = [s.id for s in inventory.schools] + [r.id for r in inventory.routers]
    close = difflib.get_close_matches(part.pattern, known, n=3, cutoff=0.6)
    hint = f" (close: {', '.join(close)})" if close else ""
    return f"{term.text!r} matched nothing{hint}"


def unmatched_terms(inventory: Inventory, limit: str | None) -> list[str]:
    """The terms of a limit that match no router on their own (worth a warning even when others do)."""
    if limit is None:
        return []
    return [t.text for t in parse_limit(limit) if not any(map(t.matcher(), inventory.routers))]
