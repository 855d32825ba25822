"""Cases in the meeting workflow, through the seams: the "fatality case" agenda subject (a case
selected for a meeting is a case item of its agenda, linked for attested attendees only), the
minutes hook (discussed → reviewed), the "case" action-item source (case material), and the
dashboard card (overdue records requests)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coalition.actions.models import ActionItem
from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.models import AgendaItem
from coalition.ofr import services as ofr
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def built(review_meeting):
    meetings.build_agenda(None, review_meeting)
    db.session.commit()
    return review_meeting


def _case_items(meeting):
    return list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.fatality_case_id.is_not(None))))


def test_a_selected_case_joins_the_built_agenda_under_case_presentation(make_case, ofr_setting,
                                                                        built):
    case = make_case()
    ofr.select_for_meeting(ofr_setting.manager, case, built)
    db.session.commit()
    (item,) = _case_items(built)
    assert (item.item_type, item.title) == ("case", f"{case.code} — case review")
    items = sorted(built.items, key=lambda i: i.position)
    section = max((i for i in items if i.is_section and i.position < item.position),
                  key=lambda i: i.position)
    assert section.title == "Case presentation"


def test_an_agenda_built_after_the_selection_lists_the_case_once(make_case, ofr_setting,
                                                                 review_meeting):
    case = make_case()
    ofr.select_for_meeting(ofr_setting.manager, case, review_meeting)
    meetings.build_agenda(None, review_meeting)
    meetings.refresh_due_items(None, review_meeting)
    db.session.commit()
    assert [i.fatality_case_id for i in _case_items(review_meeting)] == [case.id]


def test_moving_the_case_to_another_meeting_moves_its_item(make_case, ofr_setting, built,
                                                           make_meeting):
    later = make_meeting(ofr_setting.table, starts_at=built.starts_at + timedelta(days=28))
    meetings.build_agenda(None, later)
    case = make_case()
    ofr.select_for_meeting(ofr_setting.manager, case, built)
    ofr.select_for_meeting(ofr_setting.manager, case, later)
    db.session.commit()
    assert _case_items(built) == [] and len(_case_items(later)) == 1
    ofr.select_for_meeting(ofr_setting.manager, case, None)
    db.session.commit()
    assert _case_items(later) == [] and case.status == "eligible"


def test_a_case_with_records_requested_may_move_and_keeps_its_status(make_case, ofr_setting,
                                                                     built, make_meeting):
    later = make_meeting(ofr_setting.table, starts_at=built.starts_at + timedelta(days=28))
    case = make_case()
    ofr.select_for_meeting(ofr_setting.manager, case, built)
    ofr.request_records(ofr_setting.manager, case, organization_ids=[ofr_setting.police.id])
    ofr.select_for_meeting(ofr_setting.manager, case, later)
    assert (case.status, case.selected_meeting_id) == ("records_requested", later.id)


def test_a_meeting_of_another_table_or_a_closed_one_is_refused(make_case, ofr_setting,
                                                               make_meeting):
    case = make_case()
    foreign = make_meeting(ofr_setting.other_table)
    closed = make_meeting(ofr_setting.table, status="closed")
    for meeting in (foreign, closed):
        with pytest.raises(ofr.ServiceError) as refused:
            ofr.select_for_meeting(ofr_setting.manager, case, meeting)
        assert refused.value.field == "meeting_id"


def test_marking_the_case_item_discussed_moves_the_case_to_reviewed(make_case, ofr_setting,
                                                                    built):
    case = make_case()
    ofr.select_for_meeting(ofr_setting.manager, case, built)
    meetings.start_meeting(None, built)
    (item,) = _case_items(built)
    meetings.running.save_minutes(ofr_setting.manager, item, text="Timeline built.",
                                  version_id=item.version_id, is_discussed=True)
    db.session.commit()
    assert case.status == "reviewed"


def _agenda_page(app, user, meeting) -> str:
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    return client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_the_case_item_links_to_the_case_for_attested_attendees_only(app, make_case,
                                                                     ofr_setting, built):
    app.config["WTF_CSRF_ENABLED"] = False
    case = make_case()
    ofr.select_for_meeting(ofr_setting.manager, case, built)
    db.session.commit()
    link = f"/cases/{case.id}/timeline"
    assert link not in _agenda_page(app, ofr_setting.police_user, built)  # not attested
    assert case.code not in _agenda_page(app, ofr_setting.leader, built)
    meetings.running.sign_attestation(ofr_setting.police_user, built)
    db.session.commit()
    page = _agenda_page(app, ofr_setting.police_user, built)
    assert link in page and f"/cases/{case.id}\"" in page


def test_a_case_action_item_is_case_material(app, make_case, ofr_setting, today):
    case = make_case()
    action = ofr.add_case_action(ofr_setting.manager, case, title="Ask the jail about naloxone",
                                 owner_id=ofr_setting.police_user.person_id,
                                 due_on=today + timedelta(days=7))
    db.session.commit()
    assert action.is_case and action.source_case_id == case.id
    assert ofr.case_actions(case) == [action]

    def sees(user) -> tuple[int, str]:
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        listing = client.get("/actions?status=all")
        assert listing.status_code == 200
        return client.get(f"/actions/{action.id}").status_code, listing.get_data(as_text=True)

    detail, listing = sees(ofr_setting.police_user)  # its owner, seated at the table
    assert detail == 200 and "Ask the jail" in listing
    detail, listing = sees(ofr_setting.leader)
    assert detail == 404 and "Ask the jail" not in listing


def test_deleting_nothing_but_the_case_removes_its_action_items(make_case, ofr_setting, today):
    case = make_case()
    ofr.add_case_action(ofr_setting.manager, case, title="Follow up",
                        owner_id=ofr_setting.police_user.person_id,
                        due_on=today + timedelta(days=7))
    db.session.commit()
    db.session.delete(case)
    db.session.commit()
    assert db.session.scalar(select(ActionItem.id)) is None


def test_the_dashboard_lists_overdue_requests_to_the_table_managers(app, make_case, ofr_setting,
                                                                    today):
    case = make_case()
    ofr.request_records(ofr_setting.manager, case, organization_ids=[ofr_setting.hospital.id],
                        requested_on=today - timedelta(days=45))
    db.session.commit()

    def dashboard(user):
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        return client.get("/").get_data(as_text=True)

    manager_page = dashboard(ofr_setting.manager)
    assert "Records requests past their due date" in manager_page
    assert case.code in manager_page and ofr_setting.hospital.name in manager_page
    assert "Records requests past their due date" not in dashboard(ofr_setting.police_user)
    leader_page = dashboard(ofr_setting.leader)
    assert case.code not in leader_page and 'id="ofr-heading"' not in leader_page
