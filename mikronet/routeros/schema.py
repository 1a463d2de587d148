"""Per-path RouterOS knowledge, kept as data in ``schema/*.yaml`` (one file per top-level menu).

Each path entry says::

    /ip address:
      keys: [address, interface]   # what identifies an item when diffing (none: the whole item)
      ordered: true                # item order is meaning (firewall, NAT, mangle, queue tree)
      singleton: true              # one set of settings, no items (/ip dns, /system identity)
      singleton-until: "7.0"       # … or only before this version (a list from it: /mpls ldp)
      list-since: "7.17"           # a singleton that became a list (/interface ovpn-server server)
      builtin: [default-name]      # properties that name built-in items in [ find … ] selectors
      fixed: true                  # every item is built in: RouterOS adds and removes none (/ip service)
      name: name                   # what ``set NAME`` refers to (default ``name``)
      since: "7.13"                # the path exists from this version on …
      until: "7.13"                # … or only before this one
      was: /interface wifiwave2    # its name before ``since``
      builtins:                    # factory items and their own defaults, by selector
        telnet: port=23            #   (``set telnet``, ``set 0``, ``set [ find default=yes ]``)
        default=yes: name=default
      props:
        disabled: bool = no                        # TYPE [= DEFAULT]; then flags, ';'-separated
        network: text; computed                    # the device fills it in when not given
        routing-table: text = main; since 7.0; was routing-mark
        lease-time: duration = 10m; 7.9+ = 30m     # a default that changed with a version
        password: text; sensitive; write-only
        interface: text; ref interface; required
        name: text = $default-name                 # a default naming another property
      inline:                      # compact properties another menu's item lends (`security.passphrase=`)
        security: /interface wifi security         #   every property of that menu, as `security.NAME`

Types (see :mod:`mikronet.routeros.normalize`): ``text bool flag int rate size kib duration list
set iset mac ip net ip-set`` (``ip``: addresses, host bits kept; ``net``: networks, host bits
cleared; both keep a list's order, ``ip-set`` sorts it). Flags: ``sensitive`` (hidden by
``hide-sensitive``, ``***`` in diffs), ``read-only`` (never written), ``write-only`` (never
printed), ``computed``, ``required``, ``ref KIND``, ``since V``, ``until V``, ``was NAME``. List
paths get ``comment`` and ``disabled`` unless they say otherwise. Paths nobody described still
parse and compare as opaque ordered lists.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import yaml

from mikronet.routeros.lexer import LexError, tokenize_statements
from mikronet.routeros.model import Props, Ref, Selector, canonical_path
from mikronet.routeros.syntax import SyntaxProblem, build_command
from mikronet.routeros.version import Version, parse_version

__all__ = [
    "COMMON_READ_ONLY",
    "TYPES",
    "PathSchema",
    "PropSpec",
    "Schema",
    "SchemaError",
    "Version",
    "default_schema",
    "parse_version",
    "selector_key",
]

SCHEMA_DIR: Final = Path(__file__).with_name("schema")
# Flags and counters the API prints on items of many menus; never configuration.
COMMON_READ_ONLY: Final = frozenset({
    "dynamic", "invalid", "running", "builtin", "inactive", "active", "slave", "static", "connect",
    "bytes", "packets", "status", "dead", "unreachable", "hw-offload",
})
TYPES: Final = frozenset({"text", "bool", "flag", "int", "rate", "size", "kib", "duration", "list", "set",
                          "iset", "mac", "ip", "net", "ip-set"})
_FLAGS: Final = frozenset({"sensitive", "read-only", "write-only", "computed", "required"})
_VERSIONED_DEFAULT: Final = re.compile(r"(?P<version>\d[\w.]*)\+\s*=\s*(?P<value>.*)")

_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SchemaError(ValueError):
    """A schema file that does not say what this module expects (a bug in the data, not input)."""


def selector_key(selector: Selector) -> str:
    """The text a ``builtins`` entry is keyed by: ``telnet``, ``0``, ``*0``, ``default=yes``."""
    if isinstance(selector, Ref):
        return ",".join(selector.values)
    return " ".join(f"{c.key}{c.op}{c.value}" for c in selector.conds)


def _parse_args(text: str, where: str) -> Props:
    try:
        statements = tokenize_statements("set x " + text)
        assert len(statements) == 1 and isinstance(statements[0], list)
        command = build_command(statements[0])
    except (LexError, SyntaxProblem, AssertionError) as exc:  # the data is ours; say where it is wrong
        raise SchemaError(f"{where}: {exc}") from None
    return Props(command.args)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        from mikronet.routeros.quoting import unescape

        return unescape(text[1:-1])
    return text


@dataclass(frozen=True)
class PropSpec:
    """What is known about one property of a path."""

    name: str
    type: str = "text"
    default: str | None = None
    versioned_defaults: tuple[tuple[Version, str], ...] = ()
    sensitive: bool = False
    read_only: bool = False
    write_only: bool = False
    computed: bool = False
    required: bool = False
    ref: str | None = None
    since: Version | None = None
    until: Version | None = None
    was: str | None = None

    def default_for(self, version: Version | None) -> str | None:
        """The default at ``version`` (the base default when the version is unknown)."""
        value = self.default
        if version is not None:
            for since, versioned in self.versioned_defaults:
                if version >= since:
                    value = versioned
        return value

    def exists_in(self, version: Version | None) -> bool:
        if version is None:
            return True
        return (self.since is None or version >= self.since) and (self.until is None or version < self.until)

    @classmethod
    def parse(cls, name: str, spec: Any, where: str) -> PropSpec:
        if spec is None:
            return cls(name)
        if not isinstance(spec, str):
            raise SchemaError(f"{where}: property {name}: expected a string, got {type(spec).__name__}")
        parts = [p.strip() for p in spec.split(";")]
        head = parts[0]
        type_, _, default = head.partition("=")
        type_ = type_.strip() or "text"
        kwargs: dict[str, Any] = {}
        if type_ in _FLAGS:  # "read-only" alone
            parts.insert(1, type_)
            type_ = "text"
        if type_ not in TYPES:
            raise SchemaError(f"{where}: property {name}: unknown type {type_!r}")
        if default:
            kwargs["default"] = _unquote(default)
        versioned: list[tuple[Version, str]] = []
        for part in parts[1:]:
            if not part:
                continue
            m = _VERSIONED_DEFAULT.fullmatch(part)
            word, _, arg = part.partition(" ")
            if m:
                versioned.append((parse_version(m.group("version")), _unquote(m.group("value"))))
            elif part in _FLAGS:
                kwargs[part.replace("-", "_")] = True
            elif word in ("since", "until"):
                kwargs[word] = parse_version(arg)
            elif word in ("was", "ref"):
                kwargs[word] = arg.strip()
            else:
                raise SchemaError(f"{where}: property {name}: unknown flag {part!r}")
        return cls(name, type_, versioned_defaults=tuple(sorted(versioned)), **kwargs)


@dataclass(frozen=True)
class PathSchema:
    """What is known about one menu path. An unknown path gets an ``opaque`` one."""

    path: str
    singleton: bool = False
    keys: tuple[str, ...] = ()
    ordered: bool = False
    builtin: tuple[str, ...] = ()
    name_key: str = "name"
    props: Mapping[str, PropSpec] = field(default_factory=lambda: MappingProxyType({}))
    since: Version | None = None
    until: Version | None = None
    was: str | None = None
    opaque: bool = False
    builtins: Mapping[str, Props] = field(default_factory=lambda: MappingProxyType({}))
    singleton_until: Version | None = None
    list_since: Version | None = None
    fixed: bool = False
    """Every item is built in (``/ip service``: a version may bring a new one, none can be removed)."""
    inline: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Prefix -> menu whose properties an item also takes as ``PREFIX.NAME`` (RouterOS 7's compact
    wifi properties: ``security.passphrase=`` instead of ``security=profile``)."""

    def is_singleton(self, version: Version | None) -> bool:
        """Whether the menu is one set of settings on ``version`` (some changed shape: ``/mpls ldp``
        is one on v6 and a list on v7). Unknown version: what ``singleton`` says."""
        if version is not None:
            if self.list_since is not None and version >= self.list_since:
                return False
            if self.singleton_until is not None and version < self.singleton_until:
                return True
        return self.singleton

    def builtin_defaults(self, selector: Selector | None, props: Mapping[str, str | None] | None = None,
                         ) -> Props | None:
        """The factory values of the built-in item ``selector`` names -- or, for an item read over
        the API (no selector), the one its name names -- if the schema knows it."""
        if not self.builtins:
            return None
        if selector is not None:
            return self.builtins.get(selector_key(selector))
        name = props.get(self.name_key) if props is not None else None
        if props is None:
            return None
        if name is not None:
            found = self.builtins.get(name) or self.builtins.get(f"{self.name_key}={name}")
            if found is not None:
                return found
        numbered = [entry for key, entry in self.builtins.items() if key.isdigit()]
        if name is not None:  # a numbered entry that names it: "1": name=disk target=disk
            return next((entry for entry in numbered if entry.get(self.name_key) == name), None)
        if any(str(props.get(flag)).lower() in ("true", "yes") for flag in ("default", "builtin")):
            # the router says it is a factory item; which one, its factory properties tell
            return next((entry for entry in numbered if all(props.get(k) == v for k, v in entry.items())), None)
        return None

    def is_read_only(self, name: str) -> bool:
        """Read-only per the schema, or one of the flags every menu prints (``dynamic``, ``invalid``)."""
        spec = self.props.get(name)
        if spec is not None:
            return spec.read_only
        return name in COMMON_READ_ONLY or name[:1] == "."

    def prop(self, name: str) -> PropSpec:
        spec = self.props.get(name)
        if spec is None:
            return PropSpec(name)
        return spec

    def type_of(self, name: str) -> str:
        spec = self.props.get(name)
        return spec.type if spec is not None else "text"

    def default(self, name: str, version: Version | None = None) -> str | None:
        spec = self.props.get(name)
        return spec.default_for(version) if spec is not None else None

    @functools.cached_property
    def sensitive(self) -> frozenset[str]:
        return frozenset(n for n, p in self.props.items() if p.sensitive)

    @functools.cached_property
    def read_only(self) -> frozenset[str]:
        return frozenset(n for n, p in self.props.items() if p.read_only)

    @functools.cached_property
    def computed(self) -> frozenset[str]:
        return frozenset(n for n, p in self.props.items() if p.computed)

    @functools.cached_property
    def renamed(self) -> Mapping[str, str]:
        """Old property name -> new name (``routing-mark`` -> ``routing-table``)."""
        return MappingProxyType({p.was: n for n, p in self.props.items() if p.was})

    def exists_in(self, version: Version | None) -> bool:
        if version is None:
            return True
        return (self.since is None or version >= self.since) and (self.until is None or version < self.until)

    @classmethod
    def parse(cls, path: str, data: Any, where: str) -> PathSchema:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise SchemaError(f"{where}: {path}: expected a mapping")
        known = {"keys", "ordered", "singleton", "builtin", "name", "since", "until", "was", "props",
                 "no-common", "builtins", "singleton-until", "list-since", "fixed", "inline"}
        unknown = set(data) - known
        if unknown:
            raise SchemaError(f"{where}: {path}: unknown fields {sorted(unknown)}")
        singleton = bool(data.get("singleton", False))
        raw_props = dict(data.get("props") or {})
        if not singleton and not data.get("no-common", False):
            raw_props.setdefault("comment", 'text = ""')
            raw_props.setdefault("disabled", "bool = no")
        props = {name: PropSpec.parse(name, spec, f"{where}: {path}") for name, spec in raw_props.items()}
        return cls(
            path=canonical_path(path),
            singleton=singleton,
            keys=tuple(data.get("keys") or ()),
            ordered=bool(data.get("ordered", False)),
            builtin=tuple(data.get("builtin") or ()),
            name_key=str(data.get("name", "name")),
            props=MappingProxyType(props),
            since=parse_version(str(data["since"])) if "since" in data else None,
            until=parse_version(str(data["until"])) if "until" in data else None,
            was=canonical_path(data["was"]) if data.get("was") else None,
            singleton_until=parse_version(str(data["singleton-until"])) if "singleton-until" in data else None,
            list_since=parse_version(str(data["list-since"])) if "list-since" in data else None,
            fixed=bool(data.get("fixed", False)),
            inline=MappingProxyType({str(k): canonical_path(str(v)) for k, v in (data.get("inline") or {}).items()}),
            builtins=MappingProxyType({
                str(key): _parse_args(str(value or ""), f"{where}: {path}: builtins: {key}")
                for key, value in (data.get("builtins") or {}).items()
            }),
        )


_NOT_INLINED: Final = frozenset({"name", "comment", "disabled"})


def _with_inline(schema: PathSchema, paths: Mapping[str, PathSchema]) -> PathSchema:
    """``schema`` with the compact properties its ``inline`` menus lend it: the lender's type, flags
    and version gates, no default (a compact property is unset unless given). Properties the schema
    names itself win."""
    props = dict(schema.props)
    for prefix, menu in schema.inline.items():
        lender = paths.get(menu)
        if lender is None:
            raise SchemaError(f"{schema.path}: inline {prefix}: no such menu {menu}")
        for name, spec in lender.props.items():
            if name in _NOT_INLINED or spec.read_only or "." in name:
                continue
            full = f"{prefix}.{name}"
            if full not in props:
                props[full] = dataclasses.replace(spec, name=full, default=None, versioned_defaults=(),
                                                  required=False)
    return dataclasses.replace(schema, props=MappingProxyType(props))


class Schema:
    """All known paths. Build one with :meth:`load`; :func:`default_schema` shares the bundled one."""

    def __init__(self, paths: Iterable[PathSchema]) -> None:
        self._paths: dict[str, PathSchema] = {p.path: p for p in paths}
        for path, schema in list(self._paths.items()):
            if schema.inline:
                self._paths[path] = _with_inline(schema, self._paths)
        menus: set[str] = set()
        for path in self._paths:
            words = path[1:].split()
            for depth in range(1, len(words) + 1):
                menus.add("/" + " ".join(words[:depth]))
        self.menus: frozenset[str] = frozenset(menus)
        self.renamed_paths: Mapping[str, str] = MappingProxyType(
            {p.was: p.path for p in self._paths.values() if p.was}
        )

    @classmethod
    def load(cls, directory: Path | None = None) -> Schema:
        directory = directory or SCHEMA_DIR
        paths: list[PathSchema] = []
        for file in sorted(directory.glob("*.yaml")):
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER) or {}
            if not isinstance(data, dict):
                raise SchemaError(f"{file.name}: expected a mapping of paths")
            for path, body in data.items():
                paths.append(PathSchema.parse(str(path), body, file.name))
        return cls(paths)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and canonical_path(path) in self._paths

    def __iter__(self) -> Any:
        return iter(self._paths.values())

    def __len__(self) -> int:
        return len(self._paths)

    def get(self, path: str) -> PathSchema:
        """The schema of ``path``; an opaque one (ordered, no keys) for a path nobody described."""
        path = canonical_path(path)
        found = self._paths.get(path)
        if found is not None:
            return found
        return PathSchema(path, ordered=True, opaque=True)

    def is_menu(self, path: str) -> bool:
        return canonical_path(path) in self.menus


@functools.cache
def default_schema() -> Schema:
    """The bundled schema (loaded once; it is immutable)."""
    return Schema.load()
