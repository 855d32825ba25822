"""What other domains show beside a missed opportunity on a case's timeline.

The gap register, for one, shows which gap a missed opportunity is linked to and suggests gaps
for the ones that are not. A domain registers a :class:`MissedPanel` from its ``init_app``: a
template partial, shown in the row of every missed opportunity, and a function that computes
the partial's data once per page (never per row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MissedPanel:
    key: str
    partial: str  # rendered with ``row`` (a TimelineRow), ``case``, ``panel_data`` and ``manage``
    context: Callable  # ``context(viewer, case, rows)`` → the partial's ``panel_data``


PANELS: dict[str, MissedPanel] = {}


def register_missed_panel(panel: MissedPanel) -> MissedPanel:
    PANELS[panel.key] = panel
    return panel


def panels_for(viewer, case, rows) -> list[tuple[MissedPanel, object]]:
    if not any(row.missed for row in rows):
        return []
    return [(panel, panel.context(viewer, case, rows)) for panel in PANELS.values()]
