"""Restore: a router brought back to a stored export through the same safe path as a push.

The export at a revision of the backup history (``--to REV``), or the newest one committed before a
moment (``--before DATE``), or by default the one taken before the router's last change, becomes the
desired configuration; every menu it has, and every menu the router has now, is owned whole, so
what was added since is removed and what was changed is set back. Then plan, backup, armed revert,
apply, verify: a restore that is interrupted leaves the router at the export it had before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mikronet.errors import InputError
from mikronet.ops.backup import BackupStore, Commit
from mikronet.ops.guard import OWN_NAMES
from mikronet.routeros import Config, Schema, Section, parse

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["RestorePoint", "choose_commit", "restore_config"]

# Menus an export does not describe (or that belong to the hardware and its keys), never owned here.
_LEFT_ALONE = ("/user", "/certificate", "/system routerboard", "/system license", "/file")


@dataclass(frozen=True)
class RestorePoint:
    commit: Commit
    export: str


def choose_commit(store: BackupStore, router: Router, *, to: str | None = None,
                  before: datetime | None = None) -> RestorePoint:
    """The stored export to restore; :class:`InputError` when there is none."""
    commits = store.commits(router.id)
    if not commits:
        raise InputError(f"{router.id}: no backup history in {store.root} (run `mikronet backup` or push first)")
    if to is not None:
        chosen = next((c for c in commits if c.revision.startswith(to)), None)
        if chosen is None:
            raise InputError(f"{router.id}: no commit {to!r} in its backup history")
    elif before is not None:
        chosen = next((c for c in commits if datetime.fromisoformat(c.time) < before), None)
        if chosen is None:
            raise InputError(f"{router.id}: nothing in its backup history is older than {before:%Y-%m-%d %H:%M}")
    else:
        chosen = next((c for c in commits if c.subject.endswith(": before push")), commits[-1])
    text = store.read(router.id, chosen.revision)
    if not text:
        raise InputError(f"{router.id}: commit {chosen.revision[:7]} holds no export of it")
    return RestorePoint(chosen, text)


def _without_own(section: Section) -> Section:
    """A section without mikronet's own lock and revert (an old backup may hold the lock)."""
    if not any(item.get("name") in OWN_NAMES for item in section.items):
        return section
    return Section(section.path, settings=section.settings,
                   items=tuple(i for i in section.items if i.get("name") not in OWN_NAMES))


def restore_config(point: RestorePoint, current: str, schema: Schema) -> Config:
    """The desired configuration: the stored export, owning every menu it or the router now has."""
    stored = parse(point.export, file=f"backup {point.commit.revision[:7]}", recover=True, schema=schema)
    now = parse(current, file="current export", recover=True, schema=schema)
    sections = {p: _without_own(s) for p, s in stored.sections.items() if not p.startswith(_LEFT_ALONE)}
    for path in now.sections:
        if path not in sections and not path.startswith(_LEFT_ALONE):
            sections[path] = Section(path)
    return Config(sections, header=stored.header, ownership=dict.fromkeys(sections, "own"))
