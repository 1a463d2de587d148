"""Reports as JSON, in a documented and versioned shape.

The shape is ``{"schema_version": 1, "report": "<name>", "data": {...}}``, where ``data`` holds the
report's fields as its builder made them. The JSON Schema (draft 2020-12) is shipped beside this
module as ``report.schema.json``; the tests validate every report against it. Conventions: times
are ISO 8601 with their UTC offset, days ``YYYY-MM-DD``, euros and percentages are decimal strings
(``"495000.00"``, ``"45.5"``: exact, no binary rounding), Mbit/s are numbers. ``schema_version``
grows when a field is removed or changes meaning; new fields may appear without it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["SCHEMA_FILE", "SCHEMA_VERSION", "plain", "render_json", "report_data"]

SCHEMA_VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parent / "report.schema.json"


def plain(value: Any) -> Any:
    """Report values (dataclasses, decimals, dates, paths) as JSON-ready ones."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def report_data(name: str, report: Any) -> dict[str, Any]:
    """The report as JSON-ready values under the versioned envelope."""
    return {"schema_version": SCHEMA_VERSION, "report": name, "data": plain(report)}


def render_json(name: str, report: Any) -> str:
    return json.dumps(report_data(name, report), ensure_ascii=False, indent=2) + "\n"
