"""Every screen of the demo passes axe-core's WCAG 2.2 AA rules with zero violations.

axe-core comes from the axe-playwright-python package (its bundled ``axe.min.js``). It is injected
as a script, which the application's Content-Security-Policy rightly forbids, so these pages run in
a browser context that bypasses the CSP; every other browser test keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROLE_EMAILS

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
AXE_OPTIONS = {"runOnly": {"type": "tag",
                           "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


@dataclass(frozen=True)
class Screen:
    role: str | None  # who is signed in (None: nobody)
    endpoint: str | None = None  # None with ``path``: a literal path
    record: str | None = None  # which demo id fills the URL (a key of live_server.ids)
    path: str | None = None
    status: int = 200


SCREENS = {
    "login-anonymous": Screen(None, "auth.login"),
    "dashboard-coordinator": Screen("coordinator", "main.dashboard"),
    "dashboard-leader": Screen("leader", "main.dashboard"),
    "dashboard-member": Screen("member", "main.dashboard"),
    "organization-list": Screen("coordinator", "roster.organization_list"),
    "organization-detail": Screen("coordinator", "roster.organization_detail", "organization"),
    "organization-new": Screen("coordinator", "roster.organization_new"),
    "organization-edit": Screen("coordinator", "roster.organization_edit", "organization"),
    "agreement-new": Screen("coordinator", "roster.agreement_new", "organization"),
    "person-list": Screen("coordinator", "roster.person_list"),
    "person-detail": Screen("coordinator", "roster.person_detail", "person"),
    "person-new": Screen("coordinator", "roster.person_new"),
    "table-list": Screen("coordinator", "roster.table_list"),
    "table-detail-risk-review": Screen("coordinator", "roster.table_detail", "risk_review_table"),
    "table-detail-member": Screen("member", "roster.table_detail", "risk_review_table"),
    "table-new": Screen("coordinator", "roster.table_new"),
    "coverage": Screen("coordinator", "roster.coverage"),
    "user-list": Screen("coordinator", "accounts.user_list"),
    "user-new": Screen("coordinator", "accounts.user_new"),
    "user-detail": Screen("coordinator", "accounts.user_detail", "member_user"),
    "audit-log": Screen("coordinator", "audit.event_list"),
    "change-password": Screen("coordinator", "auth.change_password"),
    "meeting-list": Screen("coordinator", "meetings.meeting_list"),
    "meeting-new": Screen("coordinator", "meetings.meeting_new", "risk_review_table"),
    "meeting-agenda": Screen("coordinator", "meetings.meeting_detail", "next_meeting"),
    "meeting-agenda-member": Screen("member", "meetings.meeting_detail", "next_meeting"),
    "meeting-closed": Screen("coordinator", "meetings.meeting_detail", "past_meeting"),
    "meeting-edit": Screen("coordinator", "meetings.meeting_edit", "next_meeting"),
    "meeting-run": Screen("coordinator", "meetings.run_meeting", "past_meeting"),
    # the run screen in each state; in progress (with and without case items) is checked below
    "meeting-run-scheduled": Screen("coordinator", "meetings.run_meeting", "next_meeting"),
    "meeting-run-scheduled-not-attested": Screen("member", "meetings.run_meeting",
                                                 "next_meeting"),
    "meeting-run-closed-case-items": Screen("coordinator", "meetings.run_meeting",
                                            "ofr_past_meeting"),
    "meeting-attendance": Screen("coordinator", "meetings.attendance", "next_meeting"),
    "meeting-attestation": Screen("member", "meetings.attest", "next_meeting"),
    "meeting-print": Screen("coordinator", "meetings.print_options", "past_meeting"),
    "meeting-print-packet": Screen("coordinator", "meetings.print_options", "ofr_past_meeting"),
    "reports": Screen("leader", "main.reports"),
    "agenda-template": Screen("coordinator", "meetings.template_edit", "risk_review_table"),
    "table-calendar": Screen("member", "meetings.table_calendar", "risk_review_table"),
    "risk-board": Screen("member", "risk.board", "risk_review_table"),
    "situation-detail": Screen("member", "risk.situation_detail", "situation"),
    "situation-new": Screen("member", "risk.situation_new", "risk_review_table"),
    "situation-decide": Screen("coordinator", "risk.situation_decide", "new_situation"),
    "attempt-new": Screen("member", "risk.attempt_new", "situation"),
    "referral-list": Screen("coordinator", "risk.referral_list", "risk_review_table"),
    "incident-import": Screen("coordinator", "risk.incident_import", "risk_review_table"),
    "engagement-report": Screen("member", "risk.engagement_report", "risk_review_table"),
    "ofr-case-list": Screen("coordinator", "ofr.case_list", "ofr_table"),
    "ofr-case-new": Screen("coordinator", "ofr.case_new", "ofr_table"),
    "ofr-case-detail": Screen("coordinator", "ofr.case_detail", "requested_case"),
    "ofr-case-edit": Screen("coordinator", "ofr.case_edit", "reviewed_case"),
    "ofr-case-identity": Screen("coordinator", "ofr.case_identity", "reviewed_case"),
    "ofr-timeline": Screen("coordinator", "ofr.timeline", "reviewed_case"),
    "ofr-quality": Screen("coordinator", "ofr.quality", "ofr_table"),
    "ofr-settings": Screen("coordinator", "ofr.settings", "ofr_table"),
    "ofr-deaths-import": Screen("coordinator", "ofr.import_upload", "ofr_table"),
    "ofr-not-seated": Screen("leader", "ofr.case_list", "ofr_table", status=404),
    "gap-list": Screen("member", "gaps.gap_list"),
    "gap-detail": Screen("coordinator", "gaps.gap_detail", "gap"),
    "gap-new": Screen("coordinator", "gaps.gap_new"),
    "gap-edit": Screen("coordinator", "gaps.gap_edit", "gap"),
    "gap-matrix": Screen("leader", "gaps.matrix"),
    "recommendations-committee": Screen("leader", "gaps.recommendation_list"),
    "recommendation-detail": Screen("coordinator", "gaps.recommendation_detail",
                                    "recommendation"),
    "recommendation-new": Screen("coordinator", "gaps.recommendation_new"),
    "recommendation-edit": Screen("coordinator", "gaps.recommendation_edit", "recommendation"),
    "not-found": Screen("coordinator", path="/no-such-page", status=404),
    "forbidden": Screen("member", "accounts.user_list", status=403),
}


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}"
                     f" — {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            lines.append(f"      {node.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


def assert_no_violations(page) -> None:
    violations = run_axe(page)
    assert violations == [], f"axe violations on {page.url}:\n{describe(violations)}"


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen_has_no_axe_violations(csp_bypassing_page, live_server, sign_in, name):
    screen = SCREENS[name]
    page = csp_bypassing_page
    if screen.role:
        sign_in(page, ROLE_EMAILS[screen.role])
    if screen.path:
        url = screen.path
    elif screen.record:
        url = live_server.path(screen.endpoint, id=live_server.ids[screen.record])
    else:
        url = live_server.path(screen.endpoint)

    response = page.goto(url)

    assert response is not None and response.status == screen.status, url
    assert_no_violations(page)


def test_form_shown_again_with_errors_has_no_axe_violations(csp_bypassing_page, live_server,
                                                            sign_in):
    page = csp_bypassing_page
    sign_in(page, ROLE_EMAILS["coordinator"])
    page.goto(live_server.path("roster.organization_new"))
    page.get_by_label("Name", exact=True).fill("x" * 300)

    with page.expect_navigation():
        page.get_by_role("button", name="Add organization").click()

    assert page.locator(".invalid-feedback").count() > 0
    assert_no_violations(page)


def test_login_with_a_wrong_password_has_no_axe_violations(csp_bypassing_page):
    page = csp_bypassing_page
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(ROLE_EMAILS["member"])
    page.get_by_label("Password", exact=True).fill("not the password")

    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("alert").count() == 1
    assert_no_violations(page)


def test_timeline_entry_with_errors_and_a_correction_have_no_axe_violations(
        csp_bypassing_page, live_server, sign_in):
    page = csp_bypassing_page
    sign_in(page, ROLE_EMAILS["coordinator"])
    page.goto(live_server.path("ofr.timeline", id=live_server.ids["reviewed_case"]) + "?entry=1")
    form = page.locator("#add-touchpoint form")
    form.get_by_label("A missed opportunity").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Add touchpoint").click()
    assert page.locator(".invalid-feedback").count() >= 2  # the date and the kind
    assert_no_violations(page)
    page.get_by_role("link", name=re.compile("^Edit")).first.click()
    expect(page.get_by_role("button", name=re.compile("Save"))).to_be_visible()
    assert_no_violations(page)


def _scheduled_meeting(live_server, kind: str) -> int:
    """A scheduled meeting of a table of ``kind`` that no other check here visits."""
    from sqlalchemy import select

    from coalition.extensions import db
    from coalition.meetings.models import Meeting
    from coalition.roster.models import CoalitionTable

    with live_server.app.app_context():
        found = db.session.scalar(
            select(Meeting.id).join(CoalitionTable).where(
                Meeting.status == "scheduled", CoalitionTable.kind == kind,
                Meeting.id != live_server.ids["next_meeting"]).order_by(Meeting.starts_at))
        db.session.remove()
    assert found is not None, f"the demo has no other scheduled {kind} meeting"
    return found


@pytest.mark.parametrize("kind", ["coalition", "ofr"])
def test_the_run_screen_in_progress_has_no_axe_violations(csp_bypassing_page, live_server,
                                                          sign_in, kind):
    """In progress — without case items (coalition) and with them once attested (OFR) — then
    with a refused form, then with an edit conflict."""
    page = csp_bypassing_page
    page.emulate_media(reduced_motion="reduce")  # no button colour caught mid-transition
    sign_in(page, ROLE_EMAILS["coordinator"])
    meeting_id = _scheduled_meeting(live_server, kind)
    detail = live_server.path("meetings.meeting_detail", id=meeting_id)
    if kind == "ofr":
        page.goto(live_server.path("meetings.attest", id=meeting_id))
        page.get_by_role("button", name="I agree").click()
    page.goto(detail)
    page.get_by_role("button", name="Start the meeting").click()
    run = live_server.path("meetings.run_meeting", id=meeting_id)
    page.goto(run)
    assert page.locator("textarea").count() > 0
    assert_no_violations(page)  # meeting mode: one item in focus, its timer, the meeting clock
    page.goto(run + "?all=1")
    assert page.locator("section.card").count() > 1
    assert_no_violations(page)  # every item in full
    page.goto(run)

    card = page.locator("section.card").first
    card.get_by_role("button", name=re.compile("^Record decision")).click()  # nothing typed
    expect(page.get_by_text("Enter the decision.")).to_be_visible()
    expect(page.locator("fieldset[disabled]")).to_have_count(0)  # the request is over
    page.mouse.move(0, 0)  # the card swapped in under the pointer: check it as it rests
    assert_no_violations(page)

    other = page.context.new_page()  # the same item saved from a second window first
    other.goto(run)
    page.goto(run)
    other.locator("section.card").first.get_by_label(re.compile("^Minutes: ")).fill("Theirs.")
    other.locator("section.card").first.get_by_role(
        "button", name=re.compile("^Save minutes")).click()
    expect(other.locator("section.card").first).to_contain_text("saved")
    other.close()
    card = page.locator("section.card").first
    card.get_by_label(re.compile("^Minutes: ")).fill("Mine.")
    card.get_by_role("button", name=re.compile("^Save minutes")).click()
    expect(page.locator("pre.conflict-theirs")).to_have_text("Theirs.")
    expect(page.locator("fieldset[disabled]")).to_have_count(0)
    page.mouse.move(0, 0)
    assert_no_violations(page)


def test_every_open_menu_of_the_header_has_no_axe_violations(csp_bypassing_page, sign_in):
    page = csp_bypassing_page
    sign_in(page, ROLE_EMAILS["coordinator"])
    menus = page.locator("header details.nav-menu")
    assert menus.count() >= 4  # Action items, Roster, Admin and the account menu
    for index in range(menus.count()):
        menu = menus.nth(index)
        menu.locator("summary").click()
        assert menu.evaluate("menu => menu.open")
        assert_no_violations(page)
