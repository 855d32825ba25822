"""Who the person was: encrypted at rest, revealed by an audited action to the table's managers
and, while the case's meeting runs, to its attested attendees; never in the audit log's text."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from coalition.core.encryption import decrypt
from coalition.core.errors import ServiceError
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.ofr import services as ofr

NAME = "Marisol Quenneville"
NUMBER = "ME-2026-00417"
VALUES = {"name": NAME, "birth_date": date(1989, 7, 4), "me_case_number": NUMBER,
          "address": "17 Larkspur Lane, Test City",
          "cause_narrative": "Acute fentanyl toxicity.\nFound in a locked bathroom."}


@pytest.fixture
def identified(make_case, ofr_setting):
    case = make_case()
    ofr.save_identity(ofr_setting.manager, case, **VALUES)
    db.session.commit()
    return case


def test_every_identifier_is_encrypted_at_rest(identified):
    row = db.session.execute(text(
        "SELECT name_encrypted, birth_date_encrypted, me_case_number_encrypted, "
        "address_encrypted, cause_narrative_encrypted FROM case_identities")).one()
    stored = " ".join(row)
    for secret in ("Quenneville", "1989", "00417", "Larkspur", "fentanyl"):
        assert secret not in stored
    assert decrypt(row[0]) == NAME and decrypt(row[2]) == NUMBER


def test_the_case_number_is_kept_only_as_a_keyed_hash(identified):
    key = db.session.scalar(text("SELECT source_key FROM fatality_cases"))
    assert key and NUMBER not in key and "00417" not in key
    assert key == ofr.identity.source_key(" me-2026-00417 ")


def test_the_same_case_number_on_a_second_case_is_refused(identified, make_case, ofr_setting):
    other = make_case()
    with pytest.raises(ServiceError) as refused:
        ofr.save_identity(ofr_setting.manager, other, me_case_number="me-2026-00417")
    assert refused.value.field == "me_case_number"
    assert identified.code in str(refused.value)


def test_saving_and_revealing_never_put_the_values_in_the_audit_log(identified, ofr_setting):
    ofr.reveal_identity(ofr_setting.manager, identified)
    db.session.commit()
    text_of_log = " ".join(db.session.scalars(select(AuditEvent.summary)))
    assert "identifiers of case" in text_of_log
    for secret in ("Quenneville", "1989", "00417", "Larkspur", "bathroom"):
        assert secret not in text_of_log


def test_a_manager_reveals_and_the_reveal_is_audited(identified, ofr_setting):
    values = ofr.reveal_identity(ofr_setting.manager, identified)
    db.session.commit()
    assert values["name"] == NAME and values["birth_date"] == "1989-07-04"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")).one()
    assert (event.user_id, event.object_id, event.case_table_id) == (
        ofr_setting.manager.id, identified.id, ofr_setting.table.id)


@pytest.mark.parametrize("who", ["police_user", "leader", "unseated_coordinator", "outsider"])
def test_members_and_people_not_seated_may_not_reveal_between_meetings(identified, ofr_setting,
                                                                       who):
    with pytest.raises(ServiceError):
        ofr.reveal_identity(getattr(ofr_setting, who), identified)
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")).all()


def _running(case, meeting, ofr_setting):
    ofr.select_for_meeting(ofr_setting.manager, case, meeting)
    meetings.start_meeting(None, meeting)
    db.session.commit()


def test_an_attested_attendee_reveals_while_the_case_meeting_runs(identified, ofr_setting,
                                                                 review_meeting):
    _running(identified, review_meeting, ofr_setting)
    member = ofr_setting.police_user
    with pytest.raises(ServiceError):  # not attested yet
        ofr.reveal_identity(member, identified)
    meetings.running.sign_attestation(member, review_meeting)
    db.session.commit()
    assert ofr.reveal_identity(member, identified)["name"] == NAME


def test_the_attendee_loses_the_reveal_when_the_meeting_closes(identified, ofr_setting,
                                                              review_meeting):
    _running(identified, review_meeting, ofr_setting)
    meetings.running.sign_attestation(ofr_setting.police_user, review_meeting)
    meetings.running.record_attendance(ofr_setting.manager, review_meeting, people={
        ofr_setting.police_user.person_id: "present"})
    meetings.close_meeting(None, review_meeting)
    db.session.commit()
    with pytest.raises(ServiceError):
        ofr.reveal_identity(ofr_setting.police_user, identified)


def test_an_attestation_for_another_meeting_does_not_reveal(identified, ofr_setting,
                                                            review_meeting, make_meeting):
    other = make_meeting(ofr_setting.table, status="in_progress")
    meetings.running.sign_attestation(ofr_setting.police_user, other)
    ofr.select_for_meeting(ofr_setting.manager, identified, review_meeting)
    db.session.commit()
    with pytest.raises(ServiceError):
        ofr.reveal_identity(ofr_setting.police_user, identified)


def test_a_bad_birth_date_is_refused_at_the_field(make_case, ofr_setting, today):
    case = make_case()
    with pytest.raises(ServiceError) as refused:
        ofr.save_identity(ofr_setting.manager, case, birth_date=today.replace(year=today.year + 1))
    assert refused.value.field == "birth_date"
    with pytest.raises(ServiceError):
        ofr.save_identity(ofr_setting.manager, case)  # nothing at all
