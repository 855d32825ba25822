"""Attendance: the seated people with their organization, one form for the whole list, guests,
recorded by the meeting's managers while it is scheduled or in progress."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.meetings.models import Attendance


@pytest.fixture
def meeting_with_seats(make_table, make_meeting, make_user, make_org, make_person, seat):
    table = make_table("risk_review", name="Hub table")
    ems, shelter = make_org("County EMS"), make_org("Harbor Shelter")
    alex, blair = make_person("Alex Able"), make_person("Blair Brook")
    seat(alex, table, ems)
    seat(blair, table, shelter)
    return {"meeting": make_meeting(table, status="scheduled"), "alex": alex, "blair": blair,
            "ems": ems, "coordinator": make_user("coordinator"),
            "member": make_user("member", person=alex)}


def rows(meeting) -> list[Attendance]:
    db.session.expire_all()
    return list(db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)
                                   .order_by(Attendance.id)))


def url(meeting) -> str:
    return f"/meetings/{meeting.id}/attendance"


def test_the_form_lists_the_seated_people_with_their_organization(client, login,
                                                                  meeting_with_seats):
    login(meeting_with_seats["coordinator"])
    page = client.get(url(meeting_with_seats["meeting"])).get_data(as_text=True)
    assert "Alex Able (County EMS)" in page
    assert "Blair Brook (Harbor Shelter)" in page


def test_one_form_records_the_whole_list(client, login, meeting_with_seats):
    m = meeting_with_seats
    login(m["coordinator"])
    response = client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "present",
                                                    f"person_{m['blair'].id}": "excused"})
    assert response.status_code == 302
    recorded = {(r.person_id, r.status) for r in rows(m["meeting"])}
    assert recorded == {(m["alex"].id, "present"), (m["blair"].id, "excused")}


def test_a_recorded_person_carries_the_organization_they_sit_for(client, login,
                                                                 meeting_with_seats):
    m = meeting_with_seats
    login(m["coordinator"])
    client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "present"})
    [row] = rows(m["meeting"])
    assert row.organization_id == m["ems"].id


def test_saving_the_list_again_changes_a_status(client, login, meeting_with_seats):
    m = meeting_with_seats
    login(m["coordinator"])
    client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "present"})
    client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "absent"})
    assert [r.status for r in rows(m["meeting"])] == ["absent"]


def test_a_blank_status_removes_the_record(client, login, meeting_with_seats):
    m = meeting_with_seats
    login(m["coordinator"])
    client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "present"})
    client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": ""})
    assert rows(m["meeting"]) == []


def test_recording_attendance_is_audited(client, login, meeting_with_seats):
    m = meeting_with_seats
    login(m["coordinator"])
    client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "present"})
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attendance"))
    assert "Alex Able: present" in event.summary


def test_a_status_outside_the_vocabulary_is_a_field_message(client, login, meeting_with_seats):
    m = meeting_with_seats
    login(m["coordinator"])
    response = client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "asleep"})
    assert response.status_code == 400
    assert "Choose present, absent or excused." in response.get_data(as_text=True)
    assert rows(m["meeting"]) == []


def test_a_guest_is_added_with_name_and_organization(client, login, meeting_with_seats):
    m = meeting_with_seats
    login(m["coordinator"])
    response = client.post(url(m["meeting"]) + "/guests", data={
        "name": "Dr. Guest", "organization": "State University", "status": "present"})
    assert response.status_code == 302
    [row] = rows(m["meeting"])
    assert (row.person_id, row.name, row.organization_name, row.status) == (
        None, "Dr. Guest", "State University", "present")


def test_a_guest_needs_a_name(client, login, meeting_with_seats):
    m = meeting_with_seats
    login(m["coordinator"])
    response = client.post(url(m["meeting"]) + "/guests", data={"name": "  ", "status": "present"})
    assert response.status_code == 400
    assert "Enter the guest&#39;s name." in response.get_data(as_text=True)
    assert rows(m["meeting"]) == []


def test_a_guests_status_is_changed_in_the_list_form(client, login, meeting_with_seats):
    m = meeting_with_seats
    login(m["coordinator"])
    client.post(url(m["meeting"]) + "/guests", data={"name": "Dr. Guest", "status": "present"})
    [guest] = rows(m["meeting"])
    page = client.get(url(m["meeting"])).get_data(as_text=True)
    assert "Dr. Guest, guest" in page
    client.post(url(m["meeting"]), data={f"guest_{guest.id}": "absent"})
    assert [r.status for r in rows(m["meeting"])] == ["absent"]


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_attendance_is_not_recorded_outside_scheduled_or_in_progress(
        client, login, meeting_with_seats, status):
    m = meeting_with_seats
    m["meeting"].status = status
    db.session.commit()
    login(m["coordinator"])
    response = client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "present"})
    assert response.status_code == 400
    assert rows(m["meeting"]) == []


def test_attendance_is_recorded_while_the_meeting_is_in_progress(client, login,
                                                                 meeting_with_seats):
    m = meeting_with_seats
    m["meeting"].status = "in_progress"
    db.session.commit()
    login(m["coordinator"])
    client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "present"})
    assert len(rows(m["meeting"])) == 1


def test_a_member_sees_the_list_but_may_not_record_it(client, login, meeting_with_seats):
    m = meeting_with_seats
    login(m["member"])
    assert client.get(url(m["meeting"])).status_code == 200
    response = client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "present"})
    assert response.status_code == 403
    assert client.post(url(m["meeting"]) + "/guests",
                       data={"name": "Guest", "status": "present"}).status_code == 403
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_a_table_manager_records_attendance(client, login, meeting_with_seats, make_user,
                                            make_person, seat, make_org):
    m = meeting_with_seats
    manager = make_person("Mo Manager")
    seat(manager, m["meeting"].table, make_org(), role="manager")
    login(make_user("member", person=manager))
    response = client.post(url(m["meeting"]), data={f"person_{m['alex'].id}": "present"})
    assert response.status_code == 302
    assert len(rows(m["meeting"])) == 1
