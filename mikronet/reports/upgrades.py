"""The upgrade audit: the evidence that a campaign was done.

Per upgrade event: the router, versions and firmware before and after, when, by whom, the hash of
the backup taken first, and the outcome. Routers that did not end the campaign upgraded, with the
reason. The fleet's RouterOS versions — from the newest facts run where the router answered, else
the inventory's ``routeros`` — and their compliance with target versions per channel and model: a
router complies when it runs the target or a newer version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from mikronet.errors import InputError
from mikronet.hardware import canonical_model
from mikronet.reports.common import EventLike, local_day
from mikronet.reports.facts import FactsRun
from mikronet.reports.progress import percent
from mikronet.routeros import parse_version

__all__ = [
    "ComplianceRow",
    "Exclusion",
    "RouterVersion",
    "Target",
    "UpgradeReport",
    "UpgradeRow",
    "VersionCount",
    "build_upgrades",
    "campaign_targets",
    "parse_target",
]

UPGRADE_KINDS = ("routeros-upgrade", "firmware-upgrade")
_VERSION = re.compile(r"^\d+(\.\d+){1,3}((beta|rc)\d+)?$")


def _same_model(a: str, b: str) -> bool:
    return a == b or (canonical_model(a) or a) == (canonical_model(b) or b)


@dataclass(frozen=True)
class Target:
    """A target version for routers on ``channel`` and of ``model`` (``None``: any)."""

    version: str
    channel: str | None = None
    model: str | None = None

    def matches(self, channel: str | None, model: str | None) -> bool:
        """Whether a router on ``channel`` of ``model`` is in scope; a model in any spelling (``hAP lite``,
        ``RouterBOARD 941-2nD`` as an older unit prints it, ``RB941-2nD``) is the same model."""
        if self.channel is not None and self.channel != channel:
            return False
        return self.model is None or (model is not None and _same_model(self.model, model))

    @property
    def specificity(self) -> int:
        return (2 if self.model is not None else 0) + (1 if self.channel is not None else 0)

    def __str__(self) -> str:
        scope = "/".join(part or "*" for part in (self.channel, self.model)) if self.specificity else ""
        return f"{scope}={self.version}" if scope else self.version


def parse_target(text: str) -> Target:
    """``7.16.2`` (every router), ``stable=7.16.2`` (a channel), ``long-term/RB750Gr3=6.49.18`` or
    ``*/RB750Gr3=7.16.2`` (a model on a channel, or on any)."""
    scope, sep, version = text.strip().rpartition("=")
    version = version.strip()
    if not _VERSION.match(version):
        raise InputError(f"--target {text!r}: {version!r} is not a RouterOS version (e.g. 7.16.2)")
    if not sep:
        return Target(version)
    channel, _, model = scope.partition("/")
    channel, model = channel.strip(), model.strip()
    if not channel:
        raise InputError(f"--target {text!r}: name a channel (stable, long-term, testing) or '*' before '='")
    return Target(version, None if channel == "*" else channel, None if model in ("", "*") else model)


@dataclass(frozen=True)
class UpgradeRow:
    time: datetime
    router: str | None
    school: str
    kind: str
    campaign: str | None
    channel: str | None
    model: str | None
    technician: str
    from_version: str | None
    to_version: str | None
    from_firmware: str | None
    to_firmware: str | None
    backup_sha256: str | None
    outcome: str
    cause: str | None


@dataclass(frozen=True)
class Exclusion:
    """A router that did not end the campaign upgraded. ``reason``: ``failed``, ``reverted``,
    ``interrupted`` (its last attempt), ``on-target`` (nothing to do) or ``not-attempted``."""

    router: str
    school: str
    model: str
    reason: str
    detail: str | None


@dataclass(frozen=True)
class RouterVersion:
    router: str
    school: str
    model: str
    channel: str | None
    version: str | None
    source: str
    """``facts`` (the newest facts run), ``inventory`` or ``unknown``."""
    target: str | None
    status: str
    """``on-target``, ``newer``, ``behind``, ``unknown`` (no version) or ``no-target``."""


@dataclass(frozen=True)
class VersionCount:
    version: str
    routers: int


@dataclass(frozen=True)
class ComplianceRow:
    channel: str | None
    model: str
    target: str
    routers: int
    compliant: int
    percent: Decimal | None


@dataclass(frozen=True)
class UpgradeReport:
    generated: datetime
    campaign: str | None
    since: date | None
    facts_run: str | None
    targets: tuple[str, ...]
    upgrades: tuple[UpgradeRow, ...]
    completed: int
    failed: int
    exclusions: tuple[Exclusion, ...]
    distribution: tuple[VersionCount, ...]
    routers: tuple[RouterVersion, ...]
    compliance: tuple[ComplianceRow, ...]
    compliant: int
    with_target: int
    percent_compliant: Decimal | None
    mismatches: tuple[tuple[str, str, str, str], ...] = ()
    """(router, field, inventory value, device value): devices the facts run found to be other than the
    inventory says (status ``mismatch``)."""


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _row(event: EventLike) -> UpgradeRow:
    d = event.details
    return UpgradeRow(
        time=event.time, router=event.router, school=event.school, kind=event.kind,
        campaign=_text(d.get("campaign")), channel=_text(d.get("channel")), model=_text(d.get("model")),
        technician=event.technician, from_version=_text(d.get("from_version")),
        to_version=_text(d.get("to_version")), from_firmware=_text(d.get("from_firmware")),
        to_firmware=_text(d.get("to_firmware")), backup_sha256=_text(d.get("backup_sha256")),
        outcome=event.outcome, cause=_text(d.get("cause")),
    )


def _compare(version: str | None, target: str) -> str:
    if version is None:
        return "unknown"
    try:
        have, want = parse_version(version), parse_version(target)
    except (ValueError, TypeError):
        return "unknown"
    return "on-target" if have == want else ("newer" if have > want else "behind")


def _target_for(targets: Sequence[Target], channel: str | None, model: str) -> Target | None:
    fitting = [t for t in targets if t.matches(channel, model)]
    return max(fitting, key=lambda t: t.specificity) if fitting else None


def campaign_targets(events: Iterable[EventLike], campaign: str | None = None) -> list[Target]:
    """The target of the newest upgrade campaign (or of ``campaign``), as the upgrades recorded it:
    the report's compliance target when none is given."""
    chosen = [e for e in events if e.kind in UPGRADE_KINDS and e.details.get("target")
              and (campaign is None or str(e.details.get("campaign")) == campaign)]
    if not chosen:
        return []
    target = str(max(chosen, key=lambda e: e.time).details["target"])
    return [Target(target)] if _VERSION.match(target) else []


def build_upgrades(
    inventory: Any,
    events: Iterable[EventLike],
    *,
    facts: FactsRun | None = None,
    campaign: str | None = None,
    since: date | None = None,
    targets: Sequence[Target] = (),
    now: datetime | None = None,
) -> UpgradeReport:
    """The audit of upgrade events (of one ``campaign``, from ``since`` on) and the fleet's versions."""
    chosen = sorted(
        (e for e in events if e.kind in UPGRADE_KINDS
         and (campaign is None or str(e.details.get("campaign")) == campaign)
         and (since is None or local_day(e.time) >= since)),
        key=lambda e: e.time,
    )
    upgrades = tuple(_row(e) for e in chosen)
    last: dict[str, UpgradeRow] = {}
    upgraded: set[str] = set()
    channel_seen: dict[str, str] = {}
    for row in upgrades:
        if row.router is None:
            continue
        last[row.router] = row
        if row.outcome == "completed" and row.kind == "routeros-upgrade":
            upgraded.add(row.router)
        if row.channel:
            channel_seen[row.router] = row.channel

    known: Mapping[str, Mapping[str, Any]] = facts.facts if facts is not None else {}
    routers = []
    for router in inventory.routers:
        got = known.get(router.id)
        version = _text(got.get("version")) if got else None
        source = "facts" if version else ("inventory" if router.routeros else "unknown")
        version = version or router.routeros
        channel = (_text(got.get("channel")) if got else None) or channel_seen.get(router.id)
        model = (_text(got.get("model")) if got else None) or router.model
        target = _target_for(targets, channel, model)
        status = "no-target" if target is None else _compare(version, target.version)
        routers.append(RouterVersion(router.id, router.school.id, model, channel, version, source,
                                     target.version if target else None, status))

    exclusions = []
    for rv in routers:
        if rv.router in upgraded:
            continue
        tried = last.get(rv.router)
        if tried is not None and tried.outcome != "completed":
            exclusions.append(Exclusion(rv.router, rv.school, rv.model, tried.outcome, tried.cause))
        elif rv.status in ("on-target", "newer"):
            exclusions.append(Exclusion(rv.router, rv.school, rv.model, "on-target", rv.version))
        else:
            exclusions.append(Exclusion(rv.router, rv.school, rv.model, "not-attempted", None))

    counts: dict[str, int] = {}
    for rv in routers:
        key = rv.version or "?"
        counts[key] = counts.get(key, 0) + 1

    def version_key(text: str) -> tuple[int, Any]:
        try:
            return (0, parse_version(text))
        except (ValueError, TypeError):
            return (1, text)

    distribution = tuple(VersionCount(v, counts[v]) for v in sorted(counts, key=version_key, reverse=True))
    groups: dict[tuple[str | None, str, str], list[RouterVersion]] = {}
    for rv in routers:
        if rv.target is not None:
            groups.setdefault((rv.channel, rv.model, rv.target), []).append(rv)
    compliance = tuple(
        ComplianceRow(channel, model, target, len(members), ok, percent(ok, len(members)))
        for (channel, model, target), members in sorted(groups.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
        for ok in [sum(1 for m in members if m.status in ("on-target", "newer"))]
    )
    with_target = sum(len(m) for m in groups.values())
    compliant = sum(row.compliant for row in compliance)
    return UpgradeReport(
        generated=now or datetime.now(UTC), campaign=campaign, since=since,
        facts_run=facts.name if facts is not None else None, targets=tuple(str(t) for t in targets),
        upgrades=upgrades,
        completed=sum(1 for r in upgrades if r.outcome == "completed"),
        failed=sum(1 for r in upgrades if r.outcome != "completed"),
        exclusions=tuple(exclusions), distribution=distribution, routers=tuple(routers),
        compliance=compliance, compliant=compliant, with_target=with_target,
        percent_compliant=percent(compliant, with_target),
        mismatches=tuple(
            (router_id, key, str(values.get("inventory")), str(values.get("device")))
            for router_id, differs in sorted((facts.mismatches if facts is not None else {}).items())
            for key, values in sorted(differs.items()) if isinstance(values, Mapping)
        ),
    )
