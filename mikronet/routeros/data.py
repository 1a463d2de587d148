"""Models and plans as plain data (dicts, lists, strings) for JSON output and reports.

Sensitive values (per the schema) are ``***`` unless ``show_sensitive``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mikronet.routeros.model import EMPTY_PROPS, Config, Value
from mikronet.routeros.plan import Add, Move, Plan, Remove, Set, hidden_keys
from mikronet.routeros.schema import Schema, default_schema
from mikronet.routeros.words import selector_text
from mikronet.secret import MASK

__all__ = ["config_data", "plan_data", "selector_text"]


def _props(props: Mapping[str, Value], sensitive: frozenset[str], show: bool) -> dict[str, Value]:
    return {k: (MASK if (k in sensitive and v is not None and not show) else v) for k, v in props.items()}


def config_data(config: Config, *, schema: Schema | None = None, show_sensitive: bool = False) -> dict[str, Any]:
    """``config`` as JSON-ready data: header, sections (settings and items), ownership, warnings."""
    schema = schema or default_schema()
    header = config.header
    sections: dict[str, Any] = {}
    for path, section in config.sections.items():
        ps = schema.get(path)
        entry: dict[str, Any] = {}
        if section.settings:
            entry["settings"] = _props(section.settings, ps.sensitive, show_sensitive)
        if section.items:
            entry["items"] = [
                {
                    "verb": item.verb,
                    **({"selector": selector_text(item.selector, () if show_sensitive else
                                                  hidden_keys(ps, EMPTY_PROPS, item.selector))}
                       if item.selector is not None else {}),
                    "props": _props(item.props, ps.sensitive, show_sensitive),
                    **({"line": item.line} if item.line is not None else {}),
                }
                for item in section.items
            ]
        sections[path] = entry
    return {
        "header": None if header is None else {
            "version": header.version,
            "date": header.date,
            "software_id": header.software_id,
            "model": header.model,
            "serial_number": header.serial_number,
        },
        "sections": sections,
        "ownership": dict(config.ownership),
        "warnings": [{"line": w.line, "column": w.column, "text": w.text} for w in config.warnings],
    }


def plan_data(plan: Plan, *, show_sensitive: bool = False) -> list[dict[str, Any]]:
    """Each operation as ``{"op": "add"|"set"|"remove"|"move", "path": …, …}``; secret values
    ``***`` wherever they stand (properties and selectors) unless ``show_sensitive``."""
    out: list[dict[str, Any]] = []
    for op in plan:
        hidden = frozenset() if show_sensitive else op.sensitive
        if isinstance(op, Add):
            entry: dict[str, Any] = {"op": "add", "path": op.path,
                                     "props": _props(op.props, op.sensitive, show_sensitive)}
            if op.before is not None:
                entry["before"] = selector_text(op.before, hidden)
        elif isinstance(op, Set):
            entry = {"op": "set", "path": op.path, "selector": selector_text(op.selector, hidden),
                     "props": _props(op.props, op.sensitive, show_sensitive)}
        elif isinstance(op, Remove):
            entry = {"op": "remove", "path": op.path, "selector": selector_text(op.selector, hidden)}
        else:
            assert isinstance(op, Move)
            entry = {"op": "move", "path": op.path, "selector": selector_text(op.selector, hidden),
                     "before": selector_text(op.before, hidden)}
        out.append(entry)
    return out
