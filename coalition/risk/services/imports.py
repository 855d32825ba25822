"""Overdose incident reports (CSV from police or EMS records systems) imported as outreach
referrals, and the referral verbs.

An import is all or nothing: :func:`parse_incident_csv` validates every row (file-level problems
such as encoding, size and header first, then each line, including duplicates by agency and
incident number within the file and against the referrals already stored) without writing
anything; :func:`import_incidents` parses again and inserts every row, or raises
:class:`ImportRejected` and adds nothing. The caller commits once.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from coalition.core import audit
from coalition.core.errors import ServiceError
from coalition.core.text import clean
from coalition.extensions import db
from coalition.risk.models import (
    REFERRAL_STATUSES,
    IncidentImport,
    OutreachReferral,
    RiskSituation,
    referral_open_first,
)
from coalition.risk.services.incident_csv import (  # noqa: F401 - the import API in one place
    COLUMNS,
    CONTROL,
    FILENAME_MAX,
    LINE_BREAK,
    MAX_BYTES,
    MAX_ROWS,
    REASON_MAX,
    ImportRejected,
    ParseResult,
    parse_incident_csv,
    rejection_message,
)


def clean_filename(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = LINE_BREAK.sub(" ", CONTROL.sub("", name)).strip()
    return name[:FILENAME_MAX] or "incidents.csv"


def import_incidents(actor, table, *, data: bytes, filename: str) -> IncidentImport:
    """Parse ``data`` again and add every row as an open referral of ``table``, or nothing.

    Raises :class:`ImportRejected` (a :class:`ServiceError`) when any line or the file is
    invalid, or when a duplicate reaches the database meanwhile (the caller must roll back).
    """
    result = parse_incident_csv(data, table=table)
    if not result.ok:
        raise ImportRejected(rejection_message(result), result)
    batch = IncidentImport(table_id=table.id, filename=clean_filename(filename),
                           row_count=len(result.rows),
                           imported_by_id=actor.id if actor is not None else None)
    db.session.add(batch)
    try:
        db.session.flush()
        db.session.add_all([
            OutreachReferral(table_id=table.id, import_id=batch.id, agency=row.agency,
                             organization_id=row.organization_id,
                             incident_number=row.incident_number, occurred_at=row.occurred_at,
                             location=row.location, is_fatal=row.is_fatal,
                             naloxone_administered=row.naloxone_administered,
                             naloxone_doses=row.naloxone_doses, status="open")
            for row in result.rows])
        db.session.flush()
    except IntegrityError as exc:
        raise ImportRejected("Another import added some of these incidents meanwhile; nothing "
                             "was imported. Upload the file again to see which lines are "
                             "duplicates.", ParseResult()) from exc
    audit.log(actor, "import", batch, case_table=table,
              summary=f"{len(result.rows)} incident report(s) from {batch.filename!r} imported "
                      f"as outreach referrals at {table.name!r}")
    return batch


def dismiss_referral(actor, referral: OutreachReferral, *, reason: str) -> None:
    """An open referral will not become a situation; the reason is kept on it and audited."""
    if referral.status != "open":
        raise ServiceError(f"Only open referrals can be dismissed; this one's status is "
                           f"“{REFERRAL_STATUSES[referral.status]}”.", field="reason")
    reason = clean(reason, field="reason", max_length=REASON_MAX,
                   required="Enter why this referral is dismissed.")
    referral.status = "dismissed"
    referral.dismissal_reason = reason
    db.session.flush()
    audit.log(actor, "dismiss", referral, case_table=referral.table_id,
              summary=f"referral {referral.id} dismissed (the reason is kept on the referral)")


def referral_query(table, status: str | None = None):
    """The table's referrals, open ones first, newest incident first within each group: the
    columns the list shows, with the code of the situation a converted one became
    (``situation_code``): :func:`referral_statement` with the table's id given."""
    return referral_statement(status).params(table_id=table.id)


_LIST_COLUMNS = (OutreachReferral.id, OutreachReferral.occurred_at, OutreachReferral.location,
                 OutreachReferral.is_fatal, OutreachReferral.naloxone_administered,
                 OutreachReferral.naloxone_doses, OutreachReferral.agency,
                 OutreachReferral.incident_number, OutreachReferral.status,
                 OutreachReferral.dismissal_reason, OutreachReferral.situation_id,
                 RiskSituation.code.label("situation_code"))


@lru_cache(maxsize=8)
def referral_statement(status: str | None = None):
    """:func:`referral_query` of the table whose id is the parameter ``table_id``, built once
    per status filter (the list's page: ``web.paginate(..., rows=True, params=...)``)."""
    stmt = select(*_LIST_COLUMNS).outerjoin(
        RiskSituation, RiskSituation.id == OutreachReferral.situation_id).where(
        OutreachReferral.table_id == bindparam("table_id"))
    if status and status != "all":
        stmt = stmt.where(OutreachReferral.status == status)
    return stmt.order_by(referral_open_first(), OutreachReferral.occurred_at.desc(),
                         OutreachReferral.id.desc())


def log_referrals_read(actor, table, count: int, page: int) -> None:
    """Showing the referral list is a read of case data: one audit row per page shown."""
    audit.log_read(actor, "view", table, case_table=table,
                   summary=f"outreach referrals: {count} shown (page {page})")
