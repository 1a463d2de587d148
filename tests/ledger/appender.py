"""A process that appends events to a ledger, for the concurrency test.

    python appender.py URL WRITER COUNT LOG GO PACE [PAUSE_AT MARKER]

Waits for the file GO to exist (so all writers start together), then appends COUNT events, and
after each one is committed writes ``<n> <event id>`` to LOG and waits PACE seconds. With PAUSE_AT it stops inside its
PAUSE_AT-th append, after the event's row is written and before the transaction commits (holding
the ledger's write lock), creates MARKER and sleeps, waiting to be killed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mikronet.ledger import Backend, Ledger, open_backend


class PausingBackend:
    """The real backend, except that one chosen event insert never reaches its commit."""

    def __init__(self, inner: Backend, pause_at: int, marker: Path) -> None:
        self._inner = inner
        self._pause_at = pause_at
        self._marker = marker
        self._inserts = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._inner.run(sql, params)
        if sql.startswith("INSERT INTO ledger_events"):
            self._inserts += 1
            if self._inserts == self._pause_at:
                self._marker.write_text("inside the write\n")
                time.sleep(120)


def main(argv: list[str]) -> None:
    url, writer, count, log, go, pace = argv[:6]
    backend: Any = open_backend(url)
    if len(argv) > 6:
        backend = PausingBackend(backend, int(argv[6]), Path(argv[7]))
    ledger = Ledger(backend)
    while not Path(go).exists():
        time.sleep(0.01)
    kinds = ("consultation", "push", "measure", "technical-fix")
    with open(log, "a", encoding="utf-8") as out:
        for n in range(int(count)):
            event = ledger.append(
                school=f"LV-{n % 7:04d}",
                kind=kinds[n % len(kinds)],
                technician=f"rakstītājs {writer}",
                details={"writer": writer, "n": n, "note": "vienlaicīgs ieraksts ģimnāzijā"},
            )
            out.write(f"{n} {event.id}\n")
            out.flush()
            time.sleep(float(pace))
    ledger.close()


if __name__ == "__main__":
    main(sys.argv[1:])
