"""The notifications page pages through all of a person's notifications, newest first, and
offers "Mark all read" while any is unread (also one beyond the first page)."""

from __future__ import annotations

from coalition.core.notifications import Notification
from coalition.extensions import db


def _notices(person, count: int, *, read: bool = False):
    from coalition.core.db import utcnow

    for number in range(1, count + 1):
        db.session.add(Notification(recipient_id=person.id, kind="assigned",
                                    text=f"Notice number {number:02d}",
                                    read_at=utcnow() if read else None))
    db.session.commit()


def test_every_notification_can_be_reached_page_by_page(client, login, make_person, make_user):
    person = make_person("Petra Paged")
    _notices(person, 30)
    login(make_user("member", person=person))
    first = client.get("/notifications").get_data(as_text=True)
    assert "Notice number 30" in first and "Notice number 06" in first
    assert "Notice number 05" not in first
    assert first.index("Notice number 30") < first.index("Notice number 29")
    assert "30 in all, page 1 of 2" in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert all(f"Notice number {n:02d}" in second for n in range(1, 6))
    assert "Notice number 06" not in second


def test_mark_all_read_is_offered_for_an_unread_notice_on_a_later_page(
        client, login, make_person, make_user):
    person = make_person("Uma Unread")
    _notices(person, 1)  # the oldest: it lands on page 2
    _notices(person, 25, read=True)
    login(make_user("member", person=person))
    first = client.get("/notifications").get_data(as_text=True)
    assert "Mark all read" in first
    client.post("/notifications/read")
    assert "Mark all read" not in client.get("/notifications").get_data(as_text=True)


def test_an_account_without_a_person_is_told_why_the_list_is_empty(client, login, make_user):
    login(make_user("member"))
    assert "not linked to a person" in client.get("/notifications").get_data(as_text=True)
