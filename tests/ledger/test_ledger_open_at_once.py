"""Several processes opening one new ledger at the same moment create its tables once, on SQLite and on
PostgreSQL (two technicians' first commands against an empty team database)."""

from __future__ import annotations

import subprocess
import sys

OPEN = """
import sys, time
from mikronet.ledger import open_ledger
start = float(sys.argv[2])
while time.time() < start:
    pass
with open_ledger(sys.argv[1]) as ledger:
    ledger.append(school="LV-0001", kind="consultation", technician="t", details={"note": "x"})
"""


def test_processes_opening_a_new_ledger_at_once_create_it_once(ledger_url: str) -> None:
    import time

    start = str(time.time() + 1.5)  # all of them start their first query at the same moment
    processes = [subprocess.Popen([sys.executable, "-c", OPEN, ledger_url, start], stderr=subprocess.PIPE, text=True)
                 for _ in range(6)]
    errors = [p.communicate(timeout=60)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 6, errors
    from mikronet.ledger import open_ledger

    with open_ledger(ledger_url) as ledger:
        assert ledger.count() == 6 and ledger.verify().ok
