"""Action item lists (mine, the coalition's), the dashboard counts and the CSV export.

Lists show case items (``is_case``) to everyone who may list them, but by code only unless the
viewer may read them in full: :func:`redacted_ids` says which rows of a page to show that way.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from coalition.actions.models import OPEN_STATUSES, ActionItem
from coalition.actions.permissions import in_full_clause, listed_clause
from coalition.actions.services.list_page import ListPage, list_page
from coalition.actions.sources import eager_options, source_of
from coalition.core import audit
from coalition.core.kept import kept
from coalition.core.permissions import LEADER, has_level
from coalition.core.text import csv_cell
from coalition.extensions import db
from coalition.roster import services as roster
from coalition.roster.models import CoalitionTable, Organization, Person

# Filter values of the status select: "open" means any of the open statuses.
LIST_STATUSES = ("open", "in_progress", "blocked", "done", "cancelled", "all")
MY_STATUSES = ("all", "open", "closed")

CSV_COLUMNS = ("ID", "Title", "Owner", "Organization", "Table", "Status", "Priority", "Due on",
               "Due state", "Completed on", "From", "Description")
DUE_STATE_LABELS = {"overdue": "Overdue", "due_soon": "Due soon", "later": "", "closed": ""}


def _eager(stmt):
    """Load what the export shows in a fixed number of queries, however many rows there are."""
    return stmt.options(
        selectinload(ActionItem.owner), selectinload(ActionItem.organization),
        selectinload(ActionItem.table), *eager_options())


def _open_first():
    return case((ActionItem.status.in_(OPEN_STATUSES), 0), else_=1)


def _by_due_date(stmt, statuses: str):
    """Open items first, each group by due date; when the status filter leaves only open (or
    only closed) items the grouping is constant and left out, so an index on the due date
    serves the order."""
    if statuses == "all":
        return stmt.order_by(_open_first(), ActionItem.due_on, ActionItem.id)
    return stmt.order_by(ActionItem.due_on, ActionItem.id)


def my_items_query(person_id: int, *, status: str = "all"):
    """A person's own items: open ones first, each group by due date (as the list shows them).
    The columns "My action items" prints, for :meth:`ListedItem.from_row`."""
    return _my_items_statement(status).where(ActionItem.owner_id == person_id)


def my_items_page_statement(person_id: int, *, status: str, per_page: int, offset: int):
    """One page of :func:`my_items_query` with the count of all its rows as a last column
    (``count(*) OVER ()``), kept until the data changes (``core.kept``): building it and
    working out its cache key again cost about as much as the database took to answer it."""
    return kept("actions.my_items_page", (person_id, status, per_page, offset),
                lambda: my_items_query(person_id, status=status)
                .add_columns(func.count().over()).limit(per_page).offset(offset))


@lru_cache(maxsize=8)
def _my_items_statement(status: str):
    """The constant part of :func:`my_items_query` (built once per status filter)."""
    stmt = (select(*ListedItem.COLUMNS, CoalitionTable.name)
            .join(CoalitionTable, CoalitionTable.id == ActionItem.table_id))
    if status == "open":
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES))
    elif status == "closed":
        stmt = stmt.where(ActionItem.status.not_in(OPEN_STATUSES))
    return _by_due_date(stmt, status)


class _Named:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class ListedItem:
    """An action item as the lists print it, made from plain columns (no ORM object to build
    per row): the item's own properties, its table's name as ``table.name`` (and on the
    coalition list its owner's and organization's as ``owner.name``, ``organization.name``)."""

    COLUMNS = (ActionItem.id, ActionItem.title, ActionItem.is_case, ActionItem.due_on,
               ActionItem.status, ActionItem.priority)
    __slots__ = ("id", "title", "is_case", "due_on", "status", "priority", "table", "owner",
                 "organization")
    code = ActionItem.code
    is_open = ActionItem.is_open
    status_label = ActionItem.status_label
    priority_label = ActionItem.priority_label
    due_state = ActionItem.due_state

    @classmethod
    def from_row(cls, row) -> ListedItem:
        """From a row of :data:`COLUMNS` and the table's name (further columns ignored)."""
        item = cls()
        (item.id, item.title, item.is_case, item.due_on, item.status, item.priority,
         table_name) = row[:7]
        item.table = _Named(table_name)
        return item

    @classmethod
    def from_list_row(cls, row) -> ListedItem:
        """From a row of the coalition list (:func:`item_list_page`): :data:`COLUMNS`, the
        table's, owner's and organization's names (None without one)."""
        item = cls.from_row(row)
        item.owner = _Named(row[7])
        item.organization = _Named(row[8]) if row[8] is not None else None
        return item


def _filtered(viewer, *, today: date, table_id: int | None = None,
              organization_id: int | None = None, owner_id: int | None = None,
              owner_name: str | None = None, organization_name: str | None = None,
              status: str | None = "open", overdue_only: bool = False):
    stmt = select(ActionItem).where(listed_clause(viewer))
    if table_id is not None:
        stmt = stmt.where(ActionItem.table_id == table_id)
    if organization_id is not None:
        stmt = stmt.where(ActionItem.organization_id == organization_id)
    if owner_id is not None:
        stmt = stmt.where(ActionItem.owner_id == owner_id)
    if owner_name:
        stmt = stmt.where(ActionItem.owner_id.in_(select(Person.id).where(
            func.lower(Person.name).contains(owner_name.lower(), autoescape=True))))
    if organization_name:
        stmt = stmt.where(ActionItem.organization_id.in_(select(Organization.id).where(
            Organization.name_key.contains(organization_name.casefold(), autoescape=True))))
    statuses = "open"
    if status == "open" or status in (None, ""):
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES))
    elif status == "all":
        statuses = "all"
    else:
        stmt = stmt.where(ActionItem.status == status)
        statuses = status
    if overdue_only:
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_on < today)
        statuses = "open" if statuses == "all" else statuses
    return _by_due_date(stmt, statuses)


def item_list_page(viewer, *, today: date, page: int, per_page: int, count_up_to: int,
                   **filters) -> ListPage:
    """Page ``page`` of the coalition's action items the viewer may list, filtered, open first
    by due date (the status "all" lists open items, then closed ones): the columns the list
    shows, as :class:`ListedItem`, in one query."""
    grouped = filters.get("status") == "all" and not filters.get("overdue_only")
    groups = (((ActionItem.status.in_(OPEN_STATUSES),),
               (ActionItem.status.not_in(OPEN_STATUSES),)) if grouped else ((),))
    return list_page(_filtered(viewer, today=today, **filters).order_by(None), groups=groups,
                     page=page, per_page=per_page, count_up_to=count_up_to,
                     make=ListedItem.from_list_row)


def export_query(viewer, *, today: date, **filters):
    """The same items, in the same order, with all the CSV export prints."""
    return _eager(_filtered(viewer, today=today, **filters))


def table_choices(viewer) -> list[tuple[int, str]]:
    """``[(id, name)]`` of the tables the viewer may see, by name (the table filter's
    choices): kept per viewer until the data changes."""
    return list(kept("actions.table_choices", viewer.id, lambda: tuple(
        (table.id, table.name) for table in roster.visible_tables(viewer))))


def person_named(person_id: int) -> list[tuple[int, str]]:
    """``[(id, name)]`` of one person (empty if there is none): a filter's chosen owner."""
    return [tuple(row) for row in db.session.execute(
        select(Person.id, Person.name).where(Person.id == person_id))]


def organization_named(organization_id: int) -> list[tuple[int, str]]:
    """``[(id, name)]`` of one organization (empty if there is none)."""
    return [tuple(row) for row in db.session.execute(
        select(Organization.id, Organization.name).where(Organization.id == organization_id))]


def redacted_ids(viewer, items) -> set[int]:
    """Ids among ``items`` that ``viewer`` sees by code only (one query, for case items only)."""
    case_ids = [item.id for item in items if item.is_case]
    if not case_ids:
        return set()
    shown = set(db.session.scalars(select(ActionItem.id).where(
        ActionItem.id.in_(case_ids), in_full_clause(viewer))))
    return set(case_ids) - shown


def dashboard_counts(user, *, today: date, soon_days: int) -> dict:
    """The "My action items" card: the user's overdue and due-soon counts (and, for leaders and
    coordinators, how many items are overdue coalition-wide)."""
    counts: dict = {"overdue": 0, "due_soon": 0, "coalition_overdue": None}
    is_open = ActionItem.status.in_(OPEN_STATUSES)
    if user.person_id is not None:
        overdue, due_soon = db.session.execute(select(
            func.count(case((ActionItem.due_on < today, 1))),
            func.count(case((ActionItem.due_on.between(today, today + timedelta(days=soon_days)),
                             1))),
        ).where(ActionItem.owner_id == user.person_id, is_open)).one()
        counts.update(overdue=overdue, due_soon=due_soon)
    if has_level(user, LEADER):
        counts["coalition_overdue"] = db.session.scalar(
            select(func.count(ActionItem.id)).where(is_open, ActionItem.due_on < today))
    return counts


def _source_title(viewer, item: ActionItem) -> str:
    source = source_of(item)
    return source.describe(viewer, item)["title"] if source is not None else ""


def export_csv(viewer, items, *, today: date, soon_days: int) -> str:
    """The filtered list as CSV text (header row first; every cell formula-safe; case items the
    viewer may not read in full by code only)."""
    hidden = redacted_ids(viewer, items)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        redacted = item.id in hidden
        writer.writerow([csv_cell(cell) for cell in (
            item.id, f"Case action item {item.code}" if redacted else item.title,
            item.owner.name, item.organization.name if item.organization else "",
            item.table.name, item.status_label, item.priority_label, item.due_on.isoformat(),
            DUE_STATE_LABELS[item.due_state(today, soon_days)],
            item.completed_on.isoformat() if item.completed_on else "",
            "" if redacted else _source_title(viewer, item),
            "" if redacted else item.description,
        )])
    return out.getvalue()


def log_export(viewer, count: int, filters: dict) -> None:
    """The export of the list is audited (what was asked for, never what it contained)."""
    described = ", ".join(f"{name}={value}" for name, value in filters.items()
                          if value not in (None, False, ""))
    audit.log(viewer, "export", object_type="action_items",
              summary=f"CSV of {count} action item(s); filters: {described or 'none'}")
