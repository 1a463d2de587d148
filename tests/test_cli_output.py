"""What a fleet run prints: a line per router worth one, the never-started in one line, no repeated words."""

from __future__ import annotations

import pytest

from mikronet.cli.output import Lines, print_result, print_summary
from mikronet.runner import Event, RunResult
from mikronet.runner.results import RouterResult, Stands, Status


def _interrupted_run() -> RunResult:
    results = [RouterResult("LV-0001/gw", Status.CHANGED, timings={"total": 1.0}),
               RouterResult("LV-0002/gw", Status.INTERRUPTED, cause="interrupted", stands=Stands.BACKUP,
                            reason="interrupted while applying; the backup was loaded")]
    results += [RouterResult(f"LV-{n:04d}/gw", Status.SKIPPED, reason="interrupted", cause="interrupted",
                             stands=Stands.UNTOUCHED) for n in range(3, 35)]
    return RunResult(results, interrupted=True, started=0.0, finished=4.0)


def test_after_ctrl_c_the_routers_never_started_are_one_line_with_the_resume_command(
    capsys: pytest.CaptureFixture[str]
) -> None:
    run = _interrupted_run()
    lines = Lines(show_plan=False)
    for result in run.results:
        lines(Event("router-finished", router=result.router, result=result))
    print_summary(run, json_output=False, operation="push")
    out = capsys.readouterr().out.splitlines()
    assert not [line for line in out if line.startswith("LV-00") and "skipped" in line]
    assert [line for line in out if "LV-0002/gw: interrupted" in line]  # the one in flight keeps its lines
    assert [line for line in out if "not started" in line] == [
        "32 router(s) not started (interrupted); to carry on, run the same command with --resume "
        "(mikronet push … --resume)"]
    assert len(out) < 12, out


def test_the_cause_is_shown_in_brackets_only_when_it_adds_to_the_status(capsys: pytest.CaptureFixture[str]) -> None:
    print_result(RouterResult("LV-0001/gw", Status.AUTH_FAILED, cause="auth-failed", error="login refused",
                              stands=Stands.UNTOUCHED), show_plan=False)
    print_result(RouterResult("LV-0002/gw", Status.FAILED, cause="revert-fired", error="its revert fired",
                              stands=Stands.UNKNOWN), show_plan=False)
    print_summary(RunResult([RouterResult("LV-0001/gw", Status.AUTH_FAILED, cause="auth-failed",
                                          error="login refused")]), json_output=False, operation="plan")
    out = capsys.readouterr().out
    assert "auth-failed (auth-failed)" not in out
    assert "LV-0001/gw: auth-failed\n" in out
    assert "LV-0002/gw: failed (revert-fired)\n" in out
    assert "auth-failed      auth-failed" not in out  # nor twice in the summary's table
    assert [line.split() for line in out.splitlines() if line.startswith("  LV-0001/gw ")] == [
        ["LV-0001/gw", "auth-failed", "login", "refused"]]


def test_the_canary_is_announced_as_the_first_wave(capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from mikronet.inventory import load_inventory
    from mikronet.runner import RolloutPolicy, Runner

    lines = Lines(show_plan=False)
    runner = Runner(RolloutPolicy(waves=("cover", "rest"), forks=20), observers=[lines])
    chosen = list(load_inventory(Path(__file__).resolve().parents[1] / "inventory").routers)[:40]
    runner.run(chosen, lambda router, ctx: RouterResult(router.id, Status.OK), name="plan")
    out = capsys.readouterr().out.splitlines()
    waves = [line for line in out if line.startswith("wave ")]
    assert waves[0].startswith("wave 1 of 2, the canary: ") and waves[1].startswith("wave 2 of 2: ")
