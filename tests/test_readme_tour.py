"""What a newcomer runs first -- `make demo`'s command and the README's tour, in a scratch copy of the
project -- warns about nothing, prints no secret, leaves no file in the checkout but under the ignored
`.sim/` and no process running; `make demo` ends with the commands that open the dashboard on its data,
and they do; and `make test` stops the PostgreSQL server it started, keeping pytest's exit status."""

from __future__ import annotations

import html
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
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


def _env(checkout: Path) -> dict[str, str]:
    env = {**os.environ, **SECRETS, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(checkout), "MIKRONET_TECHNICIAN": "Tour"}
    env.pop("MIKRONET_INVENTORY", None)
    return env


def _run(script: str, checkout: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["bash", "-e", "-c", script], cwd=checkout, env=_env(checkout), capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done


def _ignored(checkout: Path) -> list[str]:
    """What git ignores in the checkout, but Python's byte-code caches."""
    listed = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=checkout, capture_output=True,
                            text=True, check=True).stdout.splitlines()
    return [line[3:] for line in listed if line.startswith("!! ") and "__pycache__" not in line]


def _assert_clean(output: str, checkout: Path) -> None:
    assert [line for line in output.splitlines() if _WARNING.search(line)] == []
    assert [name for name, value in SECRETS.items() if value in output] == []
    left = subprocess.run(["git", "status", "--porcelain"], cwd=checkout, capture_output=True, text=True).stdout
    assert left == "", f"left in the checkout:\n{left}"
    assert _ignored(checkout) in ([], [".sim/"])
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
    done = _run("\n".join(commands), checkout)
    _assert_clean(done.stdout + done.stderr, checkout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _open_dashboard(commands: list[str], checkout: Path, pages: tuple[str, ...]) -> dict[str, str]:
    """Run the printed `user add` (its password from the environment, as scripts give it) and `serve` (on
    a free port), log in as that user and return the pages' HTML."""
    add, serve = (shlex.split(line) for line in commands)
    env = {**_env(checkout), "MIKRONET_USER_PASSWORD": "Tour-dashboard-ā-1"}
    for name in SECRETS:  # the dashboard reads the record; it needs no router's secret
        env.pop(name)
    added = subprocess.run(add, cwd=checkout, env=env, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    port = _free_port()
    server = subprocess.Popen([*serve, "--port", str(port)], cwd=checkout, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            while True:  # until it listens (or has stopped; pytest's timeout bounds the wait)
                try:
                    login = http.get("/login")
                    break
                except httpx.TransportError:
                    assert server.poll() is None, server.communicate()[1]
                    time.sleep(0.1)
            token = re.search(r'name="csrf" value="([^"]+)"', login.text)
            assert token is not None, login.text
            answer = http.post("/login", data={"user": add[add.index("add") + 1], "csrf": token.group(1),
                                               "password": env["MIKRONET_USER_PASSWORD"]})
            assert answer.status_code == 303, answer.text
            found = {path: http.get(path) for path in pages}
            assert {path: answer.status_code for path, answer in found.items()} == dict.fromkeys(pages, 200)
            return {path: html.unescape(answer.text) for path, answer in found.items()}
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.slow
def test_make_demos_command_runs_cleanly_in_a_scratch_copy(tmp_path: Path) -> None:
    checkout = scratch_copy(tmp_path / "mikronet")
    recipe = re.search(r"^demo:.*\n\t(.+)$", (checkout / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert recipe is not None
    command = recipe.group(1).replace("$(BIN)/", "")  # `mikronet demo --dir .sim/demo`, from the venv
    done = _run(command, checkout)
    _assert_clean(done.stdout + done.stderr, checkout)
    demo = checkout / ".sim" / "demo"
    assert [p.name for p in (checkout / ".sim").iterdir()] == ["demo"]
    assert {"inventory.yaml", "ledger.sqlite", "runs", "backups"} <= {p.name for p in demo.iterdir()}
    progress = (demo / "reports" / "progress.html").read_text(encoding="utf-8")
    assert "Mērījumu vēl nav" not in progress  # the replaced router's bandwidth before and after is there
    # it ends with the commands that open the dashboard on that data, as typed here
    last = done.stdout.rstrip("\n").splitlines()[-3:]
    assert last[0] == "  mikronet -i .sim/demo/inventory.yaml user add ministrija --role ministry", last
    assert last[1] == "  mikronet -i .sim/demo/inventory.yaml serve", last
    assert "http://127.0.0.1:8080/" in last[2]
    pages = _open_dashboard([last[0].strip(), last[1].strip()], checkout, ("/programme", "/ledger"))
    assert "Ādažu novads" in pages["/programme"]  # the sample's municipalities
    assert "Konsultācija ar Jaunpiebalgas ģimnāzija IT atbildīgo" in pages["/ledger"]  # what this demo recorded
    assert processes_under(checkout) == []


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
