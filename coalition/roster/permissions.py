"""Roster permissions: the roster's routes, and who may see and manage a table.

Need-to-know by table: everyone signed in sees the coalition table; tables that review cases are
shown to their members, coordinators and leaders; case-level data is shown only to the people
seated at the table that reviews it — coordinators and leaders included.
"""

from __future__ import annotations

from sqlalchemy import select

from coalition.core.permissions import COORDINATOR, LEADER, LOGIN, has_level, is_signed_in
from coalition.roster.models import CASE_REVIEW_KINDS, CoalitionTable
from coalition.roster.seats import table_ids_of, table_role

ROUTES = {
    "roster.organization_list": (LOGIN, "organizations"),
    "roster.organization_detail": (LOGIN, "one organization"),
    "roster.organization_new": (COORDINATOR, "add an organization"),
    "roster.organization_edit": (COORDINATOR, "edit or deactivate an organization"),
    "roster.agreement_new": (COORDINATOR, "record a data-sharing agreement"),
    "roster.agreement_edit": (COORDINATOR, "correct a data-sharing agreement"),
    "roster.person_list": (LOGIN, "people"),
    "roster.person_detail": (LOGIN, "one person"),
    "roster.person_new": (COORDINATOR, "add a person"),
    "roster.person_edit": (COORDINATOR, "edit or deactivate a person"),
    "roster.affiliation_add": (COORDINATOR, "link a person to an organization"),
    "roster.affiliation_remove": (COORDINATOR, "unlink a person from an organization"),
    "roster.table_list": (LOGIN, "tables the user may see (can_view_table)"),
    "roster.table_detail": (LOGIN, "one table: can_view_table, else 404"),
    "roster.table_new": (COORDINATOR, "create a table"),
    "roster.table_edit": (COORDINATOR, "edit a table"),
    "roster.membership_add": (LOGIN, "seat a person: can_view_table (404), can_manage_table "
                                     "(403)"),
    "roster.membership_edit": (LOGIN, "change a seat's role: can_manage_table"),
    "roster.membership_remove": (LOGIN, "unseat a person: can_manage_table"),
    "roster.coverage": (LOGIN, "sector coverage of the tables the user may see"),
}


def can_view_table(user, table) -> bool:
    """Everyone sees the coalition table; case-reviewing tables are shown to their members,
    coordinators and leaders only (need-to-know)."""
    if table is None or not is_signed_in(user):
        return False
    if not table.reviews_cases or has_level(user, LEADER):
        return True
    return table_role(user, table) is not None


def can_manage_table(user, table) -> bool:
    """Coordinators manage every table; a table's managers manage its seats and meetings."""
    if table is None or not is_signed_in(user):
        return False
    return user.is_coordinator or table_role(user, table) == "manager"


def can_view_case_data(user, table) -> bool:
    """Case-level data of a table is visible only to the people who sit at that table.

    Not even coordinators or leaders see it unless they are seated: need-to-know by table.
    """
    if table is None or not is_signed_in(user) or not user.is_active:
        return False
    if not table.reviews_cases:
        return False
    return table_role(user, table) is not None


def visible_tables_clause(user):
    """A SQL condition on ``CoalitionTable`` matching :func:`can_view_table` for list queries."""
    if has_level(user, LEADER):
        return CoalitionTable.id.is_not(None)
    ids = table_ids_of(user)
    return CoalitionTable.kind.not_in(CASE_REVIEW_KINDS) | CoalitionTable.id.in_(ids or [-1])


def case_tables_clause(user, column):
    """A SQL condition on a ``table_id`` column: the case-reviewing tables the user sits at
    (where case material is theirs to see)."""
    seated = select(CoalitionTable.id).where(CoalitionTable.id.in_(table_ids_of(user) or [-1]),
                                             CoalitionTable.kind.in_(CASE_REVIEW_KINDS))
    return column.in_(seated)
