"""What a school needs: its findings, each with its evidence and the solution it calls for.

Pure: the inventory's facts (contracted speed, router models and versions), the ledger's ``measure``
events, the hardware table (:mod:`mikronet.hardware`) and the advisories file go in; values come out.
``mikronet assess`` records the result in the ledger (kind ``assessment``); the assessment report
reads those records.

The findings and the solution each calls for:

==========================  ==========================================================  =========================
code                        when                                                        solution
==========================  ==========================================================  =========================
``router-capacity``         a router's capacity (published routing throughput, else     equipment-replacement
                            its port speed) is below the contracted speed
``line``                    the line itself is slow: contracted (or, without a          medium/long term: the line
                            contract figure, measured) below :data:`SLOW_LINE_MBPS`
``underperforming``         the median measurement is below :data:`SHORTFALL` of the    consultation
                            contract although the router can carry it
``wifi-standard``           a router whose radios are older than 802.11ac on a line     additional-device
                            of :data:`WIFI_LINE_MBPS` or more
``routeros-unsupported``    a RouterOS line that no longer gets fixes (before 6.49)     technical-improvement
``advisory``                a published advisory affects the router's version           technical-improvement
==========================  ==========================================================  =========================
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mikronet.hardware import Model, model_info
from mikronet.reports.advisories import Advisory
from mikronet.reports.common import EventLike
from mikronet.routeros import parse_version

__all__ = [
    "LONG_TERM",
    "SHORTFALL",
    "SLOW_LINE_MBPS",
    "WIFI_LINE_MBPS",
    "Finding",
    "SchoolNeeds",
    "assess_school",
    "measured_median",
]

LONG_TERM = "line"
"""The "solution" of a finding no short-term solution can help: medium/long term, the line itself."""

SLOW_LINE_MBPS = 30
"""Below this a line is slow whatever the equipment: the EU's threshold for fast broadband (30 Mbit/s,
Digital Agenda for Europe); a 20 Mbit/s DSL line is under it."""

SHORTFALL = 0.5
"""A school measuring less than this share of its contracted speed, with a router that can carry it,
needs someone to look at why (a consultation)."""

WIFI_LINE_MBPS = 100
"""From this contracted speed a 2.4 GHz 802.11n radio cannot hand the line on to classrooms."""

_OLD_WIFI = ("802.11b", "802.11g", "802.11n")


@dataclass(frozen=True)
class Finding:
    """One finding: its code, the solution it calls for (a programme category, or :data:`LONG_TERM`),
    the router it concerns (if any), a severity (3 high … 1 low) and its evidence (figures, sources)."""

    code: str
    solution: str
    severity: int
    evidence: Mapping[str, Any] = field(default_factory=dict)
    router: str | None = None

    def record(self) -> dict[str, Any]:
        return {"code": self.code, "solution": self.solution, "severity": self.severity, "router": self.router,
                "evidence": dict(self.evidence)}


@dataclass(frozen=True)
class SchoolNeeds:
    """A school's assessment: the figures looked at and the findings, most severe first."""

    school: str
    contracted_mbps: int | None
    measured_down_mbps: float | None
    measurements: int
    findings: tuple[Finding, ...]

    @property
    def share(self) -> float | None:
        """Measured median as a share of the contracted speed (``None`` when either is unknown)."""
        if self.contracted_mbps and self.measured_down_mbps is not None:
            return round(self.measured_down_mbps / self.contracted_mbps, 3)
        return None

    @property
    def solutions(self) -> tuple[str, ...]:
        """The solutions the findings call for, each once, most severe first."""
        return tuple(dict.fromkeys(f.solution for f in self.findings))

    def record(self) -> dict[str, Any]:
        """The details an ``assessment`` ledger event carries."""
        return {"contracted_mbps": self.contracted_mbps, "measured_down_mbps": self.measured_down_mbps,
                "measurements": self.measurements, "share": self.share, "solutions": list(self.solutions),
                "findings": [f.record() for f in self.findings]}


def measured_median(events: Iterable[EventLike], school: str) -> tuple[float | None, int]:
    """The median download speed of a school's completed ``measure`` events, and how many there were."""
    values = []
    for event in events:
        if event.school != school or event.kind != "measure" or event.outcome != "completed":
            continue
        try:
            values.append(float(event.details["down_mbps"]))
        except (KeyError, TypeError, ValueError):
            continue
    return (round(statistics.median(values), 3) if values else None), len(values)


def _capacity(model: Model) -> tuple[int, str]:
    """What a model carries (Mbit/s) and which figure says so."""
    if model.throughput_mbps is not None and model.throughput_mbps < model.port_mbps:
        return model.throughput_mbps, "throughput_mbps"
    return model.port_mbps, "port_mbps"


def _router_findings(router: Any, contracted: int | None, advisories: tuple[Advisory, ...]) -> list[Finding]:
    model = model_info(router.model)
    about = {"model": model.model, "model_name": model.name}
    out: list[Finding] = []
    capacity, basis = _capacity(model)
    if contracted is not None and capacity < contracted:
        out.append(Finding("router-capacity", "equipment-replacement", 3, {
            **about, "capacity_mbps": capacity, "basis": basis, "throughput_mbps": model.throughput_mbps,
            "port_mbps": model.port_mbps, "contracted_mbps": contracted, "source": model.throughput_source,
        }, router.id))
    elif contracted is not None and contracted >= WIFI_LINE_MBPS and model.wifi_standard in _OLD_WIFI:
        out.append(Finding("wifi-standard", "additional-device", 1, {
            **about, "wifi_standard": model.wifi_standard, "contracted_mbps": contracted,
            "source": model.throughput_source or "mikronet/data/hardware.yaml",
        }, router.id))
    version = getattr(router, "routeros", None)
    if version:
        try:
            parsed = parse_version(version)
        except ValueError:
            parsed = None
        if parsed is not None and (parsed.major, parsed.minor) < (6, 49):
            out.append(Finding("routeros-unsupported", "technical-improvement", 2, {
                **about, "version": version, "line": f"{parsed.major}.{parsed.minor}",
                "source": "RouterOS 6 gets fixes only on its last, long-term line 6.49; earlier lines get none",
            }, router.id))
        hits = [a for a in advisories if a.affects(version)]
        if hits:
            worst = 3 if any(a.severity == "critical" for a in hits) else 2
            out.append(Finding("advisory", "technical-improvement", worst, {
                **about, "version": version, "advisories": [a.id for a in hits],
                "source": "; ".join(f"{a.id}: {a.source}" for a in hits),
            }, router.id))
    return out


def assess_school(school: Any, routers: Iterable[Any], events: Iterable[EventLike],
                  advisories: tuple[Advisory, ...] = ()) -> SchoolNeeds:
    """Look at one school: its line, what it measured, what its routers can carry and run."""
    connection = getattr(school, "connection", None)
    contracted = getattr(connection, "contracted_mbps", None)
    measured, count = measured_median(events, school.id)
    findings: list[Finding] = []
    line_speed = contracted if contracted is not None else measured
    if line_speed is not None and line_speed < SLOW_LINE_MBPS:
        findings.append(Finding(LONG_TERM, LONG_TERM, 3, {
            "contracted_mbps": contracted, "measured_down_mbps": measured, "measurements": count,
            "threshold_mbps": SLOW_LINE_MBPS, "source": "EU Digital Agenda: fast broadband is 30 Mbit/s or more",
        }))
    router_findings = [f for router in routers for f in _router_findings(router, contracted, advisories)]
    carries = not any(f.code == "router-capacity" for f in router_findings)
    if (contracted is not None and measured is not None and carries and contracted >= SLOW_LINE_MBPS
            and measured < SHORTFALL * contracted):
        findings.append(Finding("underperforming", "consultation", 2, {
            "contracted_mbps": contracted, "measured_down_mbps": measured, "measurements": count,
            "share": round(measured / contracted, 3), "threshold": SHORTFALL,
            "source": "median of the school's measure events in the ledger",
        }))
    findings.extend(router_findings)
    findings.sort(key=lambda f: -f.severity)
    return SchoolNeeds(school.id, contracted, measured, count, tuple(findings))
