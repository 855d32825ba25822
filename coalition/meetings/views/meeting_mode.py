"""Meeting mode: which agenda item of the run screen is in focus, its neighbours, and the
one-line state of every other item.

``?item=<id>`` puts an item in focus (a plain link, so it works without JavaScript); without it
the first item not yet discussed is. ``?all=1`` shows every item in full, as one long page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coalition.meetings.models import AgendaItem


@dataclass
class MeetingMode:
    focus: AgendaItem | None
    previous: AgendaItem | None = None
    next: AgendaItem | None = None
    show_all: bool = False
    full: list[AgendaItem] = field(default_factory=list)  # the items shown in full (with forms)


def meeting_mode(items: list[AgendaItem], wanted, *, show_all: bool = False) -> MeetingMode:
    agenda = [i for i in items if not i.is_section]
    if show_all:
        return MeetingMode(focus=None, show_all=True, full=agenda)
    focus = next((i for i in agenda if str(i.id) == str(wanted)), None) if wanted else None
    if focus is None:
        focus = next((i for i in agenda if not i.is_discussed), agenda[0] if agenda else None)
    if focus is None:
        return MeetingMode(focus=None)
    index = agenda.index(focus)
    return MeetingMode(focus=focus, previous=agenda[index - 1] if index else None,
                       next=agenda[index + 1] if index + 1 < len(agenda) else None,
                       full=[focus])


def item_state(item: AgendaItem, action_count: int, decisions: int) -> str:
    """The one line shown for an item not in focus: minutes, decisions, action items."""
    return " · ".join([
        "minutes: yes" if item.minutes else "minutes: no",
        f"{decisions} decision{'' if decisions == 1 else 's'}",
        f"{action_count} action item{'' if action_count == 1 else 's'}",
    ])
