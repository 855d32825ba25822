"""What a member sees of the coordinators' screens: a "Not allowed" page, and no link to them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MEMBER, nav_link

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("endpoint", [
    "accounts.user_list",
    "audit.event_list",
    "roster.organization_new",
])
def test_member_cannot_reach_coordinator_screens(page, live_server, sign_in, endpoint):
    sign_in(page, MEMBER)

    response = page.goto(live_server.path(endpoint))

    assert response is not None and response.status == 403, endpoint
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")


def test_member_navigation_has_no_accounts_or_audit_link(page, sign_in):
    sign_in(page, MEMBER)

    nav = page.get_by_role("navigation", name="Main")
    expect(nav_link(page, "Organizations")).to_be_visible()
    expect(nav.get_by_role("link", name="Accounts")).to_have_count(0)
    expect(nav.get_by_role("link", name="Audit log")).to_have_count(0)
