"""The drawn gap matrix: an SVG heat map made on the server from a :class:`Matrix`.

One row per continuum stage, one column per sector, and a total row and column. Each cell is
shaded by its count relative to the largest cell on a sequential light → dark blue scale, with
its number printed in it (dark text on light cells, white text on dark ones; every pair has a
contrast of at least 4.5:1). Given ``cell_url``, every cell with a count is a link to that
cell's page, named for screen readers; the table below the drawing says the same in text.

With links in it the drawing is a ``group`` (the links stay reachable by keyboard and screen
readers; an ``img`` would hide them and nest interactive content); without, it is an ``img``.
Either way it carries a ``<title>`` and a ``<desc>``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from html import escape
from math import ceil

from markupsafe import Markup

from coalition.gaps.services.matrix import ANY, Matrix

CELL_W = 56
CELL_H = 38
GAP = 2  # white between cells, where a focused cell's outline shows whole
LEFT = 290  # stage labels
STAGE_WRAP = 40  # characters per line of a stage label (two lines at most)
SECTOR_CHARS = 30  # a sector label is cut (with "…") beyond this; the table has it in full
CHAR_W = 6.6  # the average width of a 12px character, to make room for the rotated labels
LEGEND_H = 44
# ColorBrewer "Blues", lightest to darkest: the scale of cells with a count
SCALE = ("#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#2171b5", "#08519c", "#08306b")
ZERO_FILL = "#ffffff"
TOTAL_FILL = "#f1f3f5"
GRID = "#adb5bd"
DARK_TEXT = "#212529"
LIGHT_TEXT = "#ffffff"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                        for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(fill: str) -> str:
    """White or dark text, whichever reads better on ``fill``."""
    return max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast(fill, text))


def fill_for(count: int, largest: int) -> str:
    """The shade of a cell: white for none, else its step of :data:`SCALE` by count / max."""
    if count <= 0 or largest <= 0:
        return ZERO_FILL
    step = ceil(count * len(SCALE) / largest) - 1
    return SCALE[min(max(step, 0), len(SCALE) - 1)]


def _plural(count: int) -> str:
    return f"{count} missed opportunit{'y' if count == 1 else 'ies'}"


def _stage_lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, STAGE_WRAP) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), STAGE_WRAP, placeholder="…")]
    return lines


def _sector_text(label: str) -> str:
    return label if len(label) <= SECTOR_CHARS else label[:SECTOR_CHARS - 1].rstrip() + "…"


def _cell(x: float, y: float, count: int, fill: str, *, bold: bool = False) -> str:
    """A shaded rectangle with its number (none for an empty cell)."""
    parts = [f'<rect x="{x + GAP}" y="{y + GAP}" width="{CELL_W - 2 * GAP}" '
             f'height="{CELL_H - 2 * GAP}" fill="{fill}" stroke="{GRID}" stroke-width="1"/>']
    if count:
        weight = ' font-weight="bold"' if bold else ""
        parts.append(f'<text x="{x + CELL_W / 2}" y="{y + CELL_H / 2 + 5}" font-size="14"'
                     f'{weight} text-anchor="middle" fill="{text_colour(fill)}">{count}</text>')
    return "".join(parts)


def _linked(drawn: str, count: int, name: str, cell_url, stage_id, sector_id) -> str:
    """A cell with a count as a link to its page (named for screen readers); else hidden from
    them (the table has every number)."""
    if not count or cell_url is None:
        return f'<g aria-hidden="true">{drawn}</g>'
    name = escape(f"{name}: {_plural(count)}")
    href = escape(cell_url(stage_id, sector_id))
    return f'<a href="{href}" aria-label="{name}"><title>{name}</title>{drawn}</a>'


def matrix_svg(matrix: Matrix, cell_url: Callable[[int | None, int | None], str] | None = None
               ) -> Markup:
    """The heat map of ``matrix``; empty when nothing was counted. ``cell_url(stage_id,
    sector_id)`` makes each cell with a count a link to its page."""
    if not matrix.total or not matrix.stages or not matrix.sectors:
        return Markup("")
    labels = [_sector_text(axis.label) for axis in matrix.sectors] + ["Total"]
    reach = ceil(0.71 * CHAR_W * max(len(label) for label in labels))  # of a label at −45°
    top = 16 + reach
    columns, rows = len(labels), len(matrix.stages) + 1
    width = LEFT + CELL_W * columns + reach
    height = top + CELL_H * rows + LEGEND_H
    role = ('role="group" aria-labelledby="gap-matrix-title" '
            'aria-describedby="gap-matrix-desc"' if cell_url else
            'role="img" aria-labelledby="gap-matrix-title gap-matrix-desc"')
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'{role} class="gap-matrix-svg">',
             '<title id="gap-matrix-title">Missed opportunities by continuum stage and sector'
             '</title>',
             f'<desc id="gap-matrix-desc">{escape(_plural(matrix.total))} in cases of '
             f'{escape(matrix.period)}, across {len(matrix.stages)} stages (rows) and '
             f'{len(matrix.sectors)} sectors (columns); the darkest cell holds {matrix.max}. '
             'The table below gives every number.</desc>',
             '<g aria-hidden="true">']
    for index, label in enumerate(labels):
        x = LEFT + CELL_W * index + CELL_W / 2
        bold = ' font-weight="bold"' if index == columns - 1 else ""
        parts.append(f'<text x="{x}" y="{top - 8}" font-size="12"{bold} fill="{DARK_TEXT}" '
                     f'transform="rotate(-45 {x} {top - 8})">{escape(label)}</text>')
    for index, axis in enumerate([*matrix.stages, None]):
        y = top + CELL_H * index + CELL_H / 2
        lines = _stage_lines(axis.label) if axis else ["Total"]
        bold = "" if axis else ' font-weight="bold"'
        first = y + 4 - 7 * (len(lines) - 1)
        spans = "".join(f'<tspan x="{LEFT - 8}" y="{first + 14 * n}">{escape(line)}</tspan>'
                        for n, line in enumerate(lines))
        parts.append(f'<text font-size="12"{bold} text-anchor="end" fill="{DARK_TEXT}">'
                     f'{spans}</text>')
    parts.append("</g>")
    for row, stage in enumerate(matrix.stages):
        y = top + CELL_H * row
        for column, sector in enumerate(matrix.sectors):
            x = LEFT + CELL_W * column
            count = matrix.count(stage.id, sector.id)
            parts.append(_linked(_cell(x, y, count, fill_for(count, matrix.max)), count,
                                 f"{stage.label}, {sector.label}", cell_url, stage.id,
                                 sector.id))
        count = matrix.row_totals.get(stage.id, 0)
        parts.append(_linked(_cell(LEFT + CELL_W * (columns - 1), y, count, TOTAL_FILL,
                                   bold=True), count, f"{stage.label}, all sectors", cell_url,
                             stage.id, ANY))
    y = top + CELL_H * (rows - 1)
    totals = [(sector.id, sector.label, matrix.column_totals.get(sector.id, 0))
              for sector in matrix.sectors] + [(ANY, "all stages and sectors", matrix.total)]
    for column, (sector_id, label, count) in enumerate(totals):
        name = label if sector_id == ANY else f"all stages, {label}"
        parts.append(_linked(_cell(LEFT + CELL_W * column, y, count, TOTAL_FILL, bold=True),
                             count, name, cell_url, ANY, sector_id))
    parts.append(_legend(LEFT, top + CELL_H * rows + 14, matrix.max))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it was escaped above


def _legend(x: float, y: float, largest: int) -> str:
    """Fewer → more, with the scale's shades between."""
    swatch = 22
    parts = ['<g aria-hidden="true">',
             f'<text x="{x}" y="{y + 15}" font-size="12" fill="{DARK_TEXT}">Fewer</text>']
    start = x + 44
    for index, fill in enumerate(SCALE):
        parts.append(f'<rect x="{start + swatch * index}" y="{y}" width="{swatch}" '
                     f'height="{swatch}" fill="{fill}" stroke="{GRID}" stroke-width="1"/>')
    parts.append(f'<text x="{start + swatch * len(SCALE) + 8}" y="{y + 15}" font-size="12" '
                 f'fill="{DARK_TEXT}">More (the darkest: {largest})</text>')
    parts.append("</g>")
    return "".join(parts)
