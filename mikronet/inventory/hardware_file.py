"""An inventory's own hardware: models mikronet's table does not have, described beside the inventory.

One inventory file declares it at the top, like ``templates``::

    hardware: hardware.yaml        # relative to the file that says so

The file has the fields of ``mikronet/data/hardware.yaml`` (``model``, ``architecture`` and ``ports``
are required; ``name``, ``board_name``, ``product``, ``aliases``, ``poe_out``, ``usb``, ``wifi_standard``,
``port_mbps``, ``throughput_mbps`` … may follow). Its models join the one lookup
(:func:`mikronet.hardware.find_model`) before the routers are checked, so a router may name them like
any other model, and the simulator builds their ports. The declared file is not read as an inventory
document. Problems name the file, line and field, as every inventory problem does.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from mikronet.errors import InventoryError
from mikronet.hardware import HardwareFileError, parse_models, register_models
from mikronet.inventory.resolve import Collector
from mikronet.inventory.source import Located, Problem, field_name, read_text_file, read_yaml

__all__ = ["load_local_hardware"]

_DECLARED = re.compile(r"^hardware:[ \t]*['\"]?(?P<path>[^'\"#\n]*?)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


def _declarations(texts: Mapping[Path, str]) -> list[tuple[Path, int, Path]]:
    """``(declaring file, line, hardware file)`` for each top-level ``hardware:`` key."""
    found = []
    for file, text in texts.items():
        for match in _DECLARED.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            target = Path(os.path.normpath(file.parent / match["path"].strip()))
            found.append((file, line, target))
    return found


def _load(located: Located, problems: Collector) -> None:
    try:
        models = parse_models(located.data, local=str(located.file))
    except HardwareFileError as error:
        problems.items.append(Problem(str(located.file), located.line_of(error.field), field_name(error.field) or None,
                                      error.message))
        return
    for index, model in enumerate(models):
        try:
            register_models([model])
        except HardwareFileError as error:
            path = ("models", index, "model")
            problems.items.append(Problem(str(located.file), located.line_of(path), field_name(path), error.message))


def load_local_hardware(files: Sequence[Path], texts: Mapping[Path, str], problems: Collector) -> set[Path]:
    """Load the hardware file the inventory declares into the model lookup; the resolved paths of the
    declared files (which are not inventory documents). ``texts`` are the inventory files' texts."""
    declared = _declarations({f: texts[f.resolve()] for f in files if f.resolve() in texts})
    if len(declared) > 1:
        first = declared[0]
        for file, line, _ in declared[1:]:
            problems.items.append(Problem(str(file), line, "hardware", f"already set in {first[0]}:{first[1]}"))
    paths: set[Path] = set()
    for file, line, target in declared[:1]:
        paths.add(target.resolve())
        try:
            text = texts.get(target.resolve()) or read_text_file(target)
            located = read_yaml(text, target)
        except InventoryError as exc:
            problems.items.append(Problem(exc.file, exc.line, exc.field, exc.message))
            continue
        except OSError as exc:
            problems.items.append(Problem(str(file), line, "hardware", f"cannot read {target}: {exc.strerror or exc}"))
            continue
        _load(located, problems)
    return paths
