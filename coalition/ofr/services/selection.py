"""Choosing the cases to review: the table's selection checklist (its own criteria, kept as
rows), each case's answers to it, the table's settings, and selecting a case for a meeting —
usually about two months ahead — where it then appears as a case item."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import String, cast, func, select

from coalition.core import audit
from coalition.core.errors import ServiceError
from coalition.core.kept import kept
from coalition.core.localtime import to_local
from coalition.core.text import clean
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.services.agenda import refresh_due_items
from coalition.ofr.models import (
    CRITERION_RESULTS,
    CaseCriterion,
    FatalityCase,
    OfrSettings,
    SelectionCriterion,
)

SELECTABLE = ("identified", "awaiting_info", "eligible", "selected", "records_requested",
              "summary_drafted")
BEFORE_SELECTION = ("identified", "awaiting_info", "eligible")
DEFAULT_CRITERIA = (
    "Died in the county, or a county resident",
    "Manner of death accident or undetermined, overdose the cause",
    "Toxicology and death investigation complete",
    "No open criminal prosecution",
    "Records likely available from at least two agencies",
)


def criteria_of(table, *, active_only: bool = True) -> list[SelectionCriterion]:
    stmt = select(SelectionCriterion).where(SelectionCriterion.table_id == table.id)
    if active_only:
        stmt = stmt.where(SelectionCriterion.is_active.is_(True))
    return list(db.session.scalars(stmt.order_by(SelectionCriterion.position,
                                                 SelectionCriterion.id)))


class Criterion(NamedTuple):
    """A criterion of a checklist as shown, and as a select's ``(value, label)`` choice."""
    id: int
    label: str


def kept_criteria(table) -> tuple[Criterion, ...]:
    """The table's active criteria (:func:`criteria_of`), kept until the data changes
    (``core.kept``): the table's checklist, the same for everyone seated there; never a case's
    answers to it."""
    return kept("ofr.criteria", table.id,
                lambda: tuple(Criterion(c.id, c.label) for c in criteria_of(table)))


ANSWER_SEPARATOR = ","


def answers_column():
    """SQL: a case's answers to the checklist as ``"<criterion id>:<result>,..."`` (empty when
    none), to be read with the case (see :func:`parse_answers`)."""
    return (select(func.coalesce(func.aggregate_strings(
        cast(CaseCriterion.criterion_id, String) + ":" + CaseCriterion.result,
        ANSWER_SEPARATOR), ""))
        .where(CaseCriterion.case_id == FatalityCase.id)
        .correlate(FatalityCase).scalar_subquery())


def parse_answers(criteria, text: str) -> dict[int, str]:
    """``{criterion id: result}`` of :func:`answers_column`'s text, for ``criteria`` (the
    active ones) only, as :func:`criteria_with_answers` gives them."""
    active = {criterion.id for criterion in criteria}
    answers = {}
    for answer in filter(None, text.split(ANSWER_SEPARATOR)):
        criterion_id, result = answer.split(":", 1)
        if int(criterion_id) in active:
            answers[int(criterion_id)] = result
    return answers


def criteria_with_answers(case) -> tuple[list[SelectionCriterion], dict[int, str]]:
    """The active criteria of the case's table (as :func:`criteria_of`) and the case's answers
    to them, ``{criterion id: result}`` (one query)."""
    rows = db.session.execute(
        select(SelectionCriterion, CaseCriterion.result)
        .outerjoin(CaseCriterion, (CaseCriterion.criterion_id == SelectionCriterion.id)
                   & (CaseCriterion.case_id == case.id))
        .where(SelectionCriterion.table_id == case.table_id,
               SelectionCriterion.is_active.is_(True))
        .order_by(SelectionCriterion.position, SelectionCriterion.id)).all()
    return ([criterion for criterion, _ in rows],
            {criterion.id: result for criterion, result in rows if result is not None})


def ensure_criteria(table) -> list[SelectionCriterion]:
    """The table's checklist, started from a common one the first time it is needed."""
    criteria = criteria_of(table, active_only=False)
    if not criteria:
        criteria = [SelectionCriterion(table_id=table.id, position=n, label=label)
                    for n, label in enumerate(DEFAULT_CRITERIA)]
        db.session.add_all(criteria)
        db.session.flush()
    return [criterion for criterion in criteria if criterion.is_active]


def add_criterion(actor, table, *, label) -> SelectionCriterion:
    existing = ensure_criteria(table)
    criterion = SelectionCriterion(
        table_id=table.id, position=max((c.position for c in existing), default=-1) + 1,
        label=clean(label, field="label", max_length=200, required="Enter the criterion."))
    db.session.add(criterion)
    db.session.flush()
    audit.log(actor, "create", criterion, summary=f"selection criterion added to "
                                                  f"{table.name!r}: {criterion.label!r}")
    return criterion


def retire_criterion(actor, criterion: SelectionCriterion) -> None:
    """A criterion leaves the checklist; what cases recorded against it is kept."""
    criterion.is_active = False
    db.session.flush()
    audit.log(actor, "retire", criterion, summary=f"selection criterion {criterion.label!r} "
                                                  "retired")


def update_settings(actor, table, *, records_due_days, completeness_threshold) -> OfrSettings:
    if not isinstance(records_due_days, int) or not 1 <= records_due_days <= 365:
        raise ServiceError("Enter a number of days from 1 to 365.", field="records_due_days")
    if not isinstance(completeness_threshold, int) or not 0 <= completeness_threshold <= 100:
        raise ServiceError("Enter a percentage from 0 to 100.", field="completeness_threshold")
    settings = db.session.get(OfrSettings, table.id)
    if settings is None:
        settings = OfrSettings(table_id=table.id)
        db.session.add(settings)
    settings.records_due_days = records_due_days
    settings.completeness_threshold = completeness_threshold
    db.session.flush()
    audit.log(actor, "update", table, object_type="ofr_settings",
              summary=f"records due in {records_due_days} days; completeness threshold "
                      f"{completeness_threshold}%")
    return settings


def record_criteria(actor, case: FatalityCase, results: dict[int, str]) -> int:
    """Record the case's answers to its table's checklist; returns how many changed."""
    active = {criterion.id: criterion for criterion in ensure_criteria(case.table)}
    current = {row.criterion_id: row for row in case.criteria}
    changed = 0
    for criterion_id, result in results.items():
        if criterion_id not in active:
            raise ServiceError("Answer the criteria of this table's checklist.",
                               field="criteria")
        if result not in CRITERION_RESULTS:
            raise ServiceError("Answer met, not met or unknown.", field="criteria")
        row = current.get(criterion_id)
        if row is None:
            case.criteria.append(CaseCriterion(criterion_id=criterion_id, result=result))
        elif row.result != result:
            row.result = result
        else:
            continue
        changed += 1
    if changed:
        db.session.flush()
        audit.log(actor, "criteria", case, case_table=case.table,
                  summary=f"case {case.code}: {changed} selection criteria answered")
    return changed


def _selectable(table, *columns):
    return (select(*columns).where(Meeting.table_id == table.id,
                                   Meeting.status.in_(("draft", "scheduled")))
            .order_by(Meeting.starts_at, Meeting.id).limit(24))


def selectable_meetings(table) -> list[Meeting]:
    """The table's meetings a case can still be put on, soonest first."""
    return list(db.session.scalars(_selectable(table, Meeting)))


def meeting_choices(table) -> list[tuple[int, str]]:
    """``(id, "Title (Mar 4, 2026)")`` of :func:`selectable_meetings`, for the select (the
    columns shown, not the meetings)."""
    return [(meeting_id, f"{title} ({to_local(starts_at):%b %-d, %Y})") for meeting_id, title,
            starts_at in db.session.execute(_selectable(table, Meeting.id, Meeting.title,
                                                        Meeting.starts_at))]


def kept_meeting_choices(table) -> tuple[tuple[int, str], ...]:
    """:func:`meeting_choices`, kept until the data changes (``core.kept``): the table's own
    upcoming meetings (titles and dates, as its meetings page shows them to whoever is seated
    there), not anything of a case."""
    return kept("ofr.meeting_choices", table.id, lambda: tuple(meeting_choices(table)))


def take_off_agenda(case: FatalityCase, meeting_id: int) -> None:
    """The case's item leaves the agenda of a meeting that has not started."""
    items = db.session.scalars(
        select(AgendaItem).join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.fatality_case_id == case.id,
               Meeting.status.in_(("draft", "scheduled"))))
    for item in items:
        db.session.delete(item)


def select_for_meeting(actor, case: FatalityCase, meeting: Meeting | None) -> None:
    """Put the case on a meeting (its case item joins that meeting's agenda if the agenda is
    built), or take it off (its item leaves the agenda of a meeting that has not started)."""
    if case.status not in SELECTABLE:
        raise ServiceError(f"A case that is “{case.status_label.lower()}” is no longer "
                           "selected for a meeting.", field="meeting_id")
    if meeting is not None and (meeting.table_id != case.table_id
                                or meeting.status not in ("draft", "scheduled")):
        raise ServiceError("Choose a coming meeting of this table.", field="meeting_id")
    before = case.selected_meeting_id
    if before is not None and before != getattr(meeting, "id", None):
        take_off_agenda(case, before)
    if meeting is None:
        case.selected_meeting_id = None
        if case.status == "selected":
            case.status = "eligible"
        summary = f"case {case.code} taken off its meeting"
    else:
        case.selected_meeting_id = meeting.id
        if case.status in BEFORE_SELECTION:
            case.status = "selected"
        summary = (f"case {case.code} selected for the meeting of "
                   f"{to_local(meeting.starts_at):%Y-%m-%d}")
    db.session.flush()
    audit.log(actor, "select", case, case_table=case.table, summary=summary)
    if meeting is not None and meeting.items:
        refresh_due_items(actor, meeting)
