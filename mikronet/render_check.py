"""Checking many routers' templates at once, offline, with identical failures reported once.

A mistake in a template shared by 171 routers is one :class:`RenderProblem`: one line, the
template's line it points at, and the 171 routers, rather than 171 copies of one message. The CLI's
``render --check`` prints :func:`check_lines` of :func:`check_render`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mikronet.errors import InputError, LintError, ScriptError, TemplateError
from mikronet.routeros import parse

if TYPE_CHECKING:
    from mikronet.inventory import Router
    from mikronet.render import Renderer

__all__ = ["TEMPLATE_SUFFIX", "RenderCheck", "RenderProblem", "check_lines", "check_render"]

TEMPLATE_SUFFIX = ".rsc.j2"
"""A template file's suffix: ``templates/NAME.rsc.j2`` renders the routers whose template is NAME."""


@dataclass(frozen=True)
class RenderProblem:
    """One failure shared by one or more routers: where, what, and which routers."""

    template: str | None
    line: int | None
    message: str
    source: str | None
    """The template's line (or, for a parse error, the rendered line) the failure points at."""
    routers: tuple[str, ...]

    def lines(self, *, shown: int = 8) -> list[str]:
        """The problem as printed: one line, the offending line, and the routers."""
        where = self.template or ""
        if self.line is not None:
            where += f":{self.line}"
        out = [f"{where}: {self.message}" if where else self.message]
        if self.source is not None:
            out.append(f"    {self.line if self.line is not None else ''} | {self.source.strip()}")
        ids = ", ".join(self.routers[:shown]) + (", …" if len(self.routers) > shown else "")
        count = len(self.routers)
        out.append(f"    {count} router{'s' if count != 1 else ''}: {ids}")
        return out


@dataclass(frozen=True)
class RenderCheck:
    """The outcome of :func:`check_render`."""

    checked: int
    problems: tuple[RenderProblem, ...]

    @property
    def failed(self) -> int:
        return len({r for p in self.problems for r in p.routers})

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"{self.checked - self.failed} of {self.checked} routers render and parse"


def _source_line(folder: Path, template: str | None, line: int | None) -> str | None:
    return None if template is None else _line_in(folder / template, line)


def _line_in(path: Path, line: int | None) -> str | None:
    if line is None:
        return None
    try:
        text = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return text[line - 1] if 0 < line <= len(text) else None


def check_render(
    routers: Iterable[Router], renderer: Renderer, *, check: Callable[[Router], object] | None = None
) -> RenderCheck:
    """Render and parse every router's template offline (secrets masked: none need resolving), or
    run ``check`` per router instead (the push pipeline's own render, which reveals and checks more).

    Failures that are the same (same template, line and message, the router's own name taken out)
    are one :class:`RenderProblem` listing every router they hit, in inventory order.
    """
    def default(router: Router) -> object:
        text = renderer.render_router(router)
        try:
            return parse(text, file=f"{router.template}{TEMPLATE_SUFFIX} ({router.id})")
        except ScriptError as exc:
            rendered = text.splitlines()
            at = exc.line if exc.line is not None and 0 < exc.line <= len(rendered) else None
            exc.add_note(f"(rendered line {at}) {rendered[at - 1]}" if at else "")
            raise

    groups: dict[tuple[str | None, int | None, str], list[str]] = {}
    sources: dict[tuple[str | None, int | None, str], str | None] = {}
    checked = 0
    for router in routers:
        checked += 1
        try:
            (check or default)(router)
        except LintError as exc:  # names its RouterOS version does not have: one problem per template line
            for problem in exc.problems:
                origin = getattr(problem, "origin", None)
                line = origin[1] if origin else getattr(problem, "line", None)
                file = str(origin[0]) if origin else f"{router.template}{TEMPLATE_SUFFIX}"
                found: tuple[str | None, int | None, str] = (file, line, str(getattr(problem, "message", problem)))
                sources.setdefault(found, _line_in(Path(file), line) if origin else None)
                if router.id not in groups.setdefault(found, []):
                    groups[found].append(router.id)
        except TemplateError as exc:
            key = (exc.template, exc.line, exc.message)
            sources.setdefault(key, _source_line(renderer.template_dir, exc.template, exc.line))
            groups.setdefault(key, []).append(router.id)
        except InputError as exc:  # the script does not parse, a value the router cannot take, a secret …
            text = exc.message if isinstance(exc, ScriptError) else str(exc)
            text = text.replace(f"{router.id}: ", "").replace(router.id, "<router>")
            prefix = "rendered script does not parse: " if isinstance(exc, ScriptError) else ""
            key = (f"{router.template}{TEMPLATE_SUFFIX}", None, prefix + text)
            notes = [n for n in getattr(exc, "__notes__", []) if n]
            sources.setdefault(key, notes[0] if notes else None)
            groups.setdefault(key, []).append(router.id)
    problems = tuple(
        RenderProblem(template, line, message, sources[(template, line, message)], tuple(ids))
        for (template, line, message), ids in groups.items()
    )
    return RenderCheck(checked, problems)


def check_lines(check: RenderCheck, *, shown: int = 8) -> Sequence[str]:
    """Every problem's lines, most routers first."""
    out: list[str] = []
    for problem in sorted(check.problems, key=lambda p: -len(p.routers)):
        out += problem.lines(shown=shown)
    return out

