"""The simulator is an extra (``mikronet[sim]``): without it, ``sim`` and ``demo`` say what to install."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs the CLI in a fresh interpreter in which the named modules cannot be imported (as if the
# extra were not installed): a finder ahead of every other refuses them.
WITHOUT = textwrap.dedent("""
    import importlib.abc, sys
    BLOCKED = set(sys.argv[1].split(","))
    class Absent(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None
    sys.meta_path.insert(0, Absent())
    import importlib.util
    _find = importlib.util.find_spec
    def find_spec(name, package=None):
        return None if name.split(".")[0] in BLOCKED else _find(name, package)
    importlib.util.find_spec = find_spec
    from mikronet.cli.main import main
    sys.exit(main(sys.argv[2:]))
""")


def _run(blocked: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MIKRONET_PASSWORD": "x", "MIKRONET_WIFI_PASSPHRASE": "y" * 12,
           "MIKRONET_RADIUS_SECRET": "z" * 12}
    return subprocess.run([sys.executable, "-c", WITHOUT, blocked, *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


@pytest.mark.parametrize("command", [["sim", "up"], ["demo"]])
def test_without_the_sim_extra_the_command_names_it(command: list[str], tmp_path: Path) -> None:
    done = _run("asyncssh", "-i", str(ROOT / "inventory"), *command, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "mikronet[sim]" in done.stderr
    assert "asyncssh" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / ".sim").exists()  # nothing was started


def test_the_product_imports_without_the_sim_extra(tmp_path: Path) -> None:
    """Everything but the simulator works without asyncssh: the inventory check, say."""
    done = _run("asyncssh", "-i", str(ROOT / "inventory"), "inventory", "check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "asyncssh" not in done.stderr
