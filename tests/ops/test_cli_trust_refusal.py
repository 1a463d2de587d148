"""`mikronet trust` without --yes and without a terminal pins nothing, and says so with exit status 2
(as push does); a blank router pattern is an error, never every router."""

from __future__ import annotations

from click.testing import CliRunner

from mikronet.cli.main import cli
from mikronet.inventory import Inventory
from mikronet.sim.fleet import SimFleet
from mikronet.transport import TrustStore

from .conftest import PASSWORD


def run(fleet: SimFleet, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-i", str(fleet.inventory_path), *args], env={"MIKRONET_PASSWORD": PASSWORD})
    return result.exit_code, result.stdout, result.stderr


def test_trust_without_yes_and_without_a_terminal_is_exit_2(fleet: SimFleet, sim_inventory: Inventory) -> None:
    store = TrustStore(sim_inventory.known_hosts)
    store.forget("LV-0101/api")
    try:
        code, out, err = run(fleet, "trust", "LV-0101/api")
        assert code == 2, out + err
        assert "ssh-ed25519" in out  # the fingerprints are shown
        assert "not pinned without --yes" in err and "no terminal" in err
        assert "LV-0101/api " not in sim_inventory.known_hosts.read_text(encoding="utf-8")
    finally:
        assert run(fleet, "trust", "LV-0101/api", "--yes")[0] == 0


def test_trust_with_a_blank_pattern_selects_nothing(fleet: SimFleet, sim_inventory: Inventory) -> None:
    code, _, err = run(fleet, "trust", "", "--yes")
    assert code == 2 and "empty selection" in err
