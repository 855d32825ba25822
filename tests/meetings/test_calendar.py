"""iCalendar: one meeting, and each user's own subscribable feed of a table (a hashed,
revocable token that ends with the account or the seat)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from coalition.extensions import db
from tests.conftest import audit_rows


def _events(response):
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    return [c for c in calendar.walk("VEVENT")]


def _feed_url(client, table) -> str:
    """Make the signed-in user's feed address: it is shown once, on the page the POST answers."""
    page = client.post(f"/tables/{table.id}/calendar", data={"action": "issue"})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
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
               f"/tables/{table.id}/calendar.ics?token={'x' * 500}",
               "/tables/424242/calendar.ics?token=" + token]
    for bad in refused:
        assert anonymous.get(bad).status_code == 404, bad


def test_the_feed_address_is_stored_hashed_and_shown_once(client, login, make_user,
                                                          make_table):
    from coalition.meetings.models import CalendarFeed

    table = make_table(name="Coalition")
    login(make_user("member"))
    url = _feed_url(client, table)
    token = url.split("token=", 1)[1]
    stored = db.session.scalars(select(CalendarFeed)).one()
    assert stored.token_hash != token and len(stored.token_hash) == 64
    again = client.get(f"/tables/{table.id}/calendar").get_data(as_text=True)
    assert token not in again and "You have a feed address" in again


def test_each_user_has_their_own_feed_and_a_new_one_replaces_the_old(
        app, client, login, make_user, make_table, make_meeting):
    table = make_table(name="Coalition")
    make_meeting(table, title="June meeting")
    anonymous = app.test_client()
    login(make_user("member"))
    first = _feed_url(client, table)
    other_client = login(make_user("member"), test_client=app.test_client())
    theirs = _feed_url(other_client, table)
    assert first != theirs
    second = _feed_url(client, table)
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200 and anonymous.get(theirs).status_code == 200


def test_a_revoked_feed_stops_working(app, client, login, make_user, make_table):
    table = make_table(name="Coalition")
    login(make_user("member"))
    url = _feed_url(client, table)
    response = client.post(f"/tables/{table.id}/calendar", data={"action": "revoke"})
    assert response.status_code == 302
    assert app.test_client().get(url).status_code == 404
    assert [row.action for row in audit_rows(object_type="coalition_tables")] == [
        "feed_create", "feed_revoke"]


def test_a_feed_ends_with_the_account_or_the_seat(app, client, login, make_user, make_person,
                                                 make_org, make_table, seat,
                                                 coordinator):
    from coalition.core import accounts
    from coalition.roster import services as roster

    ofr = make_table("ofr", name="Fatality review")
    person = make_person()
    membership = seat(person, ofr, make_org())
    user = make_user("member", person=person)
    login(user)
    url = _feed_url(client, ofr)
    anonymous = app.test_client()
    assert anonymous.get(url).status_code == 200
    roster.unseat(coordinator, membership)
    db.session.commit()
    assert anonymous.get(url).status_code == 404  # no longer seated: the table is hidden
    seat(person, ofr, person.affiliations[0].organization)
    assert anonymous.get(url).status_code == 200
    accounts.deactivate_user(coordinator, user)
    db.session.commit()
    assert anonymous.get(url).status_code == 404


def test_the_feed_page_needs_a_known_action(client, login, make_user, make_table):
    table = make_table()
    login(make_user("member"))
    assert client.post(f"/tables/{table.id}/calendar", data={"action": "steal"}).status_code \
        == 400
