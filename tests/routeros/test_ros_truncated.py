"""Truncated and hostile input: the parser takes time linear in its input, and a value left open
(what a backup cut short looks like) is a ScriptError naming the file, line and column where it
opened.

Time is checked relatively, within one run (a 4x longer input may take at most ~10x longer: a
linear parser takes 4x, a quadratic one 16x, the exponential one never finished), with a CPU-time
guard that turns a runaway parse into a failure instead of a hung test run.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ros_corpus import EXPORTS

from mikronet.errors import ScriptError
from mikronet.routeros import Config, parse


class Runaway(Exception):
    """A parse that used more CPU time than its budget."""


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Fail (raise :class:`Runaway`) once this process has used ``seconds`` of CPU time here.
    A virtual timer, so it neither waits for a busy machine nor disturbs pytest-timeout's alarm."""
    def expired(signum: int, frame: object) -> None:
        raise Runaway(f"more than {seconds:.2f} s of CPU time")

    previous = signal.signal(signal.SIGVTALRM, expired)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def outcome(text: str | bytes, *, recover: bool = False) -> Config | ScriptError:
    try:
        return parse(text, file="cut.rsc", recover=recover)
    except ScriptError as exc:
        return exc


def open_script(lines: int) -> str:
    """The issue's reproduction: a script source left open across continuation lines."""
    return '/system script add name=x source="\\\n' + '    \\n:local aI \\"v\\";\\r\\\n' * lines


def test_a_value_left_open_across_continuations_is_an_error_at_its_quote() -> None:
    for lines in (20, 40, 4000):
        with cpu_budget(5.0):
            error = outcome(open_script(lines))
        assert isinstance(error, ScriptError)
        assert (error.file, error.line, error.column) == ("cut.rsc", 1, 34)
        assert "unterminated string in source=" in error.message
        assert "no closing quote up to the end of the input" in error.message
        with cpu_budget(5.0):
            recovered = outcome(open_script(lines) + "\n/system identity set name=after\n", recover=True)
        assert isinstance(recovered, Config)
        assert recovered.warnings[0].line == 1
        assert recovered["/system identity"].settings["name"] == "after"


def test_an_open_value_says_where_its_line_ends() -> None:
    error = outcome('/ip address\nadd address=10.0.0.1/24 comment="cut sh\nadd address=10.0.0.2/24\n')
    assert isinstance(error, ScriptError)
    assert (error.line, error.column) == (2, 33)
    assert error.message.startswith("unterminated string in comment=: no closing quote up to the end of line 2")


def _cut_points(data: bytes) -> list[int]:
    """Where to cut an export: inside quoted values, right after and right before a line
    continuation, right after an escape's backslash, inside a UTF-8 letter, and evenly spaced."""
    def spread(points: list[int], count: int) -> list[int]:
        step = max(1, len(points) // count)
        return points[::step][:count]

    quotes = [i + 1 + k for i in range(len(data)) if data[i] == 0x22 for k in (0, 3)]
    continuations = [i for i in range(len(data) - 1) if data[i] == 0x5C and data[i + 1] in (0x0A, 0x0D)]
    escapes = [i + 1 for i in range(len(data) - 1) if data[i] == 0x5C and data[i + 1] not in (0x0A, 0x0D)]
    letters = [i + 1 for i in range(len(data)) if data[i] >= 0xC0]
    points = (spread(quotes, 10) + spread([c + 2 for c in continuations], 6) + spread(continuations, 4)
              + spread([c + 1 for c in continuations], 3) + spread(escapes, 4) + spread(letters, 2)
              + [len(data) * k // 8 for k in range(1, 8)])
    return sorted({p for p in points if 0 < p < len(data)})


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", EXPORTS, ids=[p.name[:2] for p in EXPORTS])
def test_every_truncated_export_parses_or_fails_cleanly(path: object) -> None:
    data = path.read_bytes()  # type: ignore[attr-defined]
    started = time.perf_counter()
    outcome(data, recover=True)
    whole = time.perf_counter() - started
    budget = 50 * whole + 0.25  # generous: a cut copy is never longer than the whole
    cuts = _cut_points(data)
    assert len(cuts) >= 7
    for cut in cuts:
        with cpu_budget(budget):
            strict = outcome(data[:cut])
            recovered = outcome(data[:cut], recover=True)
        assert isinstance(recovered, Config), f"cut at {cut}: recover raised {recovered}"
        if isinstance(strict, ScriptError):
            lines = data[:cut].count(b"\n") + 1
            assert strict.file == "cut.rsc" and strict.message
            assert strict.line is not None and 1 <= strict.line <= lines, f"cut at {cut}: {strict}"
            assert strict.column is not None and strict.column >= 1


# -- time grows linearly on any input -------------------------------------------------------------

_PIECES = ['x="', '"', "\\\n", "\\\r\n", "    ", "\\n", '\\"', "\\", "\\C4", "[", "]", "{", "}", "(", ")",
           ";", "\n", "=", " ", "a", "-", ".", "$a", "#", "/ip address add ", "add ", "set [ find ", "where ",
           ":local a ", "!x", "~", "ā", "\t", "\r", "find", "numbers=", "comment=", "\\_"]
_piece_list = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join)


def _best_time(text: str, recover: bool, budget: float) -> float:
    """The fastest of three parses (wall clock: finer-grained than CPU time on some systems; the
    fastest run is the one a busy machine disturbed least), each within a CPU ``budget``."""
    best = float("inf")
    for _ in range(3):
        with cpu_budget(budget):
            started = time.perf_counter()
            outcome(text, recover=recover)
            best = min(best, time.perf_counter() - started)
    return best


@settings(max_examples=60, deadline=None)
@given(prefix=_piece_list, unit=_piece_list, recover=st.booleans())
@example(prefix='/system script add name=x source="\\\n', unit='    \\n:local aI \\"v\\";\\r\\\n', recover=False)
@example(prefix='/ip address add comment="', unit="\\\n    a", recover=True)
@example(prefix="", unit="[ find ", recover=False)
def test_parse_time_grows_linearly(prefix: str, unit: str, recover: bool) -> None:
    count = max(1, 3000 // len(unit))
    small, large = prefix + unit * count, prefix + unit * (4 * count)
    ratio = float("inf")
    for _ in range(3):  # a busy machine can stall one measurement; a slow parser stays slow
        base = max(_best_time(small, recover, 5.0), 0.0002)
        try:
            ratio = min(ratio, _best_time(large, recover, max(0.5, 40 * base)) / base)
        except Runaway:
            continue
        if ratio <= 10:
            break
    assert ratio <= 10, f"4x the input took {ratio:.1f}x the time: {prefix!r} + {unit!r} * n"


@pytest.mark.parametrize("text", ["#" + "\t" * 12000, "#x" + " \t" * 6000 + "y",
                                  "# " + "\t" * 300 + "by RouterOS 7.16.2",
                                  "# error exporting" + "\t" * 12000, "# mikronet:" + " " * 12000])
def test_a_comment_of_blanks_is_read_in_linear_time(text: str) -> None:
    """A comment line of thousands of blanks made the header patterns backtrack for seconds (18 s of
    CPU for 3,000 tabs)."""
    with cpu_budget(2.0):
        outcome(text)
