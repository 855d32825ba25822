"""Meeting verbs and the queries the meeting screens, the agenda builder and reports share.

Every verb takes the acting user first, checks the business rules, raises
:class:`ServiceError` (with the form field it belongs to) when one is broken, writes its audit row
and flushes; the caller commits. Modules: ``templates`` (agenda templates), ``scheduling``
(meetings and the cadence proposal), ``agenda`` (the self-filling agenda, its rule registry and
item edits) and ``lifecycle`` (the state machine and minutes versions). Callers import from this
package: ``from coalition.meetings import services as meetings``.
"""

from coalition.core.errors import ServiceError
from coalition.meetings.services import running  # noqa: F401 - attendance, attestations, minutes
from coalition.meetings.services.agenda import (
    CASE_TABLE_MESSAGE,
    CLOSED_MESSAGE,
    DUE_ITEM_RULES,
    RUNNING_MESSAGE,
    AgendaContents,
    add_item,
    agenda_for,
    backlog,
    backlog_items,
    build_agenda,
    carried_over_items,
    move_item,
    move_to_next_meeting,
    park_in_backlog,
    refresh_due_items,
    register_due_rule,
    remove_item,
    update_item,
)
from coalition.meetings.services.lifecycle import (
    NO_ATTENDANCE_MESSAGE,
    TRANSITIONS,
    available_transitions,
    close_meeting,
    mark_scheduled,
    minutes_snapshot,
    reopen_meeting,
    start_meeting,
)
from coalition.meetings.services.scheduling import (
    END_BEFORE_START,
    TOO_LONG,
    latest_meeting,
    manageable_tables,
    meeting_query,
    meeting_times,
    next_meeting,
    previous_meeting,
    propose_next_meeting,
    schedule_meeting,
    table_choices,
    update_meeting,
)
from coalition.meetings.services.templates import (
    DEFAULT_TEMPLATES,
    MINUTES_MESSAGE,
    NO_CASE_KIND_MESSAGE,
    add_section,
    default_sections,
    ensure_template,
    move_section,
    remove_section,
    template_sections,
    update_section,
)

__all__ = [
    "CASE_TABLE_MESSAGE", "CLOSED_MESSAGE", "DEFAULT_TEMPLATES", "DUE_ITEM_RULES",
    "END_BEFORE_START",
    "MINUTES_MESSAGE", "NO_ATTENDANCE_MESSAGE", "NO_CASE_KIND_MESSAGE", "RUNNING_MESSAGE",
    "TOO_LONG", "TRANSITIONS",
    "AgendaContents", "ServiceError", "add_item", "add_section", "agenda_for",
    "available_transitions", "backlog", "backlog_items", "build_agenda", "carried_over_items",
    "close_meeting", "default_sections", "ensure_template", "latest_meeting",
    "manageable_tables", "mark_scheduled", "meeting_query", "meeting_times", "minutes_snapshot",
    "move_item", "move_section", "move_to_next_meeting", "next_meeting", "park_in_backlog",
    "previous_meeting", "propose_next_meeting", "refresh_due_items", "register_due_rule",
    "table_choices",
    "remove_item", "remove_section", "reopen_meeting", "schedule_meeting",
    "start_meeting", "template_sections", "update_item", "update_meeting", "update_section",
]
