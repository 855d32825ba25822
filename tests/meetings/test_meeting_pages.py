"""Who may reach each meeting, agenda and template route, and what the pages show."""

from __future__ import annotations

import pytest

from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.models import Meeting

# (method, url pattern): {m} meeting, {i} agenda item, {t} table, {s} template section
MANAGE_ROUTES = [
    ("GET", "/tables/{t}/meetings/new"),
    ("POST", "/tables/{t}/meetings/new"),
    ("GET", "/meetings/{m}/edit"),
    ("POST", "/meetings/{m}/edit"),
    ("POST", "/meetings/{m}/schedule"),
    ("POST", "/meetings/{m}/start"),
    ("POST", "/meetings/{m}/close"),
    ("POST", "/meetings/{m}/refresh"),
    ("POST", "/meetings/{m}/items"),
    ("GET", "/meetings/{m}/items/{i}/edit"),
    ("POST", "/meetings/{m}/items/{i}/edit"),
    ("POST", "/meetings/{m}/items/{i}/remove"),
    ("POST", "/meetings/{m}/items/{i}/up"),
    ("POST", "/meetings/{m}/items/{i}/down"),
    ("POST", "/meetings/{m}/items/{i}/next"),
    ("POST", "/meetings/{m}/items/{i}/park"),
]
COORDINATOR_ROUTES = [
    ("POST", "/meetings/{m}/reopen"),
    ("GET", "/tables/{t}/agenda-template"),
    ("POST", "/tables/{t}/agenda-template/sections"),
    ("GET", "/tables/{t}/agenda-template/sections/{s}/edit"),
    ("POST", "/tables/{t}/agenda-template/sections/{s}/edit"),
    ("POST", "/tables/{t}/agenda-template/sections/{s}/remove"),
    ("POST", "/tables/{t}/agenda-template/sections/{s}/up"),
    ("POST", "/tables/{t}/agenda-template/sections/{s}/down"),
]
VIEW_ROUTES = [("GET", "/meetings/{m}")]
ALL_ROUTES = MANAGE_ROUTES + COORDINATOR_ROUTES + VIEW_ROUTES


@pytest.fixture
def objects(hub, make_meeting, make_agenda_item):
    meeting = make_meeting(hub, status="draft")
    item = make_agenda_item(meeting, title="Outreach plan")
    section = meetings.ensure_template(hub)[0]
    db.session.commit()
    return {"m": meeting.id, "i": item.id, "t": hub.id, "s": section.id}


def _url(pattern: str, objects: dict) -> str:
    return pattern.format(**objects)


@pytest.mark.parametrize(("method", "pattern"), ALL_ROUTES + [("GET", "/meetings")])
def test_anonymous_visitors_are_sent_to_sign_in(client, objects, method, pattern):
    response = client.open(_url(pattern, objects), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("method", "pattern"), MANAGE_ROUTES + VIEW_ROUTES)
def test_members_of_another_table_get_404(client, login, seated_user, make_table, objects,
                                          method, pattern):
    login(seated_user(make_table("risk_review"), role="manager"))
    assert client.open(_url(pattern, objects), method=method).status_code == 404


@pytest.mark.parametrize(("method", "pattern"), MANAGE_ROUTES)
def test_members_who_do_not_manage_the_table_get_403(client, login, seated_user, hub, objects,
                                                     method, pattern):
    login(seated_user(hub))
    assert client.open(_url(pattern, objects), method=method).status_code == 403


@pytest.mark.parametrize(("method", "pattern"), COORDINATOR_ROUTES)
def test_table_managers_cannot_use_coordinator_routes(client, login, seated_user, hub, objects,
                                                      method, pattern):
    login(seated_user(hub, role="manager"))
    assert client.open(_url(pattern, objects), method=method).status_code == 403


def test_an_item_of_another_meeting_is_not_found(as_coordinator, hub, make_meeting, objects):
    other = make_meeting(hub, status="draft")
    response = as_coordinator.post(f"/meetings/{other.id}/items/{objects['i']}/remove")
    assert response.status_code == 404


def test_a_member_sees_the_agenda_of_their_table(client, login, seated_user, hub, objects):
    login(seated_user(hub))
    html = client.get(f"/meetings/{objects['m']}").get_data(as_text=True)
    assert "Outreach plan" in html
    assert html.count("<h1") == 1
    assert "Move up" not in html  # members see the agenda, not the editing buttons


def test_a_manager_sees_the_editing_buttons_and_state_actions(client, login, seated_user, hub,
                                                              objects):
    login(seated_user(hub, role="manager"))
    html = client.get(f"/meetings/{objects['m']}").get_data(as_text=True)
    assert "Mark as scheduled" in html
    assert "Park in backlog" in html
    assert 'for="title">Item title' in html


def test_the_new_meeting_form_labels_every_field(as_coordinator, objects):
    html = as_coordinator.get(f"/tables/{objects['t']}/meetings/new").get_data(as_text=True)
    for field_id in ("title", "day", "start_time", "end_time", "location", "video_url",
                     "facilitator_id", "recorder_id"):
        assert f'for="{field_id}"' in html
    assert 'name="csrf_token"' in html


def test_a_post_without_a_csrf_token_is_refused(as_coordinator, objects):
    as_coordinator.add_csrf = False
    response = as_coordinator.post(f"/meetings/{objects['m']}/schedule")
    assert response.status_code == 400
    assert db.session.get(Meeting, objects["m"]).status == "draft"


def test_the_meeting_list_filters_by_table(as_coordinator, make_table, make_meeting):
    first, second = make_table(), make_table()
    make_meeting(first, title="First table meeting")
    make_meeting(second, title="Second table meeting")
    html = as_coordinator.get(f"/meetings?table={first.id}").get_data(as_text=True)
    assert "First table meeting" in html and "Second table meeting" not in html


def test_the_meeting_list_shows_a_table_added_since_it_was_last_shown(as_coordinator,
                                                                      make_table):
    as_coordinator.get("/meetings")
    before = as_coordinator.get("/meetings").get_data(as_text=True)  # the kept choices
    table = make_table(name="Brand New Table")
    assert "Brand New Table" not in before
    html = as_coordinator.get("/meetings").get_data(as_text=True)
    assert f'<option value="{table.id}">Brand New Table</option>' in html
    assert "Schedule next meeting of Brand New Table" in html


def test_the_meeting_list_refuses_a_hostile_filter(as_coordinator):
    assert as_coordinator.get("/meetings?table=abc").status_code == 400


def test_the_navigation_links_to_meetings(as_coordinator):
    html = as_coordinator.get("/meetings").get_data(as_text=True)
    assert 'href="/meetings">Meetings</a>' in html
