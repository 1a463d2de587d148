"""Loading an inventory: one YAML file, or a folder of them that merge.

The steps are explicit: find the files → load the inventory's own hardware file, if one declares
it (``hardware:``), into the model lookup → read each file with line numbers → validate each against
the schema → merge (``defaults`` keys, ``groups``, ``contracts`` and ``windows`` entries, and
``programme``, ``known_hosts``, ``templates``, ``hardware`` and ``backups`` may each be set in one file
only;
``schools`` concatenate) → resolve every school and router through ``defaults → groups → school →
router`` → check what spans files (duplicate ids, addresses and serials, overlapping school networks). Every
problem found is reported with its file, line and field; nothing is returned unless there are none.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mikronet.errors import InventoryError
from mikronet.inventory.checks import overlap_problems
from mikronet.inventory.hardware_file import load_local_hardware
from mikronet.inventory.model import BackupSettings, Group, Inventory, Origin
from mikronet.inventory.programme import MunicipalityContract, Programme
from mikronet.inventory.resolve import Collector, Piece, make_piece, resolve_all, set_keys
from mikronet.inventory.source import Located, Problem, read_text_file, read_yaml
from mikronet.inventory.windows import MaintenanceWindow

__all__ = ["inventory_files", "inventory_problems", "load_inventory"]

log = logging.getLogger(__name__)

_SUFFIXES = (".yaml", ".yml")
_SCP_LIKE = re.compile(r"^(?:[^@/:]+@)?[^/:]+:(?!//)")  # git's host:path (user@host:repo.git)
NOT_INVENTORY = frozenset({"users.yaml"})
"""Files at the top of an inventory folder that sit beside the inventory but are not part of it
(``users.yaml``: the web dashboard's users, see :mod:`mikronet.web.users`)."""


def inventory_files(path: Path) -> list[Path]:
    """The YAML files that make up the inventory at ``path`` (a file, or a folder searched recursively).

    Files and folders whose names start with ``.`` or ``_`` are skipped, and so are the files of
    :data:`NOT_INVENTORY` at the top of the folder.
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
        and not (p.parent == path and p.name in NOT_INVENTORY)
    )
    if not files:
        raise InventoryError("the inventory is empty: no *.yaml files in this folder", file=path)
    return files


def _validated(located: Located, problems: Collector) -> list[tuple[Located, Any]]:
    from mikronet.inventory.schema import validate_located

    model, found = validate_located(located)
    problems.items.extend(found)
    return [(located, model)] if model is not None else []


def _read(files: list[Path], problems: Collector, extra: Mapping[Path, str]) -> list[tuple[Located, Any]]:
    documents = []
    for file in files:
        try:
            resolved = file.resolve()
            text = extra[resolved] if resolved in extra else read_text_file(file)
            located = read_yaml(text, file)
        except InventoryError as exc:
            problems.items.append(Problem(exc.file, exc.line, exc.field, exc.message))
            continue
        except OSError as exc:
            problems.add(None, (), f"cannot read: {exc.strerror or exc}", file=file)
            continue
        documents += _validated(located, problems)
    return documents


class _Merge:
    """What the documents say, merged; a key set twice is a problem naming both places."""

    def __init__(self, problems: Collector) -> None:
        self.problems = problems
        self.defaults: list[Piece] = []
        self.default_keys: dict[tuple[str, ...], Origin] = {}
        self.groups: dict[str, tuple[Piece, Group]] = {}
        self.schools: list[tuple[Piece, Any]] = []
        self.once: dict[str, tuple[Located, Any]] = {}  # known_hosts, templates, programme, backups
        self.contracts: dict[str, tuple[Located, Any]] = {}
        self.windows: dict[str, tuple[Located, Any]] = {}

    def add(self, doc: Located, model: Any) -> None:
        problems = self.problems
        if model.defaults is not None:
            piece = make_piece("defaults", model.defaults, doc, ("defaults",), problems)
            for key in set_keys(model.defaults):
                first = self.default_keys.get(key)
                if first is not None:
                    problems.add(doc, ("defaults", *key), f"already set in {first.where}; set each default once")
                else:
                    self.default_keys[key] = piece.origin(*key)
            self.defaults.append(piece)
        for name, group in model.groups.items():
            if name in self.groups:
                where = self.groups[name][0].origin().where
                problems.add(doc, ("groups", name), f"group {name!r} already defined in {where}")
                continue
            piece = make_piece(f"group:{name}", group, doc, ("groups", name), problems)
            vars_ = MappingProxyType(dict(piece.vars))
            line = doc.line_of(("groups", name))
            self.groups[name] = (piece, Group(name, group.description, vars_, str(doc.file), line))
        for once in ("known_hosts", "templates", "programme", "backups"):
            if getattr(model, once) is not None:
                self._once(once, doc, model)
        for section, target in (("contracts", self.contracts), ("windows", self.windows)):
            for name, value in getattr(model, section).items():
                if name in target:
                    earlier = target[name][0]
                    where = f"{earlier.file}:{earlier.line_of((section, name))}"
                    problems.add(doc, (section, name), f"{name!r} already set in {where}")
                else:
                    target[name] = (doc, value)
        for index, school in enumerate(model.schools):
            self.schools.append((make_piece("school", school, doc, ("schools", index), self.problems), school))

    def _once(self, key: str, doc: Located, model: Any) -> None:
        if key in self.once:
            first = self.once[key][0]
            self.problems.add(doc, (key,), f"already set in {first.file}:{first.line_of((key,))}")
        else:
            self.once[key] = (doc, getattr(model, key))

    def programme(self) -> Programme:
        from mikronet.inventory.sections import programme_value

        if "programme" not in self.once:
            return Programme()
        doc, section = self.once["programme"]
        return programme_value(section, doc, self.problems.add)

    def contracts_value(self) -> Mapping[str, MunicipalityContract]:
        from mikronet.inventory.sections import contract_value

        return MappingProxyType(
            {name: contract_value(name, value, doc, self.problems.add) for name, (doc, value) in self.contracts.items()}
        )

    def windows_value(self) -> Mapping[str, MaintenanceWindow]:
        from mikronet.inventory.sections import window_value

        default = self.windows.get("default", (None, None))[1]
        result = {}
        for name, (doc, value) in self.windows.items():
            if name != "default" and name not in self.groups:
                known = ", ".join(sorted(self.groups)) or "none"
                self.problems.add(doc, ("windows", name), f"no group {name!r} (groups: {known}; or 'default')")
            result[name] = window_value(name, value, None if name == "default" else default, doc, self.problems.add)
        return MappingProxyType(result)

    def backups(self) -> BackupSettings:
        if "backups" not in self.once:
            return BackupSettings()
        doc, section = self.once["backups"]
        remote = str(section.remote)
        if "://" not in remote and not _SCP_LIKE.match(remote):  # a folder: from the file's own folder
            remote = os.path.normpath(doc.file.parent / os.path.expanduser(remote))
        return BackupSettings(remote, str(doc.file), doc.line_of(("backups", "remote")))

    def path(self, key: str) -> Path | None:
        if key not in self.once:
            return None
        doc, value = self.once[key]
        return Path(os.path.normpath(doc.file.parent / str(value)))


def load_inventory(
    path: Path | str,
    *,
    environ: Mapping[str, str] | None = None,
    resolve_secrets: bool = False,
    extra: Mapping[Path, str] | None = None,
    documents: Sequence[Located] = (),
    exclude: Sequence[Path] = (),
) -> Inventory:
    """Load and validate the inventory at ``path`` (a YAML file or a folder of them).

    Secrets are not resolved unless ``resolve_secrets`` is true (then from ``environ``, default
    ``os.environ``); resolve only what you need with :func:`mikronet.inventory.resolve_secrets`.
    ``extra`` maps file paths to YAML text read in place of (or beside) the files on disk, and
    ``documents`` adds documents read elsewhere (an imported spreadsheet, whose "lines" are its
    rows), to check them against the inventory before anything is written; ``exclude`` leaves
    files out (one that is about to be replaced). Raises :class:`~mikronet.errors.InventoryError`
    (exit status 2) naming file, line and field.
    """
    root = Path(path)
    problems = Collector()
    inventory = _load(root, problems, extra or {}, documents, exclude)
    problems.raise_if_any()
    assert inventory is not None
    if resolve_secrets:
        from mikronet.inventory.secrets import resolve_secrets as resolve

        inventory = inventory.with_routers(resolve(inventory.routers, environ))
    return inventory


def inventory_problems(
    path: Path | str,
    *,
    extra: Mapping[Path, str] | None = None,
    documents: Sequence[Located] = (),
    exclude: Sequence[Path] = (),
) -> list[Problem]:
    """Every problem loading the inventory would report (with ``extra``/``documents`` added, ``exclude``
    left out), as values; empty when it loads. For checking an import before anything is written."""
    problems = Collector()
    _load(Path(path), problems, extra or {}, documents, exclude)
    return problems.items


def _load(
    root: Path,
    problems: Collector,
    extra: Mapping[Path, str],
    documents: Sequence[Located],
    exclude: Sequence[Path],
) -> Inventory | None:
    skip = {p.resolve() for p in exclude}
    files = [f for f in inventory_files(root) if f.resolve() not in skip]
    virtual = {p.resolve(): text for p, text in extra.items()}
    on_disk = {p.resolve() for p in files}
    files += sorted(p for p in extra if p.resolve() not in on_disk)
    texts = dict(virtual)
    for file in files:
        if file.resolve() not in texts:
            try:
                texts[file.resolve()] = read_text_file(file)
            except (InventoryError, OSError):
                continue  # _read reports it
    local = load_local_hardware(files, texts, problems)
    files = [f for f in files if f.resolve() not in local]
    read = _read(files, problems, texts)
    for located in documents:
        read += _validated(located, problems)
    if problems.items:
        return None
    merged = _Merge(problems)
    for doc, model in read:
        merged.add(doc, model)
    if not merged.schools and not problems.items:
        raise InventoryError("the inventory is empty: it defines no schools", file=root)
    schools, routers = resolve_all(merged.defaults, merged.groups, merged.schools, problems)
    problems.items.extend(overlap_problems(routers))
    programme, contracts, windows = merged.programme(), merged.contracts_value(), merged.windows_value()
    if problems.items:
        return None
    inventory = Inventory(
        path=root,
        files=tuple([*files, *(d.file for d in documents)]),
        schools=tuple(schools),
        routers=tuple(routers),
        groups=MappingProxyType({name: group for name, (_, group) in merged.groups.items()}),
        known_hosts=merged.path("known_hosts") or (root if root.is_dir() else root.parent) / "known_hosts",
        programme=programme,
        contracts=contracts,
        windows=windows,
        templates=merged.path("templates"),
        backups=merged.backups(),
    )
    log.debug(
        "loaded inventory %s: %d schools, %d routers from %d files",
        root,
        len(inventory.schools),
        len(inventory.routers),
        len(files),
    )
    return inventory
