"""What a newcomer runs first -- `make demo`'s command and the README's tour, in a scratch copy of the
project -- warns about nothing, leaves no file in the checkout and no process running; and `make test`
stops the PostgreSQL server it started, keeping pytest's exit status."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECRETS = {"MIKRONET_PASSWORD": "Tour-Pa55-wörd", "MIKRONET_WIFI_PASSPHRASE": "Tour-wifi-pass-1",
           "MIKRONET_RADIUS_SECRET": "Tour-radius-1"}
_WARNING = re.compile(r"(?i)^\s*warning\b|\w+Warning: |^Traceback ")


def tour_commands(readme: str) -> list[str]:
    """The `$ …` lines of the README's tour (its first console block), without the secrets' `export`."""
    block = readme.split("## A tour", 1)[1].split("```console", 1)[1].split("```", 1)[0]
    return [line[2:] for line in block.splitlines() if line.startswith("$ ") and not line.startswith("$ export ")]


def scratch_copy(target: Path) -> Path:
    """The project's files (committed or not, nothing git ignores) in a fresh git repository."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git = ["git", "-c", "user.name=Tour", "-c", "user.email=tour@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-qm", "scratch copy"], cwd=target, check=True)
    return target


def processes_under(folder: Path) -> list[str]:
    """Command lines of running processes started in, or naming, ``folder``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if str(folder) in cmdline or cwd.startswith(str(folder)):
            found.append(cmdline)
    return found


def _run(script: str, checkout: Path) -> str:
    env = {**os.environ, **SECRETS, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(checkout), "MIKRONET_TECHNICIAN": "Tour"}
    env.pop("MIKRONET_INVENTORY", None)
    done = subprocess.run(["bash", "-e", "-c", script], cwd=checkout, env=env, capture_output=True, text=True,
                          timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    return output


def _assert_clean(output: str, checkout: Path) -> None:
    assert [line for line in output.splitlines() if _WARNING.search(line)] == []
    left = subprocess.run(["git", "status", "--porcelain"], cwd=checkout, capture_output=True, text=True).stdout
    assert left == "", f"left in the checkout:\n{left}"
    assert processes_under(checkout) == []


def test_the_tour_is_read_from_the_readme_and_writes_only_under_sim() -> None:
    commands = tour_commands((REPO / "README.md").read_text(encoding="utf-8"))
    assert commands[0].startswith("mikronet inventory check") and commands[-1].startswith("mikronet sim down")
    writes = [c for c in commands if ">" in c.split("#")[0]]
    assert writes and all(re.search(r">\s*\.sim/", c) for c in writes), writes


@pytest.mark.slow
def test_the_readme_tour_runs_cleanly_in_a_scratch_copy(tmp_path: Path) -> None:
    checkout = scratch_copy(tmp_path / "mikronet")
    commands = tour_commands((checkout / "README.md").read_text(encoding="utf-8"))
    output = _run("\n".join(commands), checkout)
    _assert_clean(output, checkout)


@pytest.mark.slow
def test_make_demos_command_runs_cleanly_in_a_scratch_copy(tmp_path: Path) -> None:
    checkout = scratch_copy(tmp_path / "mikronet")
    recipe = re.search(r"^demo:.*\n\t(.+)$", (checkout / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert recipe is not None
    output = _run(recipe.group(1).replace("$(BIN)/", ""), checkout)  # `mikronet demo`, from the venv
    _assert_clean(output, checkout)


_STUB = "#!/usr/bin/env bash\n{body}\n"


@pytest.mark.parametrize(("started", "pytest_status"), [(True, 0), (True, 5), (False, 5)])
def test_make_test_stops_the_server_it_started_and_keeps_pytests_status(
    tmp_path: Path, started: bool, pytest_status: int
) -> None:
    """`make test` with its own Makefile; the venv's programs and `.ci/services` stand in as scripts."""
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    calls = tmp_path / "calls"
    stubs = {
        ".venv/bin/ruff": "exit 0", ".venv/bin/mypy": "exit 0", ".venv/bin/lint-imports": "exit 0",
        ".venv/bin/python": f'echo "pytest $*" >> {calls}; exit {pytest_status}',
        ".ci/services": (f'echo "services $1" >> {calls}\n'
                         f'if [ "$1" = up ]; then printf "MIKRONET_TEST_POSTGRES=postgresql://x\\n'
                         f'MIKRONET_SERVICES_STARTED={int(started)}\\n" > "$2"; fi'),
    }
    for name, body in stubs.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(_STUB.format(body=body), encoding="utf-8")
        (tmp_path / name).chmod(0o755)
    (tmp_path / ".venv/.installed").touch()
    done = subprocess.run(["make", "-s", "test"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (done.returncode == 0) == (pytest_status == 0), done.stderr
    assert calls.read_text().splitlines() == [
        "services up", "pytest -m pytest -q", *(["services down"] if started else [])]
