"""The variables templates use, and the inventory variables no template uses.

A variable the inventory sets but no template reads is almost always a misspelling (``lan_subnte``
for ``lan_subnet``): the template then fails on the variable it expected, or, worse, renders with
the template's default. :func:`unused_variables` finds each such variable where it is set (file and
line), with the nearest variable the templates do use, so ``inventory check`` can warn before a
render does. A template's variables are the names it reads without setting them, in it and in
every template it includes (``jinja2.meta``); an include whose name is computed cannot be followed,
and then no variable of that template is called unused.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2
import jinja2.meta

from mikronet.errors import TemplateError

if TYPE_CHECKING:
    from mikronet.inventory import Router
    from mikronet.render import Renderer

__all__ = ["UnusedVariable", "template_variables", "unused_variables"]

_CONTEXT = frozenset({"router", "school", "hw"})  # what every render provides besides the variables


@dataclass(frozen=True)
class UnusedVariable:
    """An inventory variable, set at ``file:line``, that no template of the routers it reaches uses."""

    name: str
    file: str | None
    line: int | None
    field: str | None
    templates: tuple[str, ...]
    nearest: str | None

    def message(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (f"{self.file}: " if self.file else "")
        hint = f"; did you mean {self.nearest!r}?" if self.nearest else ""
        used_by = ", ".join(self.templates)
        return f"{where}{self.field or self.name}: variable {self.name!r} is used by no template ({used_by}){hint}"


def template_variables(renderer: Renderer, template: str) -> frozenset[str] | None:
    """The variables ``template`` (a name without the suffix) and the templates it includes read;
    ``None`` when an include cannot be followed (its name is computed)."""
    env = renderer.environment
    seen: set[str] = set()
    names: set[str] = set()
    pending = [renderer.template_path(template).name]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = env.loader.get_source(env, name)[0] if env.loader is not None else ""
            tree = env.parse(source, name=name)
        except jinja2.TemplateNotFound:
            continue  # a missing include is the render's error to report, with its line
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(exc.message or "syntax error", template=name, line=exc.lineno) from exc
        names |= jinja2.meta.find_undeclared_variables(tree)
        for included in jinja2.meta.find_referenced_templates(tree):
            if included is None:
                return None
            pending.append(included)
    return frozenset(names)


def unused_variables(renderer: Renderer, routers: Iterable[Router]) -> list[UnusedVariable]:
    """Every variable set in the inventory (defaults, a group, a school or a router) that no template of
    the routers it reaches reads, once per place it is set, in file and line order."""
    cache: dict[str, frozenset[str] | None] = {}
    reached: dict[tuple[str, str | None, int | None, str | None], set[str]] = {}
    for router in routers:
        for name, origin in router.provenance.items():
            if name in router.vars and origin.layer != "builtin":
                reached.setdefault((name, origin.file, origin.line, origin.field), set()).add(router.template)
    found = []
    for (name, file, line, field), templates in reached.items():
        used: set[str] = set()
        for template in templates:
            if template not in cache:
                cache[template] = template_variables(renderer, template)
            variables = cache[template]
            if variables is None:
                used = {name}  # a computed include: cannot tell
                break
            used |= variables
        if name in used:
            continue
        close = difflib.get_close_matches(name, sorted(used - _CONTEXT), n=1, cutoff=0.6)
        found.append(UnusedVariable(name, file, line, field, tuple(sorted(templates)), close[0] if close else None))
    return sorted(found, key=lambda u: (u.file or "", u.line or 0, u.name))
