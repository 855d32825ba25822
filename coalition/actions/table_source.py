"""A table as the source of an action item made between meetings.

Declares ``action_items.source_table_id`` and registers the "table" source: a member creates an
item for a table they sit at from the table's page or from "My items". Such an item is never
case material — nothing of a case is discussed outside a meeting's attested case items — so
it is shown to whoever may see its table, like any ordinary item.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import false
from sqlalchemy.orm import relationship, selectinload

from coalition.actions.models import ActionItem
from coalition.actions.sources import (
    ActionSource,
    SourceRef,
    declare_source_column,
    register_source,
)
from coalition.roster.models import CoalitionTable

declare_source_column("source_table_id", "coalition_tables.id", ondelete="CASCADE")
if not hasattr(ActionItem, "source_table"):
    ActionItem.source_table = relationship(
        CoalitionTable, foreign_keys=[ActionItem.__table__.c.source_table_id])


def from_table(table: CoalitionTable) -> SourceRef:
    """The source of an item made for ``table`` between meetings (never case material)."""
    return SourceRef(key="table", columns={"source_table_id": table.id}, is_case=False,
                     note=f"between meetings at table {table.id}")


def _describe(viewer, action: ActionItem) -> dict:
    table = action.source_table
    return {"label": "Between meetings", "title": table.name,
            "url": url_for("roster.table_detail", table_id=table.id)}


TABLE_SOURCE = ActionSource(
    key="table", column="source_table_id", label="Between meetings", describe=_describe,
    full_view=lambda viewer, action: False, full_view_clause=lambda viewer: false(),
    eager=(selectinload(ActionItem.source_table),))


def register() -> None:
    register_source(TABLE_SOURCE)
