"""Action item permissions: the routes, and who may see, update and manage an item.

An ordinary item is visible to whoever may see its table, and to its owner. An item born of case
material (``is_case``) inherits the case's need-to-know: in full only to people seated at its
table who may see its source (``actions.sources``), and to its owner while they sit there;
others who may see the table find it listed by its code only, and its page is a 404 to them.
"""

from __future__ import annotations

from sqlalchemy import or_, select, true

from coalition.actions.models import ActionItem
from coalition.actions.sources import full_view_clause, source_of
from coalition.core.permissions import LEADER, LOGIN, has_level, is_signed_in, person_id_of
from coalition.roster.models import CoalitionTable
from coalition.roster.permissions import (
    can_manage_table,
    can_view_case_data,
    can_view_table,
    case_tables_clause,
    visible_tables_clause,
)
from coalition.roster.seats import table_role

ROUTES = {
    "actions.my_items": (LOGIN, "the signed-in person's own action items"),
    "actions.item_list": (LOGIN, "action items of the tables the user may see; case items by "
                                 "code only unless can_view_action_item"),
    "actions.item_export": (LOGIN, "CSV of the filtered list (POST; same visibility; "
                                   "audited)"),
    "actions.item_detail": (LOGIN, "one item: can_view_action_item, else 404"),
    "actions.item_update": (LOGIN, "status and note: can_view_action_item (404), "
                                   "can_update_action_item (403)"),
    "actions.item_edit": (LOGIN, "edit or reassign: can_view_action_item (404), "
                                 "can_manage_action_item (403)"),
    "actions.item_new": (LOGIN, "a new item between meetings for a table the user sits at "
                                "(can_create_at_table; other tables are not offered, and "
                                "refused)"),
    "actions.my_assigned": (LOGIN, "items the signed-in person assigned, with their status; "
                                   "case items by code only unless can_view_action_item"),
    "actions.item_hand_over": (LOGIN, "hand an item over with a note: can_view_action_item "
                                      "(404), can_hand_over_action_item (403)"),
}


def _lists_item(user, item: ActionItem) -> bool:
    """The item may appear to ``user`` at all (by code only when it is case material)."""
    return person_id_of(user) == item.owner_id or can_view_table(user, item.table)


def sees_in_full(user, item: ActionItem) -> bool:
    """Whether ``user`` may read the item's title, details and log (not only its code)."""
    if not item.is_case:
        return True
    if not can_view_case_data(user, item.table):
        return False
    if person_id_of(user) == item.owner_id:
        return True
    source = source_of(item)
    return source is not None and source.full_view(user, item)


def can_view_action_item(user, item) -> bool:
    """The item's page: 404 unless the user may read it in full."""
    if item is None or not is_signed_in(user):
        return False
    return _lists_item(user, item) and sees_in_full(user, item)


def can_update_action_item(user, item) -> bool:
    """The owner reports progress; the table's managers and coordinators manage every item they
    may read."""
    if not can_view_action_item(user, item):
        return False
    return person_id_of(user) == item.owner_id or can_manage_table(user, item.table)


def can_manage_action_item(user, item) -> bool:
    """Edit and reassign: the table's managers and coordinators, for items they may read."""
    return can_view_action_item(user, item) and can_manage_table(user, item.table)


def can_create_at_table(user, table) -> bool:
    """A new item between meetings: people seated at the table, and its managers and the
    coordinators."""
    if table is None or not is_signed_in(user):
        return False
    return table_role(user, table) is not None or can_manage_table(user, table)


def can_hand_over_action_item(user, item) -> bool:
    """The owner hands an open item they may read over to another seated person."""
    return (can_view_action_item(user, item) and item.is_open
            and person_id_of(user) == item.owner_id)


def listed_clause(viewer):
    """SQL: the items ``viewer`` may find in lists (those of tables they see, and their own).
    Leaders and coordinators see every table, so every item: no condition to test per row."""
    if has_level(viewer, LEADER):
        return true()
    clause = ActionItem.table_id.in_(select(CoalitionTable.id)
                                     .where(visible_tables_clause(viewer)))
    person_id = person_id_of(viewer)
    if person_id is not None:
        clause = or_(clause, ActionItem.owner_id == person_id)
    return clause


def in_full_clause(viewer):
    """SQL matching :func:`sees_in_full`: ordinary items, and the case items of the viewer's
    tables that they own or whose source lets them see."""
    person_id = person_id_of(viewer)
    mine = ActionItem.owner_id == person_id if person_id is not None else None
    allowed = full_view_clause(viewer) if mine is None else or_(mine, full_view_clause(viewer))
    return or_(ActionItem.is_case.is_(False),
               case_tables_clause(viewer, ActionItem.table_id) & allowed)
