"""The fleet runner on the sample inventory's routers, with operations that stand in for the network.

These pin down the runner's own promises (waves, canary by coverage, stop threshold, retries,
timeouts, interruption, windows, run records and resume); tests/fleet runs it against simulated routers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mikronet.errors import InputError
from mikronet.hardware import model_info
from mikronet.inventory import Inventory, Router, load_inventory
from mikronet.runner import Context, Event, Interrupt, RolloutPolicy, Runner, cover, parse_max_fail, plan_waves
from mikronet.runner.record import RunRecord, find_record, finished_results
from mikronet.runner.results import RouterResult, Stands, Status

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample() -> Inventory:
    return load_inventory(REPO / "inventory")


def ok(router: Router, ctx: Context) -> RouterResult:
    return RouterResult(router.id, Status.CHANGED)


def failing(ids: set[str], status: Status = Status.FAILED) -> Callable[[Router, Context], RouterResult]:
    def op(router: Router, ctx: Context) -> RouterResult:
        return RouterResult(router.id, status if router.id in ids else Status.CHANGED, cause="x")

    return op


def test_waves_split_counts_shares_and_rest(sample: Inventory) -> None:
    routers = list(sample.routers[:100])
    waves = plan_waves(routers, ("1", "5%", "25%", "rest"))
    assert [len(w) for w in waves] == [1, 5, 25, 69]
    assert [r.id for w in waves for r in w] == [r.id for r in routers]  # every router once, in order
    assert [len(w) for w in plan_waves(routers, ("10",))] == [10, 90]  # the remainder is a last wave
    with pytest.raises(InputError, match="--waves"):
        plan_waves(routers, ("ten",))


def test_canary_by_coverage_takes_one_router_of_each_model_architecture_version_and_transport(
    sample: Inventory,
) -> None:
    routers = list(sample.routers)

    def combo(r: Router) -> tuple[str, ...]:
        model = model_info(r.model)
        return (r.model, model.architecture if model else "?", r.routeros or "?", r.transport)

    canary = cover(routers)
    assert {combo(r) for r in canary} == {combo(r) for r in routers}
    assert len(canary) == len({combo(r) for r in routers})  # one per combination: nothing smaller covers them
    waves = plan_waves(routers, ("1", "25%", "rest"), canary="cover")  # the canary takes the first wave's place
    assert waves[0] == canary
    assert sum(len(w) for w in waves) == len(routers)
    assert plan_waves(routers, ("cover", "25%", "rest")) == waves  # the same, written as the first wave


def test_max_fail_accepts_counts_and_shares() -> None:
    assert parse_max_fail("3", 100) == 3
    assert parse_max_fail("10%", 179) == 17
    assert parse_max_fail(None, 10) is None
    for bad in ("-1", "ten", "120%"):
        with pytest.raises(InputError, match="--max-fail"):
            parse_max_fail(bad, 10)


def test_the_stop_threshold_starts_no_router_past_it_and_skips_the_rest(sample: Inventory) -> None:
    routers = list(sample.routers[:30])
    bad = {r.id for r in routers[2:8]}
    started: list[str] = []
    events: list[Event] = []

    def op(router: Router, ctx: Context) -> RouterResult:
        started.append(router.id)
        return failing(bad)(router, ctx)

    runner = Runner(RolloutPolicy(forks=1, max_fail="3"), observers=[events.append])
    run = runner.run(routers, op)
    assert len(started) == 2 + 4  # two good ones, then four failures: the fourth crosses "3 tolerated"
    assert run.crossed and "4 failed" in run.crossed
    skipped = [r for r in run.results if r.status is Status.SKIPPED]
    assert len(skipped) == 30 - 6 and all(r.cause == "threshold" for r in skipped)
    assert [r.router for r in run.results] == [r.id for r in routers]
    assert any(e.kind == "threshold-crossed" for e in events)


def test_a_wave_starts_only_when_the_one_before_finished_within_the_threshold(sample: Inventory) -> None:
    routers = list(sample.routers[:20])
    canary_fails = failing({routers[0].id})
    run = Runner(RolloutPolicy(forks=5, waves=("1", "rest"), max_fail="0")).run(routers, canary_fails)
    assert run.results[0].status is Status.FAILED
    assert all(r.status is Status.SKIPPED for r in run.results[1:])  # the canary failed: nothing else started


def test_forks_bound_the_routers_in_flight(sample: Inventory) -> None:
    routers = list(sample.routers[:24])
    in_flight, peak = 0, 0
    lock = threading.Lock()
    # Each router waits until six are in flight together: with fewer forks the barrier breaks (and the
    # run fails); with more, the peak shows it. No sleeping, no timing.
    together = threading.Barrier(6, timeout=30)

    def op(router: Router, ctx: Context) -> RouterResult:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        try:
            together.wait()
        except threading.BrokenBarrierError:
            return RouterResult(router.id, Status.FAILED, error="fewer than six routers were in flight")
        with lock:
            in_flight -= 1
        return RouterResult(router.id, Status.OK)

    run = Runner(RolloutPolicy(forks=6)).run(routers, op)
    assert [r.status for r in run.results] == [Status.OK] * 24
    assert peak == 6


def test_retries_only_failures_before_anything_changed(sample: Inventory) -> None:
    routers = list(sample.routers[:4])
    calls: dict[str, int] = {}
    outcome = {routers[0].id: Status.UNREACHABLE, routers[1].id: Status.TIMEOUT,
               routers[2].id: Status.AUTH_FAILED, routers[3].id: Status.FAILED}

    def op(router: Router, ctx: Context) -> RouterResult:
        calls[router.id] = calls.get(router.id, 0) + 1
        stands = Stands.UNTOUCHED if outcome[router.id] is not Status.FAILED else Stands.BACKUP
        if router.id == routers[0].id and calls[router.id] == 3:
            return RouterResult(router.id, Status.CHANGED)
        return RouterResult(router.id, outcome[router.id], stands=stands)

    run = Runner(RolloutPolicy(retries=2, backoff=0.01)).run(routers, op)
    assert calls == {routers[0].id: 3, routers[1].id: 3, routers[2].id: 1, routers[3].id: 1}
    assert run.results[0].status is Status.CHANGED and "3 attempts" in run.results[0].notes
    assert run.results[1].status is Status.TIMEOUT


def test_a_router_past_its_timeout_is_given_up_and_its_place_goes_to_the_next(sample: Inventory) -> None:
    routers = list(sample.routers[:3])
    release = threading.Event()
    hung_returned = threading.Event()

    def op(router: Router, ctx: Context) -> RouterResult:
        if router.id == routers[0].id:
            ctx.report("applying", "2026-11-29T10:00:00+00:00")
            release.wait(60)
            hung_returned.set()
        return RouterResult(router.id, Status.OK)

    run = Runner(RolloutPolicy(forks=1, timeout=0.3, retries=0)).run(routers, op)
    assert not hung_returned.is_set()  # the run ended without waiting for the hung router
    release.set()
    first = run.results[0]
    assert first.status is Status.TIMEOUT and first.stands is Stands.UNKNOWN
    assert "applying" in (first.error or "") and first.revert_at == "2026-11-29T10:00:00+00:00"
    assert [r.status for r in run.results[1:]] == [Status.OK, Status.OK]


def test_an_interruption_starts_no_new_router_and_lets_those_in_flight_end(sample: Inventory) -> None:
    routers = list(sample.routers[:10])
    interrupt = Interrupt()
    seen_stop: list[bool] = []

    def op(router: Router, ctx: Context) -> RouterResult:
        if router.id == routers[1].id:
            interrupt.request()
        seen_stop.append(ctx.stop())
        return RouterResult(router.id, Status.INTERRUPTED if ctx.stop() else Status.OK)

    run = Runner(RolloutPolicy(forks=1), interrupt=interrupt).run(routers, op)
    assert run.interrupted
    assert [r.status for r in run.results[:2]] == [Status.OK, Status.INTERRUPTED]
    assert all(r.status is Status.SKIPPED and r.cause == "interrupted" for r in run.results[2:])
    assert seen_stop == [False, True]


def test_an_operation_that_raises_is_that_routers_failure_only(sample: Inventory) -> None:
    routers = list(sample.routers[:3])

    def op(router: Router, ctx: Context) -> RouterResult:
        if router.id == routers[1].id:
            raise RuntimeError("bug")
        return RouterResult(router.id, Status.OK)

    def broken_observer(event: Event) -> None:
        raise ValueError("observers never stop a run")

    run = Runner(observers=[broken_observer]).run(routers, op)
    assert [r.status for r in run.results] == [Status.OK, Status.FAILED, Status.OK]
    assert "RuntimeError: bug" in (run.results[1].error or "")


class _Window:
    def __init__(self, opens: datetime) -> None:
        self.opens = opens

    def is_open(self, at: datetime) -> bool:
        return at >= self.opens

    def next_open(self, after: datetime) -> datetime | None:
        return self.opens


def test_outside_its_window_a_router_waits_or_is_skipped(sample: Inventory) -> None:
    routers = list(sample.routers[:2])
    now = datetime(2026, 1, 5, 14, 0).astimezone()
    window = _Window(now + timedelta(hours=8))
    slept: list[float] = []
    waiting = Runner(RolloutPolicy(), window_for=lambda r: window, now=lambda: now, sleep=slept.append)
    assert [r.status for r in waiting.run(routers, ok).results] == [Status.CHANGED] * 2
    assert slept and slept[0] == pytest.approx(8 * 3600)
    skipping = Runner(RolloutPolicy(wait_for_window=False), window_for=lambda r: window, now=lambda: now)
    skipped = skipping.run(routers, ok).results
    assert all(r.status is Status.SKIPPED and r.cause == "outside-window" for r in skipped)
    forced = Runner(RolloutPolicy(ignore_windows=True), window_for=lambda r: window, now=lambda: now)
    assert all(r.status is Status.CHANGED for r in forced.run(routers, ok).results)


def test_the_run_record_holds_every_result_and_resume_skips_what_it_finished(sample: Inventory,
                                                                              tmp_path: Path) -> None:
    routers = list(sample.routers[:12])
    bad = {routers[3].id, routers[7].id}
    record = RunRecord(tmp_path, "push", command=["mikronet", "push"], selection=[r.id for r in routers],
                       revisions={"inventory": None})
    Runner(observers=[record]).run(routers, failing(bad, Status.UNREACHABLE))
    lines = [json.loads(line) for line in record.path.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["type"] == "run" and lines[0]["selection"] == [r.id for r in routers]
    assert sorted(line["router"] for line in lines if line["type"] == "result") == sorted(r.id for r in routers)
    assert lines[-1]["type"] == "summary" and lines[-1]["counts"] == {"changed": 10, "unreachable": 2}

    assert find_record(tmp_path, "push") == record.path
    kept = finished_results(record.path)
    assert set(kept) == {r.id for r in routers} - bad
    again: list[str] = []
    second = RunRecord(tmp_path, "push", command=["mikronet", "push", "--resume"],
                       selection=[r.id for r in routers])

    def op(router: Router, ctx: Context) -> RouterResult:
        again.append(router.id)
        return RouterResult(router.id, Status.CHANGED)

    run = Runner(observers=[second]).run(routers, op, skip=kept)
    assert sorted(again) == sorted(bad)  # only the two that had not finished
    assert all(r.status is Status.CHANGED for r in run.results)
    # The resumed run's record is whole by itself: a third run resuming from it repeats nothing.
    assert set(finished_results(second.path)) == {r.id for r in routers}


def test_resume_finds_the_newest_record_of_its_own_operation_only(tmp_path: Path) -> None:
    header = {"type": "run", "version": 1, "command": [], "selection": []}
    for name, operation in (("20260101T100000Z-upgrade.jsonl", "upgrade"),
                            ("20260101T100000Z-upgrade-2.jsonl", "upgrade"),
                            ("20260101T110000Z-upgrade-check.jsonl", "upgrade-check")):
        (tmp_path / name).write_text(json.dumps({**header, "operation": operation}) + "\n", encoding="utf-8")
    assert find_record(tmp_path, "upgrade").name == "20260101T100000Z-upgrade-2.jsonl"
    assert find_record(tmp_path, "upgrade-check").name == "20260101T110000Z-upgrade-check.jsonl"
    with pytest.raises(InputError, match="record of a 'upgrade-check' run, not of 'upgrade'"):
        find_record(tmp_path, "upgrade", "20260101T110000Z-upgrade-check.jsonl")
