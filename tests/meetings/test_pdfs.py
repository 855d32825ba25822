"""Agenda and minutes PDFs: read back with pypdf; who may print what; the URL fetcher."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from coalition.core.models import AuditEvent
from coalition.core.pdf import REPORTS_DIR, RefusedURL, ReportsURLFetcher
from coalition.extensions import db
from coalition.meetings.models import Attendance, Attestation, Decision, MinutesVersion

CONFIDENTIAL = "CONFIDENTIAL"


def _pages(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _text(data: bytes) -> str:
    return " ".join(_pages(data))


def _print_rows(meeting) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "print", AuditEvent.object_type == "meetings",
        AuditEvent.object_id == meeting.id))


@pytest.fixture
def make_printable_meeting(make_table, make_org, make_person, make_meeting, make_agenda_item,
                           make_action_item, make_user, seat):
    """``make_…`` helper: a case-reviewing table's meeting with every kind of content, and a
    seated member who signed the attestation (so may see case items)."""
    def factory(*, filler: int = 0):
        table = make_table("ofr", name="Fatality Review Team")
        org = make_org("County Health Department")
        reader = make_person("Rita Reader")
        seat(reader, table, org)
        meeting = make_meeting(table, title="March review", status="closed",
                               starts_at=datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
                               location="Room 204, County Building",
                               video_url="https://video.example.test/ofr",
                               facilitator=reader, recorder=reader)
        make_agenda_item(meeting, title="Opening", is_section=True, planned_minutes=0)
        public = make_agenda_item(meeting, title="Welcome and introductions", planned_minutes=5,
                                  minutes="Everyone introduced themselves.", is_discussed=True)
        internal = make_agenda_item(meeting, title="Budget for naloxone kits",
                                    item_type="internal", planned_minutes=15,
                                    minutes="Budget discussed internally.", is_discussed=True)
        case = make_agenda_item(meeting, title="Case 2026-017 decedent history",
                                item_type="case", planned_minutes=30,
                                minutes="Missed referral after ED discharge.")
        for n in range(filler):
            make_agenda_item(meeting, title=f"Standing report {n + 1}", planned_minutes=2,
                             description="Update from the partner agency on last month. " * 6)
        db.session.add_all([
            Attestation(meeting=meeting, person=reader, method="in_app", agreement_version="v1"),
            Attendance(meeting=meeting, person=reader, organization=org, status="present"),
            Attendance(meeting=meeting, guest_name="Gail Guest",
                       guest_organization="State Epidemiology", status="present"),
            Decision(meeting=meeting, agenda_item=public, text="Adopt the new referral form."),
            Decision(meeting=meeting, agenda_item=case, text="Refer the case gap to EMS."),
            MinutesVersion(meeting=meeting, number=1, content="{}"),
            MinutesVersion(meeting=meeting, number=2, content="{}"),
        ])
        db.session.commit()
        make_action_item(meeting, reader, title="Draft the referral protocol", agenda_item=public)
        make_action_item(meeting, reader, title="Pull the ED discharge records",
                         agenda_item=case)
        user = make_user("member", person=reader)
        return {"meeting": meeting, "table": table, "org": org, "reader": reader,
                "user": user, "internal": internal, "case": case}
    return factory


def test_the_fetcher_serves_reports_files_and_data_uris_and_refuses_everything_else():
    fetcher = ReportsURLFetcher()
    css = fetcher.fetch((REPORTS_DIR / "print.css").as_uri())
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/css;base64,Ym9keXt9").read() == b"body{}"
    outside = REPORTS_DIR.parent / "pyproject.toml"
    for url in [outside.as_uri(), "file:///etc/passwd",
                REPORTS_DIR.as_uri() + "/../pyproject.toml",
                REPORTS_DIR.as_uri() + "/missing.css",
                "file://evil.example.test/etc/passwd",
                "http://example.test/print.css", "https://example.test/font.woff2",
                "ftp://example.test/x.css", "javascript:alert(1)"]:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_public_agenda_lists_public_items_only(client, login, make_printable_meeting):
    data = make_printable_meeting()
    meeting = data["meeting"]
    login(data["user"])
    response = client.get(f"/meetings/{meeting.id}/agenda.pdf?variant=public")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;") and "agenda-2026-03-10-march-review.pdf" in disposition
    text = _text(response.data)
    for expected in ["March review", "Fatality Review Team", "Opening",
                     "Welcome and introductions", "Room 204, County Building",
                     "https://video.example.test/ofr", "Rita Reader", "Page 1 of 1"]:
        assert expected in text, expected
    for hidden in ["Budget for naloxone kits", "Case 2026-017", CONFIDENTIAL]:
        assert hidden not in text, hidden
    assert _print_rows(meeting) == 0

    reader = PdfReader(io.BytesIO(response.data))  # tagged, with a language and a title
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == "Agenda: March review"


def test_confidential_agenda_has_every_item_and_the_mark_on_every_page(
        client, login, make_printable_meeting):
    data = make_printable_meeting(filler=40)
    meeting = data["meeting"]
    login(data["user"])
    response = client.post(f"/meetings/{meeting.id}/agenda.pdf",
                           data={"variant": "confidential"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "confidential" in response.headers["Content-Disposition"]
    pages = _pages(response.data)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert "CONFIDENTIAL — case information, do not redistribute" in page, number
        assert f"Page {number} of {len(pages)}" in page
    text = " ".join(pages)
    assert "Budget for naloxone kits" in text and "Case 2026-017 decedent history" in text
    assert "Standing report 40" in text
    assert _print_rows(meeting) == 1
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).one()
    assert row.user_id == data["user"].id and "confidential agenda" in row.summary
    assert row.case_table_id == data["table"].id


def test_a_link_cannot_print_case_items(client, login, make_printable_meeting):
    """A print of case items is audited in the user's name: a GET (a link another site could
    plant) only sends them to the print form, and a POST needs the form's token."""
    data = make_printable_meeting()
    meeting = data["meeting"]
    login(data["user"])
    for url in [f"/meetings/{meeting.id}/agenda.pdf?variant=confidential",
                f"/meetings/{meeting.id}/minutes.pdf?case=1"]:
        response = client.get(url)
        assert response.status_code == 303, url
        assert response.headers["Location"].endswith(f"/meetings/{meeting.id}/print")
    client.add_csrf = False
    assert client.post(f"/meetings/{meeting.id}/minutes.pdf", data={"case": "1"}).status_code \
        == 400
    assert _print_rows(meeting) == 0


def test_who_may_print_what(app, login, make_user, make_person, make_org, seat,
                            make_printable_meeting):
    data = make_printable_meeting()
    meeting = data["meeting"]
    base = f"/meetings/{meeting.id}"
    # seated at the table but without this meeting's attestation: no case items
    unsigned = make_person("Una Unsigned")
    seat(unsigned, data["table"], data["org"])
    client = login(make_user("member", person=unsigned), test_client=app.test_client())
    response = client.get(f"{base}/agenda.pdf?variant=confidential")
    assert response.status_code == 200  # internal items, without the case items
    assert data["case"].title not in _text(response.data)
    assert data["internal"].title in _text(response.data)
    assert client.get(f"{base}/minutes.pdf?case=1").status_code == 403
    assert client.get(f"{base}/agenda.pdf?variant=everything").status_code == 400
    page = client.get(f"{base}/print")
    assert page.status_code == 200
    assert 'name="case"' not in page.get_data(as_text=True)
    # coordinators see the meeting but not case items unless seated and attested
    client = login(make_user("coordinator"), test_client=app.test_client())
    assert client.get(f"{base}/print").status_code == 200
    assert client.get(f"{base}/minutes.pdf?case=1").status_code == 403
    # a member not seated at a case-reviewing table does not see the meeting at all
    client = login(make_user("member", person=make_person()), test_client=app.test_client())
    for url in [f"{base}/print", f"{base}/agenda.pdf", f"{base}/agenda.pdf?variant=confidential",
                f"{base}/minutes.pdf", f"{base}/minutes.pdf?case=1", "/meetings/424242/print"]:
        assert client.get(url).status_code == 404, url
    assert _print_rows(meeting) == 0


def test_print_options_page(client, login, make_printable_meeting):
    data = make_printable_meeting()
    login(data["user"])
    page = client.get(f"/meetings/{data['meeting'].id}/print").get_data(as_text=True)
    assert page.count("<h1") == 1
    for name in ["attendance", "decisions", "actions", "internal", "case"]:
        assert f'id="opt-{name}" name="{name}"' in page
        assert f'<label class="form-check-label" for="opt-{name}">' in page
    assert f"/meetings/{data['meeting'].id}/agenda.pdf?variant=public" in page
    assert 'name="variant" value="confidential"' in page
    assert f'<form method="post" action="/meetings/{data["meeting"].id}/minutes.pdf">' in page


def test_minutes_with_every_option_and_case_items(client, login, make_printable_meeting):
    data = make_printable_meeting()
    meeting = data["meeting"]
    login(data["user"])
    response = client.post(f"/meetings/{meeting.id}/minutes.pdf",
                           data={"attendance": "1", "decisions": "1", "actions": "1",
                                 "internal": "1", "case": "1"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("inline;")
    pages = _pages(response.data)
    assert all(CONFIDENTIAL in page for page in pages)
    text = " ".join(pages)
    for expected in ["Version 2", "Rita Reader", "County Health Department", "Gail Guest (guest)",
                     "State Epidemiology", "Present", "Everyone introduced themselves.",
                     "Discussed", "Not discussed", "Budget discussed internally.",
                     "Case 2026-017 decedent history", "Missed referral after ED discharge.",
                     "Adopt the new referral form.", "Refer the case gap to EMS.",
                     "Draft the referral protocol", "Pull the ED discharge records", "Open"]:
        assert expected in text, expected
    assert _print_rows(meeting) == 1


def test_minutes_leave_out_what_was_not_asked_for(client, login, make_printable_meeting):
    data = make_printable_meeting()
    meeting = data["meeting"]
    login(data["user"])
    response = client.get(f"/meetings/{meeting.id}/minutes.pdf")
    assert response.status_code == 200
    text = _text(response.data)
    assert "Welcome and introductions" in text and "Everyone introduced themselves." in text
    for hidden in ["Gail Guest", "Attendance", "Adopt the new referral form.",
                   "Draft the referral protocol", "Budget for naloxone kits",
                   "Case 2026-017", "Missed referral", "Refer the case gap",
                   "Pull the ED discharge records", CONFIDENTIAL]:
        assert hidden not in text, hidden
    assert _print_rows(meeting) == 0
