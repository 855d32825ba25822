"""iCalendar: one meeting, and a table's subscribable feed authenticated by a signed token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from itsdangerous import URLSafeSerializer

from coalition.extensions import db


def _events(response):
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    return [c for c in calendar.walk("VEVENT")]


def _feed_url(client, table) -> str:
    page = client.get(f"/tables/{table.id}/calendar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    start = html.index(f"http://localhost/tables/{table.id}/calendar.ics?token=")
    url = html[start:html.index('"', start)].replace("&amp;", "&")
    return url.removeprefix("http://localhost")


def test_one_meeting_as_icalendar(client, login, make_user, make_meeting, make_agenda_item):
    starts = datetime(2026, 5, 4, 16, 30, tzinfo=UTC)
    meeting = make_meeting(title="Coalition monthly", starts_at=starts, minutes=90,
                           location="Library, room B", video_url="https://video.example.test/m")
    make_agenda_item(meeting, title="Case 2026-021 overdose history", item_type="case")
    make_agenda_item(meeting, title="Internal staffing", item_type="internal")
    login(make_user("member"))
    first = client.get(f"/meetings/{meeting.id}.ics")
    (event,) = _events(first)
    assert first.headers["Cache-Control"] == "no-store"
    assert str(event["UID"]) == f"meeting-{meeting.id}@coalition"
    assert event.decoded("DTSTART") == starts and event.decoded("DTSTART").tzinfo is not None
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == starts + timedelta(minutes=90)
    assert b"DTSTART:20260504T163000Z" in first.data
    assert "Coalition monthly" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "Library, room B"
    assert str(event["URL"]) == "https://video.example.test/m"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert b"Case 2026-021" not in first.data and b"Internal staffing" not in first.data

    second = client.get(f"/meetings/{meeting.id}.ics")
    assert str(_events(second)[0]["UID"]) == str(event["UID"])
    sequence = int(event["SEQUENCE"])
    meeting.title = "Coalition monthly (moved)"
    db.session.commit()
    (changed,) = _events(client.get(f"/meetings/{meeting.id}.ics"))
    assert str(changed["UID"]) == str(event["UID"]) and int(changed["SEQUENCE"]) > sequence


def test_hidden_meetings_and_tables_answer_404(client, login, make_user, make_person,
                                               make_table, make_meeting):
    ofr = make_table("ofr")
    meeting = make_meeting(ofr)
    login(make_user("member", person=make_person()))
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 404
    assert client.get(f"/tables/{ofr.id}/calendar").status_code == 404
    assert client.get("/meetings/424242.ics").status_code == 404


def test_table_feed_with_its_token(app, client, login, make_user, make_table, make_meeting,
                                   make_agenda_item):
    table = make_table(name="Coalition")
    other = make_table(name="Other table")
    starts = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    held = make_meeting(table, title="June meeting", starts_at=starts)
    make_meeting(table, title="July meeting", starts_at=starts + timedelta(days=30),
                 status="closed")
    make_meeting(table, title="Draft meeting", starts_at=starts + timedelta(days=60),
                 status="draft")
    make_meeting(other, title="Someone else's meeting")
    make_agenda_item(held, title="Case 2026-030 narrative", item_type="case")
    login(make_user("member"))
    url = _feed_url(client, table)

    anonymous = app.test_client()  # calendar clients do not sign in
    response = anonymous.get(url)
    events = _events(response)
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "July meeting (Coalition)", "June meeting (Coalition)"]
    assert all(e.decoded("DTSTART").utcoffset() == timedelta(0) for e in events)
    assert b"Case 2026-030" not in response.data and b"Draft meeting" not in response.data
    uids = sorted(str(e["UID"]) for e in events)
    assert uids == sorted(str(e["UID"]) for e in _events(anonymous.get(url)))
    assert f"meeting-{held.id}@coalition" in uids

    token = url.split("token=", 1)[1]
    refused = [f"/tables/{table.id}/calendar.ics",
               f"/tables/{table.id}/calendar.ics?token=",
               f"/tables/{table.id}/calendar.ics?token={token}x",
               f"/tables/{other.id}/calendar.ics?token={token}",
               f"/tables/{table.id}/calendar.ics?token="
               + URLSafeSerializer("another-secret", salt="table-calendar").dumps(table.id),
               f"/tables/{table.id}/calendar.ics?token="
               + URLSafeSerializer(app.secret_key, salt="other-salt").dumps(table.id),
               "/tables/424242/calendar.ics?token="
               + URLSafeSerializer(app.secret_key, salt="table-calendar").dumps(424242)]
    for bad in refused:
        assert anonymous.get(bad).status_code == 404, bad
