"""The fatality review end to end in the demo, as the OFR coordinator: import a month of deaths
from a messy medical examiner export with a new column mapping, select two for the next meeting
with records requested from four agencies, build a timeline in the meeting after attesting (six
touchpoints, two missed opportunities), see the completeness afterwards; and a leader not
seated at the table sees none of it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COORDINATOR, LEADER, sign_out

pytestmark = pytest.mark.browser

SOURCE = "Alder County ME weekly export"
HEADER = ["Decedent Ref", "Surname", "Given", "Pronounced", "Yrs", "Gender", "Death Cnty",
          "Res Cnty", "How", "FENT", "HER", "COC", "XYL", "Narrative", "Unused Notes"]
MAPPING = {
    "Decedent Ref": "Case number (medical examiner or certificate)", "Surname": "Last name",
    "Given": "First name", "Pronounced": "Date of death", "Yrs": "Age at death",
    "Gender": "Sex", "Death Cnty": "County of death", "Res Cnty": "County of residence",
    "How": "Manner of death", "FENT": "Substance flag: Fentanyl and analogs",
    "HER": "Substance flag: Heroin", "COC": "Substance flag: Cocaine",
    "XYL": "Substance flag: Xylazine",
    "Narrative": "Cause of death narrative (several columns are joined)",
}
AGENCIES = ("Alder City Police Department", "Alder County Fire & EMS",
            "St. Brigid Regional Medical Center")  # seated at the review table
OTHER_AGENCY = "Harbor Recovery Center"  # not seated: named in "Another agency"


def _cell(value: str) -> str:
    return f'"{value}"' if any(c in value for c in ',"\n') else value


def _messy_export(month_start: date) -> bytes:
    """Byte-order mark, CRLF, blank cells, upper-case counties, Y/blank flags, a multi-line
    quoted cell, dates with a time; one death in another county and one in another month."""
    def day(n: int) -> str:
        return f"{month_start + timedelta(days=n - 1):%m/%d/%Y} 12:00:00 AM"

    rows = [
        ["TX-1", "QUILLBY", "Ansel", day(3), "34", "M", "ALDER COUNTY", "ALDER COUNTY",
         "ACCIDENT", "Y", "", "Y", "", "Acute fentanyl and cocaine toxicity", ""],
        ["TX-2", "Vantongeren", "Lise", day(6), "", "F", "ALDER COUNTY", "", "Accidental", "Y",
         "", "", "Y", "Fentanyl and xylazine toxicity.\nFound in a vehicle.", "call back"],
        ["TX-3", "", "", day(9), "51", "", "Alder County", "", "", "", "Y", "", "", "", ""],
        ["TX-4", "Marchetti", "Dom", day(12), "29", "M", "ALDER COUNTY", "BIRCH COUNTY",
         "PENDING", "", "", "", "", "", ""],
        ["TX-5", "Ostrowe", "Kel", day(15), "45", "M", "BIRCH COUNTY", "BIRCH COUNTY",
         "ACCIDENT", "Y", "", "", "", "", ""],
        ["TX-6", "Pell", "Ada", f"{month_start - timedelta(days=20):%m/%d/%Y} 12:00:00 AM",
         "38", "F", "ALDER COUNTY", "", "ACCIDENT", "Y", "", "", "", "", ""],
    ]
    text = "\r\n".join(",".join(_cell(v) for v in row) for row in [HEADER, *rows]) + "\r\n"
    return "\ufeff".encode() + text.encode()


def _coalition_today(live_server) -> date:
    from coalition.core.localtime import local_today

    with live_server.app.app_context():
        return local_today()


def _next_review_meeting(live_server) -> tuple[int, str]:
    from sqlalchemy import select

    from coalition.core.localtime import to_local
    from coalition.extensions import db
    from coalition.meetings.models import Meeting
    from coalition.roster.models import CoalitionTable

    with live_server.app.app_context():
        meeting = db.session.scalars(
            select(Meeting).join(CoalitionTable).where(CoalitionTable.kind == "ofr",
                                                       Meeting.status == "scheduled")
            .order_by(Meeting.starts_at)).first()
        starts = to_local(meeting.starts_at)
        label = f"{meeting.title} ({starts:%b} {starts.day}, {starts:%Y})"
        db.session.remove()
        return meeting.id, label


def _add_touchpoint(page, when: str, kind: str, agency: str, description: str,
                    missed: tuple[str, str] | None = None) -> None:
    form = page.locator("#add-touchpoint form")
    expect(form.get_by_label("When")).to_be_focused()  # keyboard-first: the cursor is there
    form.get_by_label("When").fill(when)
    form.get_by_label("Touchpoint", exact=True).select_option(label=kind)
    agencies = form.get_by_label("Agency", exact=True)
    if agencies.locator("option", has_text=agency).count():
        agencies.select_option(label=agency)
    else:  # neither seated at the table nor on the timeline yet: named
        form.get_by_label("Another agency").fill(agency)
    form.get_by_label("What happened (no names)").fill(description)
    if missed:
        form.get_by_label("A missed opportunity").check()
        form.get_by_label("Gap type").select_option(label=missed[0])
        form.get_by_label("Why it was missed").fill(missed[1])
    form.get_by_label("What happened (no names)").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Touchpoint added")


def test_a_month_of_deaths_becomes_a_timeline_built_in_the_meeting(
        page, live_server, sign_in, tmp_path, screenshot):
    today = _coalition_today(live_server)
    month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    export = tmp_path / "me_export.csv"
    export.write_bytes(_messy_export(month_start))
    meeting_id, meeting_label = _next_review_meeting(live_server)

    sign_in(page, COORDINATOR)
    page.get_by_role("link", name="Fatality review", exact=True).click()
    expect(page.get_by_role("heading", name="Deaths and cases")).to_be_visible()
    page.get_by_label("Month of death").fill(f"{month_start:%Y-%m}")
    page.get_by_role("button", name="Filter").click()
    month_list = page.url
    known = set(page.locator("tbody tr td:first-child a").all_inner_texts())
    page.get_by_role("link", name="Import deaths (CSV)").click()
    page.locator("input[type=file]").set_input_files(str(export))
    page.get_by_label("Source").fill(SOURCE)
    page.get_by_role("button", name="Check the file").click()

    # a new source: the columns are mapped once, by hand, and the month chosen by the filter
    for column, target in MAPPING.items():
        page.get_by_label(column, exact=True).select_option(label=target)
    page.get_by_label("County", exact=True).fill("Alder County")
    page.get_by_label("Died on or after").fill(month_start.isoformat())
    page.get_by_label("Died on or before").fill(
        (today.replace(day=1) - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_text("Ignored columns: Unused Notes.")).to_be_visible()
    screenshot(page, "ofr-import-preview")
    page.get_by_role("button", name="Import 4 deaths").click()
    expect(page.get_by_role("status")).to_contain_text("4")

    # two of them are selected for the next meeting; records requested from four agencies
    page.goto(month_list)
    codes = [c for c in page.locator("tbody tr td:first-child a").all_inner_texts()
             if c not in known]
    assert len(codes) == 4
    selected = codes[-2:]  # the two earliest deaths of the month (the list: latest first)
    for code in selected:
        page.get_by_role("link", name=code, exact=True).click()
        page.get_by_label("Meeting").select_option(label=meeting_label)
        page.get_by_role("button", name="Save the meeting").click()
        expect(page.get_by_role("status")).to_contain_text("was selected")
        for agency in AGENCIES:
            page.get_by_role("group", name="Agencies to ask").get_by_label(
                agency, exact=True).check()
        page.get_by_label("Another agency").fill(OTHER_AGENCY.lower())
        page.get_by_role("button", name="Request records").click()
        expect(page.get_by_role("status")).to_contain_text("from 4 agencies")
        expect(page.locator("h1 .badge")).to_have_text("Records requested")
        page.goto(month_list)
    case_code = selected[-1]  # TX-1: known age, substances, narrative

    # the meeting: attest, start, open the case's timeline from the agenda
    page.goto(f"/meetings/{meeting_id}")
    expect(page.get_by_text(case_code)).to_have_count(0)  # case items hidden until attested
    page.get_by_role("link", name="Confidentiality attestations").click()
    page.get_by_role("button", name="I agree").click()
    page.goto(f"/meetings/{meeting_id}")
    expect(page.get_by_role("table")).to_contain_text(case_code)
    page.get_by_role("button", name="Start the meeting").click()
    page.get_by_role("link", name=f"Timeline of {case_code} — case review").click()
    page.get_by_role("link", name="Add touchpoints").click()
    died = date.fromisoformat(page.get_by_text(re.compile(r"died \d{4}-\d\d-\d\d")).inner_text()
                              .split("died ")[1][:10])
    entries = [
        ((died - timedelta(days=300)).isoformat(), "Jail booking", "Alder County Jail",
         "Booked; screened positive for opioid use disorder.", None),
        ((died - timedelta(days=262)).isoformat(), "Jail release", "Alder County Jail",
         "Released with no MOUD and no naloxone.",
         ("No follow-up after discharge or release", "No bridge to treatment at release.")),
        (f"{died - timedelta(days=200):%Y-%m}", "EMS response (overdose)",
         "Alder County Fire & EMS", "Non-fatal overdose; refused transport.", None),
        ((died - timedelta(days=198)).isoformat(), "Post-overdose outreach attempt",
         "Open Door Harm Reduction", "No answer at the door.",
         ("No warm hand-off", "Only one outreach attempt after a known overdose.")),
        ((died - timedelta(days=120)).isoformat(), "SUD treatment admission",
         "Harbor Recovery Center", "Outpatient intake; waitlisted for MOUD.", None),
        (f"{died.year - 1}", "Primary care visit",
         "Alder Community Health Clinic", "Annual visit; back pain.", None),
    ]
    for when, kind, agency, description, missed in entries:
        _add_touchpoint(page, when, kind, agency, description, missed)
    expect(page.get_by_text("6 touchpoints, 2 missed opportunities")).to_be_visible()
    expect(page.locator("svg.timeline-svg")).to_be_visible()
    expect(page.locator("tr.table-danger")).to_have_count(2)
    screenshot(page, "ofr-timeline")

    # after the meeting: the completeness shows on the case
    page.get_by_role("link", name=f"Case {case_code}").first.click()
    expect(page.get_by_text(re.compile(r"Completeness: \d+ %"))).to_be_visible()
    case_url = page.url

    # a leader not seated at the table sees none of it
    sign_out(page)
    sign_in(page, LEADER)
    assert page.goto(case_url).status == 404
    assert page.goto(case_url + "/timeline").status == 404
    page.goto("/ofr")
    expect(page.get_by_text("You are not seated at a fatality review team")).to_be_visible()
    page.goto(f"/meetings/{meeting_id}")
    assert case_code not in page.content()
    page.goto("/")
    assert case_code not in page.content() and "Records requests past" not in page.content()
