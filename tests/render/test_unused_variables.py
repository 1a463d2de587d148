"""An inventory variable no template reads is a warning of ``inventory check`` at the line that sets it,
with the nearest variable the templates do read; ``render --check`` then points at the inventory's
misspelling instead of offering it as the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.inventory import load_inventory
from mikronet.render import Renderer
from mikronet.render_vars import template_variables, unused_variables

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def misspelt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample with LV-0042's ``lan_subnet`` written ``lan_subnte``."""
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory", ignore=shutil.ignore_patterns("*.sqlite"))
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    riga = tmp_path / "inventory" / "schools" / "riga.yaml"
    text = riga.read_text(encoding="utf-8")
    start = text.index("- id: LV-0042")
    at = text.index("lan_subnet:", start)
    riga.write_text(text[:at] + "lan_subnte:" + text[at + len("lan_subnet:"):], encoding="utf-8")
    monkeypatch.setenv("MIKRONET_PASSWORD", "Vars-Password")
    return tmp_path


def test_template_variables_follow_includes(tmp_path: Path) -> None:
    (tmp_path / "part.rsc.j2").write_text("{{ from_part }}\n{% set local = 1 %}{{ local }}\n", encoding="utf-8")
    (tmp_path / "t.rsc.j2").write_text("{{ top }}\n{% include 'part.rsc.j2' %}\n", encoding="utf-8")
    assert template_variables(Renderer(tmp_path), "t") == {"top", "from_part"}
    (tmp_path / "d.rsc.j2").write_text("{% include name ~ '.rsc.j2' %}\n", encoding="utf-8")
    assert template_variables(Renderer(tmp_path), "d") is None  # a computed include: not known


def test_an_unused_variable_is_found_where_it_is_set(misspelt: Path) -> None:
    inventory = load_inventory(misspelt / "inventory")
    found = {u.name: u for u in unused_variables(Renderer(misspelt / "templates"), inventory.routers)}
    typo = found["lan_subnte"]
    assert typo.nearest == "lan_subnet" and typo.file is not None and typo.file.endswith("riga.yaml")
    lines = (misspelt / "inventory" / "schools" / "riga.yaml").read_text(encoding="utf-8").splitlines()
    assert typo.line is not None and "lan_subnte:" in lines[typo.line - 1]
    assert "lan_subnet" not in found and "timezone" not in found


def test_inventory_check_warns_and_render_check_blames_the_inventory(
        misspelt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inventory = str(misspelt / "inventory")
    assert main(["-i", inventory, "inventory", "check"]) == 0
    err = capsys.readouterr().err
    assert "riga.yaml:" in err and "variable 'lan_subnte' is used by no template" in err
    assert "did you mean 'lan_subnet'?" in err
    assert main(["-i", inventory, "render", "--check", "--limit", "LV-0042"]) == 2
    err = capsys.readouterr().err
    assert "'lan_subnet' is undefined" in err and "did you mean 'lan_subnte'" not in err
    assert "the variables have 'lan_subnte', which no template reads: misspelt in the inventory?" in err
