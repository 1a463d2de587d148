"""Templates: a router's Jinja template rendered with its school's variables into RouterOS script.

Every ``{{ expression }}`` is emitted as one RouterOS *value*: bare when it holds only safe
characters, otherwise double-quoted with RouterOS escapes. A variable can therefore never end a
property and start a command (``x" ; /system reset-configuration ; :put "`` stays one string).
Templates must not put quotes around expressions themselves; that is refused when the template
is loaded, with its line. ``{{ text | raw }}`` opts a piece of trusted script out of quoting.

Templates run in Jinja's immutable sandbox: a template (and the templates folder is an inventory
setting, so a template is input) reaches no Python internals (``cycler.__init__.__globals__`` is
refused), changes no value it is given, and includes only files inside its templates folder. Any
error a template raises while it renders (``{{ 1/0 }}``, a missing include) is a
:class:`~mikronet.errors.TemplateError` naming the template and line.

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

import dataclasses
import difflib
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.sandbox
from jinja2.exceptions import SecurityError

from mikronet.errors import MikronetError, TemplateError
from mikronet.hardware import model_info
from mikronet.inventory.model import SecretRef
from mikronet.render_check import TEMPLATE_SUFFIX, RenderCheck, RenderProblem, check_lines, check_render
from mikronet.render_trace import Rendered, lint_router, render_traced, router_packages
from mikronet.render_vars import template_variables
from mikronet.routeros import Version, parse_version, quote
from mikronet.secret import MASK, Secret

if TYPE_CHECKING:
    from mikronet.inventory import Inventory, Router

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
    "router_packages",
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


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Loads templates from one folder only: a name that leads outside it (``..``, or a symbolic
    link out of the folder) is not found."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), encoding="utf-8")
        self._root = folder.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self._root):
            raise jinja2.TemplateNotFound(f"{template} (outside the templates folder)")
        return source, filename, uptodate


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, and a secret is opaque: no attribute or method of a
    :class:`~mikronet.secret.Secret` or a secret reference (``{{ p.reveal()[1:] }}`` would print a
    secret in pieces the redaction cannot recognise). A template uses a secret only as a whole value."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, Secret | SecretRef):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


class Renderer:
    """Renders templates from one folder. Build one per run; it caches compiled templates and
    defaults, and holds no per-call state (safe to share between threads)."""

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = template_dir or default_template_dir()
        self._env: jinja2.Environment = _Sandbox(
            loader=_ConfinedLoader(self.template_dir),
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
        self._used_cache: tuple[frozenset[str] | None] | None = None

    # -- public -----------------------------------------------------------------------------

    @property
    def environment(self) -> jinja2.Environment:
        """The sandboxed Jinja environment (for reading templates, e.g. :mod:`mikronet.render_vars`)."""
        return self._env

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
        except MikronetError:
            raise
        except jinja2.UndefinedError as exc:
            message = f"undefined variable: {exc.message}{_suggest(exc.message or '', values, self._used())}"
            where, line = self._where(exc, name)
            raise TemplateError(message, template=where, line=line, router=router_id) from exc
        except jinja2.TemplateSyntaxError as exc:  # in an included template
            raise TemplateError(exc.message or "syntax error", template=exc.name or name, line=exc.lineno,
                                router=router_id) from exc
        except jinja2.TemplateNotFound as exc:
            where, line = self._where(exc, name)
            raise TemplateError(f"no template {exc.name!r} to include in {self.template_dir}", template=where,
                                line=line, router=router_id) from exc
        except SecurityError as exc:
            where, line = self._where(exc, name)
            raise TemplateError(f"not allowed in a template: {exc}", template=where, line=line,
                                router=router_id) from exc
        except Exception as exc:  # whatever the template's own expressions raise (1/0, int('x'), ...)
            where, line = self._where(exc, name)
            message = str(exc) if isinstance(exc, ValueError | TypeError) else f"{type(exc).__name__}: {exc}"
            raise TemplateError(message, template=where, line=line, router=router_id) from exc

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

    def _used(self) -> frozenset[str] | None:
        """Every variable some template in the folder reads (None: not known, a computed include)."""
        if self._used_cache is None:
            found: set[str] = set()
            for path in sorted(self.template_dir.glob(f"*{TEMPLATE_SUFFIX}")):
                names = template_variables(self, path.name.removesuffix(TEMPLATE_SUFFIX))
                if names is None:
                    self._used_cache = (None,)
                    return None
                found |= names
            self._used_cache = (frozenset(found),)
        return self._used_cache[0]

    def _where(self, exc: BaseException, name: str) -> tuple[str, int | None]:
        """The template file (``name`` or an included one) and line an exception was raised at."""
        found = _template_frame(exc, self.template_dir)
        if found is None:
            return name, _template_line(exc, name)
        return found

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


def _suggest(message: str, context: Mapping[str, Any], used: frozenset[str] | None = None) -> str:
    """"; did you mean 'x'?" for an undefined variable or attribute, from the names that exist. When
    the near name is a variable no template reads (``used``), the misspelling is the inventory's:
    say so rather than offer the typo as the fix."""
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
    if close and undefined and used is not None and close[0] not in used:
        return f"; the variables have {close[0]!r}, which no template reads: misspelt in the inventory?"
    return f"; did you mean {close[0]!r}?" if close else ""


def _template_frame(exc: BaseException, folder: Path) -> tuple[str, int] | None:
    """The innermost template (its name in ``folder``) and line in an exception's traceback."""
    root = str(folder.resolve())
    tb = exc.__traceback__
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIX) or filename.startswith(root):
            path = Path(filename).resolve()
            if path.is_relative_to(root):
                found = (str(path.relative_to(root)), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_line(exc: BaseException, name: str) -> int | None:
    """The template line an exception was raised at, from Jinja's rewritten traceback."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


