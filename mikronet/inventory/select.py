"""``--limit``: choosing routers from the inventory.

A limit is comma-separated terms; each term is one of

* a glob on router ids or school ids: ``LV-0042/gw``, ``LV-0042``, ``LV-00*``, ``*/gw``;
* ``key=glob`` on a school or router field: ``municipality=Rīga``, ``model=RB4011*``;
* ``group:NAME`` (a glob too): ``group:pilot``.

A term prefixed with ``!`` removes what it matches, one prefixed with ``&`` keeps only what it also
matches (as in Ansible). The positive terms are joined (union); with none, the start is every
router. Matching ignores case and Unicode normal form, so ``municipality=rīga`` finds ``Rīga``.
A limit that selects nothing is an error that says which term matched nothing.
"""

from __future__ import annotations

import difflib
import fnmatch
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from mikronet.errors import SelectionError
from mikronet.inventory.model import Inventory, Router

__all__ = ["FIELDS", "Term", "parse_limit", "select", "unmatched_terms"]

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


@dataclass(frozen=True)
class Term:
    """One parsed term of a limit."""

    text: str
    op: str  # "+" union, "!" remove, "&" intersect
    kind: str  # "id", "field", "group"
    key: str | None
    pattern: str

    def matcher(self) -> Callable[[Router], bool]:
        pattern = _fold(self.pattern)

        def glob(value: str | None) -> bool:
            return value is not None and fnmatch.fnmatchcase(_fold(value), pattern)

        if self.kind == "group":
            return lambda r: any(glob(g) for g in r.school.groups)
        if self.kind == "field":
            key = self.key or ""
            return lambda r: glob({**_school_fields(r), **_router_fields(r)}[key])
        return lambda r: glob(r.id) or glob(r.school.id)


def parse_limit(limit: str) -> list[Term]:
    """Parse a limit into terms; a malformed one raises :class:`SelectionError`."""
    terms = []
    for chunk in limit.split(","):
        text = chunk.strip()
        if not text:
            raise SelectionError(f"--limit {limit!r}: empty term (two commas, or a comma at an end)")
        op = "+"
        body = text
        if body[0] in "!&":
            op, body = body[0], body[1:].strip()
        if not body:
            raise SelectionError(f"--limit {limit!r}: {text!r} needs something after {op!r}")
        if body.startswith("group:"):
            name = body[len("group:") :].strip()
            if not name:
                raise SelectionError(f"--limit {limit!r}: {text!r} needs a group name")
            terms.append(Term(text, op, "group", None, name))
        elif "=" in body:
            key, _, value = body.partition("=")
            key = key.strip()
            if key not in FIELDS:
                close = difflib.get_close_matches(key, FIELDS, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else f" (keys: {', '.join(FIELDS)})"
                raise SelectionError(f"--limit {limit!r}: unknown key {key!r}{hint}")
            terms.append(Term(text, op, "field", key, value.strip()))
        else:
            terms.append(Term(text, op, "id", None, body))
    return terms


def select(inventory: Inventory, limit: str | None) -> list[Router]:
    """The routers a limit selects, in inventory order; every router when ``limit`` is ``None`` or blank.

    Raises :class:`SelectionError` when the limit is malformed or selects nothing, naming the
    terms that matched nothing.
    """
    routers = list(inventory.routers)
    if limit is None or not limit.strip():
        return routers
    terms = parse_limit(limit)
    positives = [t for t in terms if t.op == "+"]
    chosen: set[str] = set() if positives else {r.id for r in routers}
    unmatched: list[Term] = []
    for term in terms:
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
    """'term X matched nothing', with the nearest known values as a hint."""
    if term.kind == "group":
        known = sorted(inventory.groups)
    elif term.kind == "field":
        key = term.key or ""
        values = {(_school_fields(r) | _router_fields(r))[key] for r in inventory.routers}
        known = sorted(v for v in values if v is not None)
    else:
        known = [s.id for s in inventory.schools] + [r.id for r in inventory.routers]
    close = difflib.get_close_matches(term.pattern, known, n=3, cutoff=0.6)
    hint = f" (close: {', '.join(close)})" if close else ""
    return f"{term.text!r} matched nothing{hint}"


def unmatched_terms(inventory: Inventory, limit: str | None) -> list[str]:
    """The terms of a limit that match no router on their own (worth a warning even when others do)."""
    if limit is None or not limit.strip():
        return []
    return [t.text for t in parse_limit(limit) if not any(map(t.matcher(), inventory.routers))]
