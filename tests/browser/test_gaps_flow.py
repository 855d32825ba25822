"""Gaps and recommendations end to end in the demo, after last month's case review: two missed
opportunities are linked — one to the existing gap the timeline suggests, one to a new gap —, a
community-level recommendation is drafted with a lead agency and two action items, the
governing committee (a leader) endorses it, and the matrix and the committee's view show them.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COORDINATOR, LEADER, sign_out

pytestmark = pytest.mark.browser

SUGGESTED_FOR = "Missed appointments; case closed after two letters."
NEW_GAP_FOR = "EMS call for a fall; alcohol and sedation noted."
NEW_GAP = "Agencies do not learn of a treatment discharge"
RECOMMENDATION = ("Notify the person's EMS and peer recovery contacts when an opioid treatment "
                  "program discharges someone, with their consent.")


def _reviewed_cases(live_server) -> tuple[list[int], str]:
    from sqlalchemy import select

    from coalition.core.localtime import local_today
    from coalition.extensions import db
    from coalition.gaps.models import Gap
    from coalition.ofr.models import FatalityCase

    with live_server.app.app_context():
        ids = list(db.session.scalars(select(FatalityCase.id).where(
            FatalityCase.status == "reviewed").order_by(FatalityCase.id)))
        existing = db.session.scalar(select(Gap.code).where(
            Gap.title == "No naloxone or treatment bridge at jail release"))
        due = (local_today() + timedelta(days=21)).isoformat()
        db.session.remove()
    return ids, existing, due


def _row(page, text: str):
    return page.locator("tbody tr").filter(has_text=text)


def test_missed_opportunities_become_gaps_and_an_endorsed_recommendation(page, live_server,
                                                                         sign_in, screenshot):
    (first, second, third), existing, due = _reviewed_cases(live_server)
    sign_in(page, COORDINATOR)

    # the suggestion offers the existing gap: one click links it
    page.goto(f"/cases/{second}/timeline")
    row = _row(page, SUGGESTED_FOR)
    expect(row).to_contain_text(f"Link to {existing}")
    expect(row).to_contain_text("same gap type")
    row.get_by_role("button", name=re.compile(f"^Link to {existing}")).click()
    expect(page.get_by_role("status")).to_contain_text(f"linked to gap {existing}")
    expect(_row(page, SUGGESTED_FOR)).to_contain_text(f"Gap: {existing}")

    # a missed opportunity no gap fits: a new gap, tagged like it
    page.goto(f"/cases/{third}/timeline")
    row = _row(page, NEW_GAP_FOR)
    if not row.locator("details.gap-link").evaluate("details => details.open"):
        row.locator("summary", has_text="Link to a gap").click()
    row.get_by_label(re.compile("^New gap for the missed opportunity")).fill(NEW_GAP)
    row.get_by_role("button", name=re.compile("^New gap")).click()
    expect(page.get_by_role("status")).to_contain_text("linked to gap GAP-")
    screenshot(page, "gaps-timeline")
    _row(page, NEW_GAP_FOR).get_by_role("link", name=re.compile(NEW_GAP)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gap GAP-")
    expect(page.get_by_text("1 case, 1 missed opportunity")).to_be_visible()

    # a community-level recommendation from the gap, with a lead agency and two action items
    page.get_by_role("link", name="Draft a recommendation for it").click()
    page.get_by_label("Table", exact=True).select_option(
        label="Alder County Overdose Prevention Coalition")
    page.get_by_label("Recommendation", exact=True).fill(RECOMMENDATION)
    page.get_by_label("Scope").select_option(label="Community-level")
    page.get_by_label("Target level").select_option(label="System")
    page.get_by_label("Strategy").select_option(label="Data sharing")
    page.get_by_label("Lead agency").select_option(label="Northside Opioid Treatment Program")
    page.get_by_label("Success measure").fill("Discharges notified to a named contact")
    page.get_by_label("Target", exact=True).fill("90 % within six months")
    page.get_by_role("button", name="Save the recommendation").click()
    expect(page.get_by_role("status")).to_contain_text("was drafted")
    code = re.search(r"REC-\d{4}-\d{4}", page.get_by_role("heading", level=1).inner_text())[0]
    recommendation_url = page.url
    for title, owner in (("Draft the consent form for discharge notices", "Andre Wallace"),
                         ("Agree the notice format with EMS", "Chief Laura Benning")):
        page.get_by_label("Action item", exact=True).fill(title)
        owners = page.get_by_label("Owner")
        label = next(o for o in owners.locator("option").all_text_contents() if owner in o)
        owners.select_option(label=label)
        page.get_by_label("Due on").fill(due)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("added to the work plan")
    expect(page.get_by_role("heading", name=re.compile("Work plan — 0 of 2 done"))).to_be_visible()

    # the governing committee endorses it from its view
    sign_out(page)
    sign_in(page, LEADER)
    page.get_by_role("link", name="Gaps and recommendations").click()
    row = _row(page, code)
    row.get_by_label(f"Decision on {code}").select_option(label="Endorsed")
    row.get_by_label(f"Note on {code}").fill("Report at every coalition meeting.")
    row.get_by_role("button", name=re.compile("^Record")).click()
    expect(page.get_by_role("status")).to_contain_text(f"{code}: endorsed")
    expect(_row(page, code)).to_contain_text("Endorsed")
    expect(_row(page, code)).to_contain_text("0/2")
    screenshot(page, "gaps-committee")

    # the matrix counts the missed opportunities; the leader sees no case there
    page.get_by_role("link", name="Stage × sector matrix").click()
    expect(page.locator("svg")).to_be_visible()
    table = page.locator("table").first
    expect(table).to_contain_text("Mental health")
    screenshot(page, "gaps-matrix")
    assert "OFR-" not in page.content()
    page.goto(recommendation_url)
    expect(page.get_by_text("Endorsed on")).to_be_visible()
    assert "OFR-" not in page.content()
