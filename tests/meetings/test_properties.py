"""Property-based: random text, odd dates, times and ids thrown at the meeting forms never give a
500 and never save half of anything."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from coalition.actions.models import ActionItem
from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, Meeting

odd_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\x00", "\u202e", "<script>alert(1)</script>", "😀" * 80,
                     "x" * 5_000, "a\r\nb"]),
)
odd_date = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
    st.sampled_from(["", "2026-02-30", "31/12/2026", "0000-00-00", "2026-13-01", "tomorrow",
                     "9" * 40]),
)
odd_time = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.sampled_from(["", "25:00", "9", "09:60", "noon", "-1:00", "23:59"]),
)
odd_number = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "1e3", "5.5", "٣", " 7 ", "NaN"]),
)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _count(model) -> int:
    db.session.rollback()  # what was committed, not what a request left in the session
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def setting(make_table, make_org, make_person, seat, make_user, make_meeting, login, client):
    table = make_table("coalition", name="Property Coalition")
    owner = make_person("Olive Owner")
    seat(owner, table, make_org())
    coordinator = make_user("coordinator")
    login(coordinator)
    meeting = make_meeting(table, status="in_progress")
    return {"table": table, "owner": owner, "meeting": meeting, "client": client}


@SETTINGS
@given(title=odd_text, day=odd_date, start=odd_time, end=odd_time, place=odd_text,
       video=odd_text, facilitator=odd_number)
def test_the_new_meeting_form_never_fails_and_never_half_saves(setting, title, day, start, end,
                                                               place, video, facilitator):
    meetings, events = _count(Meeting), _count(AuditEvent)
    response = setting["client"].post(f"/tables/{setting['table'].id}/meetings/new", data={
        "title": title, "day": day, "start_time": start, "end_time": end, "location": place,
        "video_url": video, "facilitator_id": facilitator, "recorder_id": ""})
    assert response.status_code in (302, 400)
    created = _count(Meeting) - meetings
    assert created == (1 if response.status_code == 302 else 0)
    assert (_count(AuditEvent) > events) == bool(created)


@SETTINGS
@given(title=odd_text, item_type=st.one_of(st.sampled_from(["public", "internal", "case"]),
                                           odd_text), minutes=odd_number)
def test_the_add_item_form_never_fails_and_never_half_saves(setting, title, item_type, minutes):
    items = _count(AgendaItem)
    meeting = setting["meeting"]
    response = setting["client"].post(f"/meetings/{meeting.id}/items", data={
        "title": title, "item_type": item_type, "planned_minutes": minutes})
    assert response.status_code in (302, 400)
    assert _count(AgendaItem) - items == (1 if response.status_code == 302 else 0)


@SETTINGS
@given(title=odd_text, owner=st.one_of(st.just("valid"), odd_number), due=odd_date,
       priority=st.one_of(st.sampled_from(["low", "normal", "high"]), odd_text))
def test_the_action_item_form_never_fails_and_never_half_saves(setting, make_agenda_item, title,
                                                               owner, due, priority):
    meeting = setting["meeting"]
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    if item is None:
        item = make_agenda_item(meeting, title="Naloxone distribution")
    if owner == "valid":
        owner = str(setting["owner"].id)
    actions = _count(ActionItem)
    response = setting["client"].post(
        f"/meetings/{meeting.id}/run/items/{item.id}/action-items",
        data={f"action-{item.id}-title": title, f"action-{item.id}-owner_id": owner,
              f"action-{item.id}-organization_id": "",
              f"action-{item.id}-due_on": due, f"action-{item.id}-priority": priority})
    assert response.status_code in (302, 400)
    created = _count(ActionItem) - actions
    assert created == (1 if response.status_code == 302 else 0)
    if created:
        newest = db.session.scalar(select(ActionItem).order_by(ActionItem.id.desc()))
        assert newest.due_on >= local_today() - timedelta(days=31)


def test_the_forms_above_accept_good_input(setting, make_agenda_item):
    """The property tests post the right field names: good values are saved."""
    client, meeting = setting["client"], setting["meeting"]
    item = make_agenda_item(meeting, title="Naloxone distribution")
    due = (local_today() + timedelta(days=14)).isoformat()
    assert client.post(f"/tables/{setting['table'].id}/meetings/new", data={
        "title": "Extra meeting", "day": due, "start_time": "09:00", "end_time": "10:00",
        "location": "", "video_url": "", "facilitator_id": "", "recorder_id": ""}
    ).status_code == 302
    assert client.post(f"/meetings/{meeting.id}/items", data={
        "title": "Budget", "item_type": "internal", "planned_minutes": "10"}).status_code == 302
    assert client.post(f"/meetings/{meeting.id}/run/items/{item.id}/action-items", data={
        f"action-{item.id}-title": "Order kits", f"action-{item.id}-owner_id":
        str(setting["owner"].id), f"action-{item.id}-organization_id": "",
        f"action-{item.id}-due_on": due, f"action-{item.id}-priority": "normal"}
    ).status_code == 302
