"""Scheduling meetings: local times stored in UTC, validation, the cadence proposal, the list."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from coalition.core.localtime import combine_local
from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.models import Meeting
from tests.conftest import audit_rows, count, error_for


def _form(**fields) -> dict:
    data = {"title": "Weekly review", "day": "2026-12-03", "start_time": "09:00",
            "end_time": "10:30", "location": "Room 2B", "video_url": "",
            "facilitator_id": "", "recorder_id": ""}
    data.update(fields)
    return data


def test_a_coordinator_schedules_a_meeting_typed_in_local_time(as_coordinator, hub):
    response = as_coordinator.post(f"/tables/{hub.id}/meetings/new", data=_form())
    meeting = db.session.scalar(select(Meeting))
    assert response.status_code == 302
    assert meeting.starts_at == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # 09:00 New York
    assert meeting.duration_minutes == 90
    assert meeting.status == "draft"


def test_scheduling_is_audited(as_coordinator, coordinator, hub):
    as_coordinator.post(f"/tables/{hub.id}/meetings/new", data=_form())
    meeting = db.session.scalar(select(Meeting))
    [row] = audit_rows("create", "meetings", meeting.id)
    assert row.user_id == coordinator.id


@pytest.mark.parametrize(("fields", "field_id", "message"), [
    ({"end_time": "08:00"}, "end_time", "The end time must be after the start time."),
    ({"start_time": "06:00", "end_time": "19:00"}, "end_time",
     "A meeting can last at most 12 hours: check the start and end times."),
    ({"day": "2026-02-30"}, "day", "Enter a real date, like 2025-03-31."),
    ({"day": "9999-12-31"}, "day", "Enter a date between 1900 and 2100."),
    ({"day": "2099-12-31"}, "day", "Enter a date within 20 years before and 5 years after "
                                   "today: check the year."),
    ({"day": ""}, "day", "Enter the date of the meeting."),
    ({"start_time": "25:99"}, "start_time", "Enter a time like 14:30."),
    ({"title": ""}, "title", "Enter a title."),
])
def test_bad_meeting_input_is_refused_at_the_field(as_coordinator, hub, fields, field_id,
                                                   message):
    response = as_coordinator.post(f"/tables/{hub.id}/meetings/new", data=_form(**fields))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_for(html, field_id) == message
    assert count(Meeting) == 0


def test_typed_values_are_kept_when_the_form_is_refused(as_coordinator, hub):
    response = as_coordinator.post(f"/tables/{hub.id}/meetings/new",
                                   data=_form(end_time="08:00", location="Library annex"))
    html = response.get_data(as_text=True)
    assert 'value="Library annex"' in html
    assert 'value="2026-12-03"' in html


def test_a_facilitator_not_seated_at_the_table_is_refused(as_coordinator, hub, make_person):
    outsider = make_person()
    with pytest.raises(meetings.ServiceError) as refusal:
        meetings.schedule_meeting(None, hub, title="x", day=date(2026, 12, 3),
                                  start_time=time(9), end_time=time(10),
                                  facilitator_id=outsider.id)
    assert refusal.value.field == "facilitator_id"


def test_the_next_meeting_is_proposed_one_cadence_after_the_latest(hub, make_meeting):
    make_meeting(hub, starts_at=combine_local(date(2026, 11, 5), time(9, 30)), minutes=90)
    proposal = meetings.propose_next_meeting(hub)
    assert (proposal["day"], proposal["start_time"], proposal["end_time"]) == (
        date(2026, 11, 12), time(9, 30), time(11, 0))


def test_the_proposal_keeps_local_time_across_a_clock_change(hub, make_meeting):
    make_meeting(hub, starts_at=combine_local(date(2026, 10, 29), time(9, 0)))  # before DST ends
    proposal = meetings.propose_next_meeting(hub)
    assert (proposal["day"], proposal["start_time"]) == (date(2026, 11, 5), time(9, 0))


def test_the_new_meeting_form_is_prefilled_with_the_proposal(as_coordinator, hub, make_meeting):
    make_meeting(hub, starts_at=combine_local(date(2026, 11, 5), time(9, 30)))
    html = as_coordinator.get(f"/tables/{hub.id}/meetings/new").get_data(as_text=True)
    assert 'value="2026-11-12"' in html
    assert 'value="09:30"' in html


def test_a_manager_edits_a_meeting(client, login, seated_user, hub, make_meeting):
    meeting = make_meeting(hub, starts_at=combine_local(date(2026, 11, 5), time(9, 0)))
    login(seated_user(hub, role="manager"))
    response = client.post(f"/meetings/{meeting.id}/edit", data=_form(
        title="Moved review", day="2026-11-06", version_id=str(meeting.version_id)))
    db.session.refresh(meeting)
    assert response.status_code == 302
    assert (meeting.title, meeting.starts_at) == (
        "Moved review", datetime(2026, 11, 6, 14, 0, tzinfo=UTC))


def test_an_edit_with_a_stale_version_is_refused(as_coordinator, hub, make_meeting):
    meeting = make_meeting(hub)
    response = as_coordinator.post(f"/meetings/{meeting.id}/edit",
                                   data=_form(title="Changed", version_id="999"))
    db.session.refresh(meeting)
    assert response.status_code == 409
    assert "Someone else saved a change to this meeting" in response.get_data(as_text=True)
    assert meeting.title != "Changed"


def test_two_edits_racing_past_the_version_check_get_the_conflict_page(
        as_coordinator, hub, make_meeting, monkeypatch):
    """Two people load the meeting, both pass the version check, and the other one's save lands
    first: the database refuses the stale version, and this one sees the conflict page (what
    is saved now beside what was typed), never an error page."""
    from sqlalchemy import text

    from coalition.meetings.services import scheduling

    meeting = make_meeting(hub, title="Original title")
    loaded = str(meeting.version_id)
    check = scheduling.check_version

    def check_then_lose_the_race(obj, raw, thing="record"):
        check(obj, raw, thing)
        with db.engine.begin() as other:  # the other save, committed on its own connection
            other.execute(text("UPDATE meetings SET title = 'Their title', "
                               "version_id = version_id + 1 WHERE id = :id"), {"id": obj.id})

    monkeypatch.setattr(scheduling, "check_version", check_then_lose_the_race)
    response = as_coordinator.post(f"/meetings/{meeting.id}/edit",
                                   data=_form(title="My title", version_id=loaded))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved a change to this meeting" in html
    assert "Their title" in html and 'value="My title"' in html  # both texts
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == "Their title"


def test_the_list_shows_upcoming_meetings_of_visible_tables_only(
        client, login, make_user, make_person, make_table, make_meeting):
    make_meeting(make_table("coalition"), title="Open coalition meeting")
    make_meeting(make_table("ofr"), title="Secret review meeting")
    login(make_user("member", person=make_person()))
    html = client.get("/meetings").get_data(as_text=True)
    assert "Open coalition meeting" in html
    assert "Secret review meeting" not in html


def test_the_list_separates_past_meetings(as_coordinator, make_table, make_meeting):
    table = make_table()
    make_meeting(table, title="Last month", starts_at=datetime.now(UTC) - timedelta(days=30))
    make_meeting(table, title="Next week")
    upcoming = as_coordinator.get("/meetings").get_data(as_text=True)
    past = as_coordinator.get("/meetings?when=past").get_data(as_text=True)
    assert "Next week" in upcoming and "Last month" not in upcoming
    assert "Last month" in past and "Next week" not in past
