"""Small inline SVG charts for the HTML report: no script, no font or image to fetch.

Each function returns one ``<svg>`` element sized by its ``viewBox`` (it
scales with the page) with a ``<title>`` per mark, so that hovering a bar shows
its value and a screen reader has a label for the whole chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape as _escape

from ..wire import clean_text

COLORS = {"good": "#2e7d32", "mid": "#f9a825", "bad": "#c62828", "bar": "#1565c0", "axis": "#555"}


def histogram(percents: Sequence[float], *, label: str, bins: int = 10, width: int = 320, height: int = 150) -> str:
    """Counts of ``percents`` (0-100) in ``bins`` equal bins, coloured from red (low) to green (full marks)."""
    counts = [0] * bins
    for p in percents:
        counts[min(bins - 1, max(0, int(p * bins / 100)))] += 1
    top = max(counts, default=0) or 1
    left, bottom, plot_h = 28, 22, height - 34
    step = (width - left - 14) / bins
    marks = []
    for i, count in enumerate(counts):
        h = plot_h * count / top
        x = left + i * step
        y = height - bottom - h
        low, high = i * 100 // bins, (i + 1) * 100 // bins
        color = COLORS["good"] if low >= 80 else COLORS["mid"] if low >= 50 else COLORS["bad"]
        marks.append(f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{step - 2:.1f}" height="{max(h, 0.5):.1f}" '
                     f'fill="{color}"><title>{low}–{high}%: {count}</title></rect>')
    ticks = "".join(f'<text x="{left + i * step:.1f}" y="{height - 6}" class="tick" text-anchor="middle">'
                    f"{i * 100 // bins}</text>" for i in range(0, bins + 1, 2))
    axis = (f'<line x1="{left}" y1="{height - bottom}" x2="{width - 6}" y2="{height - bottom}" '
            f'stroke="{COLORS["axis"]}"/>'
            f'<text x="2" y="14" class="tick">{top}</text><text x="2" y="{height - bottom}" class="tick">0</text>')
    return _svg(width, height, label, "".join(marks) + axis + ticks)


def bars(labels: Sequence[str], values: Sequence[float], *, label: str, unit: str = "", maximum: float | None = None,
         width: int = 640) -> str:
    """Horizontal bars, one row per label (known-bug frequency, scores per exercise)."""
    row, left = 22, min(300, 12 + 7 * max((len(t) for t in labels), default=4))
    height = row * len(labels) + 10
    top = maximum or max(values, default=0) or 1
    marks = []
    for i, (text, value) in enumerate(zip(labels, values, strict=True)):
        y = 5 + i * row
        w = (width - left - 60) * min(value, top) / top
        marks.append(f'<text x="{left - 6}" y="{y + 15}" class="label" text-anchor="end">{escape(_cut(text, 42))}'
                     f'</text><rect x="{left}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row - 6}" '
                     f'fill="{COLORS["bar"]}"><title>{escape(text)}: {_n(value)}{unit}</title></rect>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 15}" class="tick">{_n(value)}{escape(unit)}</text>')
    return _svg(width, height, label, "".join(marks))


def columns(labels: Sequence[str], values: Sequence[float], *, label: str, unit: str = "", width: int = 640,
            height: int = 170) -> str:
    """Vertical columns in the given order (time per graded pair), with the largest value marked on the axis."""
    left, bottom = 44, 18
    top = max(values, default=0) or 1
    step = (width - left - 6) / max(len(values), 1)
    marks = []
    for i, (text, value) in enumerate(zip(labels, values, strict=True)):
        h = (height - bottom - 10) * value / top
        marks.append(f'<rect x="{left + i * step + 0.5:.1f}" y="{height - bottom - h:.1f}" '
                     f'width="{max(step - 1, 0.6):.1f}" height="{max(h, 0.5):.1f}" fill="{COLORS["bar"]}">'
                     f'<title>{escape(text)}: {_n(value)}{escape(unit)}</title></rect>')
    axis = (f'<line x1="{left}" y1="{height - bottom}" x2="{width - 6}" y2="{height - bottom}" '
            f'stroke="{COLORS["axis"]}"/><text x="2" y="14" class="tick">{_n(top)}{escape(unit)}</text>'
            f'<text x="2" y="{height - bottom}" class="tick">0</text>'
            f'<text x="{left}" y="{height - 4}" class="tick">{len(values)} pairs, slowest first</text>')
    return _svg(width, height, label, "".join(marks) + axis)


def _svg(width: int, height: int, label: str, body: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" style="max-width:{width}px" role="img" '
            f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
            f"{body}</svg>")


def escape(text: str) -> str:
    return _escape(clean_text(text))


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _n(x: float) -> str:
    if math.isfinite(x) and float(x).is_integer():
        return str(int(x))
    return f"{x:.2f}" if abs(x) < 10 else f"{x:.1f}"
