"""Ten processes append at once and one of them is killed (SIGKILL) in the middle of a write.

The victim stops inside an append, after its event's row is written and before the commit, holding
the ledger's write lock; it is killed there. Afterwards no committed event is lost or duplicated,
the victim's half-written event is not there at all, the others went on once the lock was freed,
and the chain verifies. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from mikronet.ledger import open_ledger

APPENDER = Path(__file__).with_name("appender.py")
WRITERS = 10
EACH = 12
VICTIM = 0
PAUSE_AT = 5  # the victim commits four events, then dies inside its fifth


def _logged(path: Path) -> list[tuple[int, str]]:
    if not path.exists():
        return []
    return [(int(n), event_id) for n, event_id in (line.split() for line in path.read_text().splitlines())]


def test_ten_writers_and_one_killed_mid_write(ledger_url: str, tmp_path: Path) -> None:
    open_ledger(ledger_url).close()  # the tables exist before the race starts
    go, marker = tmp_path / "go", tmp_path / "victim-inside"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = []
    for writer in range(WRITERS):
        log = tmp_path / f"{writer}.log"
        args = [sys.executable, str(APPENDER), ledger_url, str(writer), str(EACH), str(log), str(go)]
        # the others pace themselves so that they are still writing when the victim dies
        args += ["0", str(PAUSE_AT), str(marker)] if writer == VICTIM else ["0.02"]
        procs.append(subprocess.Popen(args, env=env, stderr=subprocess.PIPE, text=True))
    go.touch()
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert procs[VICTIM].poll() is None, procs[VICTIM].stderr.read() if procs[VICTIM].stderr else ""
        assert time.monotonic() < deadline, "the victim never reached the middle of a write"
        time.sleep(0.01)
    with open_ledger(ledger_url) as reader:  # the victim holds the write lock: nobody else writes
        held = reader.count()
        time.sleep(0.3)
        assert reader.count() == held
        os.kill(procs[VICTIM].pid, signal.SIGKILL)
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        if proc is not procs[VICTIM]:
            assert proc.returncode == 0, err

    assert procs[VICTIM].returncode == -signal.SIGKILL
    logged = {writer: _logged(tmp_path / f"{writer}.log") for writer in range(WRITERS)}
    assert [n for n, _ in logged[VICTIM]] == list(range(PAUSE_AT - 1))
    assert all(len(logged[w]) == EACH for w in range(WRITERS) if w != VICTIM)
    committed = {event_id for entries in logged.values() for _, event_id in entries}

    with open_ledger(ledger_url) as ledger:
        events = ledger.events()
        report = ledger.verify()
    ids = [e.id for e in events]
    assert len(ids) == len(set(ids)), "an event was recorded twice"
    assert set(ids) == committed, "an event was lost, or the killed write left a row"
    pairs = [(e.details["writer"], e.details["n"]) for e in events]
    assert len(pairs) == len(set(pairs)) == (WRITERS - 1) * EACH + PAUSE_AT - 1
    assert all(e.technician == f"rakstītājs {e.details['writer']}" for e in events)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert report.ok and report.checked == len(events), report
    assert len(events) > held, "nobody wrote once the victim was gone"
    writers_in_order = [e.details["writer"] for e in events]
    assert len({tuple(writers_in_order[i : i + 2]) for i in range(len(events) - 1)}) > WRITERS, "no interleaving"


def test_threads_sharing_one_ledger_take_turns(ledger_url: str) -> None:
    """A fleet run's workers append through one open ledger: their transactions never interleave."""
    from concurrent.futures import ThreadPoolExecutor

    with open_ledger(ledger_url) as ledger:

        def work(worker: int) -> list[str]:
            ids = []
            for n in range(15):
                ids.append(
                    ledger.append(school="LV-0042", kind="push", technician="A", details={"w": worker, "n": n}).id
                )
                ledger.events(school="LV-0042", kind="measure")  # reads in between
            return ids

        with ThreadPoolExecutor(8) as pool:
            appended = [event_id for ids in pool.map(work, range(8)) for event_id in ids]
        assert sorted(e.id for e in ledger.events()) == sorted(appended) and len(appended) == 120
        assert ledger.verify().ok
