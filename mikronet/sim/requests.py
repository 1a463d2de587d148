"""Requests to a running fleet: a mailbox in its directory.

A command (``mikronet sim swap``) writes ``DIR/requests/<id>.json`` and waits for the fleet to answer
in ``DIR/requests/<id>.reply.json``; the fleet's process serves the mailbox between its other work
(:func:`serve_requests`). Files, not a socket: the fleet directory is already the fleet's address,
and a request outlives nothing (a reply is removed once read; a request with no fleet is refused).

Operations: ``swap`` -- replace a router by a factory-fresh device of a model, with a serial, at the
same address (a new SSH host key and TLS certificate), as a technician replacing hardware would.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from pathlib import Path
from typing import Any, Protocol

from mikronet.errors import InputError
from mikronet.hardware import find_model
from mikronet.sim.daemon import FleetStateError, read_state

__all__ = ["REQUESTS", "ReplaceableFleet", "serve_requests", "submit"]

REQUESTS = "requests"


class ReplaceableFleet(Protocol):
    """What the mailbox needs of a fleet (a :class:`~mikronet.sim.fleet.SimFleet`)."""

    @property
    def router_ids(self) -> tuple[str, ...]: ...

    def replace(self, router_id: str, serial: str, model: str | None = None) -> None: ...

    def tls_fingerprint(self, router_id: str) -> str | None: ...


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def submit(directory: Path, request: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    """Hand ``request`` to the fleet running in ``directory`` and return its reply; an error reply is
    an :class:`InputError` with the fleet's message."""
    if read_state(directory) is None:
        raise FleetStateError(f"{directory}: no simulated fleet is running (start one with `mikronet sim up`)")
    box = directory / REQUESTS
    box.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    _write(box / f"{name}.json", request)
    reply_path = box / f"{name}.reply.json"
    deadline = time.monotonic() + timeout
    while not reply_path.exists():
        if time.monotonic() > deadline or read_state(directory) is None:
            (box / f"{name}.json").unlink(missing_ok=True)
            raise FleetStateError(f"{directory}: the simulated fleet did not answer within {timeout:g} s")
        time.sleep(0.05)
    reply: dict[str, Any] = json.loads(reply_path.read_text(encoding="utf-8"))
    reply_path.unlink(missing_ok=True)
    if not reply.get("ok"):
        raise InputError(str(reply.get("error") or "the simulated fleet refused the request"))
    return reply


def _swap(fleet: ReplaceableFleet, request: dict[str, Any]) -> dict[str, Any]:
    router_id, serial, model = request.get("router"), request.get("serial"), request.get("model")
    if not isinstance(router_id, str) or router_id not in fleet.router_ids:
        raise InputError(f"no simulated router {router_id!r}")
    if not isinstance(serial, str) or not serial.strip():
        raise InputError("--serial must name the new device's serial number")
    found = find_model(str(model or ""))
    if found is None:
        raise InputError(f"--model {model!r} is not a known model")
    old_tls = fleet.tls_fingerprint(router_id)
    fleet.replace(router_id, serial.strip(), found.model)
    return {"router": router_id, "serial": serial.strip(), "model": found.model, "name": found.name,
            "old_tls_fingerprint": old_tls, "tls_fingerprint": fleet.tls_fingerprint(router_id)}


def serve_requests(fleet: ReplaceableFleet, directory: Path) -> int:
    """Answer every waiting request; return how many were answered."""
    box = directory / REQUESTS
    if not box.is_dir():
        return 0
    served = 0
    for path in sorted(box.glob("*.json")):
        if path.name.endswith(".reply.json"):
            continue
        try:
            request = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue  # half written: the next round reads it
        reply_path = path.with_name(path.name.removesuffix(".json") + ".reply.json")
        try:
            if request.get("op") != "swap":
                raise InputError(f"unknown request {request.get('op')!r}")
            reply = {"ok": True, **_swap(fleet, request)}
        except InputError as exc:
            reply = {"ok": False, "error": str(exc)}
        except Exception as exc:  # a failed request is answered, never ends the fleet
            reply = {"ok": False, "error": f"the simulated fleet failed: {exc}"}
        _write(reply_path, reply)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        served += 1
    return served
