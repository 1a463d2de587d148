"""Reading spreadsheet cells: CSV/XLSX files into rows of text, headers into column names, and the
spellings of numbers and variables that a municipality's spreadsheet (or our own CSV export) uses.

CSV files may be UTF-8 (with or without a BOM), UTF-16 with a BOM, or cp1257 (what Excel writes as
"CSV" on Latvian Windows); ``;``, ``,`` or tab separated (chosen by which reads the most known
column names); numbers may have a decimal comma.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from mikronet.errors import ImportFileError
from mikronet.textsafe import FORMULA_START

__all__ = [
    "COLUMNS",
    "EXTRA_COLUMNS",
    "FORMULA_START",
    "Column",
    "Table",
    "cell_text",
    "column_for",
    "header_key",
    "parse_decimal",
    "parse_whole",
    "read_table",
    "var_cell",
    "var_value",
]


@dataclass(frozen=True)
class Column:
    """A column the import reads: its name, the Latvian and other headers that mean it, what it holds."""

    name: str
    latvian: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header accepted for this column."""
        return (self.name, *self.latvian, *self.aliases)


COLUMNS: tuple[Column, ...] = (
    Column("id", ("kods", "skolas kods", "skolas id"), ("school_id",), True,
           "school id (LV-0042); rows with one id are one school"),
    Column("name", ("nosaukums", "skola", "skolas nosaukums"), ("school_name",), True, "the school's name"),
    Column("municipality", ("pašvaldība", "novads"), (), True,
           "municipality as of 2021-07-01 (Ādažu novads), or a pre-reform one (Carnikavas novads)"),
    Column("municipality_before_2021", ("pašvaldība līdz 2021", "novads līdz 2021"), ("former_municipality",),
           False, "the municipality before the 2021-07-01 reform"),
    Column("groups", ("grupas",), (), False, "inventory groups, separated by spaces, commas or |"),
    Column("connection_type", ("pieslēguma veids", "pieslēgums"), ("connection",), True,
           "optical (optiskais) or other (cits)"),
    Column("monthly_fee_eur", ("maksa mēnesī eur", "ikmēneša maksa eur", "maksa eur"), ("fee_eur",), False,
           "the school's own monthly internet fee, EUR (decimal comma allowed)"),
    Column("contracted_mbps", ("ātrums mbps", "līguma ātrums mbps"), ("mbps",), False,
           "contracted bandwidth, Mbit/s"),
    Column("shared_contract", ("kopīgs līgums", "pašvaldības kopīgais līgums"), (), False,
           "yes if the municipality's one contract covers the school and its share is unknown (jā/nē)"),
    Column("router_name", ("maršrutētājs", "iekārta"), ("router",), False, "router name in the school (default gw)"),
    Column("router_host", ("ip adrese", "adrese"), ("host", "ip"), True, "the router's IP address or host name"),
    Column("router_model", ("modelis",), ("model",), True,
           "RouterOS model string (RBD52G-5HacD2HnD), product name (hAP ac²) or board name"),
    Column("router_serial", ("sērijas numurs", "sērijas nr"), ("serial",), False, "serial number"),
    Column("routeros", ("routeros versija",), ("routeros_version",), False, "RouterOS version it runs (7.18.2)"),
)
EXTRA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("lan_subnet", "the school LAN (10.42.0.0/24); the same as var.lan_subnet"),
    ("var.NAME", "a school variable NAME (a YAML value: 300, true, [a, b], {env: NAME} for a secret)"),
    ("router_var.NAME", "a router variable NAME"),
)
"""Columns with a pattern rather than a name."""


def header_key(text: str) -> str:
    """Normalise a header or word: case, diacritics, spaces, punctuation (``Pašvaldība`` → ``pasvaldiba``)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[()\[\]:]", "", plain)
    return re.sub(r"[\s\-_/]+", "_", plain).strip("_")


_ALIASES: dict[str, str] = {header_key(alias): spec.name for spec in COLUMNS for alias in spec.headers} | {
    header_key("lan_subnet"): "var.lan_subnet"
}


def column_for(header: str) -> str | None:
    text = header.strip()
    for prefix in ("var.", "router_var."):
        if text.casefold().startswith(prefix) and len(text) > len(prefix):
            return prefix + text[len(prefix) :].strip()
    return _ALIASES.get(header_key(text))


@dataclass(frozen=True)
class Table:
    """Rows of a spreadsheet as text cells, with their row numbers; how the file was read."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    encoding: str | None = None
    delimiter: str | None = None
    notes: tuple[str, ...] = ()


def _decode(data: bytes, encoding: str, file: Path) -> tuple[str, str]:
    if encoding != "auto":
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ImportFileError(file, [(None, f"cannot read as {encoding}: {exc}")]) from None
    tried = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1257")
    for codec in tried:
        try:
            return data.decode(codec), codec.removesuffix("-sig")
        except UnicodeDecodeError as exc:
            failed = exc
    line = data[: failed.start].count(b"\n") + 1
    raise ImportFileError(file, [(line, f"not text in UTF-8, UTF-16 or cp1257 (byte 0x{data[failed.start]:02x}); "
                                        "save the sheet as CSV UTF-8")])


def _pick_delimiter(first_line: str) -> str:
    best, best_score = ",", (-1, -1)
    for delimiter in (";", ",", "\t"):
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        score = (sum(1 for c in cells if column_for(c)), len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(file: Path, encoding: str) -> Table:
    text, used = _decode(file.read_bytes(), encoding, file)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = _pick_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple[Any, ...]]] = []
    header: tuple[str, ...] | None = None
    try:
        for record in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = tuple(record)
            else:
                rows.append((number, tuple(record)))
    except csv.Error as exc:
        raise ImportFileError(file, [(reader.line_num, f"cannot read CSV: {exc}")]) from None
    notes: tuple[str, ...] = ()
    if used == "cp1257":
        notes = ("not UTF-8: read as cp1257 (Baltic Windows); check the Latvian letters in the result",)
    return Table(header or (), tuple(rows), used, delimiter, notes)


def _read_xlsx(file: Path, sheet: str | None) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors … for a bad file
        raise ImportFileError(file, [(None, f"cannot open as an Excel workbook: {exc}")]) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFileError(
                file, [(None, f"no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")]
            )
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        header: tuple[str, ...] | None = None
        rows: list[tuple[int, tuple[Any, ...]]] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if header is None:
                header = tuple("" if v is None else str(v) for v in values)
            else:
                rows.append((number, tuple(values)))
    finally:
        book.close()
    return Table(header or (), tuple(rows))


MAX_TABLE_BYTES = 32 * 1024 * 1024
"""A spreadsheet larger than this is refused (563 schools fit in well under 1 MB)."""


def read_table(file: Path, *, encoding: str = "auto", sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file into a :class:`Table` (no interpretation of the cells yet)."""
    if not file.is_file():
        raise ImportFileError(file, [(None, "no such file")])
    size = file.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise ImportFileError(
            file, [(None, f"the file is {size:,} bytes; a spreadsheet to import may have at most {MAX_TABLE_BYTES:,}")]
        )
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(file, sheet)
    if file.suffix.lower() in (".csv", ".txt", ".tsv"):
        return _read_csv(file, encoding)
    raise ImportFileError(file, [(None, "expected a .csv or .xlsx file")])


def cell_text(value: Any) -> str:
    """A cell as text; a ``'`` that an export put before a formula-like start is taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if text[:1] == "'" and (_formula_like(text[1:]) or (text[1:2] == "'" and _formula_like(text[2:]))):
        return text[1:]
    return text.strip()


def _formula_like(text: str) -> bool:
    return text[:1] != "" and text[:1] in FORMULA_START


def parse_decimal(text: str) -> Decimal:
    cleaned = re.sub(r"(?i)(eur|€)", "", text).replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:  # 1.080,50 or 1,080.50
        cleaned = (
            cleaned.replace(".", "").replace(",", ".")
            if cleaned.rfind(",") > cleaned.rfind(".")
            else cleaned.replace(",", "")
        )
    cleaned = cleaned.replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value


def parse_whole(text: str) -> int:
    cleaned = re.sub(r"(?i)\s*(mbit/s|mbps|mb/s)$", "", text).replace("\u00a0", "").replace(" ", "")
    number = parse_decimal(cleaned)
    if number != number.to_integral_value():
        raise InvalidOperation
    return int(number)


def var_value(text: str) -> Any:
    """A ``var.*`` cell: a YAML flow value (``300``, ``true``, ``[a, b]``, ``"quoted"``), else the text.

    Only plain spellings count as numbers and booleans: ``10:30``, ``0x1F``, ``on`` or a date stay text.
    A cell that uses YAML aliases (``*name``) stays text: a cell has no use for them, and an alias
    bomb in one would otherwise expand when the import is printed as JSON.
    """
    from mikronet.errors import InventoryError
    from mikronet.inventory.source import read_yaml

    try:
        value = read_yaml(text, Path("<cell>"), max_alias_nodes=0).data
    except InventoryError:
        return text
    plain = text.strip()
    if isinstance(value, bool):
        return value if plain.lower() in ("true", "false") else text
    if isinstance(value, int):
        return value if re.fullmatch(r"[-+]?\d+", plain) else text
    if isinstance(value, float):
        return value if re.fullmatch(r"[-+]?\d+\.\d*([eE][-+]?\d+)?", plain) else text
    if value is None or isinstance(value, str | list | dict):
        return value
    return text


def var_cell(value: Any) -> str:
    """How a variable's value is written to a ``var.*`` cell so that :func:`_var_value` reads it back."""
    if isinstance(value, str):
        return value if value and var_value(value) == value else json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):  # YAML's spelling (1.0e+16), which reads back as a float
        return yaml.safe_dump(value).removesuffix("\n").removesuffix("\n...")
    return json.dumps(value, ensure_ascii=False, default=str)
