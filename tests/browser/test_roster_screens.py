"""The coordinator builds the roster through the screens, finding everything by label and role."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from coalition.core.localtime import local_today
from tests.browser.conftest import COORDINATOR, nav_link

pytestmark = pytest.mark.browser

ORG = "Maple Street Pharmacy"
SECTOR = "Pharmacy"  # a standard sector the demo's Alder Situation Table lacks
PERSON = "Jamie Rivera"
PERSON_EMAIL = "jamie.rivera@maple.example.org"
TABLE = "Alder Situation Table"


def nav_to(page, label: str) -> None:
    nav_link(page, label).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def add_control(page, name: str):
    """The control that starts adding something: a link or a button, whichever the page uses."""
    return page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))


def coverage_entries(page, heading: str):
    """The items listed under ``heading`` in the table page's "Sector coverage" section."""
    section = page.get_by_role("region", name="Sector coverage")
    column = section.locator("div").filter(
        has=page.get_by_role("heading", name=re.compile(f"^{re.escape(heading)}"))).last
    return column.get_by_role("listitem")


def test_coordinator_builds_the_roster(page, live_server, sign_in):
    sign_in(page, COORDINATOR)

    # An organization of a sector the Situation Table lacks.
    nav_to(page, "Organizations")
    add_control(page, "Add an organization").click()
    page.get_by_label("Name", exact=True).fill(ORG)
    page.get_by_label("Sector", exact=True).select_option(label=SECTOR)
    page.get_by_role("button", name="Add organization").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG)
    expect(page.get_by_text("No data-sharing agreement has been recorded.")).to_be_visible()

    # Its data-sharing agreement.
    with live_server.app.app_context():
        signed_on = local_today() - timedelta(days=10)
    expires_on = signed_on + timedelta(days=365)
    add_control(page, "Record an agreement").click()
    page.get_by_label("Signed on", exact=True).fill(signed_on.isoformat())
    page.get_by_label("Expires on", exact=True).fill(expires_on.isoformat())
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG)
    agreements = page.get_by_role("region", name="Data-sharing agreements")
    row = agreements.get_by_role("row").filter(has_text=expires_on.isoformat())
    expect(row).to_contain_text(signed_on.isoformat())
    expect(row).to_contain_text("Agreement current")

    # A person who works there.
    nav_to(page, "People")
    add_control(page, "Add a person").click()
    page.get_by_label("Name", exact=True).fill(PERSON)
    page.get_by_label("Email", exact=True).fill(PERSON_EMAIL)
    page.get_by_label("Organization", exact=True).select_option(label=ORG)
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PERSON)
    expect(page.get_by_role("link", name=ORG)).to_be_visible()

    # The Situation Table misses the sector ...
    nav_to(page, "Tables")
    page.get_by_role("link", name=TABLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TABLE)
    expect(coverage_entries(page, "Standard sectors missing")
           .filter(has_text=re.compile(rf"\b{SECTOR}$"))).to_have_count(1)
    expect(coverage_entries(page, "Sectors represented")
           .filter(has_text=f"{SECTOR}:")).to_have_count(0)

    # ... until the person is seated there for the new organization.
    page.get_by_label("Person", exact=True).select_option(label=f"{PERSON} ({PERSON_EMAIL})")
    page.get_by_label("Sits for organization", exact=True).select_option(label=ORG)
    page.get_by_role("button", name="Add member").click()

    expect(page.get_by_text(f"{PERSON} now sits at {TABLE}.")).to_be_visible()
    members = page.get_by_role("region", name="Members")
    expect(members.get_by_role("row").filter(has_text=PERSON)).to_contain_text(ORG)
    expect(coverage_entries(page, "Standard sectors missing")
           .filter(has_text=re.compile(rf"\b{SECTOR}$"))).to_have_count(0)
    expect(coverage_entries(page, "Sectors represented")
           .filter(has_text=f"{SECTOR}:")).to_have_text(f"{SECTOR}: {ORG}")


def test_bad_input_keeps_typed_values(page, live_server, sign_in):
    sign_in(page, COORDINATOR)
    page.goto(live_server.path("roster.organization_new"))
    name = page.get_by_label("Name", exact=True)
    long_name = "Alder " + "x" * 294
    # The browser already stops people typing more than the field takes ...
    expect(name).to_have_attribute("maxlength", "200")
    # ... so play an older browser that ignores the limit, to see the server's answer.
    name.evaluate("input => input.removeAttribute('maxlength')")
    name.fill(long_name)
    page.get_by_label("Address", exact=True).fill("18 Maple St, Port Alder")

    page.get_by_role("button", name="Add organization").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below.")
    expect(name).to_have_value(long_name)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile("Use at most 200 characters"))
    sector = page.get_by_label("Sector", exact=True)
    expect(sector).to_have_attribute("aria-invalid", "true")
    expect(sector).to_have_accessible_description(re.compile("Choose a sector"))
    expect(page.get_by_label("Address", exact=True)).to_have_value("18 Maple St, Port Alder")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an organization")
