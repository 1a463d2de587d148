"""Importing the spreadsheet a municipality sends (CSV or XLSX) into inventory YAML.

One row per router; rows that share a school id are one school (a school with one router is one
row). Column names may be English or Latvian, with or without diacritics, in any order; unknown
columns are ignored and reported. CSV files may be UTF-8 (with or without a BOM), UTF-16 with a
BOM, or — as Excel writes "CSV" on Latvian Windows — cp1257; ``;`` or ``,`` or tab separated;
numbers may use a decimal comma. Every bad row is reported by its row number in the spreadsheet
(the header is row 1), and nothing is produced unless every row is good.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from mikronet.errors import ImportFileError
from mikronet.hardware import canonical_model, model_problem
from mikronet.inventory.cells import (
    COLUMNS,
    cell_text,
    column_for,
    header_key,
    parse_decimal,
    parse_whole,
    read_table,
    var_value,
)
from mikronet.inventory.reference import municipalities
from mikronet.inventory.source import Located, YamlPath

__all__ = ["SCHOOL_COLUMNS", "ImportResult", "check_against", "import_table", "schools_yaml"]


_REQUIRED_FOR_ROUTER = ("router_host", "router_model")
SCHOOL_COLUMNS = (
    "name",
    "municipality",
    "municipality_before_2021",
    "groups",
    "connection_type",
    "monthly_fee_eur",
    "contracted_mbps",
    "shared_contract",
)
_YES = {"yes", "ja", "true", "1", "y", "j"}
_NO = {"no", "ne", "false", "0", "n", ""}
_CONNECTION_WORDS = {
    "optical": "optical",
    "optiskais": "optical",
    "optiska": "optical",
    "other": "other",
    "cits": "other",
    "cita": "other",
    "cits_veids": "other",
}
_DEFAULT_ROUTER = "gw"


@dataclass
class _Builder:
    file: Path
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    schools: dict[str, dict[str, Any]] = field(default_factory=dict)
    first_row: dict[str, int] = field(default_factory=dict)
    school_values: dict[str, dict[str, str]] = field(default_factory=dict)
    lines: dict[YamlPath, int] = field(default_factory=dict)
    raw: dict[YamlPath, str] = field(default_factory=dict)
    columns: dict[YamlPath, str] = field(default_factory=dict)

    def row(self, number: int, cells: dict[str, str], headers: dict[str, str]) -> None:
        school_id = cells.get("id", "")
        if not school_id:
            self.problems.append((number, f"column {headers['id']}: empty school id"))
            return
        school = self.schools.get(school_id)
        index = list(self.schools).index(school_id) if school is not None else len(self.schools)
        base: YamlPath = ("schools", index)
        if school is None:
            school = self._new_school(number, cells, headers, base)
            if school is None:
                return
            self.schools[school_id] = school
            self.first_row[school_id] = number
            self.school_values[school_id] = {c: cells.get(c, "") for c in SCHOOL_COLUMNS}
        else:
            for column in SCHOOL_COLUMNS:
                mine, theirs = cells.get(column, ""), self.school_values[school_id][column]
                if mine and mine != theirs:
                    self.problems.append(
                        (
                            number,
                            f"column {headers[column]}: {mine!r} differs from "
                            f"{theirs!r} on row {self.first_row[school_id]} (same school {school_id})",
                        )
                    )
        self._router(number, cells, headers, school, base)

    def _new_school(
        self, number: int, cells: dict[str, str], headers: dict[str, str], base: YamlPath
    ) -> dict[str, Any] | None:
        school: dict[str, Any] = {
            "id": cells["id"],
            "name": cells.get("name", ""),
            "municipality": cells.get("municipality", ""),
        }
        self._note(base, number, "id", headers, "id", cells["id"])
        self._note(base, number, "name", headers, "name", cells.get("name", ""))
        self._note(base, number, "municipality", headers, "municipality", cells.get("municipality", ""))
        before = cells.get("municipality_before_2021") or None
        ok = True
        if school["municipality"]:
            try:
                school["municipality"], before = municipalities().resolve(school["municipality"], before)
            except ValueError as exc:
                column = "municipality"
                if before is not None and school["municipality"] in municipalities().current:
                    column = "municipality_before_2021"
                self.problems.append((number, f"column {headers[column]}: {exc}"))
                ok = False
        if before:
            school["municipality_before_2021"] = before
            self._note(base, number, "municipality_before_2021", headers, "municipality_before_2021", before)
        if cells.get("groups"):
            school["groups"] = [g for g in re.split(r"[\s|;,]+", cells["groups"]) if g]
        raw_type = cells.get("connection_type", "")
        conn_type = _CONNECTION_WORDS.get(header_key(raw_type), raw_type)
        connection: dict[str, Any] = {"type": conn_type}
        self._note(base, number, ("connection", "type"), headers, "connection_type", raw_type)
        if cells.get("monthly_fee_eur"):
            try:
                fee = parse_decimal(cells["monthly_fee_eur"])
                connection["monthly_fee_eur"] = int(fee) if fee == fee.to_integral_value() else float(fee)
            except (InvalidOperation, ValueError):
                self.problems.append(
                    (
                        number,
                        f"column {headers['monthly_fee_eur']}: "
                        f"{cells['monthly_fee_eur']!r} is not an amount in euro",
                    )
                )
                ok = False
            self._note(
                base,
                number,
                ("connection", "monthly_fee_eur"),
                headers,
                "monthly_fee_eur",
                cells["monthly_fee_eur"],
            )
        if cells.get("contracted_mbps"):
            try:
                connection["contracted_mbps"] = parse_whole(cells["contracted_mbps"])
            except (InvalidOperation, ValueError):
                self.problems.append(
                    (
                        number,
                        f"column {headers['contracted_mbps']}: "
                        f"{cells['contracted_mbps']!r} is not a whole number of Mbit/s",
                    )
                )
                ok = False
            self._note(
                base,
                number,
                ("connection", "contracted_mbps"),
                headers,
                "contracted_mbps",
                cells["contracted_mbps"],
            )
        shared = header_key(cells.get("shared_contract", ""))
        if shared in _YES:
            connection["shared_contract"] = True
        elif shared not in _NO:
            self.problems.append(
                (number, f"column {headers['shared_contract']}: {cells['shared_contract']!r} is not yes/no (jā/nē)")
            )
            ok = False
        school["connection"] = connection
        variables = {k[4:]: var_value(v) for k, v in cells.items() if k.startswith("var.") and v}
        if variables:
            school["vars"] = variables
            for name, value in cells.items():
                if name.startswith("var.") and value:
                    self._note(base, number, ("vars", name[4:]), headers, name, value)
        school["routers"] = []
        return school if ok else None

    def _router(
        self,
        number: int,
        cells: dict[str, str],
        headers: dict[str, str],
        school: dict[str, Any],
        base: YamlPath,
    ) -> None:
        missing = [headers.get(c, c) for c in _REQUIRED_FOR_ROUTER if not cells.get(c)]
        if missing:
            self.problems.append(
                (number, f"empty {', '.join(missing)}: every row needs the router's host and model")
            )
            return
        name = cells.get("router_name") or _DEFAULT_ROUTER
        taken = {r["name"]: r for r in school["routers"]}
        if name in taken:
            hint = "" if cells.get("router_name") else "; fill the router_name column"
            self.problems.append(
                (
                    number,
                    f"router {school['id']}/{name} is already on row "
                    f"{self.lines[(*base, 'routers', list(taken).index(name))]}{hint}",
                )
            )
            return
        model = canonical_model(cells["router_model"])
        if model is None:
            problem = model_problem(cells["router_model"]) or "unknown router model"
            self.problems.append((number, f"column {headers['router_model']}: {problem}"))
            return
        router: dict[str, Any] = {"name": name, "host": cells["router_host"], "model": model}
        r_base: YamlPath = (*base, "routers", len(school["routers"]))
        self.lines[r_base] = number
        self._note(r_base, number, "name", headers, "router_name", name)
        self._note(r_base, number, "host", headers, "router_host", cells["router_host"])
        self._note(r_base, number, "model", headers, "router_model", cells["router_model"])
        for column, key in (("router_serial", "serial"), ("routeros", "routeros")):
            if cells.get(column):
                router[key] = cells[column]
                self._note(r_base, number, key, headers, column, cells[column])
        variables = {k[11:]: var_value(v) for k, v in cells.items() if k.startswith("router_var.") and v}
        if variables:
            router["vars"] = variables
            for name_, value in cells.items():
                if name_.startswith("router_var.") and value:
                    self._note(r_base, number, ("vars", name_[11:]), headers, name_, value)
        school["routers"].append(router)

    def _note(
        self,
        base: YamlPath,
        number: int,
        key: str | tuple[str, ...],
        headers: dict[str, str],
        column: str,
        raw: str,
    ) -> None:
        path = (*base, *((key,) if isinstance(key, str) else key))
        self.lines[path] = number
        self.raw[path] = raw
        self.columns[path] = headers.get(column, column)


@dataclass(frozen=True)
class ImportResult:
    """Schools read from a spreadsheet, ready to be written as inventory YAML.

    ``document`` is the same schools as an inventory document whose "lines" are spreadsheet rows,
    and ``columns`` names the column each field came from, so a problem found when the schools
    are checked against the inventory is reported by row and column.
    """

    schools: tuple[dict[str, Any], ...]
    rows: int
    ignored_columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    document: Located | None = field(default=None, repr=False, compare=False)
    columns: dict[YamlPath, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def routers(self) -> int:
        return sum(len(s["routers"]) for s in self.schools)


def import_table(file: Path, *, encoding: str = "auto", sheet: str | None = None) -> ImportResult:
    """Read a municipality's spreadsheet into schools (inventory-shaped dicts), validated.

    Raises :class:`ImportFileError` listing every bad row (by spreadsheet row number) or missing column.
    """
    table = read_table(file, encoding=encoding, sheet=sheet)
    if not table.header:
        raise ImportFileError(file, [(None, "the file is empty: no header row")])
    headers: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[tuple[int | None, str]] = []
    positions: dict[str, int] = {}
    for position, header in enumerate(table.header):
        column = column_for(str(header))
        if column is None:
            if str(header).strip():
                ignored.append(str(header))
            continue
        if column in positions:
            problems.append((1, f"columns {headers[column]!r} and {header!r} both mean {column}"))
            continue
        headers[column] = str(header)
        positions[column] = position
    for spec in COLUMNS:
        if spec.required and spec.name not in headers:
            accepted = ", ".join(spec.headers)
            problems.append(
                (
                    None,
                    f"missing column {spec.name!r} (accepted names: {accepted}); "
                    f"columns found: {', '.join(map(str, table.header))}",
                )
            )
    if problems:
        raise ImportFileError(file, problems)
    if not table.rows:
        raise ImportFileError(file, [(None, "no data rows under the header")])
    builder = _Builder(file)
    for number, values in table.rows:
        if len(values) > len(table.header) and any(cell_text(v) for v in values[len(table.header) :]):
            builder.problems.append(
                (
                    number,
                    f"{len(values)} cells but {len(table.header)} columns "
                    f"(is the separator {table.delimiter!r} right?)",
                )
            )
            continue
        cells = {c: cell_text(values[p]) if p < len(values) else "" for c, p in positions.items()}
        builder.row(number, cells, headers)
    builder.problems.extend(_validate(builder))
    if builder.problems:
        raise ImportFileError(file, sorted(builder.problems, key=lambda p: p[0] or 0))
    schools = tuple(builder.schools.values())
    document = Located(file, {"schools": list(schools)}, dict(builder.lines), dict(builder.raw))
    return ImportResult(schools, len(table.rows), tuple(ignored), table.notes, document, dict(builder.columns))


def check_against(result: ImportResult, inventory: Path, *, replacing: Path | None = None) -> None:
    """Check imported schools together with the inventory at ``inventory`` (duplicate school ids,
    addresses and serials, overlapping networks, unknown groups), before anything is written.

    ``replacing`` is a file in the inventory the import is about to replace (left out of the check).
    Raises :class:`ImportFileError` naming the spreadsheet row and column of each problem, and the
    inventory's file and line it collides with.
    """
    from mikronet.inventory.loader import inventory_problems

    if result.document is None:
        return
    found = inventory_problems(
        inventory, documents=[result.document], exclude=[replacing] if replacing is not None else []
    )
    sheet = str(result.document.file)
    rows: list[tuple[int | None, str]] = []
    others: list[str] = []
    for problem in found:
        if problem.file == sheet:
            path = _path_of(problem.field)
            column = result.columns.get(path) if path else None
            label = f"column {column}: " if column else (f"{problem.field}: " if problem.field else "")
            rows.append((problem.line, f"{label}{problem.message}"))
        else:
            others.append(str(problem))
    if others:  # the inventory's own problems, or the import's that the inventory side reports
        rows += [(None, f"with the inventory: {text}") for text in others]
    if rows:
        raise ImportFileError(result.document.file, sorted(rows, key=lambda p: p[0] or 0))


def _validate(builder: _Builder) -> Iterator[tuple[int | None, str]]:
    """Check each school with the inventory schema; report errors by row and column."""
    from pydantic import ValidationError

    from mikronet.inventory.schema import SchoolIn, problems_from

    document = {"schools": list(builder.schools.values())}
    located = Located(builder.file, document, builder.lines, builder.raw)
    for index, school in enumerate(document["schools"]):
        try:
            SchoolIn.model_validate(school)
        except ValidationError as exc:
            for problem in problems_from(exc, located, SchoolIn, prefix=("schools", index)):
                path = _path_of(problem.field)
                column = builder.columns.get(path) if path else None
                label = f"column {column}: " if column else (f"{problem.field}: " if problem.field else "")
                yield (problem.line, f"{label}{problem.message}")


def _path_of(field_text: str | None) -> YamlPath | None:
    if not field_text:
        return None
    parts: list[str | int] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", field_text):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return tuple(parts)


def schools_yaml(schools: Iterable[dict[str, Any]], *, source: str | None = None) -> str:
    """Inventory YAML (a ``schools:`` list) for imported schools, with a header comment."""
    header = "# Schools imported"
    header += f" from {source}" if source else ""
    header += ".\n# Put this file into the inventory folder; defaults and groups come from the other files.\n"
    body = yaml.safe_dump({"schools": list(schools)}, allow_unicode=True, sort_keys=False, width=110)
    return header + body
