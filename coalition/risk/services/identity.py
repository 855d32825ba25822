"""Identity (filter 4): who the person is, written only after the table accepted the situation,
encrypted at rest with ``IDENTITY_KEY``, and revealed to the assigned agencies through an audited
action. Audit summaries name which fields were recorded, never their values."""

from __future__ import annotations

from datetime import date

from coalition.core import audit
from coalition.core.encryption import decrypt, encrypt
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.text import clean
from coalition.extensions import db
from coalition.risk.models import RiskSituation, SituationIdentity
from coalition.risk.permissions import can_reveal_identity
from coalition.risk.services.identifiers import summary_warnings

IDENTITY_FIELDS = ("name", "birth_date", "location", "phone")
IDENTITY_LABELS = {"name": "name", "birth_date": "date of birth", "location": "location",
                   "phone": "phone"}
LIMITS = {"name": 200, "location": 300, "phone": 40}


def _clean(value, field: str) -> str:
    return clean(value, field=field, max_length=LIMITS[field])


def save_identity(actor, situation: RiskSituation, *, name, birth_date, location,
                  phone) -> SituationIdentity:
    """Record (or replace) the identity of an accepted situation, every field encrypted."""
    if situation.status != "accepted":
        raise ServiceError("Identity is recorded only after the table has accepted the "
                           "situation, while it is open.")
    if birth_date is not None and not isinstance(birth_date, date):
        raise ServiceError("Enter a real date, like 1990-03-14.", field="birth_date")
    if birth_date is not None and birth_date > local_today():
        raise ServiceError("The date of birth cannot be in the future.", field="birth_date")
    values = {"name": _clean(name, "name"),
              "birth_date": birth_date.isoformat() if birth_date else "",
              "location": _clean(location, "location"), "phone": _clean(phone, "phone")}
    if not any(values.values()):
        raise ServiceError("Enter at least the name or the location.", field="name")
    identity = situation.identity
    action = "update" if identity is not None else "create"
    if identity is None:
        identity = SituationIdentity()
        situation.identity = identity
    for field, value in values.items():
        setattr(identity, f"{field}_encrypted", encrypt(value))
    identity.recorded_by_id = actor.id if actor is not None else None
    db.session.flush()
    recorded = ", ".join(IDENTITY_LABELS[f] for f, v in values.items() if v)
    audit.log(actor, f"identity_{action}", situation, case_table=situation.table,
              summary=f"identity of situation {situation.code} recorded ({recorded}); "
                      "values encrypted, not logged")
    return identity


def decrypted_identity(situation: RiskSituation) -> dict[str, str]:
    identity = situation.identity
    return {field: decrypt(getattr(identity, f"{field}_encrypted")) if identity else ""
            for field in IDENTITY_FIELDS}


def reveal_identity(actor, situation: RiskSituation) -> dict[str, str]:
    """The decrypted identity for a lead or assisting agency member; writes a "reveal" audit row
    (the caller commits it with the response)."""
    if not can_reveal_identity(actor, situation):
        raise ServiceError("Only the lead and assisting agencies may see who the person is.")
    values = decrypted_identity(situation)
    audit.log(actor, "reveal", situation, case_table=situation.table,
              summary=f"identity of situation {situation.code} revealed")
    db.session.flush()
    return values


def identifier_warnings(situation: RiskSituation) -> list[str]:
    """Identifier warnings for the stored description, including the recorded name."""
    names = ()
    if situation.identity is not None:
        name = decrypted_identity(situation)["name"]
        names = (name,) if name else ()
    return summary_warnings(situation.summary, situation.protective_factors, names=names)
