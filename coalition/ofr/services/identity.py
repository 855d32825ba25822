"""Who the person was: name, date of birth, the medical examiner's case number, address, and the
cause narrative, every value encrypted at rest with ``IDENTITY_KEY`` and revealed only by an
audited action. Audit rows say which fields were recorded, never their values.

The source's case number also gives the case its ``source_key`` (a keyed hash), by which a
later import recognizes the same death without reading the number.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from flask import current_app
from sqlalchemy import select

from coalition.core import audit
from coalition.core.encryption import decrypt, encrypt
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.text import clean
from coalition.extensions import db
from coalition.ofr.models import CaseIdentity, FatalityCase
from coalition.ofr.permissions import can_reveal_case_identity

IDENTITY_FIELDS = ("name", "birth_date", "me_case_number", "address", "cause_narrative")
IDENTITY_LABELS = {"name": "name", "birth_date": "date of birth",
                   "me_case_number": "medical examiner case number", "address": "address",
                   "cause_narrative": "cause narrative"}
LIMITS = {"name": 200, "me_case_number": 60, "address": 300, "cause_narrative": 4000}


def source_key(case_number: str) -> str | None:
    """The keyed hash of a source case number (case and spaces ignored), or None if empty."""
    number = "".join((case_number or "").split()).upper()
    if not number:
        return None
    secret = str(current_app.secret_key).encode()
    return hmac.new(secret, b"case-number:" + number.encode(), hashlib.sha256).hexdigest()


def identity_values(*, name="", birth_date=None, me_case_number="", address="",
                    cause_narrative="") -> dict[str, str]:
    if birth_date is not None and not isinstance(birth_date, date):
        raise ServiceError("Enter a real date, like 1980-03-14.", field="birth_date")
    if birth_date is not None and birth_date > local_today():
        raise ServiceError("The date of birth cannot be in the future.", field="birth_date")
    return {"name": clean(name, field="name", max_length=LIMITS["name"]),
            "birth_date": birth_date.isoformat() if birth_date else "",
            "me_case_number": clean(me_case_number, field="me_case_number",
                                    max_length=LIMITS["me_case_number"]),
            "address": clean(address, field="address", max_length=LIMITS["address"]),
            "cause_narrative": clean(cause_narrative, field="cause_narrative",
                                     max_length=LIMITS["cause_narrative"], multiline=True)}


def _check_unique_number(case: FatalityCase, case_number: str) -> None:
    """The medical examiner's case number names one death of the table."""
    key = source_key(case_number)
    if key is None:
        return
    other = db.session.scalar(select(FatalityCase.code).where(
        FatalityCase.table_id == case.table_id, FatalityCase.source_key == key,
        FatalityCase.id != case.id))
    if other:
        raise ServiceError(f"Case {other} already has this medical examiner case number.",
                           field="me_case_number")


def store_identity(case: FatalityCase, values: dict[str, str]) -> None:
    """Encrypt ``values`` onto the case (replacing what was there)."""
    identity = case.identity or CaseIdentity()
    case.identity = identity
    for field, value in values.items():
        setattr(identity, f"{field}_encrypted", encrypt(value))
    case.source_key = source_key(values.get("me_case_number", ""))


def save_identity(actor, case: FatalityCase, **fields) -> CaseIdentity:
    """Record (or replace) the case's restricted identifiers, every one encrypted."""
    values = identity_values(**fields)
    if not any(values.values()):
        raise ServiceError("Enter at least one identifier.", field="name")
    _check_unique_number(case, values["me_case_number"])
    store_identity(case, values)
    db.session.flush()
    recorded = ", ".join(IDENTITY_LABELS[f] for f, v in values.items() if v)
    audit.log(actor, "identity_update", case, case_table=case.table,
              summary=f"identifiers of case {case.code} recorded ({recorded}); values "
                      "encrypted, not logged")
    return case.identity


def decrypted_identity(case: FatalityCase) -> dict[str, str]:
    identity = case.identity
    return {field: decrypt(getattr(identity, f"{field}_encrypted")) if identity else ""
            for field in IDENTITY_FIELDS}


def reveal_identity(actor, case: FatalityCase) -> dict[str, str]:
    """The decrypted identifiers, for a manager or an attested attendee of the running meeting;
    writes a "reveal" audit row (the caller commits it with the response)."""
    if not can_reveal_case_identity(actor, case):
        raise ServiceError("Only the table's managers, and attested attendees while the case's "
                           "meeting runs, may see who the person was.")
    values = decrypted_identity(case)
    audit.log(actor, "reveal", case, case_table=case.table,
              summary=f"identifiers of case {case.code} revealed")
    db.session.flush()
    return values
