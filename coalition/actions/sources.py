"""Where an action item comes from: the registry of action-item sources.

An action item is decided somewhere — on a meeting's agenda item, in a recommendation's work
plan, during a case review. The domain that owns the source declares its foreign key on
``action_items`` from its own module (:func:`declare_source_column`, while the models load) and
registers the source from its ``init_app`` (:func:`register_source`). Every action item has
exactly one source: the CHECK follows the declared columns.

An action item inherits the confidentiality of its source. When the source is case material (a
case agenda item, a fatality case) the item is created with ``is_case`` set: it is shown in full
only to people seated at its table who may see that source (and to its owner, seated there);
everywhere else it is named by its code only. The source decides who may see it, for one item
(``full_view``) and in SQL for lists (``full_view_clause``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Column, ForeignKey, Integer, false, or_

from coalition.actions.models import ActionItem
from coalition.core.parents import ParentColumns

SOURCE_COLUMNS = ParentColumns(ActionItem, "exactly_one_source", exactly_one=True)


@dataclass(frozen=True)
class ActionSource:
    key: str  # "meeting", "recommendation", "case"
    column: str  # its foreign key on action_items
    label: str  # "Meeting"
    # ``describe(viewer, item)`` → {"label", "title", "url"} for the item's page: the source as
    # this viewer may see it (a case source's title only to those who may see the case).
    describe: Callable
    # ``full_view(viewer, item)``: may the viewer see this case item in full (owner aside)?
    full_view: Callable
    # ``full_view_clause(viewer)``: the same as a SQL condition on ``ActionItem``.
    full_view_clause: Callable
    eager: tuple = field(default=())  # loader options the lists need for ``describe``
    # many-to-one loader options joined into one item's query (its page calls ``describe``)
    joined: tuple = field(default=())


SOURCES: dict[str, ActionSource] = {}


@dataclass
class SourceRef:
    """What a new action item comes from, as the source's domain describes it."""

    key: str  # a registered source
    columns: dict  # the foreign keys to set: the source's own, and any detail it keeps
    is_case: bool  # the source is case material
    note: str  # for the audit row and the log: "from meeting 12"


def declare_source_column(name: str, target: str, *, ondelete: str = "CASCADE") -> None:
    """Add the source foreign key ``action_items.<name>`` → ``target`` (from the owner)."""
    SOURCE_COLUMNS.add(name, target, ondelete=ondelete)


def declare_detail_column(name: str, target: str, *, ondelete: str = "SET NULL") -> None:
    """A further foreign key a source keeps about where in it the item was decided (the agenda
    item of a meeting); not a source of its own."""
    if name not in ActionItem.__table__.c:
        setattr(ActionItem, name, Column(name, Integer, ForeignKey(target, ondelete=ondelete),
                                         nullable=True, index=True))


def register_source(source: ActionSource) -> ActionSource:
    if source.column not in SOURCE_COLUMNS.names:
        raise ValueError(f"declare action_items.{source.column} before registering the "
                         f"{source.key!r} source")
    SOURCES[source.key] = source
    return source


def source_of(item: ActionItem) -> ActionSource | None:
    for source in SOURCES.values():
        if getattr(item, source.column, None) is not None:
            return source
    return None


def full_view_clause(viewer):
    """SQL: the case items their own source lets ``viewer`` see in full (the owner rule aside);
    each source's condition applies only to the items that come from it."""
    clauses = [getattr(ActionItem, source.column).is_not(None) & source.full_view_clause(viewer)
               for source in SOURCES.values()]
    return or_(*clauses) if clauses else false()


def eager_options() -> list:
    return [option for source in SOURCES.values() for option in source.eager]


def joined_options() -> list:
    return [option for source in SOURCES.values() for option in source.joined]
