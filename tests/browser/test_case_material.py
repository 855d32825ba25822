"""In the browser: an action item typed during a case discussion stays with the case.

The review's finding was that the leader — not seated at the risk review table, never attested —
read such an item on the next meeting's agenda and in its PDFs. Here the leader opens that agenda,
its print page and its confidential agenda, and the action items list, and finds the item named by
its code at most; its owner, seated at the table, reads it in "My items".
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import LEADER, MEMBER

pytestmark = pytest.mark.browser

SECRET = "Drive Dale Okonkwo's mother to the detox intake"


@pytest.fixture(scope="module")
def case_item(live_server):
    """A case action item decided on a case item of the risk review table's closed meeting,
    owned by the demo member, and the next meeting's agenda refreshed so it lists it."""
    from sqlalchemy import select

    from coalition.actions import services as actions
    from coalition.core.localtime import local_today
    from coalition.core.models import User
    from coalition.extensions import db
    from coalition.meetings import services as meetings
    from coalition.meetings.action_source import from_meeting
    from coalition.meetings.models import AgendaItem, Meeting

    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email == MEMBER))
        upcoming = db.session.get(Meeting, live_server.ids["next_meeting"])
        past = db.session.scalar(select(Meeting).where(
            Meeting.table_id == upcoming.table_id, Meeting.status == "closed")
            .order_by(Meeting.starts_at.desc()).limit(1))
        case = AgendaItem(table_id=past.table_id, meeting_id=past.id, position=99,
                          title="RS-2026-0031 — update", item_type="case")
        db.session.add(case)
        db.session.flush()
        item = actions.create_action_item(None, table=upcoming.table,
                                          source=from_meeting(past, case), title=SECRET,
                                          owner_id=member.person_id,
                                          due_on=local_today() - timedelta(days=1))
        meetings.refresh_due_items(None, upcoming)
        db.session.commit()
        values = {"id": item.id, "code": item.code, "meeting": upcoming.id}
        db.session.remove()
    return values


def test_the_leader_finds_the_case_item_nowhere_but_by_code(page, live_server, sign_in,
                                                            case_item):
    sign_in(page, LEADER)
    meeting_url = live_server.path("meetings.meeting_detail", id=case_item["meeting"])
    page.goto(meeting_url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "Okonkwo" not in page.content() and case_item["code"] not in page.content()

    page.goto(meeting_url + "/print")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Print")
    for variant in ("public", "confidential"):
        response = page.request.get(f"{meeting_url}/agenda.pdf?variant={variant}")
        assert response.status == 200
        text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.body())).pages)
        assert "Okonkwo" not in text and case_item["code"] not in text, variant

    page.goto(live_server.path("actions.item_list") + "?status=all")
    row = page.get_by_role("row").filter(has_text=case_item["code"])
    expect(row).to_contain_text(f"Case action item {case_item['code']}")
    assert "Okonkwo" not in page.content()
    response = page.goto(live_server.path("actions.item_detail", id=case_item["id"]))
    assert response is not None and response.status == 404


def test_its_owner_reads_it_in_my_items(page, live_server, sign_in, case_item):
    sign_in(page, MEMBER)
    page.goto(live_server.path("actions.my_items"))
    page.get_by_role("link", name=SECRET).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SECRET)
    expect(page.get_by_text(f"Case action item {case_item['code']}")).to_be_visible()
