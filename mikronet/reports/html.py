"""One self-contained HTML page per report: inline CSS, inline SVG charts, no script at all.

The page declares a Content-Security-Policy that forbids every fetch and every script, so it opens
the same with no network and cannot phone home. Latvian text is written as UTF-8 (declared twice:
``<meta charset>`` and the ``lang`` attribute for hyphenation and screen readers).
"""

from __future__ import annotations

from mikronet.reports.document import (
    BarChart,
    Block,
    Document,
    Drawing,
    GroupChart,
    LineChart,
    Note,
    cells,
    chart_is_empty,
    format_cell,
)
from mikronet.reports.svg import bar_chart, group_chart, line_chart
from mikronet.textsafe import html_text as escape

__all__ = ["render_html"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d9dee4; --accent: #1f6fb2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 15px; margin: 18px 0 6px; }
.subtitle, .generated, figcaption, .note { color: var(--muted); }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; margin: 18px 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.figure .value { font-size: 22px; font-weight: 600; }
.figure .label { color: var(--muted); font-size: 12px; }
figure.chart, figure.drawing { margin: 10px 0 16px; overflow-x: auto; }
svg text { fill: var(--ink); }
table.data { border-collapse: collapse; width: 100%; margin: 4px 0 12px; font-size: 13px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
                               vertical-align: top; }
table.data th { background: #f3f5f7; position: sticky; top: 0; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data td.code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
table.data td.hash { font-family: ui-monospace, monospace; font-size: 11px; word-break: break-all; }
.note.warn { color: #b8403a; font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { table.data th { position: static; } h2 { break-after: avoid; } }
"""

_NUMERIC = ("int", "number", "money", "percent")


def _block(doc: Document, block: Block, section: str = "") -> str:
    lang = doc.lang
    if isinstance(block, Note):
        return f'<p class="note{" warn" if block.warn else ""}">{escape(block.text)}</p>'
    if isinstance(block, Drawing):
        return (f'<figure class="drawing" data-drawing="{escape(block.key)}">{block.svg()}'
                f"<figcaption>{escape(block.title)} — {escape(block.caption)}</figcaption></figure>")
    if isinstance(block, BarChart | LineChart | GroupChart) and chart_is_empty(block):
        return (f'<figure class="chart-empty" data-chart="{escape(block.key)}"><p class="empty">'
                f'{escape(block.empty or lang.t("empty"))}</p><figcaption>{escape(block.title)}</figcaption></figure>')
    if isinstance(block, BarChart | LineChart | GroupChart):
        svg = (bar_chart(block, lang) if isinstance(block, BarChart)
               else line_chart(block, lang) if isinstance(block, LineChart) else group_chart(block, lang))
        extra = block.caption if isinstance(block, BarChart | GroupChart) else ""
        caption = escape(block.title) + (f" — {escape(extra)}" if extra else "")
        return (f'<figure class="chart" data-chart="{escape(block.key)}">{svg}'
                f"<figcaption>{caption}</figcaption></figure>")
    head = "".join(f"<th>{escape(c.label)}</th>" for c in block.columns)
    if not block.rows:
        body = f'<tr><td class="empty" colspan="{len(block.columns)}">{escape(lang.t("empty"))}</td></tr>'
    else:
        body = "".join(
            "<tr>" + "".join(
                f'<td class="{"num" if c.kind in _NUMERIC else c.kind}">{escape(text)}</td>'
                for text, c in zip(row, block.columns, strict=True)) + "</tr>"
            for row in cells(lang, block))
    heading = "" if block.title == section else f"<h3>{escape(block.title)}</h3>"  # not the section's again
    return (f'{heading}<table class="data" data-table="{escape(block.key)}">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def render_html(doc: Document) -> str:
    """The whole page as text (UTF-8 when written)."""
    lang = doc.lang
    figures = "".join(
        f'<div class="figure"><div class="value">{escape(format_cell(lang, f.value, f.kind) or "–")}</div>'
        f'<div class="label">{escape(f.label)}</div></div>' for f in doc.figures)
    sections = "".join(
        f'<section><h2>{escape(s.title)}</h2>' + "".join(_block(doc, b, s.title) for b in s.blocks) + "</section>"
        for s in doc.sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang.code}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(doc.title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{escape(doc.title)}</h1><p class="subtitle">{escape(doc.subtitle)}</p>'
        f'<p class="generated">{escape(lang.t("generated"))}: {escape(lang.moment(doc.generated))}</p></header>'
        f'<div class="figures">{figures}</div>{sections}'
        '<footer>mikronet</footer></body></html>\n'
    )
