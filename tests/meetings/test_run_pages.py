"""The run screen and who reaches each running-the-meeting route."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from coalition.extensions import db

VIEW_ROUTES = ["/meetings/{m}/run", "/meetings/{m}/attendance", "/meetings/{m}/attestation"]
MANAGER_ROUTES = [
    "/meetings/{m}/run/items/{i}/minutes",
    "/meetings/{m}/run/items/{i}/decisions",
    "/meetings/{m}/run/items/{i}/action-items",
    "/meetings/{m}/attendance",
    "/meetings/{m}/attendance/guests",
    "/meetings/{m}/attestation/paper",
]


@pytest.fixture
def hub(make_table, make_meeting, make_agenda_item, make_user, make_org, make_person, seat):
    table = make_table("risk_review", name="Hub table")
    member = make_person("Morgan Member")
    seat(member, table, make_org())
    meeting = make_meeting(table, status="in_progress")
    item = make_agenda_item(meeting, title="Open situations")
    return {"meeting": meeting, "item": item, "member": make_user("member", person=member),
            "coordinator": make_user("coordinator")}


def fill(url: str, hub) -> str:
    return url.format(m=hub["meeting"].id, i=hub["item"].id)


def test_the_run_screen_lists_the_items_in_order(client, login, hub, make_agenda_item):
    meeting = hub["meeting"]
    make_agenda_item(meeting, title="New situations")
    hub["item"].position = 5
    db.session.commit()
    login(hub["coordinator"])
    page = client.get(f"/meetings/{meeting.id}/run").get_data(as_text=True)
    assert page.index("New situations") < page.index("Open situations")


def test_the_run_screen_has_one_h1_and_a_labelled_form_per_item(client, login, hub):
    login(hub["coordinator"])
    page = client.get(fill("/meetings/{m}/run", hub)).get_data(as_text=True)
    item_id = hub["item"].id
    assert page.count("<h1") == 1
    assert f'<label class="form-label" for="minutes-{item_id}-minutes">Minutes: Open situations' \
        in page
    assert f'for="decision-{item_id}-text"' in page
    assert f'for="action-{item_id}-owner_id"' in page


def test_the_run_screen_offers_no_forms_when_the_meeting_is_not_in_progress(client, login, hub):
    hub["meeting"].status = "scheduled"
    db.session.commit()
    login(hub["coordinator"])
    page = client.get(fill("/meetings/{m}/run", hub)).get_data(as_text=True)
    assert "<textarea" not in page
    assert "recorded while the meeting is in progress" in page


@pytest.mark.parametrize("route", VIEW_ROUTES)
def test_a_seated_member_views_the_running_pages(client, login, hub, route):
    login(hub["member"])
    assert client.get(fill(route, hub)).status_code == 200


@pytest.mark.parametrize("route", [r for r in MANAGER_ROUTES if "action-items" not in r])
def test_a_member_who_can_view_but_not_manage_gets_403(client, login, hub, route):
    login(hub["member"])
    assert client.post(fill(route, hub)).status_code == 403


def test_a_seated_member_may_post_an_action_item_form(client, login, hub):
    """Seated members add action items while the meeting runs: an empty form is sent back with
    its errors (400), not refused (403)."""
    login(hub["member"])
    response = client.post(fill("/meetings/{m}/run/items/{i}/action-items", hub))
    assert response.status_code == 400


@pytest.mark.parametrize("route", VIEW_ROUTES + MANAGER_ROUTES)
def test_a_member_not_seated_at_a_case_table_gets_404(client, login, hub, route, make_user,
                                                       make_person):
    login(make_user("member", person=make_person()))
    method = "POST" if route in MANAGER_ROUTES else "GET"
    assert client.open(fill(route, hub), method=method).status_code == 404


@pytest.mark.parametrize("route", VIEW_ROUTES)
def test_a_coordinator_views_the_running_pages(client, login, hub, route):
    login(hub["coordinator"])
    assert client.get(fill(route, hub)).status_code == 200


@pytest.mark.parametrize("route", [r for r in MANAGER_ROUTES if "{i}" in r])
def test_an_item_of_another_meeting_is_404(client, login, hub, route, make_meeting,
                                          make_agenda_item):
    other = make_agenda_item(make_meeting(hub["meeting"].table, status="in_progress"))
    login(hub["coordinator"])
    url = route.format(m=hub["meeting"].id, i=other.id)
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("route", VIEW_ROUTES)
def test_an_unknown_meeting_is_404(client, login, hub, route):
    login(hub["coordinator"])
    assert client.get(route.format(m=987654, i=1)).status_code == 404


def test_a_post_without_a_csrf_token_is_refused(client, login, hub):
    login(hub["coordinator"])
    client.add_csrf = False
    item = hub["item"]
    response = client.post(fill("/meetings/{m}/run/items/{i}/minutes", hub), data={
        f"minutes-{item.id}-minutes": "Forged", f"minutes-{item.id}-version_id": "1"})
    assert response.status_code == 400
    db.session.expire_all()
    assert hub["item"].minutes == ""


def _queries(client, url) -> int:
    statements = []
    db.session.expire_all()  # the test shares the session: start each request from a cold one

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_run_screen_query_count_does_not_grow_with_the_items(client, login, hub,
                                                                 make_agenda_item):
    login(hub["coordinator"])
    url = fill("/meetings/{m}/run", hub)
    few = _queries(client, url)
    for _ in range(6):
        make_agenda_item(hub["meeting"])
    assert _queries(client, url) == few


def _record(item, users, make_action_item, make_person, make_org, n: int) -> None:
    """``n`` minutes versions, decisions and action items on ``item``, each by another user."""
    from coalition.meetings.models import Decision, MinutesRevision

    for k in range(n):
        db.session.add(MinutesRevision(agenda_item=item, text=f"Version {k} of {item.title}",
                                       user=users[k % len(users)]))
        db.session.add(Decision(meeting_id=item.meeting_id, agenda_item=item,
                                text=f"Decision {k} on {item.title}",
                                created_by=users[k % len(users)]))
        make_action_item(item.meeting, make_person(f"Owner {k} of {item.title}"),
                         agenda_item=item, organization=make_org(), title=f"Action {k}")
    db.session.commit()


def test_every_item_in_full_lists_its_records_in_the_same_queries_however_many(
        client, login, hub, make_agenda_item, make_user, make_action_item, make_person,
        make_org):
    login(hub["coordinator"])
    url = fill("/meetings/{m}/run?all=1", hub)
    second = make_agenda_item(hub["meeting"], title="Second item")
    users = [make_user("coordinator", name=f"Recorder {k}") for k in range(4)]
    _record(hub["item"], users, make_action_item, make_person, make_org, 1)
    few = _queries(client, url)
    _record(second, users, make_action_item, make_person, make_org, 4)
    third = make_agenda_item(hub["meeting"], title="Third item")
    _record(third, users, make_action_item, make_person, make_org, 3)
    assert _queries(client, url) == few
    page = client.get(url).get_data(as_text=True)
    # each item lists its own decisions, in the order recorded, with who recorded them
    decisions = [page.index(f"Decision {k} on Second item") for k in range(4)]
    assert decisions == sorted(decisions)
    assert page.index("Decision 3 on Second item") < page.index("Decision 0 on Third item")
    assert "Decision 3 on Third item" not in page
    assert page.count("Recorder 3") == 2  # the fourth version and decision of the second item
    assert "Minutes history (4 saves)" in page and "Minutes history (3 saves)" in page
    assert "Owner 3 of Second item" in page


def test_the_times_of_minutes_and_decisions_are_shown_in_the_coalitions_zone(
        app, client, login, hub):
    from datetime import UTC, datetime

    from coalition.core.localtime import format_local
    from coalition.meetings.models import Decision, MinutesRevision

    login(hub["coordinator"])
    saved = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    decided = datetime(2026, 7, 4, 2, 5, tzinfo=UTC)
    db.session.add(MinutesRevision(agenda_item=hub["item"], text="Typed", created_at=saved))
    db.session.add(Decision(meeting_id=hub["meeting"].id, agenda_item=hub["item"],
                            text="Agreed", created_at=decided))
    db.session.commit()
    page = client.get(fill("/meetings/{m}/run", hub)).get_data(as_text=True)
    with app.test_request_context():
        assert f"<td>{format_local(saved)}</td><td>Unknown</td>" in page
        assert f"(Unknown, {format_local(decided)})" in page


def test_the_items_out_of_focus_count_their_decisions_and_action_items(
        client, login, hub, make_agenda_item, make_user, make_action_item, make_person,
        make_org):
    login(hub["coordinator"])
    second = make_agenda_item(hub["meeting"], title="Second item")
    _record(second, [make_user("coordinator")], make_action_item, make_person, make_org, 3)
    page = client.get(fill("/meetings/{m}/run?item={i}", hub)).get_data(as_text=True)
    assert "minutes: no · 3 decisions · 3 action items" in page
    assert "Decision 0 on Second item" not in page  # listed only when the item is in focus
