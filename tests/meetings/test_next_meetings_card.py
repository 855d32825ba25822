"""The dashboard's "Next meetings" card: each of the user's tables with its next meeting."""

from __future__ import annotations

from datetime import timedelta

from coalition.core.db import utcnow
from tests.conftest import counting_queries


def _card(html: str) -> str:
    start = html.index('id="next-meetings-heading"')
    return html[start:html.index("</section>", start)]


def test_a_member_sees_the_next_meeting_of_each_table_they_sit_at(
        client, login, seated_user, hub, make_table, make_meeting):
    user = seated_user(hub)
    other = make_table(name="Unrelated table")
    soon = utcnow().replace(microsecond=0) + timedelta(days=3)
    make_meeting(hub, starts_at=soon + timedelta(days=7), title="Later review")
    nearest = make_meeting(hub, starts_at=soon, title="Next review", location="Room 4")
    make_meeting(hub, starts_at=soon - timedelta(days=14), title="Past review")
    make_meeting(other, starts_at=soon)
    card = _card(login(user).get("/").get_data(as_text=True))
    assert "Harbor Hub" in card and "Unrelated table" not in card
    assert card.count("/meetings/") == 1
    assert f'href="/meetings/{nearest.id}"' in card and "Room 4" in card


def test_a_closed_meeting_is_not_next(client, login, seated_user, hub, make_meeting):
    user = seated_user(hub)
    make_meeting(hub, starts_at=utcnow() + timedelta(hours=2), status="closed")
    card = _card(login(user).get("/").get_data(as_text=True))
    assert "none scheduled" in card
    assert "Schedule the next meeting" not in card  # a member may not schedule


def test_a_manager_is_offered_to_schedule_a_table_with_no_meeting(client, login, seated_user,
                                                                  hub):
    card = _card(login(seated_user(hub, role="manager")).get("/").get_data(as_text=True))
    assert "none scheduled" in card
    assert f'href="/tables/{hub.id}/meetings/new"' in card


def test_a_coordinator_sees_every_active_table(as_coordinator, make_table, hub):
    make_table(name="Retired table", is_active=False)
    card = _card(as_coordinator.get("/").get_data(as_text=True))
    assert "Harbor Hub" in card and "Retired table" not in card
    assert f'href="/tables/{hub.id}/meetings/new"' in card


def test_the_card_takes_one_query_however_many_tables(client, login, make_user, make_table,
                                                      make_meeting, app):
    from coalition.meetings.cards import next_meetings

    coordinator = make_user("coordinator")
    for _ in range(2):
        make_meeting(make_table())
    assert coordinator.is_coordinator  # the account loaded, as it is for a signed-in request
    with app.test_request_context(), counting_queries() as few:
        assert len(next_meetings(coordinator)) == 2
    for _ in range(5):
        make_meeting(make_table())
    assert coordinator.is_coordinator
    with app.test_request_context(), counting_queries() as many:
        assert len(next_meetings(coordinator)) == 7
    assert len(few) == len(many) == 1
