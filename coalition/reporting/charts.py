"""Charts for the printed reports: SVG made on the server from primitive values.

Each chart is drawn for print (WeasyPrint renders inline SVG) with a ``<title>`` and a
``<desc>``; the report prints the same numbers in a table beside it, for readers of the PDF's
text. A hidden (suppressed) value is drawn as no bar, with its marker where the number would
be. Colours are dark enough on white (contrast ≥ 4.5:1) to survive a black-and-white copier.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

BAR = "#1f4e79"
SECOND = "#b35806"  # the second series of a line chart (distinct in greyscale too)
AXIS = "#555555"
TEXT = "#111111"
FONT = 'font-family="DejaVu Sans, sans-serif"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden
    text: str  # what is printed at the end of the bar ("12", "*", "34%")


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        + "".join(body) + "</svg>")


def _cut(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def bar_chart(title: str, bars: list[Bar], *, width: int = 620, label_width: int = 230,
              maximum: float | None = None) -> Markup:
    """Horizontal bars, one per category, with each value printed at its end."""
    row = 20
    height = row * max(len(bars), 1) + 8
    top = max([b.value for b in bars if b.value is not None] + [maximum or 0, 1])
    plot = width - label_width - 60
    body = []
    for index, bar in enumerate(bars):
        y = 4 + index * row
        body.append(f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" font-size="10" '
                    f'fill="{TEXT}" {FONT}>{escape(_cut(bar.label, 40))}</text>')
        length = 0.0 if bar.value is None else plot * bar.value / top
        if length > 0:
            body.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" '
                        f'height="{row - 6}" fill="{BAR}"/>')
        body.append(f'<text x="{label_width + length + 4:.1f}" y="{y + 13}" font-size="10" '
                    f'fill="{TEXT}" {FONT}>{escape(bar.text)}</text>')
    body.append(f'<line x1="{label_width}" y1="2" x2="{label_width}" y2="{height - 2}" '
                f'stroke="{AXIS}" stroke-width="1"/>')
    description = "; ".join(f"{b.label}: {b.text}" for b in bars) or "No data."
    return _svg(width, height, title, description, body)


def line_chart(title: str, periods: list[str], series: list[tuple[str, list[float | None]]], *,
               width: int = 620, height: int = 200, percent: bool = True) -> Markup:
    """One line per series over ``periods`` (a gap where a value is hidden or missing)."""
    left, right, top_pad, bottom = 44, 16, 14, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [v for _, points in series for v in points if v is not None]
    top = 100.0 if percent else max(values + [1.0])
    body = []
    for step in range(5):
        level = top * step / 4
        y = top_pad + plot_h - plot_h * step / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                    f'stroke="#dddddd" stroke-width="0.6"/>')
        tick = f"{level:.0f}%" if percent else f"{level:,.0f}"
        body.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" font-size="8" '
                    f'fill="{AXIS}" {FONT}>{tick}</text>')
    count = len(periods)

    def x_of(index: int) -> float:
        return left + (plot_w * (index + 0.5) / count if count else 0)

    for index, period in enumerate(periods):
        body.append(f'<text x="{x_of(index):.1f}" y="{height - bottom + 14}" text-anchor="middle"'
                    f' font-size="8" fill="{AXIS}" {FONT}>{escape(period)}</text>')
    for number, (name, points) in enumerate(series):
        colour = BAR if number == 0 else SECOND
        dash = "" if number == 0 else ' stroke-dasharray="5 3"'
        run: list[str] = []
        for index, value in enumerate(points + [None]):
            if value is not None:
                y = top_pad + plot_h - plot_h * min(value, top) / top
                run.append(f"{x_of(index):.1f},{y:.1f}")
                body.append(f'<circle cx="{x_of(index):.1f}" cy="{y:.1f}" r="2.5" '
                            f'fill="{colour}"/>')
            elif run:
                if len(run) > 1:
                    body.append(f'<polyline points="{" ".join(run)}" fill="none" '
                                f'stroke="{colour}" stroke-width="1.6"{dash}/>')
                run = []
        legend_y = height - 12
        legend_x = left + number * 220
        body.append(f'<line x1="{legend_x}" y1="{legend_y - 3}" x2="{legend_x + 18}" '
                    f'y2="{legend_y - 3}" stroke="{colour}" stroke-width="1.6"{dash}/>')
        body.append(f'<text x="{legend_x + 22}" y="{legend_y}" font-size="9" fill="{TEXT}" '
                    f'{FONT}>{escape(name)}</text>')
    description = "; ".join(
        f"{name}: " + ", ".join(f"{p} {'hidden' if v is None else f'{v:.0f}'}"
                                for p, v in zip(periods, points, strict=True))
        for name, points in series) or "No data."
    return _svg(width, height, title, description, body)
