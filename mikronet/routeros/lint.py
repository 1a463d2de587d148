"""Lint: every menu, command and property of a configuration checked against the schema for the
router's RouterOS version and packages, before anything reaches a router.

RouterOS refuses a misspelled property (``/ip dns set alow-remote-requests=yes``), a property
its version does not have (``routing-mark`` on v7, where it is ``routing-table``), a menu of a
package it does not run (``/interface wireless`` on a v7 router with ``wifi-qcom``), ``add`` on a
menu that has no items, ``set`` without the items on one that has, and a boolean that is neither
yes nor no. A push that sent them would fail midway (or, against a lenient simulated router,
report ``changed`` for a line the real one rejects); a :class:`LintProblem` catches each one
first, with the line and, where a known name is close, "did you mean".

The schema is the authority: a menu nobody described is unknown, and so is a property a menu
does not list -- unless the schema lists none for it yet (then its properties go unchecked).
``version=None`` skips the version gates and ``packages=None`` the package check (for a caller
that does not know them).

Which package provides which menu is data (``packages.yaml`` beside this module); the packages a
router runs, when only its RouterOS version and wireless family are known (an inventory's model),
come from :func:`standard_packages`.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import yaml

from mikronet.errors import ScriptError
from mikronet.routeros.model import Config, Find, Item, Section, Value
from mikronet.routeros.schema import COMMON_READ_ONLY, PathSchema, Schema, default_schema
from mikronet.routeros.version import Version, parse_version

__all__ = ["LintProblem", "Origin", "lint", "lint_text", "menu_packages", "standard_packages"]

PACKAGES_FILE: Final = Path(__file__).with_name("packages.yaml")
_BOOLS: Final = frozenset({"yes", "no", "true", "false"})
_COMMON: Final = frozenset({"comment", "disabled"})  # every list menu has them

Origin = tuple[str, int]
"""Where a rendered line came from: (template file, line)."""


@dataclass(frozen=True)
class LintProblem:
    """One problem: ``path``, ``verb`` and ``key`` say what (``/ip dns``, ``set``,
    ``alow-remote-requests``), ``problem`` what is wrong and ``suggestion`` the name meant, if
    one is close. ``line``/``column`` are in the checked text; ``origin`` is the template line
    that text came from and ``router`` whose template it is, once :func:`lint_text` knows them."""

    line: int | None
    path: str
    verb: str
    key: str | None
    problem: str
    suggestion: str | None = None
    column: int | None = None
    origin: Origin | None = None
    router: str | None = None

    @property
    def message(self) -> str:
        """``/ip dns set alow-remote-requests: unknown property (did you mean allow-remote-requests?)``."""
        what = " ".join(p for p in (self.path, self.verb) if p)
        if self.key is not None:
            what += f" {self.key}"
        hint = f" (did you mean {self.suggestion}?)" if self.suggestion else ""
        return f"{what}: {self.problem}{hint}" if what else f"{self.problem}{hint}"

    @property
    def where(self) -> str:
        """``templates/school-gateway.rsc.j2:37``, or ``line 37`` of the checked text."""
        if self.origin is not None:
            return f"{self.origin[0]}:{self.origin[1]}"
        if self.line is None:
            return ""
        return f"line {self.line}" + (f":{self.column}" if self.column is not None else "")

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        router = f" [{self.router}]" if self.router else ""
        return f"{where}{self.message}{router}"


# -- packages -----------------------------------------------------------------------------------


@functools.cache
def _package_data() -> Any:
    """``packages.yaml``, read once."""
    return yaml.safe_load(PACKAGES_FILE.read_text(encoding="utf-8"))


@functools.cache
def _package_table() -> dict[int, tuple[tuple[str, frozenset[str]], ...]]:
    data = _package_data()
    table: dict[int, tuple[tuple[str, frozenset[str]], ...]] = {}
    for major in (6, 7):
        menus = data.get(f"v{major}", {}).get("menus", {})
        # longest prefix first, so that /interface wireless wins over /interface
        table[major] = tuple(sorted(((m, frozenset(p)) for m, p in menus.items()), key=lambda e: -len(e[0])))
    return table


def menu_packages(path: str, version: Version | str | None) -> frozenset[str]:
    """The packages any one of which provides ``path`` on ``version``; empty: the base system."""
    major = parse_version(version).major if version is not None else 7
    for prefix, packages in _package_table().get(7 if major >= 7 else 6, ()):
        if path == prefix or path.startswith(prefix + " "):
            return packages
    return frozenset()


def standard_packages(version: Version | str, wifi: str | None = None) -> frozenset[str]:
    """The packages of a stock router running ``version``: v6's bundle (system, wireless, ipv6,
    routing, ppp, dhcp, hotspot, mpls, security, advanced-tools) or v7's ``routeros``, plus its
    wireless family ``wifi`` (``wireless``, ``wifi`` for wifi-qcom / wifi-qcom-ac, ``wifiwave2``)."""
    major = parse_version(version).major
    base = frozenset(_package_data()[f"v{7 if major >= 7 else 6}"]["standard"])
    return base | ({wifi} if wifi else frozenset())


# -- checks -------------------------------------------------------------------------------------


def _close(word: str, candidates: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.75)
    return found[0] if found else None


class _Linter:
    def __init__(self, schema: Schema, version: Version | None, packages: frozenset[str] | None) -> None:
        self.schema = schema
        self.version = version
        self.packages = packages
        self.problems: list[LintProblem] = []
        self.shown = str(version) if version is not None else ""

    def add(self, line: int | None, path: str, verb: str, key: str | None, problem: str,
            suggestion: str | None = None) -> None:
        self.problems.append(LintProblem(line, path, verb, key, problem, suggestion))

    def first_line(self, section: Section) -> int | None:
        lines = [*section.lines.values(), *(i.line for i in section.items if i.line is not None)]
        return min(lines) if lines else None

    # menus ------------------------------------------------------------------------------------
    def menu(self, path: str, section: Section) -> PathSchema | None:
        """The schema to check ``section`` against, or ``None`` after reporting why there is none."""
        line = self.first_line(section)
        ps = self.schema.get(path)
        if ps.opaque:
            if self.schema.is_menu(path):
                self.add(line, path, "", None, "not a menu with settings or items (a level above them)")
            else:
                self.add(line, path, "", None, "unknown menu", _close(path, (p.path for p in self.schema)))
            return None
        version = self.version
        if not ps.exists_in(version):
            self.add(line, path, "", None, f"no such menu on RouterOS {self.shown}{self.renamed_menu(ps)}")
            return None
        if self.packages is not None and version is not None:
            needs = menu_packages(path, version)
            if needs and not needs & self.packages:
                have = ", ".join(sorted(self.packages)) or "none"
                self.add(line, path, "", None,
                         f"needs the {' or '.join(sorted(needs))} package (this router has: {have})")
                return None
        return ps

    def renamed_menu(self, ps: PathSchema) -> str:
        version = self.version
        if ps.was is not None and self.schema.get(ps.was).exists_in(version):
            return f"; RouterOS {self.shown} calls it {ps.was}"
        newer = [p.path for p in self.schema if p.was == ps.path and p.exists_in(version)]
        if newer:
            return f"; RouterOS {self.shown} calls it {newer[0]}"
        if ps.since is not None and version is not None and version < ps.since:
            return f" (from {ps.since})"
        if ps.until is not None:
            return f" (until {ps.until})"
        return ""

    # properties -------------------------------------------------------------------------------
    def prop(self, ps: PathSchema, line: int | None, verb: str, key: str, value: Value, *,
             selecting: bool = False) -> None:
        path = ps.path
        if key[:1] == "." or ps.opaque:  # the API's .id / .nextid; a menu with no properties listed
            return
        spec = ps.props.get(key)
        version = self.version
        if spec is None:
            if selecting and (key in ps.builtin or key in COMMON_READ_ONLY or key in _builtin_keys(ps)):
                return
            new = ps.renamed.get(key)
            if new is not None:
                if version is None or not ps.props[new].exists_in(version):
                    return  # the old name is right for this version (or the version is not known)
                self.add(line, path, verb, key, f"not on RouterOS {self.shown}, which calls it {new}")
                return
            known = [n for n, p in ps.props.items() if p.exists_in(version)]
            self.add(line, path, verb, key, "unknown property", _close(key, known))
            return
        if not spec.exists_in(version):
            successor = self.successor(ps, key)
            if successor is not None:
                self.add(line, path, verb, key, f"not on RouterOS {self.shown}, which calls it {successor}")
            else:
                self.add(line, path, verb, key, f"not on RouterOS {self.shown}{self.renamed_prop(ps, key)}")
            return
        if spec.type in ("bool", "flag") and value is not None and value.lower() not in _BOOLS:
            self.add(line, path, verb, key, f"expects yes or no, not {value!r}")

    def successor(self, ps: PathSchema, key: str) -> str | None:
        spec = ps.props[key]
        if spec.was is not None and spec.was in ps.props and ps.props[spec.was].exists_in(self.version):
            return spec.was
        for name, other in ps.props.items():
            if other.was == key and other.exists_in(self.version):
                return name
        return None

    def renamed_prop(self, ps: PathSchema, key: str) -> str:
        spec = ps.props[key]
        version = self.version
        if spec.since is not None and version is not None and version < spec.since:
            return f" (from {spec.since})"
        if spec.until is not None:
            return f" (until {spec.until})"
        return ""

    # sections ---------------------------------------------------------------------------------
    def section(self, path: str, section: Section) -> None:
        ps = self.menu(path, section)
        if ps is None:
            return
        if not set(ps.props) - _COMMON:  # a menu whose properties the schema does not list yet
            ps = replace(ps, opaque=True)
        singleton = ps.is_singleton(self.version)
        for key, value in section.settings.items():
            line = section.lines.get(key)
            if not singleton:
                self.add(line, path, "set", key, "needs the items to change ([ find … ], a name or a number): "
                         f"{path} is a list")
                continue
            self.prop(ps, line, "set", key, value)
        for item in section.items:
            self.item(ps, item, singleton)

    def item(self, ps: PathSchema, item: Item, singleton: bool) -> None:
        path, verb, line = ps.path, item.verb, item.line
        if singleton:
            self.add(line, path, verb, None, f"{path} has no items: only 'set' of its settings")
            return
        if isinstance(item.selector, Find):
            for cond in item.selector.conds:
                self.prop(ps, line, "find", cond.key, None, selecting=True)
        for key, value in item.props.items():
            self.prop(ps, line, verb, key, value)


def _builtin_keys(ps: PathSchema) -> frozenset[str]:
    """Keys the schema's factory items are selected by (``default=yes`` -> ``default``)."""
    return frozenset(k.split("=", 1)[0] for k in ps.builtins if "=" in k)


def lint(
    config: Config,
    *,
    schema: Schema | None = None,
    version: Version | str | None = None,
    packages: Collection[str] | None = None,
) -> list[LintProblem]:
    """Every problem RouterOS ``version`` with ``packages`` would have with ``config``, in line
    order. ``version`` defaults to the config's header; ``None`` (and no header) skips version
    gates, ``packages=None`` the package check."""
    if isinstance(version, str):
        version = parse_version(version)
    if version is None and config.header is not None and config.header.version:
        version = parse_version(config.header.version)
    linter = _Linter(schema or default_schema(), version, frozenset(packages) if packages is not None else None)
    for path, section in config.sections.items():
        linter.section(path, section)
    return sorted(linter.problems, key=lambda p: (p.line is None, p.line or 0))


def lint_text(
    text: str,
    *,
    file: str | None = None,
    schema: Schema | None = None,
    version: Version | str | None = None,
    packages: Collection[str] | None = None,
    origins: Sequence[Origin | None] | Callable[[int], Origin | None] | None = None,
    router: str | None = None,
) -> list[LintProblem]:
    """Parse ``text`` (a rendered template) and :func:`lint` it. A text that does not parse is one
    problem (RouterOS's parser would stop there too). ``origins`` maps a line of ``text`` to the
    template line it came from (a sequence indexed by line - 1, or a function); ``router`` is
    named in every problem."""
    from mikronet.routeros.parser import parse

    try:
        config = parse(text, file=file, schema=schema)
    except ScriptError as exc:
        problems = [LintProblem(exc.line, "", "", None, exc.message, column=exc.column)]
    else:
        problems = lint(config, schema=schema, version=version, packages=packages)
    where = _origin_lookup(origins)
    return [replace(p, origin=where(p.line) if p.line is not None else None, router=router) for p in problems]


def _origin_lookup(origins: Sequence[Origin | None] | Callable[[int], Origin | None] | None,
                   ) -> Callable[[int], Origin | None]:
    if origins is None:
        return lambda line: None
    if callable(origins):
        return origins
    table = origins

    def lookup(line: int) -> Origin | None:
        return table[line - 1] if 0 < line <= len(table) else None

    return lookup

