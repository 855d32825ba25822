"""Action item verbs and the queries views, the dashboard and the CSV export share.

``items`` holds the verbs (create from a source, update status and note, edit and reassign);
``listing`` the list queries, the dashboard counts and the CSV export. Every verb takes the
acting user, raises :class:`ServiceError` (with the form field it belongs to), writes an
update-log row and an audit row, and flushes; the caller commits. Callers import from this
package: ``from coalition.actions import services as actions``.
"""

from coalition.actions.services.assigning import (
    assigned_by_query,
    create_between_meetings,
    hand_over,
    tables_for_new_items,
)
from coalition.actions.services.items import (
    DESCRIPTION_MAX,
    FUTURE_LIMIT_DAYS,
    NOTE_MAX,
    PAST_LIMIT_DAYS,
    TITLE_MAX,
    create_action_item,
    described,
    edit_action_item,
    hand_over_choices,
    item_with_log,
    seated_choices,
    update_action_item,
)
from coalition.actions.services.listing import (
    CSV_COLUMNS,
    LIST_STATUSES,
    MY_STATUSES,
    ListedItem,
    dashboard_counts,
    export_csv,
    export_query,
    item_list_page,
    log_export,
    my_items_page_statement,
    my_items_query,
    organization_named,
    person_named,
    redacted_ids,
    table_choices,
)
from coalition.core.errors import ServiceError

__all__ = [
    "CSV_COLUMNS",
    "DESCRIPTION_MAX",
    "FUTURE_LIMIT_DAYS",
    "LIST_STATUSES",
    "ListedItem",
    "MY_STATUSES",
    "NOTE_MAX",
    "PAST_LIMIT_DAYS",
    "TITLE_MAX",
    "ServiceError",
    "assigned_by_query",
    "create_between_meetings",
    "hand_over",
    "hand_over_choices",
    "tables_for_new_items",
    "create_action_item",
    "dashboard_counts",
    "described",
    "edit_action_item",
    "export_csv",
    "export_query",
    "item_list_page",
    "item_with_log",
    "log_export",
    "my_items_page_statement",
    "my_items_query",
    "organization_named",
    "person_named",
    "redacted_ids",
    "seated_choices",
    "table_choices",
    "update_action_item",
]
