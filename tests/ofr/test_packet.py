"""The confidential meeting packet of a fatality review meeting: read back with pypdf; who may
print it, for whom; numbered copies; one audit row per copy; nothing identifying in it."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.meetings import services as meetings
from coalition.meetings.models import PacketCopy
from coalition.ofr import services as ofr

IDENTITY = {"name": "Jonathan Quincy Identifiable", "birth_date": date(1990, 1, 2),
            "me_case_number": "ME-2026-55555", "address": "12 Elm Street, Testville"}
SOURCE_RECORD = "MRN 889977 chart note"


def _term(vocabulary: str, code: str) -> int:
    return term_by_code(vocabulary, code).id


def _pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def _mark(copy: int, name: str) -> str:
    return f"CONFIDENTIAL — copy {copy} for {name} — return at the end of the meeting"


def _packet_rows() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "print", AuditEvent.summary.like("%meeting packet%"))
        .order_by(AuditEvent.id)))


@pytest.fixture
def packet(ofr_setting, make_case, make_table, review_meeting):
    """A review meeting with a case on its agenda (identity recorded, a timeline with a missed
    opportunity linked to a gap, a Part 2 entry), and recommendations: one of the table from the
    case (stalled), one addressing the case's gap, one finished."""
    s = ofr_setting
    case = make_case(age=34)
    ofr.save_identity(s.manager, case, **IDENTITY)
    ofr.select_for_meeting(s.manager, case, review_meeting)
    ofr.request_records(s.manager, case, organization_ids=[s.hospital.id])
    meetings.build_agenda(None, review_meeting)
    death = case.date_of_death
    release = ofr.add_touchpoint(
        s.manager, case, occurred=(death - timedelta(days=60)).isoformat(),
        type_id=_term("touchpoint_type", "jail_release"), organization_id=s.police.id,
        description="Released after a short stay; no naloxone at release.",
        source_record=SOURCE_RECORD, is_missed_opportunity=True,
        gap_type_id=_term("gap_type", "no_follow_up_after_discharge_or_release"),
        rationale="Left custody with no bridge to treatment.")
    ofr.add_touchpoint(s.manager, case, occurred=f"{death.year - 1}",
                       type_id=_term("touchpoint_type", "sud_treatment_admission"),
                       organization_id=s.treatment.id, is_part2=True,
                       description="Outpatient intake, attended twice.")
    gap = gaps.create_gap(
        s.manager, title="No bridge to treatment at jail release",
        stage_id=_term("stage", "criminal_legal_transitions_custody_moud_re_entry"),
        gap_type_id=_term("gap_type", "no_follow_up_after_discharge_or_release"), sector_ids=[])
    gaps.link_missed(s.manager, release, gap)
    from_case = gaps.create_recommendation(
        s.manager, s.table, text="Hand every person leaving the jail a naloxone kit.",
        lead_organization_id=s.police.id, case_ids=[case.id])
    from_case.last_update_on = local_today() - timedelta(days=200)
    from_case.blockers = "Waiting for the jail's medical contract."
    coalition = make_table("coalition", name="Test County Coalition")
    for_gap = gaps.create_recommendation(
        s.manager, coalition, text="Fund a re-entry peer navigator.", gap_ids=[gap.id])
    done = gaps.create_recommendation(s.manager, s.table, text="Print the referral card.")
    done.status = term_by_code("recommendation_status", "implemented")
    db.session.commit()
    return {"case": case, "gap": gap, "meeting": review_meeting, "from_case": from_case,
            "for_gap": for_gap, "done": done}


def _attested(client, login, user, meeting):
    meetings.running.sign_attestation(user, meeting)
    db.session.commit()
    return login(user, test_client=client)


def test_an_attested_member_gets_the_whole_packet_marked_on_every_page(
        app, client, login, ofr_setting, packet):
    meeting, case = packet["meeting"], packet["case"]
    _attested(client, login, ofr_setting.police_user, meeting)
    response = client.post(f"/meetings/{meeting.id}/packet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "packet-copy-1-" in response.headers["Content-Disposition"]
    pages = _pages(response.data)
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert _mark(1, "Detective Seated") in page, number  # the running header
        assert "Copy 1 · Detective Seated" in page, number  # the watermark
        assert f"Page {number} of {len(pages)}" in page, number
    text = " ".join(pages)
    for expected in [
        "Copy 1 — for Detective Seated", "1. Agenda", "Case presentation",
        f"{case.code} — case review",  # the agenda
        f"Case {case.code}", f"{case.date_of_death:%B %Y}", "Male", "34", "Fentanyl",
        "Xylazine", "Test General Hospital: due",  # the case summary
        "Released after a short stay; no naloxone at release.", "Missed opportunity",
        "Left custody with no bridge to treatment.", packet["gap"].code,
        "Outpatient intake, attended twice.", "42 CFR Part 2 notice",  # the timeline
        "3. Recommendation status", packet["from_case"].code, packet["for_gap"].code,
        "Hand every person leaving the jail a naloxone kit.", "STALLED",
        "Waiting for the jail's medical contract.", f"From case {case.code}",
        "1 finished recommendation is not listed",
    ]:
        assert expected in text, expected
    assert text.index(packet["from_case"].code) < text.index(packet["for_gap"].code)
    assert "Print the referral card." not in text  # finished, from no case of the packet
    for identifier in [IDENTITY["name"], "Identifiable", IDENTITY["me_case_number"],
                       IDENTITY["address"], "1990-01-02", SOURCE_RECORD, "MRN 889977",
                       case.date_of_death.isoformat(),
                       f"{case.date_of_death:%B} {case.date_of_death.day}, "]:
        assert identifier not in text, identifier
    reader = PdfReader(io.BytesIO(response.data))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title.startswith("Confidential meeting packet: Fatality review")


def test_copy_numbers_increase_and_each_copy_writes_one_audit_row(
        app, client, login, ofr_setting, packet):
    meeting = packet["meeting"]
    _attested(client, login, ofr_setting.police_user, meeting)
    for _ in range(2):
        assert client.post(f"/meetings/{meeting.id}/packet.pdf").status_code == 200
    manager = _attested(app.test_client(), login, ofr_setting.manager, meeting)
    response = manager.post(f"/meetings/{meeting.id}/packet.pdf")
    assert _mark(3, "Review Lead") in _pages(response.data)[0]
    copies = db.session.scalars(select(PacketCopy).order_by(PacketCopy.copy_number)).all()
    assert [(c.copy_number, c.recipient_name) for c in copies] == [
        (1, "Detective Seated"), (2, "Detective Seated"), (3, "Review Lead")]
    rows = _packet_rows()
    assert [(r.user_id, r.object_type, r.object_id, r.case_table_id) for r in rows] == [
        (ofr_setting.police_user.id, "meetings", meeting.id, ofr_setting.table.id),
        (ofr_setting.police_user.id, "meetings", meeting.id, ofr_setting.table.id),
        (ofr_setting.manager.id, "meetings", meeting.id, ofr_setting.table.id)]
    for number, (row, name) in enumerate(zip(rows, ["Detective Seated", "Detective Seated",
                                                     "Review Lead"], strict=True), 1):
        assert f"copy {number} for {name}" in row.summary
        assert IDENTITY["name"] not in row.summary


def test_the_copy_number_is_unique_per_meeting(packet, ofr_setting):
    meeting = packet["meeting"]
    db.session.add(PacketCopy(meeting_id=meeting.id, copy_number=1, recipient_name="A"))
    db.session.commit()
    db.session.add(PacketCopy(meeting_id=meeting.id, copy_number=1, recipient_name="B"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_member_who_has_not_attested_is_refused_and_nothing_is_audited(
        client, login, ofr_setting, packet):
    meeting = packet["meeting"]
    login(ofr_setting.police_user)
    assert client.post(f"/meetings/{meeting.id}/packet.pdf").status_code == 403
    page = client.get(f"/meetings/{meeting.id}/print").get_data(as_text=True)
    assert "packet.pdf" not in page
    assert "signed this meeting's confidentiality attestation" in page
    assert _packet_rows() == [] and db.session.scalars(select(PacketCopy)).all() == []


@pytest.mark.parametrize(("who", "status"), [
    ("outsider", 404),  # seated at another table: the meeting is not acknowledged
    ("leader", 403), ("unseated_coordinator", 403),  # see the meeting, not its cases
])
def test_people_not_seated_at_the_table_are_refused(app, login, ofr_setting, packet, who,
                                                    status):
    client = login(getattr(ofr_setting, who), test_client=app.test_client())
    assert client.post(f"/meetings/{packet['meeting'].id}/packet.pdf").status_code == status
    assert _packet_rows() == []


def test_a_manager_prints_for_an_attested_attendee_only(app, client, login, ofr_setting,
                                                        packet):
    meeting = packet["meeting"]
    url = f"/meetings/{meeting.id}/packet.pdf"
    member = _attested(app.test_client(), login, ofr_setting.police_user, meeting)
    manager = _attested(client, login, ofr_setting.manager, meeting)
    page = manager.get(f"/meetings/{meeting.id}/print").get_data(as_text=True)
    assert '<label class="form-label" for="packet-recipient">Print for</label>' in page
    assert "Detective Seated" in page and "Paramedic Seated" not in page  # not attested
    response = manager.post(url, data={"recipient_id": ofr_setting.police_user.person_id})
    assert _mark(1, "Detective Seated") in _pages(response.data)[0]
    for refused in [ofr_setting.ems_user.person_id, ofr_setting.outsider.person_id, 424242,
                    "x"]:
        response = manager.post(url, data={"recipient_id": refused})
        assert response.status_code == 303, refused
        assert response.headers["Location"].endswith(f"/meetings/{meeting.id}/print")
    assert "Copies to collect" in manager.get(f"/meetings/{meeting.id}/print").get_data(
        as_text=True)
    # a member prints for themselves only
    assert member.post(url, data={"recipient_id": ofr_setting.manager.person_id}) \
        .status_code == 403
    assert len(_packet_rows()) == 1


def test_the_packet_is_printed_from_the_form_only(client, login, ofr_setting, packet):
    meeting = packet["meeting"]
    _attested(client, login, ofr_setting.police_user, meeting)
    assert client.get(f"/meetings/{meeting.id}/packet.pdf").status_code == 405
    page = client.get(f"/meetings/{meeting.id}/print").get_data(as_text=True)
    assert f'<form method="post" action="/meetings/{meeting.id}/packet.pdf">' in page
    client.add_csrf = False
    assert client.post(f"/meetings/{meeting.id}/packet.pdf").status_code == 400
    assert _packet_rows() == []


def test_a_meeting_of_a_table_without_cases_has_no_packet(app, login, make_meeting,
                                                          ofr_setting):
    meeting = make_meeting(ofr_setting.other_table)  # a risk review table
    client = login(ofr_setting.outsider, test_client=app.test_client())
    meetings.running.sign_attestation(ofr_setting.outsider, meeting)
    db.session.commit()
    assert client.post(f"/meetings/{meeting.id}/packet.pdf").status_code == 404
    assert "packet.pdf" not in client.get(f"/meetings/{meeting.id}/print").get_data(
        as_text=True)


def test_a_case_of_another_table_on_the_agenda_is_left_out(app, make_table, make_case,
                                                           make_agenda_item, ofr_setting,
                                                           packet):
    """Only the meeting's own table's cases are summarized, whatever an agenda item points to."""
    from coalition.reporting.packet import packet_context

    elsewhere = make_case(make_table("ofr", name="Another Fatality Review"))
    make_agenda_item(packet["meeting"], title="Stray case item", item_type="case",
                     fatality_case_id=elsewhere.id)
    with app.test_request_context():
        context = packet_context(packet["meeting"], viewer=ofr_setting.manager, copy_number=1,
                                 recipient_name="Review Lead", printed_by="Review Lead")
    assert [case["code"] for case in context["cases"]] == [packet["case"].code]
    assert context["mark"] == _mark(1, "Review Lead")
