"""One clock for people: Riga time with its offset, the same in the ledger list and the reports."""

from __future__ import annotations

from datetime import UTC, datetime

from mikronet.clock import for_machines, for_people
from mikronet.reports.i18n import get_lang


def test_winter_and_summer_show_their_offsets() -> None:
    assert for_people(datetime(2026, 12, 6, 7, 12, tzinfo=UTC)) == "2026-12-06 09:12 +02:00"
    assert for_people(datetime(2021, 6, 30, 21, 30, tzinfo=UTC)) == "2021-07-01 00:30 +03:00"
    assert for_people(datetime(2026, 12, 6, 7, 12, 5, tzinfo=UTC), seconds=True) == "2026-12-06 09:12:05 +02:00"
    assert for_machines(datetime(2026, 12, 6, 7, 12, tzinfo=UTC)) == "2026-12-06T09:12:00+02:00"


def test_the_reports_read_the_same_clock() -> None:
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # the morning the clocks go forward: 04:30 EEST
    assert get_lang("en").moment(moment) == "2026-03-29 04:30 +03:00"
    assert get_lang("lv").moment(moment) == "29.03.2026 04:30 +03:00"


def test_a_result_s_time_text_is_shown_in_riga_time_and_a_router_clock_as_it_is() -> None:
    from mikronet.clock import for_people_text

    assert for_people_text("2026-12-06T07:12:05Z") == "2026-12-06 09:12:05 +02:00"
    assert for_people_text("2026-07-01T07:12:05+00:00") == "2026-07-01 10:12:05 +03:00"
    assert for_people_text("dec/06/2026 09:12:05") == "dec/06/2026 09:12:05"  # a RouterOS 6 clock: no zone
    assert for_people_text(None) == ""
