"""The API transport's batches: tagged, and answered by tag even when the router answers out of order."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from librouteros.protocol import encode_sentence

from mikronet.secret import Secret
from mikronet.transport import Command
from mikronet.transport.api import ApiOptions, ApiTransport


def _read_sentence(conn: socket.socket) -> list[str]:
    words = []
    while True:
        first = conn.recv(1)
        if not first or first == b"\x00":
            return words
        length = first[0]  # every word in this test is shorter than 128 bytes
        data = b""
        while len(data) < length:
            data += conn.recv(length - len(data))
        words.append(data.decode())


@pytest.fixture
def reversed_router() -> Iterator[tuple[int, list[list[str]]]]:
    """A one-session router that logs in, then answers a batch of N commands in reverse order."""
    server = socket.create_server(("127.0.0.1", 0))
    seen: list[list[str]] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            _read_sentence(conn)  # /login
            conn.sendall(encode_sentence("!done", encoding="utf-8"))
            batch = [_read_sentence(conn) for _ in range(3)]
            seen.extend(batch)
            for words in reversed(batch):
                tag = next(w for w in words if w.startswith(".tag="))
                name = words[0].split("/")[-2]
                conn.sendall(encode_sentence("!re", f"=name={name}", tag, encoding="utf-8"))
                if name == "bad":
                    conn.sendall(encode_sentence("!trap", "=message=no such item", tag, encoding="utf-8"))
                conn.sendall(encode_sentence("!done", tag, encoding="utf-8"))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    thread.join(timeout=5)
    server.close()


def test_replies_out_of_order_are_matched_to_their_commands(reversed_router: tuple[int, list[list[str]]]) -> None:
    port, seen = reversed_router
    transport = ApiTransport("LV-0001/gw", ApiOptions("127.0.0.1", port, "u", Secret("p4ssw0rd"), timeout=5))
    try:
        replies = transport.run([Command("/one", "print"), Command("/bad", "set", {".id": "*9"}),
                                 Command("/three", "print")])
    finally:
        transport.close()
    assert [r.rows[0]["name"] for r in replies] == ["one", "bad", "three"]
    assert [r.error for r in replies] == [None, "no such item", None]
    assert [w[-1] for w in seen] == [".tag=0", ".tag=1", ".tag=2"]
    assert transport.stats.round_trips == 3  # connect + login, then one for the whole batch
