"""Terminal tables (rich) and Markdown for a :class:`~mikronet.reports.document.Document`.

Both show the headline figures and every table; charts are left to the HTML page (each chart's
figures are in a table beside it).
"""

from __future__ import annotations

import io

from mikronet.reports.document import (
    BarChart,
    Document,
    GroupChart,
    LineChart,
    Note,
    Table,
    cells,
    chart_is_empty,
    format_cell,
)
from mikronet.textsafe import md_cell, md_text, printable

__all__ = ["render_markdown", "render_terminal"]


def render_terminal(doc: Document, *, width: int | None = None, color: bool = False) -> str:
    """The document as terminal text: a title, the figures, then each table (rich)."""
    from rich.console import Console
    from rich.table import Table as RichTable

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 120, force_terminal=color, no_color=not color,
                      highlight=False, emoji=False, soft_wrap=False)
    console.print(f"[bold]{_escape(doc.title)}[/bold]")
    console.print(_escape(doc.subtitle))
    figures = RichTable(show_header=False, box=None, pad_edge=False)
    figures.add_column()
    figures.add_column(justify="right")
    for fig in doc.figures:
        figures.add_row(_escape(fig.label), _escape(format_cell(doc.lang, fig.value, fig.kind) or "–"))
    console.print(figures)
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, Note):
                console.print(("[red]" if block.warn else "[dim]") + _escape(block.text) + "[/]")
            elif isinstance(block, Table):
                console.print()
                if not block.rows:
                    console.print(f"[bold]{_escape(block.title)}[/bold]: {_escape(doc.lang.t('empty'))}")
                    continue
                table = RichTable(title=block.title, title_justify="left", title_style="bold")
                for col in block.columns:
                    numeric = col.kind in ("int", "number", "money", "percent")
                    table.add_column(_escape(col.label), justify="right" if numeric else "left",
                                     overflow="fold", no_wrap=col.kind == "hash")
                for row in cells(doc.lang, block):
                    shown = (_escape(_short(text, col.kind)) for text, col in zip(row, block.columns, strict=True))
                    table.add_row(*shown)
                console.print(table)
    return buffer.getvalue()


def _short(text: str, kind: str) -> str:
    return text[:12] + "…" if kind == "hash" and len(text) > 13 else text


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(printable(text))


def render_markdown(doc: Document) -> str:
    """The document as Markdown (GitHub tables)."""
    lang = doc.lang
    out = [f"# {md_text(doc.title)}", "", md_text(doc.subtitle), "",
           f"{md_text(lang.t('generated'))}: {md_text(lang.moment(doc.generated))}", ""]
    for fig in doc.figures:
        out.append(f"- **{_md(fig.label)}**: {_md(format_cell(lang, fig.value, fig.kind) or '–')}")
    for section in doc.sections:
        out += ["", f"## {_md(section.title)}"]
        for block in section.blocks:
            if isinstance(block, Note):
                out += ["", f"> {'**!** ' if block.warn else ''}{_md(block.text)}"]
            elif isinstance(block, BarChart | LineChart | GroupChart) and chart_is_empty(block):
                out += ["", f"*{_md(block.title)}: {_md(block.empty or lang.t('empty'))}*"]
            elif isinstance(block, Table):
                out += [""] if block.title == section.title else ["", f"### {_md(block.title)}", ""]
                if not block.rows:
                    out.append(_md(lang.t("empty")))
                    continue
                out.append("| " + " | ".join(_md(c.label) for c in block.columns) + " |")
                out.append("|" + "|".join("---:" if c.kind in ("int", "number", "money", "percent") else "---"
                                          for c in block.columns) + "|")
                for row in cells(lang, block):
                    out.append("| " + " | ".join(_md(text) for text in row) + " |")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return md_cell(text)
