"""Checks across the whole inventory: overlapping school networks, duplicate serials and addresses,
each naming both places; every router's template exists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.errors import InventoryError
from mikronet.inventory import load_inventory

OTHER = """\
schools:
  - id: LV-0100
    name: "Ķekavas vidusskola"
    municipality: "Ķekavas novads"
    connection: {type: other}
    vars: {lan_subnet: 10.42.0.128/25}
    routers:
      - name: gw
        host: 10.100.0.1
        model: RB750Gr3
        serial: 8E3A08B2D4F1
"""


def error_of(root: Path) -> InventoryError:
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    return info.value


def test_overlapping_school_networks_name_both_places(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0])
    write("schools.yaml", texts[1])
    root = write("zz-other.yaml", OTHER)
    error = error_of(root)
    assert (error.file, error.line, error.field) == (str(root / "zz-other.yaml"), 6, "schools[0].vars.lan_subnet")
    assert error.message == f"10.42.0.128/25 of LV-0100 overlaps 10.42.0.0/24 of LV-0042 ({root / 'schools.yaml'}:8)"
    # the same network twice
    write("zz-other.yaml", OTHER.replace("10.42.0.128/25", "10.42.0.0/24"))
    assert "is the same network as 10.42.0.0/24 of LV-0042" in error_of(root).message
    # apart: fine
    write("zz-other.yaml", OTHER.replace("10.42.0.128/25", "10.43.0.0/24"))
    assert len(load_inventory(root).schools) == 2


def test_a_subnet_that_is_not_a_network(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("10.42.0.0/24", "10.42.0.0/33"))
    error = error_of(root)
    assert (error.line, error.field) == (8, "schools[0].vars.lan_subnet")
    assert error.message == "'10.42.0.0/33' is not a network (write it as 10.42.0.0/24)"


def test_duplicate_serial_names_both_places(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0])
    write("schools.yaml", texts[1])
    root = write(
        "zz-other.yaml", OTHER.replace("10.42.0.128/25", "10.43.0.0/24").replace("8E3A08B2D4F1", "he108abcdef")
    )
    error = error_of(root)
    assert (error.file, error.line, error.field) == (str(root / "zz-other.yaml"), 11, "schools[0].routers[0].serial")
    assert error.message == f"serial he108abcdef is already router 'LV-0042/gw' ({root / 'schools.yaml'}:13)"


def test_many_problems_are_all_listed(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0])
    write("schools.yaml", texts[1])
    root = write(
        "zz-other.yaml",
        OTHER.replace("10.100.0.1", "10.42.0.1").replace("8E3A08B2D4F1", "HE108ABCDEF"),
    )
    lines = str(error_of(root)).splitlines()
    assert len(lines) == 3  # the address, the serial and the network: every problem, once each
    assert any("port 8728 is already router 'LV-0042/gw'" in line for line in lines)


def test_check_reports_a_missing_template_where_it_is_set(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = Path(__file__).resolve().parents[2] / "templates"
    write("fleet.yaml", texts[0].replace("template: school-gateway", "template: school-gatway"))
    root = write("schools.yaml", texts[1])
    assert main(["-i", str(root), "inventory", "check", "--templates", str(templates)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: {root / 'fleet.yaml'}:5: defaults.template: no template 'school-gatway' in {templates}; "
        "did you mean 'school-gateway'? (1 routers: LV-0042/gw)"
    )
    write("fleet.yaml", texts[0])
    assert main(["-i", str(root), "inventory", "check", "--templates", str(templates)]) == 0
