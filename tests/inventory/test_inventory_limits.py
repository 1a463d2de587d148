"""Resource limits and where YAML errors point: an alias bomb and an oversized file are refused
quickly with a clear error; a broken construct is reported where it began."""

from __future__ import annotations

import resource
from collections.abc import Callable
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.errors import InventoryError
from mikronet.inventory import load_inventory
from mikronet.inventory.cells import var_value
from mikronet.inventory.source import MAX_FILE_BYTES

# 9 levels of 9 aliases: 9**9 (387 million) values once expanded, in well under a kilobyte
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


def test_an_alias_bomb_is_refused_quickly(write: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = write("bomb.yaml", "schools: []\n" + BOMB.replace("a: &a", "x_a: &a"))
    assert len(BOMB) < 700
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = main(["-i", str(root), "inventory", "check"])
    err = capsys.readouterr().err
    assert code == 2
    assert "aliases (*name) repeat more than 10,000 values in this file (an alias bomb?)" in err
    assert err.startswith(f"error: {root / 'bomb.yaml'}:")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 200_000  # KiB: no gigabytes


def test_ordinary_aliases_still_work(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0])
    root = write(
        "schools.yaml",
        texts[1].replace("vars: {lan_subnet: 10.42.0.0/24}", "vars: &v {lan_subnet: 10.42.0.0/24}"),
    )
    assert load_inventory(root).router("LV-0042/gw").vars["lan_subnet"] == "10.42.0.0/24"


def test_a_cell_with_an_alias_bomb_stays_text() -> None:
    cell = "[" + BOMB.replace("\n", ", ").replace(": &", ": &") + "]"
    assert var_value(cell) == cell  # not expanded, not an error: a cell has no use for aliases
    assert var_value("[a, b]") == ["a", "b"]


def test_an_oversized_file_is_refused_before_it_is_read(write: Callable[..., Path]) -> None:
    root = write("big.yaml", "schools: []\n")
    with (root / "big.yaml").open("a", encoding="utf-8") as handle:
        handle.write("#" * (MAX_FILE_BYTES + 1) + "\n")
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    assert info.value.file == str(root / "big.yaml")
    assert "an inventory file may have at most 8,388,608" in info.value.message


@pytest.mark.parametrize(
    ("original", "broken", "line", "message"),
    [
        ("name: Rīgas 1. vidusskola", 'name: "Rīgas 1. vidusskola', 3, "a quoted value opened here is not closed"),
        ("name: Rīgas 1. vidusskola", "name: 'Rīgas 1. vidusskola", 3, "a quoted value opened here is not closed"),
        ("groups: [pilot]", "groups: [pilot", 6, "a '[' list opened here is not closed"),
        ("contracted_mbps: 300}", "contracted_mbps: 300", 7, "a '{' mapping opened here is not closed"),
    ],
)
def test_a_yaml_error_points_where_the_construct_began(
    write: Callable[..., Path], texts: tuple[str, str], original: str, broken: str, line: int, message: str
) -> None:
    school = texts[1].replace('"', "")  # no other quote further down to close the broken one by accident
    assert original in school
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", school.replace(original, broken))
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    assert (info.value.file, info.value.line) == (str(root / "schools.yaml"), line)
    assert info.value.message.startswith(f"malformed YAML: {message} (noticed at line ")
