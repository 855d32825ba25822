"""The risk review workflow end to end in the demo: import incidents, present a situation from a
referral, accept it with agencies, record and reveal identity, outreach and a conclusion."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COORDINATOR, MEMBER, sign_out

pytestmark = pytest.mark.browser

SAMPLE = "static/samples/overdose_incidents_sample.csv"
FICTIONAL_NAME = "Jordan Reyes-Whitman"


def _dashboard_presented(page) -> int:
    page.get_by_role("link", name="Dashboard").click()
    text = page.get_by_text(re.compile(r"\d+ presented")).first.inner_text()
    return int(re.search(r"(\d+) presented", text).group(1))


def test_a_referral_becomes_a_situation_that_only_assigned_agencies_can_identify(
        page, live_server, sign_in):
    project = __file__.rsplit("/tests/", 1)[0]
    sign_in(page, COORDINATOR)
    presented_before = _dashboard_presented(page)

    page.get_by_role("link", name="Risk review").click()
    page.get_by_role("link", name="Import incident reports (CSV)").click()
    page.locator("input[type=file]").set_input_files(f"{project}/{SAMPLE}")
    page.get_by_role("button", name=re.compile("Check")).click()
    page.get_by_role("button", name="Import 12 referrals").click()
    expect(page.get_by_role("status")).to_contain_text("12 referrals imported")

    page.get_by_role("link", name=re.compile("Make a situation from .* EMS-26-11902")).click()
    page.get_by_label("Level").select_option(label="Individual")
    page.get_by_label("Age range").select_option(label="35–44")
    page.get_by_label("Consent status").select_option(label="Verbal")
    page.get_by_label("Risk factors").select_option(label=["Prior overdose", "Housing"])
    page.get_by_label("Description of the situation").fill(
        "Revived with two naloxone doses; sleeping in her car since losing her apartment.")
    page.get_by_role("button", name="Record situation").click()
    expect(page.get_by_role("status")).to_contain_text("was recorded")
    situation_url = page.url

    page.get_by_role("link", name="Record the table's decision").click()
    page.get_by_label("Accept: acutely elevated risk").check()
    page.get_by_label("Lead agency").select_option(label="Harbor Recovery Center")
    page.get_by_label("Assisting agencies").select_option(label=["Open Door Harm Reduction"])
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Accepted: acutely elevated risk")).to_be_visible()

    # the coordinator (a manager of the table) records who it is, but cannot reveal it
    page.get_by_role("link", name=re.compile("identity", re.I)).first.click()
    page.get_by_label("Name").fill(FICTIONAL_NAME)
    page.get_by_label("Where to find them").fill("Car park behind the Canal St laundromat")
    page.get_by_role("button", name="Save identity").click()
    expect(page.get_by_role("status")).to_contain_text("encrypted")
    expect(page.get_by_role("button", name="Reveal identity")).to_have_count(0)
    assert FICTIONAL_NAME not in page.content()

    sign_out(page)
    sign_in(page, MEMBER)  # seated for Harbor Recovery Center, the lead agency
    page.goto(situation_url)
    assert FICTIONAL_NAME not in page.content()
    page.get_by_role("button", name="Reveal identity").click()
    expect(page.get_by_text(FICTIONAL_NAME)).to_be_visible()

    for agency, mode, result in [
            ("Harbor Recovery Center (lead)", "Phone", "No contact"),
            ("Open Door Harm Reduction (assisting)", "In person", "Contact with the person")]:
        page.goto(situation_url)
        page.get_by_role("link", name="Log an attempt").click()
        # the time defaults to now: attempts are logged as they happen
        page.get_by_label("Agency").select_option(label=agency)
        page.get_by_label("Mode").select_option(label=mode)
        page.get_by_label("Peer recovery coach", exact=True).check()
        page.get_by_label("Result").select_option(label=result)
        page.get_by_role("button", name="Log the attempt").click()
        expect(page.get_by_role("status")).to_contain_text("was logged")

    page.get_by_role("link", name="Conclude").click()
    page.get_by_label("Risk lowered").check()
    page.get_by_label("Outcome").select_option(label="Connected to services")
    page.get_by_role("button", name=re.compile("Conclude")).click()
    expect(page.get_by_role("status")).to_contain_text("was concluded")

    assert _dashboard_presented(page) == presented_before + 1
