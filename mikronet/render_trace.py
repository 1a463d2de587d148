"""Rendering with line tracking: each rendered line mapped to the template file and line it came
from, so lint (:func:`lint_router`) names ``templates/school-gateway.rsc.j2:37`` rather than a line
of the rendered text. Part of :mod:`mikronet.render`'s surface (re-exported there).
"""

from __future__ import annotations

import copy
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import jinja2.ext
import jinja2.lexer

from mikronet.hardware import model_info

if TYPE_CHECKING:
    from mikronet.inventory import Router
    from mikronet.render import Renderer
    from mikronet.routeros import Schema
    from mikronet.routeros.lint import LintProblem

__all__ = ["Rendered", "lint_router", "render_traced", "router_packages"]

# -- rendering with line tracking (for lint: rendered line -> template file and line) ------------

_MARK = "\x1e"  # a template position, written into the template's own text: \x1e NAME \x1d LINE \x1f
_MARKS = re.compile("\x1e([^\x1d\x1f]*)\x1d([0-9]+)\x1f")


class _LineMarks(jinja2.ext.Extension):
    """Writes, into every piece of template text and after each of its line breaks, a mark naming
    the template and line it comes from. Template text only: values are untouched."""

    def filter_stream(self, stream: jinja2.lexer.TokenStream) -> Iterator[jinja2.lexer.Token]:
        for token in stream:
            if token.type != "data":
                yield token
                continue
            name = stream.name or ""
            lines = token.value.split("\n")
            marked = "\n".join(f"{_MARK}{name}\x1d{token.lineno + n}\x1f{text}" for n, text in enumerate(lines))
            yield jinja2.lexer.Token(token.lineno, "data", marked)


@dataclass(frozen=True)
class Rendered:
    """A rendered template and, for each of its lines, the template file and line it came from
    (``origins[n - 1]`` for line ``n``; ``None`` where that is not known)."""

    text: str
    origins: tuple[tuple[str, int] | None, ...]

    def origin(self, line: int) -> tuple[str, int] | None:
        return self.origins[line - 1] if 0 < line <= len(self.origins) else None


_TRACING: weakref.WeakKeyDictionary[Renderer, jinja2.Environment] = weakref.WeakKeyDictionary()


def render_traced(renderer: Renderer, router: Router) -> Rendered:
    """``router``'s template rendered as :meth:`Renderer.render_router` does (secrets ``***``),
    with each line's template origin. The origin of a line is the template line its first
    character came from (a line that starts with a value: the line that value stands on). If the
    marked rendering does not come out as the plain one (a template that transforms its own text),
    no origins are given rather than wrong ones."""
    env = _TRACING.get(renderer)
    if env is None:
        env = _TRACING[renderer] = renderer.environment.overlay(extensions=[_LineMarks], cache_size=100)
    plain = renderer.render_router(router)
    tracing = copy.copy(renderer)
    tracing._env = env
    marked = tracing.render_router(router)
    text = _MARKS.sub("", marked)
    if text != plain:
        return Rendered(plain, (None,) * (plain.count("\n") + 1))
    folder = renderer.template_dir
    try:
        shown = folder.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = folder
    return Rendered(text, _origins(marked, shown))


def _origins(marked: str, folder: Path) -> tuple[tuple[str, int] | None, ...]:
    """Per line of the marked text: the mark in force at its first character (else the last one
    before the line, for a line that starts with a value)."""
    origins: list[tuple[str, int] | None] = []
    current: tuple[str, int] | None = None
    for line in marked.split("\n"):
        first: tuple[str, int] | None = None
        pos = 0
        for m in _MARKS.finditer(line):
            where = (str(folder / m.group(1)), int(m.group(2)))
            if first is None and line[pos:m.start()].strip():
                first = current  # the line's first character came before this mark
            current = where
            pos = m.end()
        origins.append(first or current)
    return tuple(origins)


def router_packages(router: Router) -> frozenset[str] | None:
    """The packages a stock router of ``router``'s model and version has (None: not known)."""
    from mikronet.routeros.lint import standard_packages

    model = model_info(router.model)
    if router.routeros and hasattr(model, "wifi_package"):
        return standard_packages(router.routeros, model.wifi_package)
    return None


def lint_router(renderer: Renderer, router: Router, *, schema: Schema | None = None) -> list[LintProblem]:
    """Every problem of ``router``'s rendered template for its RouterOS version (and packages, once
    the hardware table names the model's wireless family), each naming the template file and line
    and the router: ``templates/school-gateway.rsc.j2:37: /ip dns set alow-remote-requests:
    unknown property (did you mean allow-remote-requests?) [LV-0001/gw]``. Raises
    :class:`~mikronet.errors.TemplateError` when the template does not render."""
    from mikronet.routeros.lint import lint_text

    rendered = render_traced(renderer, router)
    packages = router_packages(router)
    return lint_text(rendered.text, file=renderer.template_path(router.template).name, schema=schema,
                     version=router.routeros, packages=packages, origins=rendered.origins, router=router.id)
