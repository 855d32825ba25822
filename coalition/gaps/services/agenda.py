"""Recommendations and gaps in the rest of the product, through its seams:

- the "recommendation" agenda subject (``agenda_items.recommendation_id``) and its rule: a
  stalled recommendation is put on the next meeting of its table, under "Recommendations" when
  the agenda has that section, for a status update;
- the "recommendation" action-item source (``action_items.source_recommendation_id``): the work
  plan; coalition business, not case material;
- the panel beside each missed opportunity of a timeline: its gap, or suggested gaps.
"""

from __future__ import annotations

from functools import lru_cache

from flask import url_for
from sqlalchemy import bindparam, select, true
from sqlalchemy.orm import joinedload

from coalition.actions.models import ActionItem
from coalition.actions.sources import (
    ActionSource,
    SourceRef,
    declare_source_column,
    register_source,
)
from coalition.core.models import VocabTerm
from coalition.extensions import db
from coalition.gaps.models import FINISHED_STATUSES, Recommendation, RecommendationCase
from coalition.gaps.services.recommendations import stalled_before
from coalition.gaps.services.register import linked_gaps_of, suggestions
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.services.agenda import AgendaContents, register_due_rule
from coalition.meetings.subjects import AgendaSubject, declare_subject_column, register_subject
from coalition.ofr.models import FatalityCase, Touchpoint
from coalition.ofr.panels import MissedPanel, register_missed_panel
from coalition.ofr.permissions import can_build_timeline

UPDATE_SECTION = "Recommendations"
UPDATE_MINUTES = 5

declare_subject_column("recommendation_id", "recommendations.id")
declare_source_column("source_recommendation_id", "recommendations.id", ondelete="CASCADE")

RECOMMENDATION_SUBJECT = AgendaSubject(key="recommendation", column="recommendation_id",
                                       label="Recommendation",
                                       partial="gaps/_agenda_subject.html")


def stalled_recommendations(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Stalled recommendations of the meeting's table not on its agenda yet: a status update
    each (the meeting's own date decides what is stalled)."""
    from coalition.core.localtime import to_local

    day = to_local(meeting.starts_at).date()
    rows = db.session.scalars(
        select(Recommendation).join(VocabTerm, VocabTerm.id == Recommendation.status_id)
        .where(Recommendation.table_id == meeting.table_id,
               VocabTerm.code.not_in(FINISHED_STATUSES),
               Recommendation.last_update_on < stalled_before(day))
        .order_by(Recommendation.last_update_on, Recommendation.id))
    return [AgendaItem(table_id=meeting.table_id, recommendation_id=rec.id,
                       item_type="internal", planned_minutes=UPDATE_MINUTES,
                       title=f"Status update: recommendation {rec.code} (stalled since "
                             f"{rec.last_update_on.isoformat()})")
            for rec in rows if not contents.has("recommendation", rec.id)]


# --- the work plan ----------------------------------------------------------------------------

def from_recommendation(recommendation: Recommendation) -> SourceRef:
    return SourceRef(key="recommendation",
                     columns={"source_recommendation_id": recommendation.id}, is_case=False,
                     note=f"from recommendation {recommendation.code}")


def add_work_item(actor, recommendation: Recommendation, *, title, owner_id, due_on,
                  description="") -> ActionItem:
    """An action item of the recommendation's work plan, at its table."""
    from coalition.actions.services import create_action_item

    return create_action_item(actor, table=recommendation.table,
                              source=from_recommendation(recommendation), title=title,
                              description=description, owner_id=owner_id, due_on=due_on)


def work_items(recommendation: Recommendation) -> list[ActionItem]:
    return list(db.session.scalars(_work_items_statement(),
                                   {"recommendation_id": recommendation.id}))


@lru_cache(maxsize=1)
def _work_items_statement():
    """The statement of :func:`work_items`, built once (the id is a bound parameter)."""
    return (select(ActionItem)
            .where(ActionItem.source_recommendation_id == bindparam("recommendation_id"))
            .options(joinedload(ActionItem.owner), joinedload(ActionItem.organization))
            .order_by(ActionItem.due_on, ActionItem.id))


def cases_of(recommendation: Recommendation) -> list[FatalityCase]:
    return list(db.session.scalars(_cases_statement(), {"recommendation_id": recommendation.id}))


@lru_cache(maxsize=1)
def _cases_statement():
    return (select(FatalityCase)
            .join(RecommendationCase, RecommendationCase.case_id == FatalityCase.id)
            .where(RecommendationCase.recommendation_id == bindparam("recommendation_id"))
            .options(joinedload(FatalityCase.table)).order_by(FatalityCase.code))


def _describe(viewer, action: ActionItem) -> dict:
    recommendation = db.session.get(Recommendation, action.source_recommendation_id)
    return {"label": "Recommendation", "title": recommendation.code,
            "url": url_for("gaps.recommendation_detail", recommendation_id=recommendation.id)}


RECOMMENDATION_SOURCE = ActionSource(
    key="recommendation", column="source_recommendation_id", label="Recommendation",
    describe=_describe, full_view=lambda viewer, action: True,
    full_view_clause=lambda viewer: true())


# --- beside each missed opportunity -----------------------------------------------------------

def _panel(viewer, case, rows) -> dict:
    missed_ids = [row.id for row in rows if row.missed]
    linked = linked_gaps_of(missed_ids)  # the gap's id, code and title: what the panel shows
    unlinked = [i for i in missed_ids if i not in linked]
    points = list(db.session.scalars(select(Touchpoint).where(Touchpoint.id.in_(unlinked)))) \
        if unlinked else []
    return {"linked": linked, "suggested": suggestions(points),
            "may_link": can_build_timeline(viewer, case)}


GAP_PANEL = MissedPanel(key="gap", partial="gaps/_missed_panel.html", context=_panel)


def register() -> None:
    register_subject(RECOMMENDATION_SUBJECT)
    register_due_rule(stalled_recommendations, section=UPDATE_SECTION, order=60)
    register_source(RECOMMENDATION_SOURCE)
    register_missed_panel(GAP_PANEL)
