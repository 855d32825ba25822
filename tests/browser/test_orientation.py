"""Orientation and defaults: the navigation on one line at 1280 px with keyboard menus, the
dashboard's next meetings, and a weekly table's next meeting proposed a week after its latest."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COORDINATOR, MEMBER

pytestmark = pytest.mark.browser


def _nav(page):
    return page.get_by_role("navigation", name="Main")


def test_the_coordinator_navigation_fits_one_line_at_1280_px(page, sign_in, screenshot):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, COORDINATOR)
    tops = page.locator("nav[aria-label=Main] .navbar-nav > li").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))")
    assert len(tops) == 9 and len(set(tops)) == 1, tops
    dashboard = _nav(page).get_by_role("link", name="Dashboard").bounding_box()
    for other in (page.get_by_role("link", name="Notifications"),
                  page.locator("details.account-menu > summary")):
        box = other.bounding_box()
        assert abs(box["y"] + box["height"] / 2 - (dashboard["y"] + dashboard["height"] / 2)) < 12
    screenshot(page, "nav-1280-coordinator")


def test_the_account_menu_holds_the_password_and_signing_out(page, sign_in):
    sign_in(page, COORDINATOR)
    password = page.get_by_role("link", name="Change password")
    expect(password).to_be_hidden()
    page.locator("details.account-menu > summary").focus()
    page.keyboard.press("Enter")
    expect(password).to_be_visible()
    page.keyboard.press("Escape")
    expect(password).to_be_hidden()
    page.keyboard.press("Enter")
    password.click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()


def test_a_menu_opens_and_closes_by_keyboard(page, sign_in):
    sign_in(page, COORDINATOR)
    tables = _nav(page).get_by_role("link", name="Tables")
    expect(tables).to_be_hidden()
    page.locator("summary", has_text="Roster").focus()
    page.keyboard.press("Enter")
    expect(tables).to_be_visible()
    page.keyboard.press("Escape")
    expect(tables).to_be_hidden()
    expect(page.locator("summary", has_text="Roster")).to_be_focused()
    page.keyboard.press("Enter")
    tables.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tables")
    expect(page.locator("summary", has_text="Roster")).to_have_class(re.compile(r"\bactive\b"))


def test_a_member_has_no_admin_menu(page, sign_in):
    sign_in(page, MEMBER)
    expect(page.locator("summary", has_text="Admin")).to_have_count(0)
    expect(page.locator("summary", has_text="Roster")).to_be_visible()


def test_the_dashboard_links_each_table_to_its_next_agenda(page, live_server, sign_in):
    sign_in(page, COORDINATOR)
    card = page.get_by_role("region", name="Next meetings")
    expect(card).to_contain_text("Alder Situation Table")
    card.get_by_role("listitem").filter(has_text="Alder Situation Table").get_by_role(
        "link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Situation Table weekly review")
    assert page.url.endswith(live_server.path("meetings.meeting_detail",
                                              id=live_server.ids["next_meeting"]))


def _latest_hub_day(live_server):
    from sqlalchemy import select

    from coalition.core.localtime import to_local
    from coalition.extensions import db
    from coalition.meetings.models import Meeting
    from coalition.roster.models import CoalitionTable

    with live_server.app.app_context():
        starts_at = db.session.scalar(
            select(Meeting.starts_at).join(CoalitionTable)
            .where(CoalitionTable.kind == "risk_review")
            .order_by(Meeting.starts_at.desc()).limit(1))
        day = to_local(starts_at).date()
        db.session.remove()
    return day


def test_a_weekly_table_is_proposed_its_next_meeting_a_week_after_its_latest(
        page, live_server, sign_in):
    sign_in(page, COORDINATOR)
    _nav(page).get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Schedule next meeting of Alder Situation Table").click()
    expected = _latest_hub_day(live_server) + timedelta(days=7)
    expect(page.get_by_label("Date")).to_have_value(expected.isoformat())
    expect(page.get_by_text("every 7 days after its latest meeting")).to_be_visible()
