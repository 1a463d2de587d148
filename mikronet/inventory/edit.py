"""Changing the inventory from code: a router's fields (a swap's new serial, an upgrade's version)
and a new router (an added device), written into the YAML file that declares the school.

The file is rewritten round-trip (:mod:`ruamel.yaml`): comments, key order, quoting and
indentation stay as the person left them, and only the changed lines change. Every edit is checked
before it is written: the whole inventory is validated with the new text in place of the file,
so a bad value is an :class:`~mikronet.errors.InventoryError` naming the file, line and field
and the file on disk is untouched. The file is replaced atomically, and edits of one file are
serialised (a lock across threads and processes), so concurrent workflows never lose an update.

    path = update_router(inventory, "LV-0042/gw", serial="HE108XYZ123", model="RB5009UG+S+")
    path = add_router(inventory, "LV-0042", name="ap2", host="10.1.12.4", model="hAP ac²")
"""

from __future__ import annotations

import fcntl
import io
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mikronet.errors import InventoryError
from mikronet.files import write_atomic
from mikronet.inventory.model import Inventory, School

__all__ = ["ROUTER_FIELDS", "add_plan", "add_router", "update_router"]

ROUTER_FIELDS = (
    "host",
    "model",
    "serial",
    "routeros",
    "tls_fingerprint",
    "transport",
    "username",
    "password",
    "template",
    "encoding",
    "ca_file",
    "restart_s",
    "ports",
    "vars",
)
"""The keys a router entry may have besides ``name``."""

_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One editor of ``path`` at a time: a thread lock here, and for other processes an advisory lock
    on the folder that holds it (the file itself is replaced by each edit, so it cannot hold one;
    a lock file would litter the inventory)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(path.resolve(), threading.Lock())
    with lock:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            fcntl.flock(folder, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(folder, fcntl.LOCK_UN)
            os.close(folder)


_STYLES = ((2, 2, 0), (2, 4, 2), (4, 4, 0), (4, 4, 2), (4, 6, 2), (3, 3, 0), (4, 6, 4))
"""(mapping indent, sequence indent, dash offset) of the YAML styles people and tools write."""


def _yaml(style: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, sequence, offset = style
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: Any, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _style_of(text: str) -> tuple[int, int, int]:
    """The indentation that writes ``text`` back unchanged (else the one that changes fewest lines):
    ruamel cannot tell a file's mapping indent from its sequence indent by itself."""
    import difflib

    best, best_changed = _STYLES[0], None
    for style in _STYLES:
        yaml = _yaml(style)
        again = _dump(yaml, yaml.load(text))
        if again == text:
            return style
        changed = sum(1 for _ in difflib.unified_diff(text.splitlines(), again.splitlines(), n=0))
        if best_changed is None or changed < best_changed:
            best, best_changed = style, changed
    return best


def _check_fields(fields: Mapping[str, Any], where: str) -> dict[str, Any]:
    from mikronet.hardware import canonical_model

    unknown = [k for k in fields if k not in ROUTER_FIELDS]
    if unknown:
        import difflib

        hints = []
        for key in unknown:
            close = difflib.get_close_matches(key, ROUTER_FIELDS, n=1, cutoff=0.6)
            hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise InventoryError(f"{where}: unknown router field {', '.join(hints)}; fields: {', '.join(ROUTER_FIELDS)}")
    values = dict(fields)
    if isinstance(values.get("model"), str):
        values["model"] = canonical_model(values["model"]) or values["model"]
    return values


def _school_entry(data: Any, school_id: str, file: Path) -> Any:
    schools = data.get("schools") if hasattr(data, "get") else None
    for entry in schools or []:
        if hasattr(entry, "get") and str(entry.get("id")) == school_id:
            return entry
    raise InventoryError(f"school {school_id!r} is not declared in this file", file=file)


def _write(inventory: Inventory, file: Path, text: str) -> None:
    """Validate the inventory with ``text`` as ``file``; then replace the file atomically."""
    from mikronet.inventory.loader import inventory_problems

    problems = inventory_problems(inventory.path, extra={file: text})
    if problems:
        first, rest = problems[0], problems[1:]
        more = "".join(f"\n{p}" for p in rest)
        raise InventoryError(
            f"the edit was not written: {first.message}{more}", file=first.file, line=first.line, field=first.field
        )
    write_atomic(file, text, mode=file.stat().st_mode & 0o777)


def _edit(inventory: Inventory, file: Path, change: Any) -> Path:
    with _locked(file):
        text = file.read_text(encoding="utf-8")
        yaml = _yaml(_style_of(text))
        data = yaml.load(text)
        change(data)
        _write(inventory, file, _dump(yaml, data))
    return file


def update_router(inventory: Inventory, router_id: str, **fields: Any) -> Path:
    """Set fields of an existing router in the file that declares it; a value ``None`` removes the key.

    Returns the path written. Raises :class:`InventoryError` for an unknown router or field, or
    a value the inventory would refuse (with its file, line and field); nothing is written then.
    """
    try:
        router = inventory.router(router_id)
    except KeyError:
        raise InventoryError(f"no router {router_id!r} in {inventory.path}") from None
    values = _check_fields(fields, router_id)
    file = Path(router.file or "")

    def change(data: Any) -> None:
        school = _school_entry(data, router.school.id, file)
        entry = next((r for r in school.get("routers") or [] if str(r.get("name")) == router.name), None)
        if entry is None:
            raise InventoryError(f"router {router_id!r} is not declared in this file", file=file)
        for key, value in values.items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value

    return _edit(inventory, file, change)


def _school(inventory: Inventory, school_id: str) -> School:
    try:
        return inventory.school(school_id)
    except KeyError:
        raise InventoryError(f"no school {school_id!r} in {inventory.path}") from None


def add_router(inventory: Inventory, school_id: str, name: str, **fields: Any) -> Path:
    """Add a router named ``name`` to a school, in the file that declares the school.

    ``host`` and ``model`` are required (as in any router entry); the other fields are optional.
    Returns the path written; raises :class:`InventoryError` as :func:`update_router` does, and
    for a router name the school already has.
    """
    school = _school(inventory, school_id)
    if f"{school_id}/{name}" in school.routers:
        raise InventoryError(f"school {school_id} already has a router {name!r}", file=school.file, line=school.line)
    values = {k: v for k, v in _check_fields(fields, f"{school_id}/{name}").items() if v is not None}
    missing = [k for k in ("host", "model") if k not in values]
    if missing:
        raise InventoryError(f"{school_id}/{name}: a new router needs {' and '.join(missing)}")
    file = Path(school.file or "")

    def change(data: Any) -> None:
        entry = _school_entry(data, school_id, file)
        routers = entry.get("routers")
        if routers is None:
            from ruamel.yaml.comments import CommentedSeq

            routers = CommentedSeq()
            entry["routers"] = routers
        from ruamel.yaml.comments import CommentedMap

        new = CommentedMap()
        new["name"] = name
        for key in ROUTER_FIELDS:
            if key in values:
                new[key] = values[key]
        routers.append(new)

    return _edit(inventory, file, change)


def add_plan(inventory: Inventory, school_id: str, entries: Sequence[Mapping[str, Any]]) -> Path | None:
    """Append planned solutions (``{category, note, date?}``) to a school's ``plan:``, in the file that
    declares it; a category the school already plans is left as it is. Returns the path written, or
    ``None`` when nothing was new. Validated like every edit (an unknown category names the line)."""
    school = _school(inventory, school_id)
    have = {p.category for p in school.plan}
    new_entries = []
    for entry in entries:
        if entry["category"] not in have:
            have.add(entry["category"])
            new_entries.append(entry)
    if not new_entries:
        return None
    file = Path(school.file or "")

    def change(data: Any) -> None:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        found = _school_entry(data, school_id, file)
        plan = found.get("plan")
        if plan is None:
            plan = CommentedSeq()
            if "routers" in found:  # before the routers, where a reader looks for it
                found.insert(list(found.keys()).index("routers"), "plan", plan)
            else:
                found["plan"] = plan
        for entry in new_entries:
            item = CommentedMap()
            for key in ("category", "note", "date"):
                if entry.get(key) is not None:
                    item[key] = entry[key]
            item.fa.set_flow_style()
            plan.append(item)

    return _edit(inventory, file, change)
