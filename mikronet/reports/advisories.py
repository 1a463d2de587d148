"""Known RouterOS security advisories (``mikronet/data/advisories.yaml``) and which versions they hit.

The data file is the single place these facts live; every entry states its source and date. A
version is affected when it lies in any of an advisory's ranges: from ``introduced`` (inclusive) to
``fixed`` (exclusive) or ``last_affected`` (inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mikronet.errors import InputError
from mikronet.routeros import parse_version

__all__ = ["ADVISORIES_FILE", "Advisory", "VersionRange", "load_advisories"]

ADVISORIES_FILE = Path(__file__).resolve().parent.parent / "data" / "advisories.yaml"


@dataclass(frozen=True)
class VersionRange:
    introduced: str
    fixed: str | None = None
    last_affected: str | None = None

    def contains(self, version: str) -> bool:
        have = parse_version(version)
        if have < parse_version(self.introduced):
            return False
        if self.fixed is not None:
            return bool(have < parse_version(self.fixed))
        if self.last_affected is not None:
            return bool(have <= parse_version(self.last_affected))
        return True


@dataclass(frozen=True)
class Advisory:
    id: str
    title: str
    severity: str
    published: date
    source: str
    affected: tuple[VersionRange, ...]

    def affects(self, version: str | None) -> bool:
        """Whether ``version`` is in an affected range (an unreadable or missing version is not)."""
        if not version:
            return False
        try:
            return any(r.contains(version) for r in self.affected)
        except (ValueError, TypeError):
            return False


def _field(entry: dict[str, Any], key: str, path: Path, index: int) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise InputError(f"{path}: advisory #{index + 1} ({entry.get('id', '?')}): field {key!r} is missing")
    return entry[key]


def load_advisories(path: Path | None = None) -> tuple[Advisory, ...]:
    """Read the advisories file (default: the one shipped in the package)."""
    import yaml

    path = path or ADVISORIES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the advisories: {exc}") from exc
    out = []
    for index, entry in enumerate(data.get("advisories") or []):
        ranges = []
        for spec in _field(entry, "affected", path, index):
            try:
                found = VersionRange(str(spec["introduced"]), _opt(spec.get("fixed")), _opt(spec.get("last_affected")))
                found.contains(found.introduced)
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(f"{path}: advisory {entry.get('id')}: bad range {spec!r}") from exc
            ranges.append(found)
        published = _field(entry, "published", path, index)
        out.append(Advisory(
            id=str(_field(entry, "id", path, index)), title=str(_field(entry, "title", path, index)),
            severity=str(_field(entry, "severity", path, index)),
            published=published if isinstance(published, date) else date.fromisoformat(str(published)),
            source=str(_field(entry, "source", path, index)), affected=tuple(ranges),
        ))
    return tuple(out)


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)
