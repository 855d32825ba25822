"""Cases in the meeting workflow and as a source of action items.

- The "fatality case" agenda subject (``agenda_items.fatality_case_id``): a case selected for a
  meeting is put, by its rule, at the end of the agenda's "Case presentation" section as a case
  item named by its code, which links to the case and its timeline for attested attendees.
- When that item is marked discussed, the case moves on to "reviewed".
- The "case" action-item source (``action_items.source_case_id``): an action item decided about
  a case, between meetings, is case material.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache

from flask import url_for
from sqlalchemy import bindparam, select, true
from sqlalchemy.orm import joinedload

from coalition.actions.models import ActionItem, ActionNaming
from coalition.actions.sources import (
    ActionSource,
    SourceRef,
    declare_source_column,
    register_source,
)
from coalition.core import audit
from coalition.core.db import json_rows
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.services.agenda import AgendaContents, register_due_rule
from coalition.meetings.services.running import register_minutes_hook
from coalition.meetings.subjects import AgendaSubject, declare_subject_column, register_subject
from coalition.ofr.models import AWAITING_REVIEW, FatalityCase
from coalition.roster.models import Person

PRESENTATION_SECTION = "Case presentation"
CASE_MINUTES = 30

declare_subject_column("fatality_case_id", "fatality_cases.id")
declare_source_column("source_case_id", "fatality_cases.id", ondelete="CASCADE")

CASE_SUBJECT = AgendaSubject(key="fatality_case", column="fatality_case_id",
                             label="Fatality case", partial="ofr/_agenda_subject.html")


def selected_cases(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Cases selected for this meeting that its agenda does not list yet: one case item each."""
    cases = db.session.scalars(
        select(FatalityCase).where(FatalityCase.selected_meeting_id == meeting.id)
        .order_by(FatalityCase.date_of_death, FatalityCase.id))
    return [AgendaItem(table_id=meeting.table_id, fatality_case_id=case.id, item_type="case",
                       title=f"{case.code} — case review", planned_minutes=CASE_MINUTES)
            for case in cases if not contents.has("fatality_case", case.id)]


def reviewed_from_minutes(actor, item: AgendaItem) -> None:
    """Minutes hook: the case item marked discussed moves its case on to "reviewed"."""
    case_id = getattr(item, "fatality_case_id", None)
    if case_id is None or not item.is_discussed:
        return
    case = db.session.get(FatalityCase, case_id)
    if case is None or case.status not in AWAITING_REVIEW:
        return
    case.status = "reviewed"
    db.session.flush()
    audit.log(actor, "status", case, case_table=case.table,
              summary=f"case {case.code}: reviewed at the meeting (its item marked discussed)")


# --- the "case" action-item source ---------------------------------------------------------

def from_case(case: FatalityCase) -> SourceRef:
    return SourceRef(key="case", columns={"source_case_id": case.id}, is_case=True,
                     note=f"from case {case.code}")


def add_case_action(actor, case: FatalityCase, *, title, owner_id, due_on) -> ActionItem:
    """An action item decided about a case between meetings: case material of its table."""
    from coalition.actions.services import create_action_item

    return create_action_item(actor, table=case.table, source=from_case(case), title=title,
                              owner_id=owner_id, due_on=due_on)


def _describe(viewer, action: ActionItem) -> dict:
    case = db.session.get(FatalityCase, action.source_case_id)
    return {"label": "Fatality case", "title": case.code,
            "url": url_for("ofr.case_detail", case_id=case.id)}


@cache
def _case_actions_statement():
    """The statement of :func:`case_actions` (``case_id`` its parameter), built once."""
    return (select(ActionItem).where(ActionItem.source_case_id == bindparam("case_id"))
            .options(joinedload(ActionItem.owner))
            .order_by(ActionItem.due_on, ActionItem.id))


def case_actions(case: FatalityCase) -> list[ActionItem]:
    """The action items decided about the case, by due date, as items. The case's page reads
    them as rows with the case (:func:`actions_column`); this is their plain definition, which
    the tests compare those rows with."""
    return list(db.session.scalars(_case_actions_statement(), {"case_id": case.id}))


@dataclass(frozen=True)
class ActionRow(ActionNaming):
    """An action item of :func:`case_actions` as the case's page lists it."""

    id: int
    title: str
    owner_name: str
    due_on: date
    status: str


def actions_column():
    """SQL: the case's action items as :func:`action_rows` reads them, with the case."""
    return (select(json_rows(id=ActionItem.id, title=ActionItem.title, owner_name=Person.name,
                             due_on=ActionItem.due_on, status=ActionItem.status))
            .select_from(ActionItem).join(Person, Person.id == ActionItem.owner_id)
            .where(ActionItem.source_case_id == FatalityCase.id)
            .correlate(FatalityCase).scalar_subquery())


def action_rows(text: str) -> list[ActionRow]:
    """The rows of :func:`actions_column`'s text, by due date (as :func:`case_actions`)."""
    rows = [ActionRow(id=row["id"], title=row["title"], owner_name=row["owner_name"],
                      due_on=date.fromisoformat(row["due_on"]), status=row["status"])
            for row in json.loads(text)]
    rows.sort(key=lambda row: (row.due_on, row.id))
    return rows


CASE_SOURCE = ActionSource(
    key="case", column="source_case_id", label="Fatality case", describe=_describe,
    # whoever is seated at the table may see its cases (the generic check): nothing more
    full_view=lambda viewer, action: True, full_view_clause=lambda viewer: true())


def register() -> None:
    register_subject(CASE_SUBJECT)
    register_due_rule(selected_cases, section=PRESENTATION_SECTION, order=45)
    register_minutes_hook(reviewed_from_minutes)
    register_source(CASE_SOURCE)
