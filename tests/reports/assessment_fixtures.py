"""Three schools whose needs are worked out by hand: a hAP lite on a 300 Mbit/s line, a school that
measures 40 % of its 100 Mbit/s contract on a router that carries it, and a 20 Mbit/s DSL line."""

from __future__ import annotations

from .fixtures import Connection, Event, Inventory, Router, School, at, event

SCHOOLS = (
    School("LV-0101", "Līvānu 1. vidusskola", "Līvānu novads", None, Connection("optical", contracted_mbps=300)),
    School("LV-0102", "Jēkabpils pamatskola", "Jēkabpils novads", None, Connection("optical", contracted_mbps=100)),
    School("LV-0103", "Zilupes sākumskola", "Ludzas novads", None, Connection("other", contracted_mbps=20)),
    School("LV-0104", "Ogres tehnikums", "Ogres novads", None, Connection("optical", contracted_mbps=500)),
)
BY_ID = {s.id: s for s in SCHOOLS}
ROUTERS = (
    Router("LV-0101/gw", BY_ID["LV-0101"], "RB941-2nD", "7.16.2"),  # hAP lite: 10/100 ports
    Router("LV-0102/gw", BY_ID["LV-0102"], "RB5009UG+S+", "7.16.2"),
    Router("LV-0103/gw", BY_ID["LV-0103"], "RB750Gr3", "7.16.2"),
)


def routers_of(school_id: str) -> tuple[Router, ...]:
    return tuple(r for r in ROUTERS if r.school.id == school_id)


MEASURES: tuple[Event, ...] = (
    # LV-0101: 92, 95, 94 → median 94 (the ports cap it)
    event(1, "2026-11-02 09:00", "LV-0101", "measure", down_mbps=92.0, up_mbps=90.0),
    event(2, "2026-11-03 09:00", "LV-0101", "measure", down_mbps=95.0, up_mbps=91.0),
    event(3, "2026-11-04 09:00", "LV-0101", "measure", down_mbps=94.0, up_mbps=90.0),
    # LV-0102: 38, 40, 45 → median 40 = 40 % of 100
    event(4, "2026-11-02 10:00", "LV-0102", "measure", down_mbps=38.0, up_mbps=20.0),
    event(5, "2026-11-03 10:00", "LV-0102", "measure", down_mbps=45.0, up_mbps=20.0),
    event(6, "2026-11-04 10:00", "LV-0102", "measure", down_mbps=40.0, up_mbps=20.0),
    event(7, "2026-11-05 10:00", "LV-0102", "measure", "failed"),  # a failed test is no figure
    # LV-0103: 18 on a 20 Mbit/s line
    event(8, "2026-11-02 11:00", "LV-0103", "measure", down_mbps=18.0, up_mbps=1.0),
)

INVENTORY = Inventory(SCHOOLS, ROUTERS)
NOW = at("2026-12-06 07:00")
