"""Maintenance windows: hours past midnight, weekdays, blocked dates, summer time, the group that
decides, bad values with file:line, and the sample's 2025/26 school year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from mikronet.errors import InventoryError
from mikronet.inventory import load_inventory
from mikronet.inventory.windows import RIGA, BlockedDates, HourRange, MaintenanceWindow, parse_hours, parse_weekdays

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"

NIGHTS = MaintenanceWindow(
    "default",
    hours=(parse_hours("22:00-05:00"),),
    weekdays=parse_weekdays(["sun-thu"]),
    blocked=(BlockedDates(date(2025, 12, 22), date(2026, 1, 2), "Ziemas brīvdienas"),),
)


def riga(*args: int) -> datetime:
    return datetime(*args, tzinfo=RIGA)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (riga(2025, 12, 1, 22, 0), True),  # Monday night
        (riga(2025, 12, 2, 4, 59), True),  # … into Tuesday morning
        (riga(2025, 12, 2, 5, 0), False),  # the range ends at 05:00
        (riga(2025, 12, 1, 12, 0), False),  # midday
        (riga(2025, 12, 5, 23, 0), False),  # Friday night: no school the next day
        (riga(2025, 12, 7, 23, 0), True),  # Sunday night
        (riga(2025, 12, 21, 23, 0), True),  # the night before the holidays starts …
        (riga(2025, 12, 22, 1, 0), False),  # … and closes at midnight: the 22nd is blocked
        (riga(2026, 1, 4, 22, 30), True),  # back after the holidays
    ],
)
def test_is_open(moment: datetime, open_: bool) -> None:
    assert NIGHTS.is_open(moment) is open_
    assert NIGHTS.is_open(moment.astimezone(UTC)) is open_  # any zone; Riga is what counts


def test_next_open_skips_weekends_and_blocked_dates() -> None:
    assert NIGHTS.next_open(riga(2025, 12, 1, 12, 0)) == riga(2025, 12, 1, 22, 0)
    assert NIGHTS.next_open(riga(2025, 12, 1, 23, 0)) == riga(2025, 12, 1, 23, 0)  # open now: now
    assert NIGHTS.next_open(riga(2025, 12, 5, 12, 0)) == riga(2025, 12, 7, 22, 0)  # Friday → Sunday night
    assert NIGHTS.next_open(riga(2025, 12, 22, 2, 0)) == riga(2026, 1, 4, 22, 0)  # holidays, then Sat → Sun
    assert NIGHTS.why_closed(riga(2025, 12, 24, 23, 0)) == "blocked: Ziemas brīvdienas"
    assert "outside the window default (22:00-05:00" in (NIGHTS.why_closed(riga(2025, 12, 1, 12, 0)) or "")


def test_next_open_returns_riga_time_and_none_when_never() -> None:
    found = NIGHTS.next_open(datetime(2025, 12, 1, 10, 0, tzinfo=UTC))
    assert found is not None and found.tzinfo is RIGA and found.hour == 22
    never = MaintenanceWindow("x", weekdays=frozenset())
    assert never.next_open(riga(2025, 1, 1, 0, 0)) is None


def test_wall_clock_hours_across_summer_time() -> None:
    window = MaintenanceWindow("night", hours=(HourRange(time(2, 0), time(4, 0)),))
    # 2026-03-29: Riga's clocks go from 03:00 to 04:00; the window is two wall-clock hours long
    start = window.next_open(riga(2026, 3, 29, 0, 0))
    assert start == riga(2026, 3, 29, 2, 0)
    assert window.is_open(riga(2026, 3, 29, 2, 30))
    assert not window.is_open(riga(2026, 3, 29, 4, 0))  # an hour after 02:59 wall clock, already summer time
    # on an ordinary night it is open 02:00-04:00 wall clock in both seasons
    for day in (date(2026, 1, 10), date(2026, 7, 10)):
        assert window.is_open(riga(day.year, day.month, day.day, 3, 59))
        assert not window.is_open(riga(day.year, day.month, day.day, 4, 0))


WINDOWS = """\
windows:
  default:
    hours: "22:00-05:00"
    weekdays: [sun-thu]
    blocked:
      - {from: 2025-12-22, to: 2026-01-02, label: Ziemas brīvdienas}
  pilot:
    hours: ["20:00-23:00", "00:00-06:00"]
"""


def test_the_window_of_a_router_is_its_first_group_s_else_default(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    write("fleet.yaml", texts[0])
    write("windows.yaml", WINDOWS)
    root = write("schools.yaml", texts[1])
    inv = load_inventory(root)
    pilot = inv.window_for(inv.router("LV-0042/gw"))  # the school is in group pilot
    assert pilot is not None and pilot.name == "pilot"
    assert [str(h) for h in pilot.hours] == ["20:00-23:00", "00:00-06:00"]
    assert pilot.weekdays == NIGHTS.weekdays and pilot.blocked == NIGHTS.blocked  # inherited from default
    write("schools.yaml", texts[1].replace("groups: [pilot]", "groups: []"))
    default = load_inventory(root).window_for(load_inventory(root).router("LV-0042/gw"))
    assert default is not None and default.name == "default"
    write("windows.yaml", "")
    assert load_inventory(root).window_for(load_inventory(root).router("LV-0042/gw")) is None  # no windows


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ('    hours: "22-05"\n', 3, "windows.default.hours", "'22-05' is not a range of hours"),
        ("    weekdays: [mon, funday]\n", 4, "windows.default.weekdays", "'funday' is not a weekday"),
        (
            "      - {from: 2026-01-02, to: 2025-12-22, label: x}\n",
            6,
            "windows.default.blocked[0].to",
            "'to' 2025-12-22 is before 'from' 2026-01-02",
        ),
        ("      - {label: x}\n", 6, "windows.default.blocked[0]", "a blocked entry needs 'date', or 'from'"),
        ("  pilots:\n    hours: 00:00-01:00\n", 7, "windows.pilots", "no group 'pilots'"),
    ],
)
def test_bad_window_values_name_file_line_and_field(
    write: Callable[..., Path], texts: tuple[str, str], text: str, line: int, field: str, message: str
) -> None:
    lines = WINDOWS.splitlines(keepends=True)
    if text.startswith("  pilots"):
        document = "".join(lines[:6]) + text
    elif "hours" in text:
        document = "".join(lines[:2]) + text + "".join(lines[3:])
    elif "weekdays" in text:
        document = "".join(lines[:3]) + text + "".join(lines[4:])
    else:
        document = "".join(lines[:5]) + text + "".join(lines[6:])
    write("fleet.yaml", texts[0])
    write("schools.yaml", texts[1])
    root = write("windows.yaml", document)
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    error = info.value
    assert (error.file, error.line, error.field) == (str(root / "windows.yaml"), line, field)
    assert message in error.message


def test_the_sample_blocks_the_2025_26_school_holidays_and_state_exams() -> None:
    inv = load_inventory(SAMPLE)
    window = inv.windows["default"]
    assert [str(h) for h in window.hours] == ["22:00-05:00"]
    labels = {b.label for b in window.blocked}
    assert {"Rudens brīvdienas", "Ziemas brīvdienas", "Pavasara brīvdienas"} <= labels
    for day, label in [
        (date(2025, 10, 22), "Rudens brīvdienas"),  # 20–24 October 2025
        (date(2026, 1, 2), "Ziemas brīvdienas"),  # 22 December 2025 – 2 January 2026
        (date(2026, 3, 11), "Pavasara brīvdienas"),  # 9–13 March 2026
        (date(2026, 5, 11), "CE: sociālās zinātnes (augstākais līmenis)"),  # the exams' first day
        (date(2026, 6, 3), "CE: latviešu valoda"),
        (date(2026, 6, 12), "CE: ģeogrāfija (augstākais līmenis)"),
    ]:
        block = window.blocked_on(day)
        assert block is not None, day
        assert any(b.label == label for b in window.blocked if day in b), (day, label)
    assert window.blocked_on(date(2025, 10, 27)) is None  # an ordinary school week
    assert window.is_open(riga(2025, 10, 26, 23, 0))  # Sunday night after the autumn holidays
    pilot = next(r for r in inv.routers if "pilot" in r.school.groups)
    assert inv.window_for(pilot) is inv.windows["pilot"]
