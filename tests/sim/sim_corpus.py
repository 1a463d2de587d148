"""The shared real-export corpus, for the simulator's tests: where it is, and which router each export
came from (its header's model and version; the few exports without a header get theirs here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.corpus import corpus_dir

from mikronet.errors import ScriptError
from mikronet.routeros import Config, parse

CORPUS = corpus_dir()
EXPORTS = CORPUS / "exports"

# Exports whose header does not say: the router the file name and SOURCES.md describe.
NO_HEADER = {
    # hAP ax³: earlier versions of the same file (alwaldend/src rsc/devices/router1.rsc, 2025-09-10 to
    # 09-14) kept the header, "RouterOS 7.19.4" and "model = C53UiG+5HPaxD2HPaxD"
    "12": ("C53UiG+5HPaxD2HPaxD", "7.19.4"),
}


def readback_param(export: RealExport) -> Any:
    """``export`` as a test parameter, named by its file."""
    return pytest.param(export, id=export.path.name[:30])


@dataclass(frozen=True)
class RealExport:
    path: Path
    text: str
    config: Config
    model: str
    version: str

    @property
    def id(self) -> str:
        return self.path.name[:2]


def clean_exports() -> list[RealExport]:
    """Every export of the corpus that parses without an error, with the router it came from."""
    found = []
    for path in sorted(EXPORTS.glob("*.rsc")):
        data = path.read_bytes()
        try:
            config = parse(data, file=path.name)
        except ScriptError:
            continue
        header = config.header
        model = header.model if header is not None and header.model else "CHR"
        version = header.version if header is not None and header.version else None
        model, version = NO_HEADER.get(path.name[:2], (model, version))
        assert version is not None, f"{path.name}: no version in the header and none in NO_HEADER"
        found.append(RealExport(path, data.decode("utf-8", "surrogateescape"), config, model, version))
    return found
