"""The shape every report takes on its way to a format: a :class:`Document` of headline figures and
sections of tables, charts and notes, with its labels already in the reader's language.

A report's builder computes; its view (``views_*.py``) only picks what to show and names it; the
renderers (terminal, Markdown, CSV, HTML) only lay out and format values by their column's kind.
Cells hold raw values (numbers, dates, ``Decimal`` euros), so each format writes them its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from mikronet.reports.i18n import Lang

__all__ = ["Bar", "BarChart", "Block", "Cell", "Column", "Document", "Drawing", "Figure", "GroupChart", "LineChart",
           "Note", "Section", "Table", "cells", "chart_is_empty", "format_cell"]

Cell = str | int | float | Decimal | date | datetime | None

KINDS = ("text", "code", "int", "number", "money", "percent", "date", "moment", "month", "week", "hash")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per label."""

    key: str
    title: str
    bars: tuple[Bar, ...]
    value_kind: str = "int"
    caption: str = ""
    empty: str = ""
    """What the chart says when it has nothing to draw (the language's "nothing to show" when empty)."""


@dataclass(frozen=True)
class LineChart:
    """A line through points in order, with an optional target line."""

    key: str
    title: str
    points: tuple[tuple[str, float], ...]
    target: float | None = None
    target_label: str = ""
    value_kind: str = "int"
    empty: str = ""


@dataclass(frozen=True)
class GroupChart:
    """Vertical bars in groups: one bar per series in each group, side by side or stacked."""

    key: str
    title: str
    series: tuple[str, ...]
    groups: tuple[tuple[str, tuple[float, ...]], ...]
    stacked: bool = False
    value_kind: str = "number"
    caption: str = ""
    empty: str = ""


@dataclass(frozen=True)
class Note:
    text: str
    warn: bool = False


@dataclass(frozen=True)
class Drawing:
    """A picture with a renderer of its own (the map of municipalities): ``svg()`` gives it as inline
    SVG with its labels escaped. Formats without pictures (terminal, Markdown, CSV) leave it out."""

    key: str
    title: str
    caption: str
    svg: Callable[[], str]


Block = Table | BarChart | LineChart | GroupChart | Note | Drawing


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Figure:
    label: str
    value: Cell
    kind: str = "int"


@dataclass(frozen=True)
class Document:
    report: str
    lang: Lang
    title: str
    subtitle: str
    generated: datetime
    figures: tuple[Figure, ...]
    sections: tuple[Section, ...]

    def tables(self) -> tuple[Table, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Table))


def chart_is_empty(chart: BarChart | LineChart | GroupChart) -> bool:
    """Nothing to draw: no bars, no points, no groups."""
    if isinstance(chart, BarChart):
        return not chart.bars
    if isinstance(chart, LineChart):
        return not chart.points
    return not chart.groups


def format_cell(lang: Lang, value: Cell, kind: str, *, plain: bool = False) -> str:
    """A value as text in ``lang``. ``plain`` (CSV): numbers without thousands separators or unit
    signs, so a spreadsheet reads them as numbers."""
    if value is None:
        return ""
    grouped = not plain
    if kind == "int" and isinstance(value, int | float | Decimal):
        return lang.integer(int(value), grouped=grouped)
    if kind == "number" and isinstance(value, int | float | Decimal):
        return lang.decimal(value, 1, grouped=grouped)
    if kind == "money" and isinstance(value, int | float | Decimal):
        return lang.money(Decimal(str(value)), grouped=grouped)
    if kind == "percent" and isinstance(value, int | float | Decimal):
        return lang.percent(Decimal(str(value)), grouped=grouped)
    if kind == "moment" and isinstance(value, datetime):
        return lang.moment(value)
    if kind == "date" and isinstance(value, date):
        return lang.day(value.date() if isinstance(value, datetime) else value)
    if kind == "month" and isinstance(value, str):
        return lang.month(value)
    if kind == "week" and isinstance(value, str):
        return lang.week(value)
    return str(value)


def cells(lang: Lang, table: Table, *, plain: bool = False) -> list[list[str]]:
    """The table's rows as formatted text."""
    return [[format_cell(lang, value, col.kind, plain=plain) for value, col in zip(row, table.columns, strict=True)]
            for row in table.rows]
