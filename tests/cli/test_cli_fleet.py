"""Fleet commands from the terminal: the push question, --exit-code, JSON errors, facts and backup,
and Ctrl-C in the middle of a push (as a real process, with a real SIGINT)."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from fleet.conftest import ENV, PASSWORD, fleet_inventory, load
from support.fleet import PinnedFleet

from mikronet.cli.main import cli
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

MIKRONET = str(Path(sys.executable).with_name("mikronet"))


@pytest.fixture(scope="module")
def slow(start_pinned_fleet: Callable[..., PinnedFleet]) -> SimFleet:
    """Four schools with two routers each, 250 ms away: slow enough to interrupt a push mid-apply."""
    options = FleetOptions(latency_ms=250, device=DeviceOptions(boot_time=0.3))
    return start_pinned_fleet(fleet_inventory(4, 2, transports=("api",)), environ=ENV, options=options).fleet


def invoke(fleet: SimFleet, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-i", str(fleet.inventory_path), *args],
                                env={"MIKRONET_PASSWORD": PASSWORD, "MIKRONET_TECHNICIAN": "Test"})
    return result.exit_code, result.stdout, result.stderr


def test_a_push_to_several_schools_without_a_terminal_or_yes_touches_nothing(slow: SimFleet) -> None:
    code, out, err = invoke(slow, "push", "--limit", "LV-0001/*,LV-0002/*")
    assert code == 2 and "without --yes" in err and out == ""
    code, out, _ = invoke(slow, "plan", "--limit", "LV-0001/*,LV-0002/*", "--exit-code")
    assert code == 3 and "4 planned" in out  # nothing was pushed


def test_a_push_to_several_schools_on_a_terminal_asks_first(slow: SimFleet) -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen([MIKRONET, "-i", str(slow.inventory_path), "push", "--limit", "LV-0001/*,LV-0002/*"],
                               stdin=follower, stdout=follower, stderr=follower, close_fds=True,
                               env={**os.environ, "MIKRONET_PASSWORD": PASSWORD})
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 30
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            seen += os.read(leader, 4096)
    assert b"Push to 4 routers at 2 schools in 2 municipalities?" in seen, seen
    os.write(leader, b"n\n")
    assert process.wait(30) == 1
    os.close(leader)
    code, _, _ = invoke(slow, "plan", "--limit", "LV-0001/*,LV-0002/*", "--exit-code")
    assert code == 3  # answered no: nothing was pushed


def test_errors_are_json_with_json(slow: SimFleet) -> None:
    code, out, err = invoke(slow, "plan", "--json", "--limit", "LV-9999/*")
    assert code == 2 and err == ""
    error = json.loads(out)["error"]
    assert error["exit_status"] == 2 and "LV-9999" in error["message"]


def test_facts_and_backup_across_the_fleet(slow: SimFleet) -> None:
    code, out, _ = invoke(slow, "facts", "--limit", "LV-0004/*", "--json")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    facts = [line["details"]["facts"] for line in lines if "router" in line]
    assert len(facts) == 2 and all(f["version"] and f["model"] and f["architecture"] for f in facts)
    record = sorted((load(slow).trust_dir / "runs").glob("*-facts.jsonl"))[-1]
    assert all("facts" in json.loads(line).get("details", {})
               for line in record.read_text(encoding="utf-8").splitlines() if '"type": "result"' in line)
    code, out, _ = invoke(slow, "backup", "--limit", "LV-0004/*")
    assert code == 0 and "2 changed" in out
    code, out, _ = invoke(slow, "backup", "--limit", "LV-0004/*")
    assert code == 0 and "2 ok" in out  # nothing changed since: no new commit


def test_ctrl_c_mid_apply_restores_the_router_at_once_and_resume_finishes(slow: SimFleet) -> None:
    router_id = "LV-0003/r0"
    before = slow.call(lambda: slow.device(router_id).export())
    process = subprocess.Popen(
        [MIKRONET, "-i", str(slow.inventory_path), "push", "--limit", "LV-0003/*", "--forks", "1", "--json",
         "--revert-after", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "MIKRONET_PASSWORD": PASSWORD})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the first operations of the plan reach the router
        if "LV-0003-r0" in slow.call(lambda: slow.device(router_id).export()):
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    assert process.returncode == 1
    results = {line["router"]: line for line in map(json.loads, out.splitlines()) if "router" in line}
    assert results[router_id]["status"] == "interrupted" and results[router_id]["stands"] == "backup"
    assert results["LV-0003/r1"]["status"] == "skipped"
    # When the command has exited the router is back at its backup already, not minutes later.
    from mikronet.routeros import diff, parse

    now = slow.call(lambda: slow.device(router_id).export())
    assert not diff(parse(now, recover=True), parse(before, recover=True), own="all")
    code, out, _ = invoke(slow, "push", "--limit", "LV-0003/*", "--resume", "--yes")
    assert code == 0 and "2 changed" in out
