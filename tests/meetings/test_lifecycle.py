"""The meeting state machine: transitions, closing with attendance and minutes versions,
reopening by coordinators only."""

from __future__ import annotations

import json

import pytest

from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.models import Attendance, MinutesVersion
from tests.conftest import audit_rows


@pytest.fixture
def with_attendance(make_person):
    def factory(meeting):
        db.session.add(Attendance(meeting_id=meeting.id, person_id=make_person("Ada").id))
        db.session.commit()
        return meeting
    return factory


@pytest.mark.parametrize(("status", "action", "target"), [
    ("draft", "schedule", "scheduled"),
    ("scheduled", "start", "in_progress"),
])
def test_a_manager_moves_a_meeting_forward(client, login, seated_user, hub, make_meeting,
                                           status, action, target):
    meeting = make_meeting(hub, status=status)
    login(seated_user(hub, role="manager"))
    response = client.post(f"/meetings/{meeting.id}/{action}")
    db.session.refresh(meeting)
    assert response.status_code == 302
    assert meeting.status == target


def test_each_transition_is_audited(as_coordinator, coordinator, hub, make_meeting):
    meeting = make_meeting(hub, status="draft")
    as_coordinator.post(f"/meetings/{meeting.id}/schedule")
    [row] = audit_rows("schedule", "meetings", meeting.id)
    assert (row.user_id, row.summary) == (coordinator.id, "status: Draft → Scheduled")


def test_the_run_screens_clock_counts_from_the_actual_start(as_coordinator, hub, make_meeting,
                                                           make_agenda_item):
    from datetime import timedelta

    from coalition.core.db import utcnow

    scheduled = (utcnow() - timedelta(minutes=40)).replace(microsecond=0)
    meeting = make_meeting(hub, status="scheduled", starts_at=scheduled)
    make_agenda_item(meeting)
    before = utcnow()
    as_coordinator.post(f"/meetings/{meeting.id}/start")
    db.session.refresh(meeting)
    assert before <= meeting.started_at <= utcnow()  # 40 minutes late, not at the schedule
    page = as_coordinator.get(f"/meetings/{meeting.id}/run").get_data(as_text=True)
    assert f'data-timer-since="{int(meeting.started_at.timestamp() * 1000)}"' in page
    started = meeting.started_at
    as_coordinator.post(f"/meetings/{meeting.id}/close")  # refused: no attendance
    meeting.status = "closed"
    db.session.commit()
    as_coordinator.post(f"/meetings/{meeting.id}/reopen")
    db.session.refresh(meeting)
    assert (meeting.status, meeting.started_at) == ("in_progress", started)  # first start kept


@pytest.mark.parametrize(("status", "action"), [
    ("draft", "start"), ("draft", "close"), ("scheduled", "close"), ("in_progress", "schedule"),
    ("closed", "start"), ("scheduled", "reopen"),
])
def test_transitions_out_of_order_are_refused(as_coordinator, hub, make_meeting, status,
                                              action):
    meeting = make_meeting(hub, status=status)
    response = as_coordinator.post(f"/meetings/{meeting.id}/{action}", follow_redirects=True)
    db.session.refresh(meeting)
    assert meeting.status == status
    assert "cannot be set to" in response.get_data(as_text=True)


def test_closing_requires_attendance(as_coordinator, hub, make_meeting):
    meeting = make_meeting(hub, status="in_progress")
    response = as_coordinator.post(f"/meetings/{meeting.id}/close", follow_redirects=True)
    db.session.refresh(meeting)
    assert meeting.status == "in_progress"
    assert "Record attendance before closing the meeting." in response.get_data(as_text=True)


def test_closing_snapshots_the_minutes_as_version_1(as_coordinator, hub, make_meeting,
                                                   make_agenda_item, with_attendance):
    meeting = with_attendance(make_meeting(hub, status="in_progress"))
    make_agenda_item(meeting, title="Outreach", minutes="Two contacts made.", is_discussed=True)
    as_coordinator.post(f"/meetings/{meeting.id}/close")
    db.session.refresh(meeting)
    [version] = meeting.minutes_versions
    content = json.loads(version.content)
    assert (meeting.status, version.number) == ("closed", 1)
    assert content["items"][0]["minutes"] == "Two contacts made."
    assert content["attendance"][0]["name"] == "Ada"


def test_closing_again_after_reopening_makes_version_2(coordinator, hub, make_meeting,
                                                       with_attendance):
    meeting = with_attendance(make_meeting(hub, status="in_progress"))
    meetings.close_meeting(coordinator, meeting)
    meetings.reopen_meeting(coordinator, meeting)
    meetings.close_meeting(coordinator, meeting)
    db.session.commit()
    assert [v.number for v in db.session.scalars(db.select(MinutesVersion))] == [1, 2]


def test_a_coordinator_reopens_a_closed_meeting(as_coordinator, hub, make_meeting):
    meeting = make_meeting(hub, status="closed")
    as_coordinator.post(f"/meetings/{meeting.id}/reopen")
    db.session.refresh(meeting)
    assert (meeting.status, meeting.is_reopened) == ("in_progress", True)


def test_reopening_is_audited(as_coordinator, coordinator, hub, make_meeting):
    meeting = make_meeting(hub, status="closed")
    as_coordinator.post(f"/meetings/{meeting.id}/reopen")
    [row] = audit_rows("reopen", "meetings", meeting.id)
    assert row.user_id == coordinator.id


def test_a_table_manager_cannot_reopen(client, login, seated_user, hub, make_meeting):
    meeting = make_meeting(hub, status="closed")
    login(seated_user(hub, role="manager"))
    assert client.post(f"/meetings/{meeting.id}/reopen").status_code == 403
    db.session.refresh(meeting)
    assert meeting.status == "closed"


def test_the_reopen_service_refuses_non_coordinators(seated_user, hub, make_meeting):
    meeting = make_meeting(hub, status="closed")
    with pytest.raises(meetings.ServiceError, match="Only a coordinator"):
        meetings.reopen_meeting(seated_user(hub, role="manager", site_role="leader"), meeting)
