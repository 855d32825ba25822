"""Where a new agenda item goes: at the end, at the end of a section, or right after an item.

The add-item form offers ``place`` as one select; its values are ``""`` (the end),
``"in-<section id>"`` and ``"after-<item id>"``. :func:`make_room` checks the value against the
meeting's agenda, moves the items below down by one and returns the new item's position.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from coalition.core.errors import ServiceError
from coalition.core.fields import SelectChoice, options
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, Meeting

PLACE_MESSAGE = "Choose a place on this meeting's agenda."
END = ""


def place_choices(items) -> list[SelectChoice]:
    """The place select's options, from the agenda rows the viewer sees."""
    choices = [(END, "At the end of the agenda")]
    for item in items:
        if item.is_section:
            choices.append((f"in-{item.id}", f"In section “{item.title}” (at its end)"))
        else:
            choices.append((f"after-{item.id}", f"Right after “{item.title}”"))
    return options(choices)


def make_room(meeting: Meeting, place: str | None, *, sees_case_items: Callable[[], bool]) -> int:
    """The position for a new item placed at ``place``, the items below it moved down one."""
    items = list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)))
    if not place:
        return (items[-1].position + 1) if items else 0
    kind, _, raw = place.partition("-")
    target = next((i for i in items if str(i.id) == raw), None)
    if (target is None or kind not in ("in", "after") or (kind == "in") != target.is_section
            or (target.item_type == "case" and not target.is_section
                and not sees_case_items())):
        raise ServiceError(PLACE_MESSAGE, field="place")
    index = items.index(target) + 1
    if kind == "in":
        while index < len(items) and not items[index].is_section:
            index += 1
    for position, row in enumerate(items[:index]):
        row.position = position
    for position, row in enumerate(items[index:], start=index + 1):
        row.position = position
    return index
