"""Loading an inventory: one YAML file, or a folder of them that merge.

The steps are explicit: find the files → read each with line numbers → validate each against the
schema → merge (``defaults`` keys and ``groups`` may each be set in one file only; ``schools``
concatenate) → check what spans files (duplicate ids, unknown groups, two routers on one address)
→ resolve every router through ``defaults → groups → school → router``. Every problem found is
reported with its file, line and field; nothing is returned unless there are none.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from mikronet.errors import InventoryError
from mikronet.inventory.model import (
    Group,
    Inventory,
    Origin,
    Ports,
    Router,
    School,
    SchoolConnection,
    SecretRef,
    Transport,
)
from mikronet.inventory.source import Located, Problem, YamlPath, decode_utf8, field_name, read_yaml

__all__ = ["inventory_files", "load_inventory"]

log = logging.getLogger(__name__)

_SUFFIXES = (".yaml", ".yml")
_MAX_SHOWN = 30
_SETTINGS = ("transport", "username", "password", "template", "encoding", "ca_file")
_PORTS = (("api", "api"), ("api_ssl", "api-ssl"), ("ssh", "ssh"))


def inventory_files(path: Path) -> list[Path]:
    """The YAML files that make up the inventory at ``path`` (a file, or a folder searched recursively).

    Files and folders whose names start with ``.`` or ``_`` are skipped.
    """
    if not path.exists():
        raise InventoryError("no such file or folder (give the inventory with -i PATH)", file=path)
    if path.is_file():
        return [path]
    files = sorted(
        p
        for p in path.rglob("*")
        if p.suffix in _SUFFIXES
        and p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
    )
    if not files:
        raise InventoryError("the inventory is empty: no *.yaml files in this folder", file=path)
    return files


@dataclasses.dataclass(frozen=True)
class _Piece:
    """One layer's settings as written in one place: the model, its document, and its path there."""

    layer: str
    model: Any  # a SettingsIn (or subclass)
    doc: Located
    base: YamlPath

    def origin(self, *path: str | int) -> Origin:
        return Origin(self.layer, str(self.doc.file), self.doc.line_of((*self.base, *path)))


class _Collector:
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


def _read(files: list[Path], problems: _Collector, extra: Mapping[Path, str]) -> list[tuple[Located, Any]]:
    from mikronet.inventory.schema import validate_located

    documents = []
    for file in files:
        try:
            resolved = file.resolve()
            text = extra[resolved] if resolved in extra else decode_utf8(file.read_bytes(), file)
            located = read_yaml(text, file)
        except InventoryError as exc:
            problems.items.append(Problem(exc.file, exc.line, exc.field, exc.message))
            continue
        except OSError as exc:
            problems.add(None, (), f"cannot read: {exc.strerror or exc}", file=file)
            continue
        model, found = validate_located(located)
        problems.items.extend(found)
        if model is not None:
            documents.append((located, model))
    return documents


def _did_you_mean(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def load_inventory(
    path: Path | str,
    *,
    environ: Mapping[str, str] | None = None,
    resolve_secrets: bool = False,
    extra: Mapping[Path, str] | None = None,
) -> Inventory:
    """Load and validate the inventory at ``path`` (a YAML file or a folder of them).

    Secrets are not resolved unless ``resolve_secrets`` is true (then from ``environ``, default
    ``os.environ``); resolve only what you need with :func:`mikronet.inventory.resolve_secrets`.
    ``extra`` maps file paths to YAML text read in place of (or beside) the files on disk, to check
    a file before it is written. Raises :class:`~mikronet.errors.InventoryError` (exit status 2)
    naming file, line and field.
    """
    root = Path(path)
    files = inventory_files(root)
    virtual = {p.resolve(): text for p, text in (extra or {}).items()}
    on_disk = {p.resolve() for p in files}
    files += sorted(p for p in (extra or {}) if p.resolve() not in on_disk)
    problems = _Collector()
    documents = _read(files, problems, virtual)
    problems.raise_if_any()

    defaults: list[_Piece] = []
    default_keys: dict[tuple[str, ...], Origin] = {}
    groups: dict[str, tuple[_Piece, Group]] = {}
    known_hosts: Path | None = None
    known_hosts_origin: Origin | None = None
    school_pieces: list[tuple[_Piece, Any]] = []

    for doc, model in documents:
        if model.defaults is not None:
            piece = _Piece("defaults", model.defaults, doc, ("defaults",))
            for key in _set_keys(model.defaults):
                first = default_keys.get(key)
                if first is not None:
                    problems.add(
                        doc, ("defaults", *key), f"already set in {first.where}; set each default once"
                    )
                else:
                    default_keys[key] = piece.origin(*key)
            defaults.append(piece)
        for name, group in model.groups.items():
            piece = _Piece(f"group:{name}", group, doc, ("groups", name))
            if name in groups:
                problems.add(
                    doc,
                    ("groups", name),
                    f"group {name!r} already defined in {groups[name][0].origin().where}",
                )
                continue
            line = doc.line_of(("groups", name))
            groups[name] = (
                piece,
                Group(name, group.description, MappingProxyType(dict(group.vars)), str(doc.file), line),
            )
        if model.known_hosts is not None:
            if known_hosts_origin is not None:
                problems.add(doc, ("known_hosts",), f"already set in {known_hosts_origin.where}")
            known_hosts = doc.file.parent / model.known_hosts
            known_hosts_origin = Origin("file", str(doc.file), doc.line_of(("known_hosts",)))
        for index, school in enumerate(model.schools):
            school_pieces.append((_Piece("school", school, doc, ("schools", index)), school))

    if not school_pieces and not problems.items:
        raise InventoryError("the inventory is empty: it defines no schools", file=root)

    schools, routers = _resolve_all(defaults, groups, school_pieces, problems)
    problems.raise_if_any()
    if known_hosts is None:
        known_hosts = (root if root.is_dir() else root.parent) / "known_hosts"
    inventory = Inventory(
        path=root,
        files=tuple(files),
        schools=tuple(schools),
        routers=tuple(routers),
        groups=MappingProxyType({name: group for name, (_, group) in groups.items()}),
        known_hosts=known_hosts,
    )
    log.debug(
        "loaded inventory %s: %d schools, %d routers from %d files",
        root,
        len(inventory.schools),
        len(inventory.routers),
        len(files),
    )
    if resolve_secrets:
        from mikronet.inventory.secrets import resolve_secrets as resolve

        inventory = inventory.with_routers(resolve(inventory.routers, environ))
    return inventory


def _set_keys(settings: Any) -> Iterator[tuple[str, ...]]:
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


def _resolve_all(
    defaults: list[_Piece],
    groups: dict[str, tuple[_Piece, Group]],
    school_pieces: list[tuple[_Piece, Any]],
    problems: _Collector,
) -> tuple[list[School], list[Router]]:
    schools: list[School] = []
    routers: list[Router] = []
    seen_schools: dict[str, Origin] = {}
    seen_addresses: dict[tuple[str, int], tuple[str, Origin]] = {}
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
        layers: list[_Piece] = list(defaults)
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
        router_ids: list[str] = []
        school = School(
            id=school_in.id,
            name=school_in.name,
            municipality=school_in.municipality,
            municipality_before_2021=school_in.municipality_before_2021,
            groups=tuple(school_in.groups),
            connection=SchoolConnection(
                type=school_in.connection.type,
                monthly_fee_eur=school_in.connection.monthly_fee_eur,
                contracted_mbps=school_in.connection.contracted_mbps,
            ),
            vars=MappingProxyType(dict(school_in.vars)),
            routers=(),
            file=str(doc.file),
            line=doc.line_of(base),
        )
        built: list[Router] = []
        for r_index, router_in in enumerate(school_in.routers):
            r_piece = _Piece("router", router_in, doc, (*base, "routers", r_index))
            router_id = f"{school_in.id}/{router_in.name}"
            if router_id in router_ids:
                problems.add(
                    doc, (*r_piece.base, "name"), f"duplicate router id {router_id!r} in this school"
                )
                continue
            router_ids.append(router_id)
            router = _resolve_router(router_id, router_in, school, [*layers, r_piece], problems)
            if router is None:
                continue
            address = (router.host, router.port)
            if address in seen_addresses:
                other, where = seen_addresses[address]
                problems.add(
                    doc,
                    (*r_piece.base, "host"),
                    f"{router.host} port {router.port} is already router {other!r} ({where.where})",
                )
            else:
                seen_addresses[address] = (router_id, r_piece.origin("host"))
            built.append(router)
        school = dataclasses.replace(school, routers=tuple(router_ids))
        schools.append(school)
        routers.extend(dataclasses.replace(router, school=school) for router in built)
    return schools, routers


def _resolve_router(
    router_id: str, router_in: Any, school: School, layers: list[_Piece], problems: _Collector
) -> Router | None:
    settings: dict[str, Any] = {"transport": "api", "encoding": "utf-8"}
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
        for var, value in model.vars.items():
            variables[var] = value
            provenance[var] = piece.origin("vars", var)
    last = layers[-1]
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
        vars=MappingProxyType(variables),
        provenance=MappingProxyType(provenance),
        origins=MappingProxyType(origins),
        file=str(last.doc.file),
        line=last.doc.line_of(last.base),
    )
