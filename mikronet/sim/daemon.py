"""A fleet in the background: the state file in its directory, starting, waiting and stopping.

``mikronet sim up`` starts ``mikronet sim run --state`` as a detached process and waits for it to
write ``DIR/state.json`` with ``"status": "ready"`` (or to die, in which case its log tells why);
``mikronet sim down`` signals the pid the state file names and waits for it to go.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mikronet.errors import InputError
from mikronet.processes import pid_alive
from mikronet.sim.runtime import Endpoint

__all__ = [
    "FleetStateError",
    "read_state",
    "remove_state",
    "start_background",
    "stop_background",
    "write_state",
]

STATE = "state.json"
LOG_FILE = "sim.log"


class FleetStateError(InputError):
    """The fleet directory is not in the state the command needs (already running, not running)."""


def write_state(directory: Path, status: str, endpoints: Mapping[str, Endpoint] | None = None, **extra: Any) -> None:
    """Write ``state.json`` atomically (pid, status, where each router listens)."""
    directory.mkdir(parents=True, exist_ok=True)
    data = {
        "pid": os.getpid(),
        "status": status,
        **extra,
        "routers": {rid: asdict(ep) for rid, ep in (endpoints or {}).items()},
    }
    tmp = directory / (STATE + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(directory / STATE)


def read_state(directory: Path) -> dict[str, Any] | None:
    """The state of a fleet directory, or None when no live fleet owns it (stale files are ignored)."""
    path = directory / STATE
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    if not pid_alive(int(data.get("pid", 0))):
        return None
    return data


def remove_state(directory: Path) -> None:
    (directory / STATE).unlink(missing_ok=True)


def start_background(directory: Path, argv: Sequence[str], timeout: float = 300.0) -> dict[str, Any]:
    """Run ``mikronet <argv>`` detached (its output in ``DIR/sim.log``); return its state once ready."""
    existing = read_state(directory)
    if existing is not None:
        raise FleetStateError(
            f"{directory}: a simulated fleet is already running (pid {existing['pid']}); "
            "stop it with `mikronet sim down`"
        )
    remove_state(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOG_FILE, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mikronet", *argv],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            close_fds=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = read_state(directory)
        if state is not None and state.get("pid") == process.pid and state.get("status") == "ready":
            return state
        code = process.poll()
        if code is not None:
            tail = (directory / LOG_FILE).read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            raise FleetStateError(f"the simulated fleet did not start (exit {code}):\n" + "\n".join(tail))
        time.sleep(0.05)
    process.terminate()
    raise FleetStateError(f"the simulated fleet did not start within {timeout:.0f}s (see {directory / LOG_FILE})")


def stop_background(directory: Path, timeout: float = 20.0) -> int | None:
    """Stop the fleet that owns ``directory``; return its pid, or None if none was running."""
    state = read_state(directory)
    if state is None:
        remove_state(directory)
        return None
    pid = int(state["pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
    remove_state(directory)
    return pid
