"""Reports end to end in the demo: a leader previews the OFR summary for this year, downloads
the public edition (rendered off the request path) and reads it back — every section,
suppressed small counts, no identifier —; then the governing committee's report lists the
stalled recommendation first. The reporting screens pass axe in each state."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import LEADER
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser

SECTIONS = ("The review process", "Who died", "Substances involved", "Circumstances of death",
            "Contact with services in the year before death",
            "Missed opportunities by stage and sector", "Gaps in the system",
            "Results of earlier recommendations", "Data notes")


def _identities(live_server) -> tuple[list[str], list[str], tuple[str, str]]:
    """Every demo decedent's name and case code, and the stalled recommendation's text."""
    from sqlalchemy import select

    from coalition.extensions import db
    from coalition.gaps.models import Recommendation
    from coalition.gaps.services.recommendations import is_stalled
    from coalition.ofr.models import FatalityCase
    from coalition.ofr.services.identity import decrypted_identity

    with live_server.app.app_context():
        cases = list(db.session.scalars(select(FatalityCase)))
        names = [decrypted_identity(case)["name"] for case in cases if case.identity]
        codes = [case.code for case in cases]
        stalled = next((r.code, r.text) for r in db.session.scalars(select(Recommendation))
                       if is_stalled(r))
        db.session.remove()
    return [n for n in names if n], codes, stalled


def _download(page) -> str:
    expect(page.get_by_role("status")).to_contain_text("Ready", timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download the PDF")).click()
    path = Path(download.value.path())
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(path.read_bytes())).pages)


def _choose(page, report: str, table: str, audience: str = "Public (suppressed)") -> None:
    page.goto("/")
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("radio", name=report).check()
    page.get_by_label("Table", exact=True).select_option(label=table)
    page.get_by_role("radio", name="A year", exact=True).check()
    page.get_by_role("radio", name=audience).check()
    page.get_by_role("button", name="Preview").click()


def test_a_leader_prints_the_public_summary_and_the_committee_report(page, live_server, sign_in,
                                                                       screenshot):
    live_server.app.config["REPORT_RENDERING"] = "thread"
    names, codes, stalled = _identities(live_server)
    sign_in(page, LEADER)

    _choose(page, "Overdose Fatality Review summary",
            "Alder County Overdose Fatality Review Team (fatality review table)")
    preview = page.get_by_role("region", name="Overdose Fatality Review summary")
    expect(preview).to_contain_text("Deaths in the jurisdiction")
    expect(preview).to_contain_text("Cases reviewed")
    screenshot(page, "reports-preview")
    page.get_by_role("button", name="Download the PDF").click()
    expect(page).to_have_url(re.compile(r"/reports/runs/\d+$"))
    text = _download(page)
    screenshot(page, "reports-run-ready")
    for section in SECTIONS:
        assert section in text, section
    assert "*" in text and "Counts from 1 to 10 are not shown" in text
    assert not [name for name in names if name in text]
    assert not [code for code in codes if code in text]

    _choose(page, "Governing committee report", "Alder County Overdose Prevention Coalition "
            "(coalition table)", audience="Internal (the table's members)")
    expect(page.get_by_role("region", name="Governing committee report")).to_contain_text(
        "Stalled")
    page.get_by_role("button", name="Download the PDF").click()
    text = re.sub(r"\s+", " ", _download(page))
    stalled_section = text.split("Stalled recommendations", 2)[-1]
    code, words = stalled
    assert f"{code} {' '.join(words.split()[:3])}" in stalled_section.split("Decisions since")[0]
    every = text.split("Every recommendation, stalled first")[1]
    assert re.findall(r"REC-\d{4}-\d{4}", every)[0] == code  # the stalled one comes first


def test_the_reporting_screens_pass_axe(csp_bypassing_page, live_server, sign_in):
    live_server.app.config["REPORT_RENDERING"] = "inline"
    page = csp_bypassing_page
    sign_in(page, LEADER)
    page.goto("/reports")
    assert_no_violations(page)
    page.goto(f"/reports?report=ofr-summary&table_id={live_server.ids['coalition_table']}"
              "&period=custom&start=2026-05-01&end=2026-01-01&audience=internal")
    expect(page.get_by_text("is for a fatality review table")).to_be_visible()
    assert_no_violations(page)
    _choose(page, "Overdose Fatality Review summary",
            "Alder County Overdose Fatality Review Team (fatality review table)")
    assert_no_violations(page)
    page.get_by_role("button", name="Download the PDF").click()
    expect(page.get_by_role("status")).to_contain_text("Ready")
    assert_no_violations(page)
