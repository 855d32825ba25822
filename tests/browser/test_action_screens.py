"""The action item screens pass axe-core's WCAG 2.2 AA rules (demo coalition plus two items)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.conftest import ROLE_EMAILS
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def item_id(live_server):
    """An overdue item owned by the demo member, decided at a coalition table meeting."""
    from coalition.actions import services as actions
    from coalition.core.db import utcnow
    from coalition.core.localtime import local_today
    from coalition.core.models import User
    from coalition.extensions import db
    from coalition.meetings.action_source import from_meeting
    from coalition.meetings.models import Meeting
    from coalition.roster.models import CoalitionTable

    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["member"]))
        table = db.session.get(CoalitionTable, live_server.ids["coalition_table"])
        start = utcnow() - timedelta(days=14)
        meeting = Meeting(table=table, title="Coalition meeting", starts_at=start,
                          ends_at=start + timedelta(hours=1), status="closed")
        db.session.add(meeting)
        db.session.flush()
        item = actions.create_action_item(None, table=table, source=from_meeting(meeting),
                                          title="Share the naloxone map",
                                          owner_id=member.person_id,
                                          due_on=local_today() - timedelta(days=2))
        actions.update_action_item(None, item, status="blocked", note="Waiting for the county.",
                                   version_id=item.version_id)
        db.session.commit()
        item_id = item.id
        db.session.remove()
    return item_id


@pytest.mark.parametrize(("role", "endpoint"), [
    ("member", "actions.my_items"), ("coordinator", "actions.item_list"),
    ("member", "actions.item_detail"), ("coordinator", "actions.item_detail"),
    ("coordinator", "main.dashboard")])
def test_action_screen_has_no_axe_violations(csp_bypassing_page, live_server, sign_in,
                                             item_id, role, endpoint):
    page = csp_bypassing_page
    sign_in(page, ROLE_EMAILS[role])
    values = {"id": item_id} if endpoint == "actions.item_detail" else {}
    response = page.goto(live_server.path(endpoint, **values))
    assert response is not None and response.status == 200
    assert_no_violations(page)
