"""Durations, read and written in one place (mikronet.routeros.values) for the normalisers, the push
guard, facts and the simulated routers: every form RouterOS writes, and round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mikronet.routeros.values import duration_seconds, duration_us, format_duration, format_seconds


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1w2d3h4m5s", 7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5),
        ("30s", 30),
        ("500ms", 0.5),
        ("1.5s", 1.5),
        ("00:01:00", 60),
        ("03:04:05.250", 3 * 3600 + 4 * 60 + 5.25),
        ("1w2d03:04:05", 9 * 86400 + 3 * 3600 + 4 * 60 + 5),  # v6 /system resource uptime
        ("1d 03:04:05", 86400 + 3 * 3600 + 4 * 60 + 5),
        ("30", 30),
        ("2.5", 2.5),
        ("0s", 0),
    ],
)
def test_every_form_routeros_writes(text: str, seconds: float) -> None:
    assert duration_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "none", "auto", "1x", "5s3", "h", "00:61", "1:2:3:4"])
def test_what_is_not_a_duration_is_none(text: str) -> None:
    assert duration_us(text) is None
    assert duration_seconds(text) is None


def test_writing_as_routeros_does() -> None:
    assert format_duration(0) == "0s"
    assert format_duration(100_000) == "100ms"
    assert format_seconds(11 * 86400 + 23 * 3600 + 26 * 60 + 9) == "1w4d23h26m9s"
    assert format_seconds(59.9) == "59s"  # uptimes are whole seconds


@given(st.integers(min_value=0, max_value=10**15))
def test_format_then_read_is_the_same_duration(us: int) -> None:
    assert duration_us(format_duration(us)) == us
