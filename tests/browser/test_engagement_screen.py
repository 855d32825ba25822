"""The engagement screen of the demo's Situation Table, as a member finds it: the comparison of
teams with and without police (rates with intervals, the difference), the trend by quarter as a
chart with its table, and no axe-core violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MEMBER
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser


def _open_engagement(page, live_server, sign_in):
    sign_in(page, MEMBER)
    page.goto(f"{live_server.url}/tables/{live_server.ids['risk_review_table']}/risk-report")


def test_a_member_reads_the_police_comparison_with_its_intervals(page, live_server, sign_in):
    _open_engagement(page, live_server, sign_in)
    section = page.get_by_role("region", name="Teams with and without police")
    police = section.get_by_role("row", name=re.compile("^Police on the team"))
    expect(police).to_contain_text(re.compile(r"\d+\.\d % to \d+\.\d %"))
    expect(section.get_by_role("row", name=re.compile("^No police on the team"))).to_contain_text(
        re.compile(r"\d+\.\d % to \d+\.\d %"))
    expect(section.get_by_role("row", name=re.compile("^Difference"))).to_contain_text(
        re.compile(r"to [+−]?\d+\.\d points"))
    expect(section.get_by_role("img", name=re.compile("by quarter"))).to_be_visible()


def test_the_engagement_screen_has_no_axe_violations(csp_bypassing_page, live_server, sign_in):
    _open_engagement(csp_bypassing_page, live_server, sign_in)
    expect(csp_bypassing_page.get_by_role("heading", name="Teams with and without police")
           ).to_be_visible()
    assert_no_violations(csp_bypassing_page)
