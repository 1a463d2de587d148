"""Charts as inline SVG, drawn in Python: no script, no fetched library, nothing to load.

Every bar is a ``<rect class="bar">`` and every point a ``<circle class="point">``, each with a
``<title>`` (its label and value, shown on hover by the browser itself), so a reader — and a test —
can count them. Values are formatted in the document's language.
"""

from __future__ import annotations

import math

from mikronet.reports.document import BarChart, GroupChart, LineChart, format_cell
from mikronet.reports.i18n import Lang
from mikronet.textsafe import html_text as escape

__all__ = ["PALETTE", "bar_chart", "group_chart", "line_chart"]

PALETTE = ("#1f6fb2", "#e8772e", "#3a9a4b", "#b8403a", "#7b5ea7", "#8c6d31")
WIDTH = 760
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _axis_max(value: float, kind: str) -> float:
    """The axis maximum; for whole counts a multiple of 4, so the four grid steps are whole numbers."""
    top = _nice_max(value)
    if kind == "int" and top % 4:
        top = float(math.ceil(top / 4) * 4)
    return top


def _svg(height: float, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
            f'height="{height:.0f}" role="img" aria-label="{escape(title)}" {FONT}>' + "".join(body) + "</svg>")


def bar_chart(chart: BarChart, lang: Lang) -> str:
    """Horizontal bars: labels on the left, the value at each bar's end."""
    label_w, right, row, top = 230, 90, 22, 8
    plot = WIDTH - label_w - right
    top_value = _nice_max(max((b.value for b in chart.bars), default=0))
    body = []
    for i, bar in enumerate(chart.bars):
        y = top + i * row
        w = plot * bar.value / top_value
        text = format_cell(lang, bar.value, chart.value_kind) + (f" ({bar.note})" if bar.note else "")
        body.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{escape(bar.label)}</text>'
                    f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
                    f'fill="{PALETTE[0]}"><title>{escape(bar.label)}: {escape(text)}</title></rect>'
                    f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 14}">{escape(text)}</text>')
    body.insert(0, f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{top + row * len(chart.bars)}" '
                   'stroke="#888"/>')
    return _svg(top * 2 + row * max(len(chart.bars), 1), chart.title, body)


def _y_axis(left: float, top: float, plot_w: float, plot_h: float, top_value: float, lang: Lang,
            kind: str) -> list[str]:
    out = []
    for i in range(5):
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                   f'stroke="#ddd"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                   f'{escape(format_cell(lang, value, kind))}</text>')
    return out


def line_chart(chart: LineChart, lang: Lang) -> str:
    """A line over points in order (cumulative progress), with a dashed target line."""
    left, right, top, bottom, height = 60.0, 20.0, 16.0, 56.0, 320.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [v for _, v in chart.points]
    top_value = _axis_max(max([*values, chart.target or 0, 1]) * 1.05, chart.value_kind)
    body = _y_axis(left, top, plot_w, plot_h, top_value, lang, chart.value_kind)
    n = len(chart.points)
    step = plot_w / max(n - 1, 1)
    coords = [(left + (i * step if n > 1 else plot_w / 2), top + plot_h - plot_h * v / top_value)
              for i, (_, v) in enumerate(chart.points)]
    if chart.target is not None:
        y = top + plot_h - plot_h * chart.target / top_value
        body.append(f'<line class="target" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                    f'stroke="{PALETTE[3]}" stroke-dasharray="6 4"/><text x="{left + 6}" y="{y - 5:.1f}" '
                    f'fill="{PALETTE[3]}">{escape(chart.target_label)}</text>')
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline class="line" points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    every = max(1, (n + 11) // 12)
    for i, ((label, value), (x, y)) in enumerate(zip(chart.points, coords, strict=True)):
        text = format_cell(lang, value, chart.value_kind)
        body.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PALETTE[0]}">'
                    f'<title>{escape(label)}: {escape(text)}</title></circle>')
        if i % every == 0 or i == n - 1:
            body.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="end" '
                        f'transform="rotate(-30 {x:.1f} {top + plot_h + 16})">{escape(label)}</text>')
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>')
    return _svg(height, chart.title, body)


def group_chart(chart: GroupChart, lang: Lang) -> str:
    """Vertical bars per group: side by side (before/after) or stacked (states per template)."""
    left, right, top, bottom, height = 60.0, 20.0, 30.0, 70.0, 340.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    totals = [sum(values) if chart.stacked else max(values, default=0) for _, values in chart.groups]
    top_value = _axis_max(max([*totals, 1]) * 1.05, chart.value_kind)
    body = _y_axis(left, top, plot_w, plot_h, top_value, lang, chart.value_kind)
    for s, name in enumerate(chart.series):
        x = left + s * 150
        body.append(f'<rect class="legend" x="{x}" y="6" width="12" height="12" fill="{PALETTE[s % len(PALETTE)]}"/>'
                    f'<text x="{x + 16}" y="16">{escape(name)}</text>')
    n = max(len(chart.groups), 1)
    slot = plot_w / n
    per = 1 if chart.stacked else max(len(chart.series), 1)
    bar_w = max(min(slot * 0.8 / per, 40), 1)
    for g, (label, values) in enumerate(chart.groups):
        x0 = left + g * slot + (slot - bar_w * per) / 2
        base = top + plot_h
        for s, value in enumerate(values):
            h = plot_h * value / top_value
            x = x0 if chart.stacked else x0 + s * bar_w
            y = base - h
            text = f"{label} — {chart.series[s]}: {format_cell(lang, value, chart.value_kind)}"
            body.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                        f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(text)}</title></rect>')
            if chart.stacked:
                base = y
        cx = left + g * slot + slot / 2
        body.append(f'<text x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="end" '
                    f'transform="rotate(-35 {cx:.1f} {top + plot_h + 14})">{escape(label)}</text>')
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>')
    return _svg(height, chart.title, body)
