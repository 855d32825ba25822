"""The weekly meeting end to end in the demo, as a coordinator and then a member would do it."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import COORDINATOR, MEMBER, nav_link, sign_out

pytestmark = pytest.mark.browser

CASE_ITEM = "Situation 24-033: housing referral status"


def _pdf_text(page, path: str) -> str:
    response = page.request.get(path)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.body())).pages)


def _item_card(page, title: str):
    return page.locator("section.card").filter(has=page.get_by_role("heading", name=title))


def test_a_coordinator_runs_the_weekly_meeting_and_a_member_closes_an_item(
        page, live_server, sign_in):
    sign_in(page, COORDINATOR)
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Situation Table weekly review").first.click()

    # the agenda filled itself: last week's open action items and the undiscussed item
    agenda = page.get_by_role("table")
    expect(agenda).to_contain_text("Send the Harbor Recovery intake summary")
    expect(agenda).to_contain_text("Deliver 40 naloxone kits")
    expect(page.get_by_text(re.compile(r"case items? (is|are) hidden"))).to_be_visible()
    meeting_url = page.url

    page.get_by_role("link", name="Confidentiality attestations").click()
    page.get_by_role("button", name="I agree").click()
    page.goto(meeting_url)
    expect(page.get_by_role("table")).to_contain_text(CASE_ITEM)
    page.get_by_role("button", name="Start the meeting").click()

    page.get_by_role("link", name="Attendance", exact=True).click()
    for select in page.locator("form select").all()[:-1]:  # the last one belongs to guests
        select.select_option("present")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance saved")

    page.get_by_role("link", name="Run the meeting: minutes and decisions").click()
    page.get_by_role("link", name=CASE_ITEM).click()  # meeting mode: put the item in focus
    card = _item_card(page, CASE_ITEM)
    card.get_by_label(f"Minutes: {CASE_ITEM}").fill("Shelter bed confirmed for Friday.")
    card.get_by_label(f"Discussed: {CASE_ITEM}").check()
    card.get_by_role("button", name=f"Save minutes of {CASE_ITEM}").click()
    card = _item_card(page, CASE_ITEM)
    expect(card).to_contain_text(f"Minutes of {CASE_ITEM} saved.")  # in place
    card.get_by_label(f"New decision on {CASE_ITEM}").fill("Keep the situation open one more week.")
    card.get_by_role("button", name=re.compile("^Record decision")).click()
    expect(_item_card(page, CASE_ITEM)).to_contain_text(f"Decision recorded on {CASE_ITEM}.")
    for owner, title in [("Priya Natarajan", "Call the case manager about intake"),
                         ("Ash Turner", "Bring naloxone kits to the shelter")]:
        card = _item_card(page, CASE_ITEM)
        card.locator("summary", has_text="Add action item").click()
        card.get_by_label(re.compile("^Action item")).fill(title)
        owners = card.get_by_label(re.compile("^Owner"))
        label = next(o for o in owners.locator("option").all_text_contents() if owner in o)
        owners.select_option(label=label)
        card.get_by_label(re.compile("^Due on")).fill("2030-01-15")
        card.get_by_role("button", name=re.compile("^Add action item")).click()
        expect(_item_card(page, CASE_ITEM)).to_contain_text(f"created for {owner}")

    page.goto(meeting_url)
    page.get_by_role("button", name="Close the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("closed")

    # Printing case items is audited: it is started from the print form (a POST), not a link.
    page.goto(meeting_url + "/print")
    for option in ("Attendance", "Decisions", "Action items created in this meeting",
                   "Internal items", "Case items (confidential)"):
        page.get_by_label(option).check()
    printed = {}

    def keep_the_pdf(route):  # Chromium hands a PDF to its viewer: read it on the way
        fetched = route.fetch()
        printed["type"], printed["body"] = fetched.headers["content-type"], fetched.body()
        route.fulfill(response=fetched)

    page.route("**/minutes.pdf", keep_the_pdf)
    page.get_by_role("button", name="Print minutes (PDF)").click()
    for _ in range(150):
        if "body" in printed:
            break
        page.wait_for_timeout(100)
    assert printed["type"] == "application/pdf"
    minutes = "\n".join(p.extract_text() for p in PdfReader(BytesIO(printed["body"])).pages)
    assert "Shelter bed confirmed for Friday." in minutes
    assert "Keep the situation open one more week." in minutes
    assert "Call the case manager about intake" in minutes and "Priya Natarajan" in minutes
    assert "CONFIDENTIAL" in minutes
    public_agenda = _pdf_text(page, meeting_url + "/agenda.pdf?variant=public")
    assert CASE_ITEM not in public_agenda and "Situation Table weekly review" in public_agenda

    page.goto(meeting_url)
    sign_out(page)
    sign_in(page, MEMBER)
    nav_link(page, "My items").click()
    page.get_by_role("link", name="Call the case manager about intake").click()
    page.get_by_label("Status").select_option(label="Done")
    page.get_by_label("Note").fill("Intake booked for Tuesday.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("status")).to_contain_text("Your update was saved")
    expect(page.get_by_text("Intake booked for Tuesday.")).to_be_visible()
