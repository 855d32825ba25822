"""The recommendation screens: the committee's view and its decisions, drafting with the
case-specific warning, status updates refused at the field, case links for the case's team
only, the dashboard card, and who may do what."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.models import Recommendation
from tests.conftest import count, error_for
from tests.gaps.conftest import term


def _draft(**overrides):
    data = {"table_id": "", "text": "Train every EMS crew in leave-behind naloxone.",
            "scope": "community", "target_level": "", "strategy": "training", "stage_id": "",
            "lead_organization_id": "", "lead_person_id": "", "success_measure": "",
            "baseline": "", "target": "", "source_meeting_id": ""}
    data.update(overrides)
    return data


def test_drafting_refuses_a_target_without_a_measure_and_keeps_the_text(client, login, review):
    login(review.manager)
    response = client.post("/recommendations/new", data=_draft(
        table_id=str(review.coalition.id), target="80 % of crews"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "what is measured" in error_for(page, "success_measure")
    assert "Train every EMS crew" in page and 'value="80 % of crews"' in page
    assert count(Recommendation) == 0


def test_the_form_warns_about_case_specific_recommendations(client, login, review):
    login(review.manager)
    page = client.get("/recommendations/new").get_data(as_text=True)
    assert "27% of 1,512 recommendations" in page
    response = client.post("/recommendations/new", data=_draft(
        table_id=str(review.coalition.id), scope="case_specific",
        lead_organization_id=str(review.ems.id)))
    assert response.status_code == 302
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Case-specific." in detail


def test_members_and_leaders_may_not_draft(client, login, review):
    login(review.coalition_member)
    assert client.get("/recommendations/new").status_code == 403
    assert client.post("/recommendations/new", data=_draft(
        table_id=str(review.coalition.id))).status_code == 403


def test_the_committee_endorses_from_its_view(client, login, review, make_recommendation):
    recommendation = make_recommendation()
    login(review.leader)
    listing = client.get("/recommendations").get_data(as_text=True)
    assert recommendation.code in listing and f"decision-{recommendation.id}" in listing
    response = client.post(f"/recommendations/{recommendation.id}/decision",
                           data={"decision": "endorsed", "back": "list"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/recommendations")
    assert db.session.get(Recommendation, recommendation.id).decision == "endorsed"


def test_endorsing_without_a_lead_agency_is_refused_on_the_page(client, login, review,
                                                                 make_recommendation):
    recommendation = make_recommendation(lead_organization_id=None)
    login(review.leader)
    response = client.post(f"/recommendations/{recommendation.id}/decision",
                           data={"decision": "endorsed"})
    assert response.status_code == 400
    assert "lead agency" in error_for(response.get_data(as_text=True), "decision")


def test_a_member_may_not_decide(client, login, review, make_recommendation):
    recommendation = make_recommendation()
    login(review.coalition_member)
    assert client.post(f"/recommendations/{recommendation.id}/decision",
                       data={"decision": "declined"}).status_code == 403


def test_implemented_without_a_note_is_refused_at_the_field(client, login, review,
                                                           make_recommendation):
    recommendation = make_recommendation()
    login(review.manager)
    response = client.post(f"/recommendations/{recommendation.id}/update", data={
        "status_id": str(term("recommendation_status", "implemented")), "note": "",
        "blockers": "Staff turnover"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "what was done" in error_for(page, "note") and "Staff turnover" in page
    assert db.session.get(Recommendation, recommendation.id).updates == []


def test_the_lead_person_posts_updates(client, login, review, make_recommendation):
    recommendation = make_recommendation(lead_person_id=review.coalition_member.person_id)
    login(review.coalition_member)
    response = client.post(f"/recommendations/{recommendation.id}/update", data={
        "status_id": str(term("recommendation_status", "in_progress")),
        "note": "Training dates set."})
    assert response.status_code == 302
    assert db.session.get(Recommendation, recommendation.id).status.code == "in_progress"


def test_case_links_are_for_the_case_team_only(app, client, login, review, make_recommendation):
    recommendation = make_recommendation(case_ids=[review.case.id])
    login(review.leader)
    page = client.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
    assert review.case.code not in page and "1 case of review teams you do not sit at" in page
    other = app.test_client()
    login(review.member, test_client=other)
    assert review.case.code in other.get(f"/recommendations/{recommendation.id}").get_data(
        as_text=True)


def test_the_work_plan_from_the_page(client, login, review, make_recommendation, today):
    recommendation = make_recommendation()
    login(review.manager)
    response = client.post(f"/recommendations/{recommendation.id}/action-items", data={
        "title": "Write the release policy", "owner_id": str(review.member.person_id),
        "due_on": (today + timedelta(days=14)).isoformat()})
    assert response.status_code == 302
    page = client.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
    assert "Write the release policy" in page and "0 of 1 done" in page


def test_the_dashboard_counts_by_status_and_lists_the_stalled(client, login, review,
                                                              make_recommendation, today):
    stalled = make_recommendation()
    stalled.last_update_on = today - timedelta(days=gaps.stalled_days() + 5)
    make_recommendation()
    db.session.commit()
    login(review.coalition_member)
    page = client.get("/").get_data(as_text=True)
    assert "2 proposed" in page and stalled.code in page and "Stalled" in page


def test_the_stalled_recommendation_links_from_the_coalition_agenda(client, login, review,
                                                                    make_recommendation,
                                                                    make_meeting, today):
    from coalition.meetings import services as meetings
    from coalition.meetings.models import AgendaItem

    recommendation = make_recommendation()
    recommendation.last_update_on = today - timedelta(days=gaps.stalled_days() + 1)
    meeting = make_meeting(review.coalition, status="draft")
    meetings.build_agenda(None, meeting)
    db.session.commit()
    assert db.session.scalar(select(AgendaItem.id).where(
        AgendaItem.recommendation_id == recommendation.id)) is not None
    login(review.coalition_member)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/recommendations/{recommendation.id}" in page


def test_the_lists_answer_200_without_filters(client, login, review, make_recommendation,
                                              make_gap):
    make_recommendation()
    make_gap()
    login(review.leader)
    for url in ("/recommendations", "/gaps", "/gaps/matrix"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "invalid-feedback" not in response.get_data(as_text=True), url


def test_the_page_sent_back_keeps_the_chosen_owner_and_status(client, login, review,
                                                              make_recommendation):
    # the owner and status options are written once per table / selection and kept
    recommendation = make_recommendation()
    login(review.manager)
    owner = f'value="{review.member.person_id}"'
    page = client.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
    assert f"<option {owner}>" in page
    assert f'<option selected value="{recommendation.status_id}">' in page
    response = client.post(f"/recommendations/{recommendation.id}/action-items", data={
        "title": "", "owner_id": str(review.member.person_id), "due_on": "2030-01-01"})
    assert response.status_code == 400
    assert f"<option selected {owner}>" in response.get_data(as_text=True)
    page = client.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
    assert f"<option {owner}>" in page and f"<option selected {owner}>" not in page
