"""Recommendations: drafting and its rules, the dated status log, the committee's decision, the
work plan's action items and progress, and stalled recommendations flagged and put on the next
meeting's agenda (a frozen clock, 91 days later)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today, local_zone
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.models import Recommendation
from coalition.meetings import services as meetings
from coalition.meetings.models import AgendaItem
from tests.conftest import count
from tests.gaps.conftest import term


def _status(code: str) -> int:
    return term("recommendation_status", code)


def test_a_draft_is_proposed_and_moves_its_gaps_on(review, make_gap, make_recommendation):
    gap = make_gap()
    recommendation = make_recommendation(gap_ids=[gap.id], case_ids=[review.case.id])
    assert recommendation.code == f"REC-{local_today().year}-0001"
    assert recommendation.status.code == "proposed"
    assert gap.status == "recommendation_made"
    assert [c.id for c in gaps.cases_of(recommendation)] == [review.case.id]


@pytest.mark.parametrize(("fields", "field"), [
    ({"text": " "}, "text"), ({"scope": "galactic"}, "scope"),
    ({"strategy": "prayer"}, "strategy"), ({"target": "50% within a year"}, "success_measure"),
    ({"lead_organization_id": "999999"}, "lead_organization_id"),
    ({"partner_ids": ["LEAD"]}, "partner_ids"), ({"case_ids": ["999999"]}, "case_ids")])
def test_bad_drafts_are_refused_at_their_field(review, make_recommendation, fields, field):
    if fields.get("partner_ids") == ["LEAD"]:
        fields = {"partner_ids": [review.jail.id]}  # the lead agency is not also a partner
    with pytest.raises(ServiceError) as refused:
        make_recommendation(**fields)
    assert refused.value.field == field
    db.session.rollback()
    assert count(Recommendation) == 0


def test_a_recommendation_without_a_lead_agency_cannot_be_endorsed(review, make_recommendation):
    recommendation = make_recommendation(lead_organization_id=None)
    with pytest.raises(ServiceError) as refused:
        gaps.decide(review.leader, recommendation, decision="endorsed")
    assert refused.value.field == "decision"
    assert recommendation.decision is None


def test_the_committee_endorses_returns_or_declines(review, make_gap, make_recommendation):
    gap = make_gap()
    recommendation = make_recommendation(gap_ids=[gap.id])
    with pytest.raises(ServiceError) as refused:
        gaps.decide(review.leader, recommendation, decision="returned", note="")
    assert refused.value.field == "decision_note"
    gaps.decide(review.leader, recommendation, decision="endorsed", note="Fund it.")
    db.session.commit()
    assert (recommendation.decision, recommendation.status.code) == ("endorsed", "endorsed")
    assert gap.status == "being_addressed"
    assert "Governing committee: endorsed" in recommendation.updates[0].note


def test_implemented_needs_a_note_and_future_updates_are_refused(review, make_recommendation,
                                                                 today):
    recommendation = make_recommendation()
    with pytest.raises(ServiceError) as refused:
        gaps.post_update(review.manager, recommendation, status_id=_status("implemented"))
    assert refused.value.field == "note"
    with pytest.raises(ServiceError) as refused:
        gaps.post_update(review.manager, recommendation, status_id=_status("in_progress"),
                         updated_on=today + timedelta(days=1))
    assert refused.value.field == "updated_on"
    with pytest.raises(ServiceError) as refused:  # only the committee endorses
        gaps.post_update(review.manager, recommendation, status_id=_status("endorsed"))
    assert refused.value.field == "status_id"
    assert recommendation.updates == []


def test_an_update_is_logged_with_its_date_and_blockers(review, make_gap, make_recommendation):
    gap = make_gap()
    recommendation = make_recommendation(gap_ids=[gap.id])
    gaps.post_update(review.manager, recommendation, status_id=_status("implemented"),
                     note="Kits handed out at every release since May.",
                     blockers="Funding ends in June.")
    db.session.commit()
    (row,) = recommendation.updates
    assert (row.status.code, row.updated_on) == ("implemented", local_today())
    assert recommendation.blockers == "Funding ends in June."
    assert gap.status == "addressed"


def test_the_work_plan_rolls_up_from_its_action_items(review, make_recommendation, today):
    from coalition.actions import services as actions

    recommendation = make_recommendation()
    first = gaps.add_work_item(review.manager, recommendation, title="Write the release policy",
                               owner_id=review.member.person_id, due_on=today + timedelta(days=9))
    gaps.add_work_item(review.manager, recommendation, title="Order naloxone kits",
                       owner_id=review.coalition_member.person_id,
                       due_on=today + timedelta(days=20))
    actions.update_action_item(review.member, first, status="done", note="Adopted.",
                               version_id=first.version_id)
    db.session.commit()
    progress = gaps.progress_of([recommendation.id])[recommendation.id]
    assert (progress.done, progress.total, progress.percent) == (1, 2, 50)
    assert not first.is_case and first.source_recommendation_id == recommendation.id


def test_a_work_item_owner_must_sit_at_the_recommendation_table(review, make_recommendation,
                                                                make_person, today):
    recommendation = make_recommendation()
    stranger = make_person("Not Seated")
    with pytest.raises(ServiceError):
        gaps.add_work_item(review.manager, recommendation, title="Something",
                           owner_id=stranger.id, due_on=today + timedelta(days=3))


# --- stalled --------------------------------------------------------------------------------

def _at(day) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=local_zone())


def test_91_days_without_an_update_is_stalled_and_on_the_next_agenda(review,
                                                                     make_recommendation,
                                                                     make_meeting):
    recommendation = make_recommendation()
    drafted = local_today()
    assert not gaps.is_stalled(recommendation)
    with time_machine.travel(_at(drafted + timedelta(days=91)), tick=False):
        assert gaps.is_stalled(recommendation)
        assert db.session.scalars(gaps.recommendation_query(stalled_only=True)).all() == [
            recommendation]
        meeting = make_meeting(review.coalition, status="draft",
                               starts_at=_at(local_today() + timedelta(days=7)))
        meetings.build_agenda(None, meeting)
        db.session.commit()
        items = db.session.scalars(select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id,
            AgendaItem.recommendation_id == recommendation.id)).all()
        assert len(items) == 1 and recommendation.code in items[0].title
        assert items[0].item_type == "internal"  # coalition business, not case material
        meetings.refresh_due_items(None, meeting)
        assert len(db.session.scalars(select(AgendaItem).where(
            AgendaItem.recommendation_id == recommendation.id)).all()) == 1


def test_an_update_ends_the_stall(review, make_recommendation):
    recommendation = make_recommendation()
    with time_machine.travel(_at(local_today() + timedelta(days=100)), tick=False):
        gaps.post_update(review.manager, recommendation, status_id=_status("in_progress"),
                         note="Policy drafted.")
        assert not gaps.is_stalled(recommendation)


def test_a_finished_recommendation_never_stalls(review, make_recommendation):
    recommendation = make_recommendation()
    gaps.post_update(review.manager, recommendation, status_id=_status("not_feasible"),
                     note="No funding source.")
    with time_machine.travel(_at(local_today() + timedelta(days=400)), tick=False):
        assert not gaps.is_stalled(recommendation)


def test_the_90_days_are_configurable(app, review, make_recommendation):
    recommendation = make_recommendation()
    app.config["RECOMMENDATION_STALLED_DAYS"] = 30
    with time_machine.travel(_at(local_today() + timedelta(days=31)), tick=False):
        assert gaps.is_stalled(recommendation)
