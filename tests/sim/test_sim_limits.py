"""The simulator as a target on a shared machine: what a client may send before it logs in, and what
one session's query may cost everybody else (every simulated router shares one event loop)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mikronet.sim.api import PRE_LOGIN_WORD, encode_sentence
from mikronet.sim.fleet import SimFleet

RawSession = Callable[..., tuple[socket.socket, Any]]


@pytest.fixture(scope="module")
def quick_fleet(sim_inventory: Path, tmp_path_factory: pytest.TempPathFactory,
                start_sim_fleet: Callable[..., SimFleet]) -> Iterator[SimFleet]:
    fleet = start_sim_fleet(sim_inventory, tmp_path_factory.mktemp("limits"), login_timeout=0.5, ssh=False)
    try:
        yield fleet
    finally:
        fleet.stop()


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the peer closes the connection within ``seconds`` (what it sent first is read and dropped)."""
    sock.settimeout(seconds)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if sock.recv(4096) == b"":
                return True
    except TimeoutError:
        return False
    except ConnectionError:
        return True
    return False


def test_a_connection_that_never_logs_in_is_closed(quick_fleet: SimFleet) -> None:
    endpoint = quick_fleet.endpoint("LV-0042/gw")
    with socket.create_connection((endpoint.host, endpoint.api), timeout=5) as sock:
        assert _closed_within(sock, 3.0)


def test_a_huge_word_before_login_is_refused_before_it_is_read(quick_fleet: SimFleet) -> None:
    endpoint = quick_fleet.endpoint("LV-0042/gw")
    with socket.create_connection((endpoint.host, endpoint.api), timeout=5) as sock:
        size = 59 * 1024 * 1024
        sock.sendall(bytes((0xE0 | (size >> 24), (size >> 16) & 0xFF, (size >> 8) & 0xFF, size & 0xFF)) + b"=" * 1024)
        assert _closed_within(sock, 2.0)  # closed at once: the 59 MB are never waited for nor buffered
    assert size > PRE_LOGIN_WORD


def test_many_sentences_before_login_end_the_session(quick_fleet: SimFleet) -> None:
    endpoint = quick_fleet.endpoint("LV-0042/gw")
    with socket.create_connection((endpoint.host, endpoint.api), timeout=5) as sock:
        for _ in range(20):
            try:
                sock.sendall(encode_sentence(["/system/resource/print"]))
            except ConnectionError:
                break
        assert _closed_within(sock, 2.0)


def test_a_malformed_stack_query_answers_a_trap(quick_fleet: SimFleet, raw_session: RawSession) -> None:
    sock, read = raw_session(quick_fleet, "LV-0042/gw")
    with sock:
        sock.sendall(encode_sentence(["/interface/print", "?#" + "7" * 5000]))
        trap, done = read(2)
        assert trap[0] == "!trap" and any(word.startswith("=message=") for word in trap[1:])
        assert done == ["!done"]
        sock.sendall(encode_sentence(["/system/identity/print"]))  # the session goes on
        assert read(2)[0][0] == "!re"


def test_a_huge_query_does_not_stall_the_other_routers(quick_fleet: SimFleet, raw_session: RawSession) -> None:
    sock, read = raw_session(quick_fleet, "LV-0042/gw")
    other, read_other = raw_session(quick_fleet, "LV-0043/gw")
    timings: list[float] = []

    def poll() -> None:
        for _ in range(20):
            started = time.monotonic()
            other.sendall(encode_sentence(["/system/identity/print"]))
            read_other(2)
            timings.append(time.monotonic() - started)

    with sock, other:
        sock.sendall(encode_sentence(["/interface/print", "?type=ether", "?#" + "!" * (3 * 1024 * 1024)]))
        poller = threading.Thread(target=poll)
        poller.start()
        trap, done = read(2)
        poller.join(10)
        assert trap[0] == "!trap" and done == ["!done"]
        assert len(timings) == 20 and max(timings) < 1.0
