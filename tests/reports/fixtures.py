"""Hand-built values for the report tests: a small inventory of seven schools (two merged into
another municipality by the 2021 reform) and ledger events whose every figure is worked out by hand
in the tests.

The events are the ledger's own ``Event`` values (not chained: the reports read fields, not hashes);
the inventory stand-in carries the programme, contracts and ``shared_contract`` fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from mikronet.ledger import Event

CATEGORY_OF: dict[str, str | None] = {
    # Written out by hand (not the production mapping), so a change there cannot move these figures.
    "consultation": "consultation",
    "routeros-upgrade": None,
    "firmware-upgrade": None,
    "swap": "equipment-replacement",
    "add-device": "additional-device",
    "push": None,
    "restore": None,
    "measure": None,
    "technical-fix": "technical-improvement",
    "assessment": None,
}


@dataclass(frozen=True)
class Plan:
    category: str
    note: str = ""
    date: date | None = None


@dataclass(frozen=True)
class Connection:
    type: str | None
    monthly_fee_eur: Decimal | None = None
    contracted_mbps: int | None = None
    shared_contract: bool = False


@dataclass(frozen=True)
class School:
    id: str
    name: str
    municipality: str
    municipality_before_2021: str | None
    connection: Connection
    routers: tuple[str, ...] = ()
    plan: tuple[Plan, ...] = ()


@dataclass(frozen=True)
class Router:
    id: str
    school: School
    model: str
    routeros: str | None
    template: str = "school-gateway"


@dataclass(frozen=True)
class Contract:
    municipality: str
    signed: date | None
    amount_eur: Decimal | None = None


@dataclass
class Inventory:
    schools: tuple[School, ...]
    routers: tuple[Router, ...] = ()
    contracts: Mapping[str, Contract] = field(default_factory=dict)
    trust_dir: Path = Path(".")

    def school(self, school_id: str) -> School:
        return {s.id: s for s in self.schools}[school_id]


def at(text: str) -> datetime:
    """``2021-04-06 10:00`` in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def event(seq: int, when: str, school: str, kind: str, outcome: str = "completed", *, router: str | None = None,
          technician: str = "Anna Bērziņa", programme: str | None = None, **details: Any) -> Event:
    """An event as the ledger stores it; ``programme`` marks it as a technician would (``--programme``)."""
    if programme is not None:
        details = {**details, "programme": True}
    return Event(seq, f"ev-{seq}", at(when), technician, school, router, None, kind,
                 programme or CATEGORY_OF[kind], details, outcome, prev_hash="", hash=f"h{seq}")


SCHOOLS = (
    School("LV-0001", "Ādažu vidusskola", "Ādažu novads", "Ādažu novads",
           Connection("optical", Decimal("72.6")), plan=(Plan("consultation", "Wi-Fi"),)),
    School("LV-0002", "Carnikavas pamatskola", "Ādažu novads", "Carnikavas novads",
           Connection("other", None, shared_contract=True),
           plan=(Plan("equipment-replacement"), Plan("consultation"))),
    School("LV-0003", "Rīgas 1. ģimnāzija", "Rīga", "Rīga",
           Connection("optical", Decimal("120.555"), shared_contract=True), plan=(Plan("technical-improvement"),)),
    School("LV-0004", "Cēsu sākumskola", "Cēsu novads", "Cēsu novads", Connection("other", None),
           plan=(Plan("technical-improvement"),)),
    School("LV-0005", "Priekuļu vidusskola", "Cēsu novads", "Priekuļu novads", Connection("optical", Decimal("45.5")),
           plan=(Plan("additional-device", date=date(2021, 4, 15)),)),
    School("LV-0006", "Rīgas Valsts tehnikums", "Rīga", "Rīga",
           Connection("optical", Decimal("80.005"), shared_contract=True)),
    School("LV-0007", "Rīgas Mūzikas skola", "Rīga", None, Connection(None, None, shared_contract=True)),
)
BY_ID = {s.id: s for s in SCHOOLS}
ROUTERS = (
    Router("LV-0001/gw", BY_ID["LV-0001"], "RB4011iGS+", "6.49.13"),
    Router("LV-0002/gw", BY_ID["LV-0002"], "RB750Gr3", "7.12.1"),
    Router("LV-0003/gw", BY_ID["LV-0003"], "RB750Gr3", "7.16.2"),
    Router("LV-0003/ap", BY_ID["LV-0003"], "L009UiGS-2HaxD", "7.19.4"),
)
CONTRACTS = {
    "Ādažu novads": Contract("Ādažu novads", date(2021, 6, 10)),
    "Rīga": Contract("Rīga", date(2021, 6, 1), Decimal("150.00")),
    "Priekuļu novads": Contract("Priekuļu novads", date(2021, 6, 15)),
    "Cēsu novads": Contract("Cēsu novads", None),
}

EVENTS = (
    event(1, "2021-04-06 10:00", "LV-0001", "consultation", note="Wi-Fi pārklājums"),
    event(2, "2021-04-20 09:00", "LV-0001", "routeros-upgrade", router="LV-0001/gw"),
    event(3, "2021-04-07 12:00", "LV-0002", "swap", "failed", router="LV-0002/gw"),
    event(4, "2021-06-30 21:30", "LV-0003", "technical-fix", router="LV-0003/gw", note="QoS"),  # 1 July in Riga
    event(5, "2021-04-01 08:00", "LV-0005", "measure", down_mbps=20.0, up_mbps=5.0),
    event(6, "2021-04-15 08:00", "LV-0005", "add-device", router="LV-0005/ap"),
    event(7, "2021-05-01 08:00", "LV-0005", "measure", down_mbps=95.5, up_mbps=20.0),
    event(8, "2021-05-10 08:00", "LV-0006", "restore"),
    event(9, "2021-05-11 08:00", "LV-0004", "technical-fix", "interrupted"),
    event(10, "2021-06-01 08:00", "LV-0003", "measure", down_mbps=50.0, up_mbps=10.0),
    event(11, "2021-07-05 08:00", "LV-0003", "measure", down_mbps=150.0, up_mbps=40.0),
    event(12, "2021-05-20 08:00", "LV-0002", "consultation", technician="Jānis Ķēniņš"),
)


NOW = at("2021-09-01 12:00")
