"""The drawn timeline: an SVG made on the server from the timeline's rows.

Time runs left to right in months before death (death at the right edge); each touchpoint is a
dot, coloured by continuum-of-care stage, on the lane of its sector; a missed opportunity is a
larger red-ringed diamond. Every mark has a ``<title>`` (its date, touchpoint and agency); the
list beside the drawing says the same in text, for screen readers and print.
"""

from __future__ import annotations

from html import escape
from math import ceil

from markupsafe import Markup

WIDTH = 880
LANE = 26
LEFT = 210
RIGHT = 30
TOP = 30
STAGE_COLOURS = ("#1b6ca8", "#2e8540", "#8a4baf", "#b35c00", "#0f7b7b", "#5c5c5c",
                 "#9b2257", "#466b00", "#6b4e16", "#274f87", "#7a2e0e", "#3d3d99")
MISSED = "#c0161b"


def _x(months_before: float, span: float) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (1 - months_before / span)


def timeline_svg(rows, *, code: str, death: str | None) -> Markup:
    """The SVG of ``rows`` (``TimelineRow``; those without months before death are left out,
    the list shows them)."""
    placed = [row for row in rows if row.months_before is not None]
    if not placed:
        return Markup("")
    span = max(12, ceil(max(row.months_before for row in placed) / 6) * 6)
    lanes = list(dict.fromkeys(row.sector or "Sector not recorded" for row in placed))
    stages = list(dict.fromkeys(row.stage for row in placed if row.stage))
    colour = {stage: STAGE_COLOURS[n % len(STAGE_COLOURS)] for n, stage in enumerate(stages)}
    height = TOP + LANE * len(lanes) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
             f'role="img" aria-labelledby="timeline-title timeline-desc" class="timeline-svg">',
             f'<title id="timeline-title">Timeline of case {escape(code)}</title>',
             f'<desc id="timeline-desc">{len(placed)} touchpoints over the {span} months before '
             f'death{", on " + escape(death) if death else ""}; '
             f'{sum(r.missed for r in placed)} marked as missed opportunities. The list below '
             'gives each one.</desc>']
    axis_y = TOP + LANE * len(lanes) + 6
    for month in range(0, span + 1, 3 if span <= 24 else 6):
        x = _x(month, span)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{axis_y}" '
                     'stroke="#d5d5d5" stroke-width="1"/>')
        label = "death" if month == 0 else f"−{month} mo"
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 16}" font-size="11" '
                     f'text-anchor="middle" fill="#333">{label}</text>')
    for index, lane in enumerate(lanes):
        y = TOP + LANE * index + LANE / 2
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
                     f'fill="#222">{escape(lane[:30])}</text>')
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     'stroke="#eeeeee" stroke-width="1"/>')
    for row in placed:
        y = TOP + LANE * lanes.index(row.sector or "Sector not recorded") + LANE / 2
        x = _x(row.months_before, span)
        title = escape(f"{row.when}: {row.type}" + (f", {row.agency}" if row.agency else "")
                       + (" — missed opportunity" if row.missed else ""))
        fill = colour.get(row.stage, "#555555")
        if row.missed:
            parts.append(f'<g><title>{title}</title><path d="M{x:.1f} {y - 9:.1f} '
                         f'L{x + 9:.1f} {y:.1f} L{x:.1f} {y + 9:.1f} L{x - 9:.1f} {y:.1f} Z" '
                         f'fill="{fill}" stroke="{MISSED}" stroke-width="3"/></g>')
        else:
            parts.append(f'<g><title>{title}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="6" '
                         f'fill="{fill}"/></g>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it was escaped above


def stage_legend(rows) -> list[tuple[str, str]]:
    """``(stage, colour)`` in the order the drawing assigns them."""
    stages = list(dict.fromkeys(row.stage for row in rows
                                if row.stage and row.months_before is not None))
    return [(stage, STAGE_COLOURS[n % len(STAGE_COLOURS)]) for n, stage in enumerate(stages)]
