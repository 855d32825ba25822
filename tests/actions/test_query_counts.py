"""The action item lists and the export issue the same number of queries however many items."""

from __future__ import annotations

from datetime import timedelta

from coalition.core.localtime import local_today
from tests.conftest import counting_queries

PAGES = [("GET", "/"), ("GET", "/actions"), ("GET", "/actions/mine"),
         ("GET", "/actions/mine?status=all"), ("GET", "/actions?status=all"),
         ("POST", "/actions/export.csv")]


def _grow(setting, make_action_item, make_meeting, make_org, size: int):
    today = local_today()
    for n in range(size):
        meeting = make_meeting(setting.table, title=f"Meeting {n}")
        owner = setting.owner if n % 2 else setting.colleague
        make_action_item(meeting, owner, organization=make_org(), due_on=today + timedelta(n - 5),
                         status="open" if n % 3 else "done")


def _counts(client) -> dict:
    counts = {}
    for method, url in PAGES:
        with counting_queries() as statements:
            response = client.open(url, method=method)
        assert response.status_code == 200, url
        counts[url] = len(statements)
    return counts


def test_action_pages_do_not_grow_with_data(app, client, login, setting, make_action_item,
                                           make_meeting, make_org):
    app.config["PAGE_SIZE"] = 20
    login(setting.owner_user)
    _grow(setting, make_action_item, make_meeting, make_org, 3)
    small = _counts(client)
    _grow(setting, make_action_item, make_meeting, make_org, 30)
    large = _counts(client)
    assert large == small
    assert max(large.values()) <= 15, large


ASSIGNING_PAGES = ["/actions/assigned", "/actions/assigned?status=open", "/notifications",
                   "/actions/new"]


def _grow_assigned(setting, make_action_item, make_meeting, make_org, size: int):
    from coalition.core.notifications import Notification
    from coalition.extensions import db

    for n in range(size):
        meeting = make_meeting(setting.table, title=f"Assigned meeting {n}")
        make_action_item(meeting, setting.colleague, organization=make_org(),
                         assigned_by_id=setting.owner.id, status="open" if n % 3 else "done")
        db.session.add(Notification(recipient_id=setting.owner.id, kind="done",
                                    text=f"Item {n} is done.", link="/actions/mine"))
    db.session.commit()


def test_assigning_pages_do_not_grow_with_data(app, client, login, setting, make_action_item,
                                              make_meeting, make_org):
    app.config["PAGE_SIZE"] = 20
    login(setting.owner_user)

    def counts() -> dict:
        seen = {}
        for url in ASSIGNING_PAGES:
            with counting_queries() as statements:
                response = client.get(url)
            assert response.status_code == 200, url
            seen[url] = len(statements)
        return seen

    _grow_assigned(setting, make_action_item, make_meeting, make_org, 3)
    small = counts()
    _grow_assigned(setting, make_action_item, make_meeting, make_org, 30)
    large = counts()
    assert large == small
    assert max(large.values()) <= 12, large
