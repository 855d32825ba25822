"""The attendance list as one form: people by surname, "Everyone not yet recorded: present",
and a guest added without losing the statuses chosen above."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coalition.core.names import surname_key
from coalition.extensions import db
from coalition.meetings.models import Attendance


@pytest.fixture
def listed(make_table, make_meeting, make_user, make_org, make_person, seat):
    table = make_table("coalition", name="Coalition")
    org = make_org("County")
    people = {name: make_person(name) for name in
              ("Chief Tom Zeller", "Dr. Ana Brook", "Judge Carla Moss Jr.")}
    for person in people.values():
        seat(person, table, org)
    return {"meeting": make_meeting(table, status="in_progress"), "people": people,
            "coordinator": make_user("coordinator")}


def statuses(meeting) -> dict[str, str]:
    db.session.expire_all()
    return {row.name: row.status for row in db.session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id))}


def field(person) -> str:
    return f"person_{person.id}"


@pytest.mark.parametrize(("name", "surname"), [
    ("Chief Tom Zeller", "zeller"), ("Dr. Ana Brook", "brook"), ("Judge Carla Moss Jr.", "moss"),
    ("Ana María de la Cruz, MSW", "cruz"), ("Prince", "prince")])
def test_the_surname_ignores_titles_and_suffixes(name, surname):
    assert surname_key(name)[0] == surname


def test_the_list_is_sorted_by_surname(client, login, listed):
    login(listed["coordinator"])
    page = client.get(f"/meetings/{listed['meeting'].id}/attendance").get_data(as_text=True)
    assert page.index("Dr. Ana Brook") < page.index("Judge Carla Moss") \
        < page.index("Chief Tom Zeller")


def test_everyone_not_yet_recorded_is_marked_present(client, login, listed):
    login(listed["coordinator"])
    people = listed["people"]
    response = client.post(f"/meetings/{listed['meeting'].id}/attendance", data={
        field(people["Dr. Ana Brook"]): "excused", field(people["Chief Tom Zeller"]): "",
        field(people["Judge Carla Moss Jr."]): "", "all_present": "1"})
    assert response.status_code == 302
    assert statuses(listed["meeting"]) == {"Dr. Ana Brook": "excused",
                                           "Chief Tom Zeller": "present",
                                           "Judge Carla Moss Jr.": "present"}


def test_adding_a_guest_keeps_the_statuses_chosen(client, login, listed):
    login(listed["coordinator"])
    people = listed["people"]
    response = client.post(f"/meetings/{listed['meeting'].id}/attendance/guests", data={
        field(people["Dr. Ana Brook"]): "absent", field(people["Chief Tom Zeller"]): "present",
        field(people["Judge Carla Moss Jr."]): "", "name": "Sam Guest", "organization": "",
        "status": "present"})
    assert response.status_code == 302
    assert statuses(listed["meeting"]) == {"Dr. Ana Brook": "absent",
                                           "Chief Tom Zeller": "present",
                                           "Sam Guest": "present"}


def test_a_guest_without_a_name_keeps_the_statuses_typed_on_the_page(client, login, listed):
    login(listed["coordinator"])
    people = listed["people"]
    response = client.post(f"/meetings/{listed['meeting'].id}/attendance/guests", data={
        field(people["Dr. Ana Brook"]): "absent", "name": " ", "status": "present"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter the guest&#39;s name." in page
    assert '<option selected value="absent">' in page or 'value="absent" selected' in page
    assert statuses(listed["meeting"]) == {}


def test_save_attendance_with_a_guest_typed_adds_the_guest_too(client, login, listed):
    login(listed["coordinator"])
    response = client.post(f"/meetings/{listed['meeting'].id}/attendance", data={
        field(listed["people"]["Dr. Ana Brook"]): "present", "name": "Sam Guest",
        "status": "present"})
    assert response.status_code == 302
    assert statuses(listed["meeting"]) == {"Dr. Ana Brook": "present", "Sam Guest": "present"}
