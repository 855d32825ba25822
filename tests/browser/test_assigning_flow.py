"""Done means: the demo member creates an item at the coalition table between meetings,
assigns it to another seated person and finds it under "Items I assigned"; that person finds it
under "My items" and hands it back with a note."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import LEADER, MEMBER, nav_link, sign_out
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser

TITLE = "Share the naloxone vending map with the schools"
COALITION = "Alder County Overdose Prevention Coalition"


def _person_id(live_server, name: str) -> int:
    from coalition.extensions import db
    from coalition.roster.models import Person

    with live_server.app.app_context():
        person_id = db.session.scalar(select(Person.id).where(Person.name == name))
        db.session.remove()
    return person_id


def _due_on(live_server) -> str:
    from coalition.core.localtime import local_today

    with live_server.app.app_context():
        return (local_today() + timedelta(days=14)).isoformat()


def test_a_member_assigns_an_item_and_it_is_handed_back(page, live_server, sign_in):
    marcus = _person_id(live_server, "Marcus Ortega")  # the leader, seated at the coalition
    priya = _person_id(live_server, "Priya Natarajan")  # the demo member

    sign_in(page, MEMBER)
    nav_link(page, "My items").click()
    page.get_by_role("link", name="New action item").click()
    page.get_by_label("Table", exact=True).select_option(label=COALITION)
    page.get_by_role("button", name="Choose table").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"New action item for {COALITION}")
    page.get_by_label("What must be done").fill(TITLE)
    page.get_by_label("Owner", exact=True).select_option(str(marcus))
    page.get_by_label("Due on").fill(_due_on(live_server))
    page.get_by_role("button", name="Create action item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("created for Marcus Ortega")).to_be_visible()

    nav_link(page, "My items").click()
    page.get_by_role("link", name="Items I assigned").click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Marcus Ortega")
    expect(row).to_contain_text("Open")
    sign_out(page)

    sign_in(page, LEADER)
    expect(page.get_by_role("link", name=re.compile(r"Notifications 1 unread"))).to_be_visible()
    nav_link(page, "My items").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("New owner", exact=True).select_option(str(priya))
    page.get_by_label("Message for the new owner").fill("I am away in January: back to you.")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text("handed over to Priya Natarajan")).to_be_visible()
    expect(page.get_by_text("Reassigned from Marcus Ortega to Priya Natarajan")).to_be_visible()
    sign_out(page)

    sign_in(page, MEMBER)
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(page.get_by_role("link", name=re.compile("Marcus Ortega handed"))).to_be_visible()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("1 notification marked read.")).to_be_visible()
    nav_link(page, "My items").click()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_be_visible()


@pytest.mark.parametrize("endpoint", ["actions.item_new", "actions.my_assigned",
                                      "notifications.notification_list"])
def test_the_assigning_screens_have_no_axe_violations(csp_bypassing_page, live_server,
                                                      sign_in, endpoint):
    page = csp_bypassing_page
    sign_in(page, MEMBER)
    response = page.goto(live_server.path(endpoint))
    assert response is not None and response.status == 200
    assert_no_violations(page)
