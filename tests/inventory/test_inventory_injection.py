"""Inventory text stays data in other tools: Ansible does not evaluate it, a spreadsheet does not
run it as a formula, and a terminal does not obey the control characters in it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support.services import require_executable

from mikronet.cli.main import main
from mikronet.inventory import load_inventory
from mikronet.inventory.export import ansible_inventory, csv_text, neutralise_cell
from mikronet.inventory.tabular import import_table

ANSIBLE = Path(sys.executable).parent / "ansible"


def hostile_inventory(write: Callable[..., Path], texts: tuple[str, str], name: str, extra_var: str) -> Path:
    write("fleet.yaml", texts[0])
    school = texts[1].replace('name: "Rīgas 1. vidusskola"', f"name: {json.dumps(name, ensure_ascii=False)}")
    school = school.replace(
        "vars: {lan_subnet: 10.42.0.0/24}", f"vars: {{lan_subnet: 10.42.0.0/24, note: {json.dumps(extra_var)}}}"
    )
    return write("schools.yaml", school)


def test_ansible_does_not_evaluate_a_school_name(
    write: Callable[..., Path], texts: tuple[str, str], tmp_path: Path
) -> None:
    require_executable(ANSIBLE, "ansible-core")
    marker = tmp_path / "ran"
    payload = "{{ lookup('pipe', 'touch " + str(marker) + "') }}"
    root = hostile_inventory(write, texts, "Skola " + payload, payload)
    hosts = tmp_path / "hosts.yaml"
    hosts.write_text(ansible_inventory(load_inventory(root), load_inventory(root).routers), encoding="utf-8")
    env = {
        **os.environ,
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
        "ANSIBLE_HOME": str(tmp_path / "home"),
        "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true",
        "ANSIBLE_HOST_KEY_CHECKING": "false",
    }
    done = subprocess.run(
        [
            str(ANSIBLE), "all", "-i", str(hosts), "-e", "ansible_connection=local", "-m", "ansible.builtin.debug",
            "-a", "msg='{{ mikronet_school_name }} / {{ mikronet_vars.note }}'",
        ],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert not marker.exists()  # the lookup never ran
    assert "lookup('pipe'" in done.stdout and "Skola" in done.stdout  # shown as the text it is


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+371 6700 0000", "'+371 6700 0000"),
        ("-Skola", "'-Skola"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-6", "-6"),  # a plain number stays a number
        ("+50", "+50"),
        ("Rīgas skola", "Rīgas skola"),
        ("'=already quoted", "''=already quoted"),  # so the import's one ' off gives it back
    ],
)
def test_csv_neutralises_cells_a_spreadsheet_would_run(cell: str, written: str) -> None:
    assert neutralise_cell(cell) == written


def test_csv_export_of_hostile_names_imports_back_the_same(
    write: Callable[..., Path], texts: tuple[str, str], tmp_path: Path
) -> None:
    name = '=cmd|" /C calc"!A0'
    root = hostile_inventory(write, texts, name, "@SUM(1+1)*cmd|' /C calc'!A0")
    inv = load_inventory(root)
    text = csv_text(inv, inv.routers, excel=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, row = rows[0], rows[1]
    assert row[header.index("name")] == "'" + name
    assert row[header.index("var.note")].startswith("'@SUM")
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8", newline="")
    school = import_table(path).schools[0]
    assert school["name"] == name and school["vars"]["note"] == "@SUM(1+1)*cmd|' /C calc'!A0"


def test_list_and_show_escape_control_characters(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "Skola\r\x1b[2K\x07Hacked\x00 \u202eabc"
    root = hostile_inventory(write, texts, name, "x\x1b]0;title\x07")
    for command in (["inventory", "list"], ["inventory", "show", "LV-0042/gw"]):
        assert main(["-i", str(root), *command]) == 0
        out = capsys.readouterr().out
        assert not any(char in out for char in "\r\x1b\x07\x00\u202e")
        assert "Skola\\r\\x1b[2K\\x07Hacked\\0 \\u202eabc" in out
    assert main(["-i", str(root), "inventory", "show", "LV-0042/gw"]) == 0
    assert "x\\x1b]0;title\\x07" in capsys.readouterr().out
