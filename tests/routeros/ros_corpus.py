"""The real-export corpus for the RouterOS language tests, read in place from ../shared/corpus."""

from __future__ import annotations

from pathlib import Path

from support.corpus import corpus_dir

from mikronet.routeros import Config, parse

CORPUS = corpus_dir()
EXPORTS = sorted((CORPUS / "exports").glob("*.rsc"))

# Damaged exports (see the corpus's SOURCES.md) and where a strict parse must stop.
DAMAGED = {
    "15": (50, 1, "command substitution"),  # "[erased queues]" pasted into a forum post
    "17": (9, 21, "'#' inside a command"),  # a defconf `print` pasted instead of an export
    "27": (361, 1, "console prompt"),  # "[admin@…] > " after the export
    "34": (2, 1, "console prompt"),  # "[admin@sw-core-02] > /export"
    "40": (566, 77, "unterminated string"),  # upload cut off inside a quoted comment
    "46": (16, 1, "bad command name ..."),  # "... more config" lines in a forum fragment
}


def export_path(number: str) -> Path:
    (found,) = [p for p in EXPORTS if p.name.startswith(f"{number}-")]
    return found


def load(number: str, *, recover: bool = False) -> Config:
    path = export_path(number)
    return parse(path.read_bytes(), file=path.name, recover=recover)
