"""Helpers for the ledger tests: reach behind mikronet to change or read its tables."""

from __future__ import annotations

from pathlib import Path

from mikronet.ledger import open_backend


def run_sql(url: str, sql: str, params: tuple[object, ...] = ()) -> None:
    """Change the ledger's tables behind mikronet's back (each statement commits on its own)."""
    backend = open_backend(url)
    try:
        backend.run(sql, params)
    finally:
        backend.close()


def stored_text(url: str) -> bytes:
    """Everything the ledger's database holds, as bytes to search: the SQLite file and its WAL, or
    every row of every ledger table as PostgreSQL prints it."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    backend = open_backend(url)
    try:
        rows = []
        for table in ("ledger_events", "ledger_head", "ledger_schema_version"):
            rows += backend.fetch(f"SELECT t::text FROM {table} t")
        return "\n".join(str(row[0]) for row in rows).encode("utf-8")
    finally:
        backend.close()
