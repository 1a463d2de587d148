"""The public surface of mikronet.inventory, and what importing it costs."""

from __future__ import annotations

import subprocess
import sys

import mikronet.inventory as inventory


def test_all_names_exist_and_nothing_private_is_exported() -> None:
    assert sorted(inventory.__all__) == sorted(set(inventory.__all__))
    for name in inventory.__all__:
        assert hasattr(inventory, name), name
    public = {n for n in vars(inventory) if not n.startswith("_") and n not in ("annotations",)}
    modules = {
        "cells",
        "checks",
        "edit",
        "export",
        "hardware_file",
        "loader",
        "model",
        "programme",
        "reference",
        "resolve",
        "schema",
        "secrets",
        "sections",
        "source",
        "tabular",
        "views",
        "windows",
    }
    assert public - modules == set(inventory.__all__)


def _modules_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(done.stdout.split())


def test_importing_the_inventory_does_not_import_pydantic() -> None:
    loaded = _modules_after("import mikronet.inventory")
    assert "pydantic" not in loaded
    assert "openpyxl" not in loaded


def test_cli_help_imports_neither_the_inventory_nor_its_libraries() -> None:
    loaded = _modules_after("from mikronet.cli.main import main\nmain(['--help'])")
    assert not {"pydantic", "yaml", "rich", "openpyxl", "mikronet.inventory"} & loaded
