"""Identity (filter 4): only after acceptance, encrypted at rest, revealed through an audited
action to the assigned agencies only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from coalition.core.encryption import decrypt
from coalition.core.errors import ServiceError
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.risk import services as risk

NAME = "Jordan Quillfeather"


def _save(setting, situation, **fields):
    values = {"name": NAME, "birth_date": date(1990, 3, 14), "location": "Under the bridge",
              "phone": "555-123-4567"}
    values.update(fields)
    risk.save_identity(setting.harm_user, situation, **values)
    db.session.commit()


def test_identity_is_refused_before_acceptance(risk_setting, new_situation):
    with pytest.raises(ServiceError):
        risk.save_identity(risk_setting.harm_user, new_situation, name=NAME, birth_date=None,
                           location="", phone="")


def test_identity_is_refused_after_rejection(risk_setting, new_situation):
    risk.decide_situation(risk_setting.coordinator, new_situation, accepted=False, reason="No")
    with pytest.raises(ServiceError):
        risk.save_identity(risk_setting.harm_user, new_situation, name=NAME, birth_date=None,
                           location="", phone="")


def test_the_name_is_encrypted_at_rest(risk_setting, accepted_situation):
    _save(risk_setting, accepted_situation)
    stored = db.session.execute(text("SELECT name_encrypted FROM situation_identities")).scalar()
    assert NAME not in stored
    assert decrypt(stored) == NAME


def test_every_identity_field_is_encrypted(risk_setting, accepted_situation):
    _save(risk_setting, accepted_situation)
    row = db.session.execute(text(
        "SELECT birth_date_encrypted, location_encrypted, phone_encrypted "
        "FROM situation_identities")).one()
    assert "1990" not in row[0] and "bridge" not in row[1] and "4567" not in row[2]


def test_saving_is_audited_without_the_values(risk_setting, accepted_situation):
    _save(risk_setting, accepted_situation)
    summaries = " ".join(db.session.scalars(db.select(AuditEvent.summary)))
    assert "identity" in summaries
    assert "Quillfeather" not in summaries and "4567" not in summaries


def test_reveal_returns_the_decrypted_values(risk_setting, accepted_situation):
    _save(risk_setting, accepted_situation)
    values = risk.reveal_identity(risk_setting.treatment_user, accepted_situation)
    assert values == {"name": NAME, "birth_date": "1990-03-14", "location": "Under the bridge",
                      "phone": "555-123-4567"}


def test_reveal_writes_an_audit_row(risk_setting, accepted_situation):
    _save(risk_setting, accepted_situation)
    risk.reveal_identity(risk_setting.harm_user, accepted_situation)
    db.session.commit()
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "reveal")).one()
    assert (event.user_id, event.object_id) == (risk_setting.harm_user.id, accepted_situation.id)


def test_reveal_is_refused_to_an_unassigned_member(risk_setting, accepted_situation):
    _save(risk_setting, accepted_situation)
    with pytest.raises(ServiceError):
        risk.reveal_identity(risk_setting.police_user, accepted_situation)


def test_identity_is_deleted_on_rejection_purge(risk_setting, accepted_situation):
    _save(risk_setting, accepted_situation)
    risk.purge_situation(accepted_situation)
    db.session.commit()
    count = db.session.execute(text("SELECT COUNT(*) FROM situation_identities")).scalar()
    assert count == 0


def test_the_recorded_name_in_the_summary_is_warned_about(risk_setting, accepted_situation):
    accepted_situation.summary = "Quillfeather overdosed twice."
    _save(risk_setting, accepted_situation)
    assert any("name recorded" in w for w in risk.identifier_warnings(accepted_situation))


def test_an_empty_identity_is_refused(risk_setting, accepted_situation):
    with pytest.raises(ServiceError) as error:
        risk.save_identity(risk_setting.harm_user, accepted_situation, name="", birth_date=None,
                           location="", phone="")
    assert error.value.field == "name"
