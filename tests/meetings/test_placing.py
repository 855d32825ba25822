"""A new agenda item placed in one step: at the end, at the end of a section, after an item."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coalition.extensions import db
from coalition.meetings.models import AgendaItem


@pytest.fixture
def agenda(make_table, make_meeting, make_agenda_item, make_user):
    meeting = make_meeting(make_table(name="Coalition"), status="scheduled")
    rows = {}
    for title, section in [("New business", True), ("Budget", False),
                           ("Announcements and adjourn", True), ("Next date", False)]:
        rows[title] = make_agenda_item(meeting, title=title, is_section=section)
    return {"meeting": meeting, "rows": rows, "coordinator": make_user("coordinator")}


def titles(meeting) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AgendaItem.title).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)))


def add(client, meeting, place: str):
    return client.post(f"/meetings/{meeting.id}/items", data={
        "title": "Grant report", "item_type": "public", "planned_minutes": "5", "place": place})


def test_the_form_offers_each_section_and_item_as_a_place(client, login, agenda):
    login(agenda["coordinator"])
    page = client.get(f"/meetings/{agenda['meeting'].id}").get_data(as_text=True)
    assert "In section “New business” (at its end)" in page
    assert "Right after “Budget”" in page


@pytest.mark.parametrize(("place", "expected"), [
    ("", ["New business", "Budget", "Announcements and adjourn", "Next date", "Grant report"]),
    ("in-{New business}", ["New business", "Budget", "Grant report",
                           "Announcements and adjourn", "Next date"]),
    ("after-{New business}", None),  # a section is chosen with "in-", not "after-"
    ("after-{Budget}", ["New business", "Budget", "Grant report", "Announcements and adjourn",
                        "Next date"]),
    ("in-{Announcements and adjourn}", ["New business", "Budget", "Announcements and adjourn",
                                        "Next date", "Grant report"]),
])
def test_a_new_item_goes_where_it_was_placed(client, login, agenda, place, expected):
    login(agenda["coordinator"])
    for title, row in agenda["rows"].items():
        place = place.replace("{" + title + "}", str(row.id))
    response = add(client, agenda["meeting"], place)
    if expected is None:
        assert response.status_code == 400
        assert "Choose a place on this meeting" in response.get_data(as_text=True)
        assert "Grant report" not in titles(agenda["meeting"])
    else:
        assert response.status_code == 302
        assert titles(agenda["meeting"]) == expected


def test_an_item_of_another_meeting_is_no_place(client, login, agenda, make_meeting,
                                                make_agenda_item):
    other = make_agenda_item(make_meeting(agenda["meeting"].table), title="Elsewhere")
    login(agenda["coordinator"])
    response = add(client, agenda["meeting"], f"after-{other.id}")
    assert response.status_code == 400
    assert "Grant report" not in titles(agenda["meeting"])
