"""Small hand-made SVG charts for the HTML report: line charts and log-scale bar groups.

Each function returns one `<svg>` element as a string, drawn entirely here (no library, no
script), with `<title>` tooltips on points and bars so that exact values are a hover away.
Every text is escaped. The HTML report (report_html.py) decides what to chart.

Not for: choosing data or laying out the page (report_html.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Callable, Sequence

WIDTH = 760
HEIGHT = 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 36, 46, 40
LEGEND_Y = 34
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True)
class Series:
    """A named line: (x, y) points in data units."""

    name: str
    points: Sequence[tuple[float, float]]
    color: str = ""


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` ticks over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2g}"


def _legend(names: Sequence[tuple[str, str]], y: float, x: float = MARGIN_LEFT) -> str:
    parts = []
    for name, color in names:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14}" y="{y}" class="legend">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return "".join(parts)


def _frame(title: str, body: str, legend: str, height: int = HEIGHT) -> str:
    return (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">'
            f'<text x="{MARGIN_LEFT}" y="16" class="title">{escape(title)}</text>{legend}{body}</svg>')


def empty_chart(title: str, message: str = "no data") -> str:
    body = (f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" class="axis">'
            f'{escape(message)}</text>')
    return _frame(title, body, "")


def line_chart(title: str, series: Sequence[Series], *, x_label: str, y_label: str,
               y_format: Callable[[float], str] = _fmt) -> str:
    """Lines over a shared linear x axis; y from 0 to a round maximum."""
    points = [p for s in series for p in s.points]
    if not points:
        return empty_chart(title)
    x_min, x_max = min(p[0] for p in points), max(p[0] for p in points)
    if x_max == x_min:  # one x value (e.g. one group): centre it
        x_min, x_max = x_min - 1, x_max + 1
    y_step = _nice_step(max(p[1] for p in points) or 1.0)
    y_max = y_step * math.ceil((max(p[1] for p in points) or 1.0) / y_step)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def sx(x: float) -> float:
        return MARGIN_LEFT + (x - x_min) / (x_max - x_min) * plot_w

    def sy(y: float) -> float:
        return MARGIN_TOP + plot_h - (y / y_max) * plot_h

    parts = [f'<line x1="{MARGIN_LEFT}" y1="{sy(0):.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{sy(0):.1f}" class="axisline"/>']
    tick = 0.0
    while tick <= y_max + 1e-9:
        y = sy(tick)
        parts.append(f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{escape(y_format(tick))}</text>')
        tick += y_step
    x_step = _nice_step(x_max - x_min, 8)
    decimals = 0 if x_step >= 1 else math.ceil(-math.log10(x_step))
    tick = math.ceil(x_min / x_step) * x_step
    while tick <= x_max + 1e-9:
        label = f"{round(tick, decimals):g}"
        parts.append(f'<text x="{sx(tick):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" text-anchor="middle" '
                     f'class="axis">{escape(label)}</text>')
        tick += x_step
    parts.append(f'<text x="{MARGIN_LEFT + plot_w / 2}" y="{HEIGHT - 6}" text-anchor="middle" class="axis">'
                 f'{escape(x_label)}</text><text x="14" y="{MARGIN_TOP + plot_h / 2}" class="axis" '
                 f'transform="rotate(-90 14 {MARGIN_TOP + plot_h / 2})" text-anchor="middle">{escape(y_label)}</text>')
    legend = []
    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        legend.append((s.name, color))
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in s.points)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="1.8"/>')
        for x, y in s.points:
            parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.2" fill="{color}">'
                         f'<title>{escape(s.name)}: {escape(_fmt(x))}, {escape(y_format(y))}</title></circle>')
    return _frame(title, "".join(parts), _legend(legend, LEGEND_Y))


def log_bars(title: str, rows: Sequence[tuple[str, Sequence[float]]], bar_names: Sequence[str], *,
             unit: str = "ms") -> str:
    """Horizontal bar groups on a log10 axis: one row per label, one bar per value (e.g. p50..p99.9)."""
    values = [v for _, vs in rows for v in vs if v > 0]
    if not values:
        return empty_chart(title)
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))
    if high <= low:
        high = low * 10
    label_w = min(max(len(label) for label, _ in rows) * 6.2 + 12, 330)
    left = MARGIN_LEFT + label_w
    bar_h, gap = 7, 8
    row_h = bar_h * len(bar_names) + gap
    height = MARGIN_TOP + row_h * len(rows) + MARGIN_BOTTOM
    plot_w = WIDTH - left - MARGIN_RIGHT
    top = MARGIN_TOP

    def sx(v: float) -> float:
        return left + (math.log10(max(v, low)) - math.log10(low)) / (math.log10(high) - math.log10(low)) * plot_w

    parts = []
    decade = low
    while decade <= high * 1.0001:
        x = sx(decade)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - MARGIN_BOTTOM}" class="grid"/>'
                     f'<text x="{x:.1f}" y="{height - MARGIN_BOTTOM + 16}" text-anchor="middle" class="axis">'
                     f'{escape(_fmt(decade))} {escape(unit)}</text>')
        decade *= 10
    for index, (label, bars) in enumerate(rows):
        y = top + index * row_h
        parts.append(f'<text x="{left - 6}" y="{y + row_h / 2 + 1:.1f}" text-anchor="end" class="axis">'
                     f'{escape(_clip(label, int(label_w / 6.2)))}<title>{escape(label)}</title></text>')
        for k, value in enumerate(bars):
            color = PALETTE[k % len(PALETTE)]
            parts.append(f'<rect x="{left}" y="{y + k * bar_h:.1f}" width="{max(sx(value) - left, 1):.1f}" '
                         f'height="{bar_h - 1}" fill="{color}"><title>{escape(label)} {escape(bar_names[k])}: '
                         f'{escape(_fmt(value))} {escape(unit)}</title></rect>')
    legend = _legend([(name, PALETTE[k % len(PALETTE)]) for k, name in enumerate(bar_names)], LEGEND_Y)
    return _frame(title, "".join(parts), legend, height=int(height))


def _clip(text: str, limit: int) -> str:
    """The end of a long operation name (its distinctive part), marked with an ellipsis."""
    return text if len(text) <= limit else "…" + text[-(limit - 1):]
