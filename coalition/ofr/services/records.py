"""Records requests: one per agency and case, with requested and due dates (a default per table),
what came back (a date, or "nothing found"), and the 42 CFR Part 2 flag for substance use
treatment records. Overdue requests show on the case and the managers' dashboard."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from coalition.core import audit
from coalition.core.db import json_rows, valid_id
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.text import clean
from coalition.extensions import db
from coalition.ofr.models import (
    OPEN_STATUSES,
    FatalityCase,
    OfrSettings,
    RecordsRequest,
    RequestAnswer,
)
from coalition.ofr.services.agencies import agency_named
from coalition.roster.models import Organization

NOTE_MAX = 1000


def settings_of(table) -> OfrSettings:
    """The table's settings (defaults until someone changes them)."""
    return db.session.get(OfrSettings, table.id) or OfrSettings(table_id=table.id,
                                                                records_due_days=30,
                                                                completeness_threshold=70)


def _organizations(ids) -> list[Organization]:
    ids = [valid_id(value) for value in dict.fromkeys(ids or ())]
    if not ids or None in ids:
        raise ServiceError("Choose the agencies to ask.", field="organization_ids")
    found = list(db.session.scalars(select(Organization).where(Organization.id.in_(ids))))
    if len(found) != len(ids):
        raise ServiceError("Choose agencies from the list.", field="organization_ids")
    return found


def request_records(actor, case: FatalityCase, *, organization_ids=(), other_agency: str = "",
                    requested_on=None, due_on=None,
                    is_part2: bool = False) -> list[RecordsRequest]:
    """Ask each agency for its records about the case (one request per agency): those of
    ``organization_ids`` and the active agency named ``other_agency`` (any case). A selected case
    moves on to "records requested"."""
    other = agency_named(other_agency, field="other_agency")
    organization_ids = [*(organization_ids or ()), *([other] if other is not None else [])]
    today = local_today()
    requested_on = requested_on or today
    if not isinstance(requested_on, date) or requested_on > today:
        raise ServiceError("The request date cannot be in the future.", field="requested_on")
    due_on = due_on or requested_on + timedelta(days=settings_of(case.table).records_due_days)
    if not isinstance(due_on, date) or due_on < requested_on:
        raise ServiceError("The due date must be on or after the request date.", field="due_on")
    asked = {request.organization_id for request in case.requests}
    created = []
    for org in _organizations(organization_ids):
        if org.id in asked:
            raise ServiceError(f"{org.name} has already been asked about this case.",
                               field="organization_ids")
        request = RecordsRequest(organization_id=org.id, requested_on=requested_on,
                                 due_on=due_on, is_part2=bool(is_part2))
        case.requests.append(request)
        created.append(request)
    if case.status == "selected":
        case.status = "records_requested"
    db.session.flush()
    audit.log(actor, "request_records", case, case_table=case.table,
              summary=f"case {case.code}: records requested from {len(created)} agenc"
                      f"{'y' if len(created) == 1 else 'ies'}, due {due_on.isoformat()}")
    return created


def answer_request(actor, request: RecordsRequest, *, received_on=None,
                   nothing_found: bool = False, is_part2: bool = False, note: str = "") -> None:
    """What came back: received on a date, or nothing found."""
    if received_on is not None and not isinstance(received_on, date):
        raise ServiceError("Enter a real date, like 2025-03-31.", field="received_on")
    if received_on is not None and received_on > local_today():
        raise ServiceError("The date received cannot be in the future.", field="received_on")
    if received_on is not None and received_on < request.requested_on:
        raise ServiceError("The records cannot arrive before they were requested.",
                           field="received_on")
    if received_on is None and not nothing_found:
        raise ServiceError("Enter the date the records arrived, or tick “nothing found”.",
                           field="received_on")
    request.received_on = received_on
    request.nothing_found = bool(nothing_found)
    request.is_part2 = bool(is_part2)
    request.note = clean(note, field="note", max_length=NOTE_MAX, multiline=True)
    db.session.flush()
    what = "nothing found" if nothing_found else f"received {received_on.isoformat()}"
    audit.log(actor, "update", request, case_table=request.case.table,
              summary=f"records request {request.id} of case {request.case.code}: {what}")


def overdue_requests(table_ids, today: date) -> list[RecordsRequest]:
    """Unanswered requests past their due date about the open cases of these tables, oldest
    first (one query)."""
    if not table_ids:
        return []
    return list(db.session.scalars(
        select(RecordsRequest).join(FatalityCase)
        .where(FatalityCase.table_id.in_(table_ids), FatalityCase.status.in_(OPEN_STATUSES),
               RecordsRequest.received_on.is_(None),
               RecordsRequest.nothing_found.is_(False), RecordsRequest.due_on < today)
        .options(contains_eager(RecordsRequest.case))
        .order_by(RecordsRequest.due_on, RecordsRequest.id).limit(50)))


@dataclass(frozen=True)
class RequestRow(RequestAnswer):
    """A records request of a case as the case's page lists it."""

    id: int
    organization_id: int
    organization_name: str
    requested_on: date
    due_on: date
    received_on: date | None
    nothing_found: bool
    is_part2: bool
    note: str


def requests_column():
    """SQL: the case's records requests as :func:`request_rows` reads them, with the case."""
    return (select(json_rows(
        id=RecordsRequest.id, organization_id=RecordsRequest.organization_id,
        organization_name=Organization.name, requested_on=RecordsRequest.requested_on,
        due_on=RecordsRequest.due_on, received_on=RecordsRequest.received_on,
        nothing_found=RecordsRequest.nothing_found, is_part2=RecordsRequest.is_part2,
        note=RecordsRequest.note))
        .select_from(RecordsRequest)
        .join(Organization, Organization.id == RecordsRequest.organization_id)
        .where(RecordsRequest.case_id == FatalityCase.id)
        .correlate(FatalityCase).scalar_subquery())


def request_rows(text: str) -> list[RequestRow]:
    """The rows of :func:`requests_column`'s text, in the order of ``FatalityCase.requests``."""
    rows = [RequestRow(
        id=row["id"], organization_id=row["organization_id"],
        organization_name=row["organization_name"],
        requested_on=date.fromisoformat(row["requested_on"]),
        due_on=date.fromisoformat(row["due_on"]),
        received_on=date.fromisoformat(row["received_on"]) if row["received_on"] else None,
        nothing_found=bool(row["nothing_found"]), is_part2=bool(row["is_part2"]),
        note=row["note"] or "") for row in json.loads(text)]
    rows.sort(key=lambda row: (row.requested_on, row.id))
    return rows
