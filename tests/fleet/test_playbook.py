"""Playbooks: checked with file and line, run step by step across a simulated fleet, stopped by a
crossed threshold, and run from the CLI with --check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mikronet.cli.main import cli
from mikronet.errors import InventoryError
from mikronet.ops.fleet import Fleet
from mikronet.playbook import load_playbook, run_playbook
from mikronet.runner.results import Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

from .conftest import ENV, PASSWORD, fleet_inventory, load, pin_all

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("playbook")
    (root / "inventory.yaml").write_text(fleet_inventory(4, 2), encoding="utf-8")
    options = FleetOptions(device=DeviceOptions(boot_time=0.3))
    with SimFleet(root / "inventory.yaml", directory=root / "sim", options=options, environ=ENV) as running:
        yield running


def test_the_sample_playbook_loads() -> None:
    book = load_playbook(REPO / "playbooks" / "baseline.yaml")
    assert [s.operation for s in book.steps] == ["facts", "backup", "plan", "push"]
    assert book.policy().waves == ("cover", "10%", "30%", "rest") and book.policy().max_fail == "5%"


@pytest.mark.parametrize(("text", "line", "message"), [
    ("name: x\nsteps:\n  - facts\n  - reboot\n", 4, "unknown step 'reboot'"),
    ("name: x\nstrategy:\n  forks: 5\n  wave: [1]\nsteps: [facts]\n", 4, "unknown strategy 'wave'"),
    ("name: x\nsteps:\n  - plan: school-gateway\n", 3, r"only push \(the template it rolls out\) and measure"),
    ("name: x\nsteps: []\n", 2, "non-empty list"),
])
def test_a_bad_playbook_names_file_line_and_field(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InventoryError, match=message) as caught:
        load_playbook(path)
    assert caught.value.file == str(path) and caught.value.line == line


def test_a_playbook_runs_its_steps_and_a_crossed_threshold_ends_it(small: SimFleet, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    inventory = load(small)
    pin_all(inventory)
    book_path = tmp_path / "rollout.yaml"
    book_path.write_text("name: rollout\nstrategy: {forks: 4, max_fail: 0, retries: 0}\n"
                         "steps: [facts, backup, push: school-gateway]\n", encoding="utf-8")
    fleet = Fleet(inventory, command=["pytest"])
    small.set_fault("LV-0002/r1", "refuse")
    try:
        done = run_playbook(load_playbook(book_path), fleet)
    finally:
        small.set_fault("LV-0002/r1", "refuse", on=False)
    assert [step.operation for step, _ in done] == ["facts"]  # facts failed one router: past max_fail 0
    facts = done[0][1]
    assert facts.crossed and any(r.status is Status.UNREACHABLE for r in facts.results)
    done = run_playbook(load_playbook(book_path), fleet)
    assert [step.operation for step, _ in done] == ["facts", "backup", "push"]
    assert all(r.status is Status.CHANGED for r in done[2][1].results)
    runs = sorted(p.name for p in fleet.runs_dir.glob("*.jsonl"))
    assert sum("-push" in name for name in runs) == 1 and sum("-facts" in name for name in runs) == 2


def test_run_check_plans_instead_of_pushing(small: SimFleet, tmp_path: Path) -> None:
    inventory = load(small)
    pin_all(inventory)
    runs = inventory.trust_dir / "runs"
    before = set(runs.glob("*.jsonl"))
    result = CliRunner().invoke(cli, ["-i", str(small.inventory_path), "run", str(REPO / "playbooks/baseline.yaml"),
                                      "--check", "--limit", "LV-0003/*"], env={"MIKRONET_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "── push" in result.stdout
    assert "2 ok" in result.stdout or "2 planned" in result.stdout
    new = sorted(p.name.split("-", 1)[1].split(".")[0].split("-")[0] for p in set(runs.glob("*.jsonl")) - before)
    assert new == ["backup", "facts", "plan", "plan"], new  # the push step planned
