"""Shell completion: the scripts, and candidates from the current inventory through click's own
completion entry point (in process, and as the shell calls it: environment variables)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete

from mikronet.cli.main import cli, main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "inventory"
MIKRONET = Path(sys.executable).parent / "mikronet"


def candidates(args: list[str], incomplete: str) -> list[str]:
    """What click offers for the word being completed after ``mikronet ARGS``."""
    complete = ShellComplete(cli, {}, "mikronet", "_MIKRONET_COMPLETE")
    return [item.value for item in complete.get_completions(args, incomplete)]


def test_commands_and_options() -> None:
    assert {"inventory", "render", "plan", "push", "completion"} <= set(candidates([], ""))
    assert candidates(["inventory"], "co") == ["columns"]
    assert "--limit" in candidates(["inventory", "list"], "--l")


def test_router_ids_from_a_partial_id() -> None:
    found = candidates(["-i", str(SAMPLE), "inventory", "show"], "LV-004")
    assert {"LV-0042/gw", "LV-0042/ap1", "LV-0044/gw"} <= set(found) and all(f.startswith("LV-004") for f in found)
    assert candidates(["-i", str(SAMPLE), "inventory", "show"], "LV-0042") == [
        "LV-0042/gw",
        "LV-0042/lab",
        "LV-0042/ap1",
    ]
    assert candidates(["-i", str(SAMPLE), "render"], "lv-0042/a") == ["LV-0042/ap1"]  # case does not matter


def test_limit_terms() -> None:
    base = ["-i", str(SAMPLE), "inventory", "list", "--limit"]
    assert "LV-0042" in candidates(base, "LV-004") and "LV-0042/gw" in candidates(base, "LV-004")
    assert candidates(base, "group:p") == ["group:pilot"]
    assert candidates(base, "LV-0042,!group:a") == ["LV-0042,!group:api-closed", "LV-0042,!group:api-tls"]
    assert candidates(base, "municipality=Rīg") == ["municipality=Rīga"]
    assert set(candidates(base, "template=")) == {"template=school-gateway", "template=school-ap"}
    assert "model=RBD52G-5HacD2HnD" in candidates(base, "model=RBD")
    assert "municipality=" in candidates(base, "mun")


def test_another_inventory_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "one.yaml").write_text(
        "schools:\n  - id: SK-1\n    routers: [{name: gw}, {name: ap}]\n", encoding="utf-8"
    )
    monkeypatch.setenv("MIKRONET_INVENTORY", str(tmp_path))
    assert candidates(["inventory", "show"], "SK") == ["SK-1/gw", "SK-1/ap"]
    (tmp_path / "broken.yaml").write_text("schools: [\n", encoding="utf-8")
    assert candidates(["inventory", "show"], "SK") == ["SK-1/gw", "SK-1/ap"]  # a broken file is skipped, silently
    monkeypatch.setenv("MIKRONET_INVENTORY", str(tmp_path / "missing"))
    assert candidates(["inventory", "show"], "SK") == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_script_for_each_shell(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "_MIKRONET_COMPLETE" in script and f"{shell}_complete" in script


def test_an_unknown_shell_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "tcsh"]) == 2
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in capsys.readouterr().err


def test_as_bash_calls_it(tmp_path: Path) -> None:
    """The real entry point, driven by the variables the bash script sets."""
    env = {
        **os.environ,
        "_MIKRONET_COMPLETE": "bash_complete",
        "COMP_WORDS": f"mikronet -i {SAMPLE} inventory show LV-0042",
        "COMP_CWORD": "5",
    }
    done = subprocess.run([str(MIKRONET)], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["plain,LV-0042/gw", "plain,LV-0042/lab", "plain,LV-0042/ap1"]
    assert done.stderr == ""


def test_bash_completes_terms_it_splits_at_colon_and_equals() -> None:
    """bash splits `group:p` into three words; the script completes the term as one and hands bash
    back only the part after its split (as bash sees the line: COMP_LINE, COMP_WORDS, COMP_CWORD)."""
    script = subprocess.run([str(MIKRONET), "completion", "bash"], capture_output=True, text=True, check=True).stdout
    driver = script + (
        '\ntry() { COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; shift; COMP_WORDS=("$@");'
        " COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _mikronet_completion mikronet;"
        ' echo "${COMPREPLY[*]}"; }\n'
        + "".join(
            f'try "mikronet -i {SAMPLE} {line}" mikronet -i {SAMPLE} {words}\n'
            for line, words in [
                ("inventory list --limit group:p", "inventory list --limit group : p"),
                ("inventory list -l municipality=Rī", "inventory list -l municipality = Rī"),
                ("inventory show LV-0042", "inventory show LV-0042"),
            ]
        )
    )
    env = {**os.environ, "PATH": f"{MIKRONET.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", driver], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["pilot", "Rīga", "LV-0042/gw LV-0042/lab LV-0042/ap1"]
