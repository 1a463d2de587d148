"""Templates: a router's Jinja template rendered with its school's variables into RouterOS script.

Every ``{{ expression }}`` is emitted as one RouterOS *value*: bare when it holds only safe
characters, otherwise double-quoted with RouterOS escapes. A variable can therefore never end a
property and start a command (``x" ; /system reset-configuration ; :put "`` stays one string).
Templates must not put quotes around expressions themselves; that is refused when the template
is loaded, with its line. ``{{ text | raw }}`` opts a piece of trusted script out of quoting.

Undefined variables are errors (``StrictUndefined``) naming the template, line, router and
variable, with "did you mean" from the variables that exist. Secrets (:class:`~mikronet.secret.Secret`,
and secret references not yet resolved) render as ``***`` unless the call asks for the real values
(``reveal_secrets=True``; only the push pipeline does, to hand them to the router). Whether to
reveal is a property of each call, never of the renderer, so one renderer is safe to share between
threads. A reference left unresolved is resolved when a call reveals it.

:func:`check_render` renders and parses many routers offline and groups identical failures, so a
mistake in a template shared by 171 routers is one problem naming 171 routers, not 171 lines.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import ipaddress
import re
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.ext
import jinja2.lexer

from mikronet.errors import TemplateError
from mikronet.hardware import model_info
from mikronet.render_check import TEMPLATE_SUFFIX, RenderCheck, RenderProblem, check_lines, check_render
from mikronet.routeros import Version, parse_version, quote
from mikronet.secret import MASK, Secret

if TYPE_CHECKING:
    from mikronet.inventory import Inventory, Router
    from mikronet.routeros import Schema
    from mikronet.routeros.lint import LintProblem

__all__ = [
    "TEMPLATE_SUFFIX",
    "RawScript",
    "RenderCheck",
    "RenderProblem",
    "Rendered",
    "Renderer",
    "check_lines",
    "check_render",
    "default_template_dir",
    "find_template_dir",
    "lint_router",
    "render_traced",
]

_QUOTED_EXPRESSION = re.compile(r"""["']\s*\{\{|\}\}\s*["']""")
_REVEAL = "mikronet:reveal"  # a context key no template or inventory variable can be named
_CHECKOUT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class RawScript(str):
    """Trusted script text that is emitted as it is (``{{ x | raw }}``)."""


class _Unresolved(Secret):
    """Stands for a password not yet resolved: shows as ``***``; revealing it is an error."""

    def __init__(self, source: str) -> None:  # no value, so nothing to register for redaction
        self._value = ""
        self._source = source

    def reveal(self) -> str:
        from mikronet.errors import SecretError

        raise SecretError(f"the password ({self._source}) is not resolved; call resolve_secrets() first")


def _has_templates(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob(f"*{TEMPLATE_SUFFIX}"))


def _candidates(inventory_path: Path | None) -> list[Path]:
    found: list[Path] = []
    if inventory_path is not None:
        base = inventory_path.resolve().parent  # the folder that holds the inventory file or folder
        found += [base / "templates", base.parent / "templates"]
    found += [Path.cwd() / "templates", _CHECKOUT_TEMPLATES]
    return list(dict.fromkeys(found))


def default_template_dir() -> Path:
    """The templates folder when nothing names one: ``./templates`` if it holds templates, else the
    source checkout's ``templates/`` beside the package (which an installed package does not have)."""
    for folder in (Path.cwd() / "templates", _CHECKOUT_TEMPLATES):
        if _has_templates(folder):
            return folder
    return _CHECKOUT_TEMPLATES


def find_template_dir(inventory: Inventory | Path | None = None, explicit: Path | None = None) -> Path:
    """The templates folder for an inventory, so an installed mikronet finds the templates beside
    the inventory rather than inside site-packages.

    In order: ``explicit`` (``--templates``); the inventory's own ``templates:`` setting;
    ``templates/`` beside the inventory (next to its folder, or next to its file and one level up);
    ``./templates``; the source checkout's. Raises :class:`TemplateError` naming every folder
    looked in when none holds a template.
    """
    if explicit is not None:
        return explicit
    path = inventory if isinstance(inventory, Path) or inventory is None else inventory.path
    declared = None if isinstance(inventory, Path) or inventory is None else inventory.templates
    if declared is not None:
        return declared
    candidates = _candidates(path)
    for folder in candidates:
        if _has_templates(folder):
            return folder
    tried = ", ".join(str(c) for c in candidates)
    raise TemplateError(
        f"no templates folder found (looked in {tried}); give one with --templates DIR "
        "or 'templates: PATH' in the inventory"
    )


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(str(value), strict=False)


def _host(value: str, index: int = 1) -> str:
    """The ``index``-th address of a network (``10.42.0.0/24 | host(1)`` → ``10.42.0.1``)."""
    net = _network(value)
    if index < 0:
        return str(net.broadcast_address + index)
    return str(net.network_address + index)


def _gateway_cidr(value: str, index: int = 1) -> str:
    """The router's interface address on a network, with its prefix (``10.42.0.1/24``)."""
    net = _network(value)
    return f"{net.network_address + index}/{net.prefixlen}"


def _network_address(value: str) -> str:
    net = _network(value)
    return f"{net.network_address}/{net.prefixlen}"


def _version(value: str | None) -> Version:
    """``{{ router.routeros | version }}``: the router's RouterOS version (7 when the inventory
    does not say), comparable with tuples (``>= (7,)``) and text (``>= "7.13"``)."""
    return parse_version(str(value)) if value else parse_version("7")


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: Any) -> str:
    from mikronet.inventory import SecretRef

    if isinstance(value, RawScript):
        return str(value)
    if isinstance(value, Secret):
        return quote(value.reveal()) if context.get(_REVEAL) is True else MASK
    if isinstance(value, SecretRef):
        return MASK  # a reveal resolves references before rendering; only a masked call sees one
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return '""'
    return quote(str(value))


class Renderer:
    """Renders templates from one folder. Build one per run; it caches compiled templates and
    defaults, and holds no per-call state (safe to share between threads)."""

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = template_dir or default_template_dir()
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.template_dir), encoding="utf-8"),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=_finalize,
        )
        self._env.filters.update(
            raw=RawScript,
            host=_host,
            gateway_cidr=_gateway_cidr,
            network=_network_address,
            prefixlen=lambda v: _network(v).prefixlen,
            netmask=lambda v: str(_network(v).netmask),
            version=_version,
        )
        self._defaults: dict[str, Mapping[str, Any]] = {}

    # -- public -----------------------------------------------------------------------------

    def template_path(self, name: str) -> Path:
        return self.template_dir / f"{name}{TEMPLATE_SUFFIX}"

    def render_router(self, router: Router, *, reveal_secrets: bool = False) -> str:
        """Render ``router``'s template with its resolved variables (secrets as ``***`` unless revealed)."""
        if dataclasses.is_dataclass(router) and router.password is None:  # shown as ***, not as ""
            router = dataclasses.replace(router, password=_Unresolved(router.password_ref.source))
        context: dict[str, Any] = dict(self.template_defaults(router.template))
        context.update(router.vars)
        context.update(router=router, school=router.school, hw=model_info(router.model))
        return self.render(router.template, context, router_id=router.id, reveal_secrets=reveal_secrets)

    def template_defaults(self, template: str) -> Mapping[str, Any]:
        """The template's own defaults (``NAME.defaults.yaml`` beside it), below every inventory layer.

        Secret references in them (``{file: …}`` relative to the templates folder) are kept as
        unresolved references until a call reveals them.
        """
        cached = self._defaults.get(template)
        if cached is None:
            cached = self._load_defaults(template)
            self._defaults[template] = cached
        return cached

    def render(
        self,
        template: str,
        context: Mapping[str, Any],
        *,
        router_id: str | None = None,
        reveal_secrets: bool = False,
    ) -> str:
        """Render ``template`` with ``context``. ``reveal_secrets`` applies to this call only."""
        name = f"{template}{TEMPLATE_SUFFIX}"
        try:
            compiled = self._env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(
                f"no template {name!r} in {self.template_dir}", template=name, router=router_id
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            message = exc.message or "syntax error"
            raise TemplateError(message, template=name, line=exc.lineno, router=router_id) from exc
        self._check_source(name, router_id)
        values = dict(context)
        if reveal_secrets:
            from mikronet.inventory.secrets import resolve_value

            values = resolve_value(values)
        values[_REVEAL] = reveal_secrets
        try:
            return compiled.render(values)
        except jinja2.UndefinedError as exc:
            message = f"undefined variable: {exc.message}{_suggest(exc.message or '', values)}"
            raise TemplateError(message, template=name, line=_template_line(exc, name), router=router_id) from exc
        except (ValueError, TypeError) as exc:
            raise TemplateError(str(exc), template=name, line=_template_line(exc, name), router=router_id) from exc

    # -- internals --------------------------------------------------------------------------

    def _load_defaults(self, template: str) -> Mapping[str, Any]:
        from mikronet.errors import InventoryError
        from mikronet.inventory.resolve import Collector, secretify
        from mikronet.inventory.source import read_text_file, read_yaml

        path = self.template_dir / f"{template}.defaults.yaml"
        if not path.exists():
            return {}
        try:
            located = read_yaml(read_text_file(path), path)
        except InventoryError as exc:
            raise TemplateError(exc.message, template=path.name, line=exc.line) from exc
        if located.data is None:
            return {}
        if not isinstance(located.data, dict):
            raise TemplateError("defaults must be a mapping of variable names to values", template=path.name)
        problems = Collector()
        values = {k: secretify(v, located, (k,), path.parent, problems) for k, v in located.data.items()}
        problems.raise_if_any()
        return values

    def _check_source(self, name: str, router_id: str | None) -> None:
        source = self.template_dir / name
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
            if _QUOTED_EXPRESSION.search(line):
                raise TemplateError(
                    "an expression inside quotes; write {{ value }} bare — mikronet quotes values itself",
                    template=name,
                    line=number,
                    router=router_id,
                )


def _suggest(message: str, context: Mapping[str, Any]) -> str:
    """"; did you mean 'x'?" for an undefined variable or attribute, from the names that exist."""
    from mikronet.hardware import Model
    from mikronet.inventory import Router, School, SchoolConnection

    undefined = re.search(r"'([^']+)' is undefined", message)
    attribute = re.search(r"has no attribute '([^']+)'", message)
    if undefined:
        name, names = undefined.group(1), [k for k in context if k != _REVEAL]
    elif attribute:
        name = attribute.group(1)
        names = sorted({f.name for cls in (Router, School, SchoolConnection, Model) for f in fields(cls)})
    else:
        return ""
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _template_line(exc: BaseException, name: str) -> int | None:
    """The template line an exception was raised at, from Jinja's rewritten traceback."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


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
        env = _TRACING[renderer] = renderer._env.overlay(extensions=[_LineMarks], cache_size=100)
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
    return lint_text(rendered.text, file=f"{router.template}{TEMPLATE_SUFFIX}", schema=schema,
                     version=router.routeros, packages=packages, origins=rendered.origins, router=router.id)

