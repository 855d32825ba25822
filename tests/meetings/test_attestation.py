"""Confidentiality attestations: signed in the app or recorded from paper, once per person and
meeting, and the gate they open to a meeting's case items."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.meetings.models import Attestation


@pytest.fixture
def ofr(make_table, make_meeting, make_agenda_item, make_user, make_org, make_person, seat):
    """A scheduled OFR meeting with a public and a case item, two seated members (one with an
    account) and a coordinator who is not seated."""
    table = make_table("ofr", name="Fatality review team")
    org = make_org("County EMS")
    member, other = make_person("Morgan Member"), make_person("Pat Paper")
    seat(member, table, org)
    seat(other, table, org)
    meeting = make_meeting(table, status="scheduled")
    make_agenda_item(meeting, title="Opening and updates")
    case = make_agenda_item(meeting, title="Case 2026-07 timeline", item_type="case")
    return {"table": table, "meeting": meeting, "case": case, "member": member, "other": other,
            "member_user": make_user("member", person=member),
            "other_user": make_user("member", person=other),
            "coordinator": make_user("coordinator", name="Casey Coordinator")}


def attestations(meeting) -> list[Attestation]:
    db.session.expire_all()
    return list(db.session.scalars(select(Attestation)
                                   .where(Attestation.meeting_id == meeting.id)))


def run_page(client, meeting) -> str:
    return client.get(f"/meetings/{meeting.id}/run").get_data(as_text=True)


def test_case_items_are_hidden_from_a_member_who_has_not_attested(client, login, ofr):
    login(ofr["member_user"])
    page = run_page(client, ofr["meeting"])
    assert "Opening and updates" in page
    assert "Case 2026-07 timeline" not in page
    assert "1 case item of this meeting is not shown" in page


def test_signing_in_the_app_shows_the_case_items(client, login, ofr):
    login(ofr["member_user"])
    response = client.post(f"/meetings/{ofr['meeting'].id}/attestation")
    assert response.status_code == 302
    assert "Case 2026-07 timeline" in run_page(client, ofr["meeting"])


def test_an_in_app_signature_stores_the_person_time_and_agreement_version(
        app, client, login, ofr):
    login(ofr["member_user"])
    client.post(f"/meetings/{ofr['meeting'].id}/attestation")
    [row] = attestations(ofr["meeting"])
    assert row.person_id == ofr["member"].id
    assert row.method == "in_app"
    assert row.agreement_version == app.config["CONFIDENTIALITY_AGREEMENT_VERSION"]
    assert row.signed_at is not None
    assert row.recorded_by_id == ofr["member_user"].id


def test_a_signature_is_audited(client, login, ofr):
    login(ofr["member_user"])
    client.post(f"/meetings/{ofr['meeting'].id}/attestation")
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "attest")) == 1


def test_the_agreement_page_shows_the_text_with_its_version(app, client, login, ofr):
    login(ofr["member_user"])
    page = client.get(f"/meetings/{ofr['meeting'].id}/attestation").get_data(as_text=True)
    assert f"version {app.config['CONFIDENTIALITY_AGREEMENT_VERSION']}" in page
    assert "I agree" in page


def test_signing_twice_is_refused_with_a_clear_message(client, login, ofr):
    login(ofr["member_user"])
    client.post(f"/meetings/{ofr['meeting'].id}/attestation")
    response = client.post(f"/meetings/{ofr['meeting'].id}/attestation")
    assert response.status_code == 400
    assert "already signed" in response.get_data(as_text=True)
    assert len(attestations(ofr["meeting"])) == 1


def test_the_recorder_records_a_paper_signature_for_a_listed_person(client, login, ofr):
    login(ofr["coordinator"])
    response = client.post(f"/meetings/{ofr['meeting'].id}/attestation/paper",
                           data={"person_id": str(ofr["other"].id)})
    assert response.status_code == 302
    [row] = attestations(ofr["meeting"])
    assert (row.person_id, row.method, row.recorded_by_id) == (
        ofr["other"].id, "paper", ofr["coordinator"].id)


def test_a_paper_signature_opens_the_case_items_to_that_person(app, client, login, ofr):
    login(ofr["coordinator"])
    client.post(f"/meetings/{ofr['meeting'].id}/attestation/paper",
                data={"person_id": str(ofr["other"].id)})
    signer = login(ofr["other_user"], test_client=app.test_client())
    assert "Case 2026-07 timeline" in run_page(signer, ofr["meeting"])


def test_a_second_paper_signature_for_the_same_person_is_refused(client, login, ofr):
    login(ofr["coordinator"])
    url = f"/meetings/{ofr['meeting'].id}/attestation/paper"
    client.post(url, data={"person_id": str(ofr["other"].id)})
    response = client.post(url, data={"person_id": str(ofr["other"].id)})
    assert response.status_code == 400
    assert "Pat Paper has already signed" in response.get_data(as_text=True)
    assert len(attestations(ofr["meeting"])) == 1


def test_a_paper_signature_for_someone_not_seated_is_refused(client, login, ofr, make_person):
    stranger = make_person("Sam Stranger")
    login(ofr["coordinator"])
    response = client.post(f"/meetings/{ofr['meeting'].id}/attestation/paper",
                           data={"person_id": str(stranger.id)})
    assert response.status_code == 400
    assert attestations(ofr["meeting"]) == []


def test_a_member_may_not_record_paper_signatures(client, login, ofr):
    login(ofr["member_user"])
    response = client.post(f"/meetings/{ofr['meeting'].id}/attestation/paper",
                           data={"person_id": str(ofr["other"].id)})
    assert response.status_code == 403
    assert attestations(ofr["meeting"]) == []


def test_the_in_app_signature_is_only_for_ones_own_seated_person(client, login, ofr):
    login(ofr["coordinator"])  # may manage the meeting, but is not seated at the table
    response = client.post(f"/meetings/{ofr['meeting'].id}/attestation",
                           data={"person_id": str(ofr["member"].id)})
    assert response.status_code == 400
    assert attestations(ofr["meeting"]) == []


def test_a_coordinator_not_seated_at_the_table_never_sees_case_items(client, login, ofr):
    login(ofr["coordinator"])
    assert "Case 2026-07 timeline" not in run_page(client, ofr["meeting"])


def test_a_case_item_is_404_to_someone_who_may_not_see_it(client, login, ofr):
    meeting, case = ofr["meeting"], ofr["case"]
    meeting.status = "in_progress"
    db.session.commit()
    login(ofr["coordinator"])
    response = client.post(f"/meetings/{meeting.id}/run/items/{case.id}/decisions",
                           data={f"decision-{case.id}-text": "x"})
    assert response.status_code == 404


def test_showing_case_items_writes_one_view_audit_row(client, login, ofr):
    login(ofr["member_user"])
    client.post(f"/meetings/{ofr['meeting'].id}/attestation")
    run_page(client, ofr["meeting"])
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "view", AuditEvent.object_type == "meetings")) == 1


def test_attestations_are_closed_with_the_meeting(client, login, ofr):
    ofr["meeting"].status = "closed"
    db.session.commit()
    login(ofr["member_user"])
    assert client.post(f"/meetings/{ofr['meeting'].id}/attestation").status_code == 400
    assert attestations(ofr["meeting"]) == []


def test_a_table_that_reviews_no_cases_needs_no_attestation(
        client, login, make_table, make_meeting, make_agenda_item, make_user, make_person,
        make_org, seat):
    table = make_table("coalition")
    person = make_person()
    seat(person, table, make_org())
    meeting = make_meeting(table)
    make_agenda_item(meeting, title="Gaps register review")
    login(make_user("member", person=person))
    page = run_page(client, meeting)
    assert "Gaps register review" in page
    assert "not shown" not in page
    assert client.post(f"/meetings/{meeting.id}/attestation").status_code == 400
    assert attestations(meeting) == []


def test_a_meeting_of_a_case_table_is_404_to_members_not_seated_there(
        client, login, ofr, make_user, make_person):
    login(make_user("member", person=make_person()))
    meeting_id = ofr["meeting"].id
    assert client.get(f"/meetings/{meeting_id}/attestation").status_code == 404
    assert client.post(f"/meetings/{meeting_id}/attestation").status_code == 404
    assert attestations(ofr["meeting"]) == []
