"""A port that accepts a connection and never says anything: one error with its cause, no tracebacks."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mikronet.inventory import load_inventory
from mikronet.ops.identity import check_identity
from mikronet.runner.results import Status
from mikronet.transport import TrustStore


@pytest.fixture
def silent_port() -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not done.is_set():
            try:
                held.append(server.accept()[0])  # keep it open and say nothing
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    done.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_trust_against_a_port_that_sends_no_banner_is_one_timeout_without_tracebacks(
    silent_port: int, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "inventory.yaml").write_text(
        "defaults: {username: mikronet, password: {env: MIKRONET_PASSWORD}, template: school-gateway}\n"
        "schools:\n"
        "  - {id: LV-0001, name: Skola ā, municipality: Rīga, connection: {type: optical},\n"
        "     routers: [{name: gw, host: 127.0.0.1, model: RB750Gr3, transport: ssh,\n"
        f"                ports: {{ssh: {silent_port}, api-ssl: {silent_port}}}}}]}}\n",
        encoding="utf-8")
    inventory = load_inventory(tmp_path / "inventory.yaml")
    router = inventory.routers[0]
    with caplog.at_level(logging.DEBUG):
        result = check_identity(router, TrustStore(inventory.known_hosts), threading.Lock(), pin=True,
                                replace=False, timeout=0.5)
    assert result.status is Status.TIMEOUT, (result.status, result.error)
    assert result.error is not None and "no SSH answer within 0.5 s" in result.error
    loud = [r for r in caplog.records if r.name.startswith("paramiko") and r.levelno >= logging.ERROR]
    assert loud == [], [r.getMessage() for r in loud][:3]
