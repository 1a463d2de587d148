"""Resolving schools and routers through the layers ``defaults → groups → school → router``.

Each router's settings and variables are taken from the nearest layer that sets them, and each
value remembers where it came from. Secret references in variables (``{env: NAME}`` or
``{file: PATH}``, at any depth of a variable's value) become :class:`SecretRef` values, left
unresolved. A school's municipality is checked against the reference data, and a pre-reform name
gives the current municipality. Problems are collected with file, line and field, not raised one
at a time.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from mikronet.errors import InventoryError
from mikronet.inventory.model import Group, Origin, Ports, Router, School, SchoolConnection, SecretRef, Transport
from mikronet.inventory.programme import PlannedSolution
from mikronet.inventory.source import Located, Problem, YamlPath, field_name

__all__ = ["Collector", "Piece", "make_piece", "resolve_all", "secret_ref_in", "secretify", "set_keys"]

_MAX_SHOWN = 30
_SETTINGS = ("transport", "username", "password", "template", "encoding", "ca_file", "restart_s")
_PORTS = (("api", "api"), ("api_ssl", "api-ssl"), ("ssh", "ssh"))
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclasses.dataclass(frozen=True)
class Piece:
    """One layer's settings as written in one place: the model, its document, its path there, and
    its variables with secret references made :class:`SecretRef` values (see :func:`make_piece`)."""

    layer: str
    model: Any  # a SettingsIn (or subclass)
    doc: Located
    base: YamlPath
    vars: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def origin(self, *path: str | int) -> Origin:
        full = (*self.base, *path)
        return Origin(self.layer, str(self.doc.file), self.doc.line_of(full), field_name(full) or None)


def make_piece(layer: str, model: Any, doc: Located, base: YamlPath, problems: Collector) -> Piece:
    """A :class:`Piece` whose variables are converted once (their problems reported once)."""
    converted = {
        name: secretify(value, doc, (*base, "vars", name), doc.file.parent, problems)
        for name, value in model.vars.items()
    }
    return Piece(layer, model, doc, base, MappingProxyType(converted))


class Collector:
    """Problems found so far; :meth:`raise_if_any` raises them as one :class:`InventoryError`."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, doc: Located | None, path: YamlPath, message: str, *, file: Path | None = None) -> None:
        if doc is not None:
            self.items.append(Problem(str(doc.file), doc.line_of(path), field_name(path) or None, message))
        else:
            self.items.append(Problem(str(file) if file else None, None, None, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        self.items.sort(key=lambda p: (p.file or "", p.line or 0))  # stable: same line keeps its order
        first, rest = self.items[0], self.items[1:_MAX_SHOWN]
        extra = "".join(f"\n{p}" for p in rest)
        if len(self.items) > _MAX_SHOWN:
            extra += f"\n… and {len(self.items) - _MAX_SHOWN} more problems"
        raise InventoryError(first.message + extra, file=first.file, line=first.line, field=first.field)


def set_keys(settings: Any) -> Iterator[tuple[str, ...]]:
    """The keys a settings block sets, as paths (``("vars", "ntp")``, ``("ports", "ssh")``)."""
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if name == "vars":
            for var in value:
                yield ("vars", var)
        elif name == "ports" and value is not None:
            for attr, key in _PORTS:
                if getattr(value, attr) is not None:
                    yield ("ports", key)
        elif value is not None:
            yield (name,)


def secret_ref_in(value: Any) -> tuple[str, str] | None:
    """``("env", NAME)`` / ``("file", PATH)`` if ``value`` is written as a secret reference, else ``None``.

    A reference is a mapping with exactly one key, ``env`` or ``file``.
    """
    if isinstance(value, dict) and len(value) == 1:
        ((key, target),) = value.items()
        if key in ("env", "file"):
            return key, target
    return None


def secretify(value: Any, doc: Located, path: YamlPath, base_dir: Path, report: Collector) -> Any:
    """``value`` with every secret reference in it replaced by a :class:`SecretRef` (checked)."""
    found = secret_ref_in(value)
    if found is not None:
        kind, target = found
        line, name = doc.line_of(path), field_name(path)
        if not isinstance(target, str) or not target.strip():
            report.add(doc, (*path, kind), f"'{kind}' must name {'a variable' if kind == 'env' else 'a file'}")
            return None
        if kind == "env":
            if not _ENV_NAME.match(target):
                report.add(doc, (*path, kind), f"{target!r} is not an environment variable name")
            return SecretRef("env", target, str(doc.file), line, name)
        return SecretRef("file", target, str(doc.file), line, name, base_dir / target)
    if isinstance(value, dict):
        return {k: secretify(v, doc, (*path, k), base_dir, report) for k, v in value.items()}
    if isinstance(value, list):
        return [secretify(v, doc, (*path, i), base_dir, report) for i, v in enumerate(value)]
    return value


def _did_you_mean(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _school(piece: Piece, school_in: Any, problems: Collector) -> School:
    from mikronet.inventory.reference import municipalities

    doc, base = piece.doc, piece.base
    municipality, before = school_in.municipality, school_in.municipality_before_2021
    try:
        municipality, before = municipalities().resolve(municipality, before)
    except ValueError as exc:
        about_before = before is not None and (
            municipality in municipalities().current or str(exc).startswith(repr(before))
        )
        problems.add(doc, (*base, "municipality_before_2021" if about_before else "municipality"), str(exc))
    conn = school_in.connection
    return School(
        id=school_in.id,
        name=school_in.name,
        municipality=municipality,
        municipality_before_2021=before,
        groups=tuple(school_in.groups),
        connection=SchoolConnection(
            type=conn.type,
            monthly_fee_eur=conn.monthly_fee_eur,
            contracted_mbps=conn.contracted_mbps,
            shared_contract=conn.shared_contract,
        ),
        vars=piece.vars,
        routers=(),
        file=str(doc.file),
        line=doc.line_of(base),
        plan=tuple(
            PlannedSolution(p.category, p.note, p.date, str(doc.file), doc.line_of((*base, "plan", i)))
            for i, p in enumerate(school_in.plan)
        ),
    )


def resolve_all(
    defaults: list[Piece],
    groups: dict[str, tuple[Piece, Group]],
    school_pieces: list[tuple[Piece, Any]],
    problems: Collector,
) -> tuple[list[School], list[Router]]:
    """Every school and router, resolved; problems go to ``problems``."""
    schools: list[School] = []
    routers: list[Router] = []
    seen_schools: dict[str, Origin] = {}
    for piece, school_in in school_pieces:
        doc, base = piece.doc, piece.base
        if school_in.id in seen_schools:
            problems.add(
                doc,
                (*base, "id"),
                f"duplicate school id {school_in.id!r} (first at {seen_schools[school_in.id].where})",
            )
            continue
        seen_schools[school_in.id] = piece.origin("id")
        layers: list[Piece] = list(defaults)
        for index, group_name in enumerate(school_in.groups):
            if group_name not in groups:
                hint = _did_you_mean(group_name, sorted(groups)) or (
                    f" (defined: {', '.join(sorted(groups))})" if groups else " (no groups are defined)"
                )
                problems.add(doc, (*base, "groups", index), f"unknown group {group_name!r}{hint}")
            elif school_in.groups.index(group_name) != index:
                problems.add(doc, (*base, "groups", index), f"group {group_name!r} listed twice")
            else:
                layers.append(groups[group_name][0])
        layers.append(piece)
        school = _school(piece, school_in, problems)
        router_ids: list[str] = []
        built: list[Router] = []
        for r_index, router_in in enumerate(school_in.routers):
            r_piece = make_piece("router", router_in, doc, (*base, "routers", r_index), problems)
            router_id = f"{school_in.id}/{router_in.name}"
            if router_id in router_ids:
                problems.add(doc, (*r_piece.base, "name"), f"duplicate router id {router_id!r} in this school")
                continue
            router_ids.append(router_id)
            router = _resolve_router(router_id, router_in, school, [*layers, r_piece], problems)
            if router is not None:
                built.append(router)
        school = dataclasses.replace(school, routers=tuple(router_ids))
        schools.append(school)
        routers.extend(dataclasses.replace(router, school=school) for router in built)
    return schools, routers


def _resolve_router(
    router_id: str, router_in: Any, school: School, layers: list[Piece], problems: Collector
) -> Router | None:
    settings: dict[str, Any] = {"transport": "api-ssl", "encoding": "utf-8"}  # plain api only when written
    origins: dict[str, Origin] = {"transport": Origin("builtin"), "encoding": Origin("builtin")}
    ports = {"api": 8728, "api-ssl": 8729, "ssh": 22}
    for key in ports:
        origins[f"ports.{key}"] = Origin("builtin")
    variables: dict[str, Any] = {}
    provenance: dict[str, Origin] = {}
    for piece in layers:
        model = piece.model
        for name in _SETTINGS:
            value = getattr(model, name)
            if value is None:
                continue
            origin = piece.origin(name)
            if name == "password":
                where = (origin.file, origin.line, field_name((*piece.base, name)))
                if value.env is not None:
                    value = SecretRef("env", value.env, *where)
                else:
                    value = SecretRef("file", value.file, *where, piece.doc.file.parent / value.file)
            elif name == "ca_file":
                value = piece.doc.file.parent / value
            settings[name] = value
            origins[name] = origin
        if model.ports is not None:
            for attr, key in _PORTS:
                port = getattr(model.ports, attr)
                if port is not None:
                    ports[key] = port
                    origins[f"ports.{key}"] = piece.origin("ports", key)
        for var, value in piece.vars.items():
            variables[var] = value
            provenance[var] = piece.origin("vars", var)
    last = layers[-1]
    for name in ("host", "model", "serial"):
        origins[name] = last.origin(name)
    missing = [name for name in ("username", "password", "template") if name not in settings]
    for name in missing:
        problems.add(
            last.doc,
            last.base,
            f"router {router_id} has no {name}: set it in defaults, a group, the school or the router",
        )
    if missing:
        return None
    return Router(
        id=router_id,
        name=router_in.name,
        school=school,
        host=router_in.host,
        model=router_in.model,
        serial=router_in.serial,
        ports=Ports(api=ports["api"], api_ssl=ports["api-ssl"], ssh=ports["ssh"]),
        transport=cast(Transport, settings["transport"]),
        username=settings["username"],
        password_ref=settings["password"],
        template=settings["template"],
        routeros=router_in.routeros,
        tls_fingerprint=router_in.tls_fingerprint,
        ca_file=settings.get("ca_file"),
        encoding=settings["encoding"],
        restart_s=settings.get("restart_s"),
        vars=MappingProxyType(variables),
        provenance=MappingProxyType(provenance),
        origins=MappingProxyType(origins),
        file=str(last.doc.file),
        line=last.doc.line_of(last.base),
    )
