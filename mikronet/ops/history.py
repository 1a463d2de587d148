"""A router's history: the ledger's events and the backup history's commits, newest first.

Each backup commit comes with what it changed (the added and removed export lines, Latvian letters
shown as letters rather than RouterOS's ``\\C4\\A3`` escapes); each ledger event with who, what kind,
its outcome and a line of its details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mikronet.ops.backup import BackupStore
from mikronet.runner.results import readable

__all__ = ["Entry", "router_history"]


@dataclass(frozen=True)
class Entry:
    time: datetime
    who: str
    source: str            # "ledger" or "backups"
    what: str              # the event's kind and outcome, or the commit's subject
    detail: str = ""
    changes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {"time": self.time.isoformat(timespec="seconds"), "who": self.who, "source": self.source,
                "what": self.what, "detail": self.detail, "changes": list(self.changes)}


def _changed_lines(patch: str) -> tuple[str, ...]:
    """The added and removed statements of a unified diff of two exports, without its headers and the
    export's date line; an export's wrapped lines (``\\`` at the end, four spaces on the next) are
    joined first, so an escape cut in two reads as its letter."""
    out: list[str] = []
    pending = ""
    for line in patch.splitlines():
        if line[:1] not in "+-" or line.startswith(("+++", "---")):
            pending = ""
            continue
        body = line[1:]
        if pending:
            body = pending + body.lstrip()
            pending = ""
        if body.endswith("\\") and not body.endswith("\\\\"):
            pending = body[:-1]
            continue
        if not body.startswith("# "):
            out.append(readable(line[0] + body))
    return tuple(out)


def _summary(kind: str, details: dict[str, Any]) -> str:
    if kind in ("routeros-upgrade", "firmware-upgrade"):
        return (f"{details.get('from_version')} → {details.get('to_version')}, firmware "
                f"{details.get('from_firmware')} → {details.get('to_firmware')}")
    if kind == "swap":
        return f"serial {details.get('old_serial')} → {details.get('new_serial')}"
    if kind == "measure":
        return f"down {details.get('down_mbps')} Mbps, up {details.get('up_mbps')} Mbps"
    if kind in ("push", "restore"):
        return f"{details.get('changes', 0)} change(s)" + (f" from {details['restored']}" if details.get(
            "restored") else "")
    return str(details.get("note") or details.get("cause") or "")


def router_history(router_id: str, *, backups: BackupStore, ledger: Any = None,
                   with_changes: bool = True) -> list[Entry]:
    """Every ledger event and backup commit of ``router_id``, newest first."""
    entries = []
    if ledger is not None:
        for event in ledger.events(router=router_id):
            what = f"{event.kind} {event.outcome}"
            entries.append(Entry(event.time, event.technician, "ledger", what,
                                 _summary(event.kind, dict(event.details))))
    for commit in backups.commits(router_id):
        changes = _changed_lines(backups.diff(router_id, commit.revision)) if with_changes else ()
        when = datetime.fromisoformat(commit.time).astimezone(UTC)
        entries.append(Entry(when, commit.author, "backups", commit.subject.split(": ", 1)[-1],
                             commit.revision[:10], changes))
    return sorted(entries, key=lambda e: e.time, reverse=True)
