"""Reading API sentences from a socket in large reads.

librouteros reads every word with two or three ``recv`` calls of a few bytes; a fleet reading whole
configurations from hundreds of routers spends much of its time in those system calls. This reader
takes what the socket has (up to 64 KiB a call) into a buffer and cuts words out of it with
librouteros's own length decoding (:func:`librouteros.protocol.determine_length`,
:func:`~librouteros.protocol.decode_length`), so the bytes mean exactly what they mean to librouteros.
"""

from __future__ import annotations

import socket

from librouteros.exceptions import ConnectionClosed, FatalError
from librouteros.protocol import decode_length, determine_length

__all__ = ["SentenceReader"]

_CHUNK = 65536


class SentenceReader:
    """Sentences from ``sock``: ``(reply word, other words)``; raises ``ConnectionClosed`` at EOF."""

    def __init__(self, sock: socket.socket, encoding: str) -> None:
        self.sock = sock
        self.encoding = encoding
        self._buffer = b""
        self._pos = 0

    def _fill(self) -> None:
        """Read what the socket has into the buffer (keeping what is unread)."""
        chunk = self.sock.recv(_CHUNK)
        if not chunk:
            raise ConnectionClosed("Connection unexpectedly closed.")
        self._buffer = self._buffer[self._pos:] + chunk
        self._pos = 0

    def sentence(self) -> tuple[str, list[str]]:
        """The next non-empty sentence; words are cut from the buffer until its terminating NUL."""
        encoding = self.encoding
        words: list[str] = []
        while True:
            buffer, pos = self._buffer, self._pos
            end = len(buffer)
            while pos < end:
                first = buffer[pos]
                if first == 0:
                    pos += 1
                    if words:
                        self._pos = pos
                        if words[0] == "!fatal":
                            raise FatalError(words[1] if len(words) > 1 else "")
                        return words[0], words[1:]
                    continue  # an empty sentence is nothing
                if first < 0x80:
                    head, length = 1, first
                else:
                    head = 1 + determine_length(buffer[pos:pos + 1])
                    if pos + head > end:
                        break
                    length = decode_length(buffer[pos:pos + head])
                if pos + head + length > end:
                    break
                words.append(buffer[pos + head:pos + head + length].decode(encoding, "surrogateescape"))
                pos += head + length
            self._pos = pos
            self._fill()
