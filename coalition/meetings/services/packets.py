"""The confidential meeting packet's copies: who may receive one, and the numbered, audited
issue of each copy.

A copy goes only to a person seated at the meeting's table who signed that meeting's
confidentiality attestation, whoever prints it. Copies are numbered per meeting from 1 in a
``packet_copies`` row (not counted from the audit log, whose summaries are for people to read):
the number is taken in the INSERT itself, and the unique ``(meeting_id, copy_number)`` refuses a
simultaneous print that computed the same number (the view tries again). The rows are the list
of copies to collect at the end of the meeting. Each copy writes one ``print`` audit row about
the meeting, marked as case material of its table. The caller commits.
"""

from __future__ import annotations

from sqlalchemy import func, select

from coalition.core import audit
from coalition.core.db import valid_id
from coalition.core.errors import ServiceError
from coalition.extensions import db
from coalition.meetings.models import Attestation, Meeting, PacketCopy
from coalition.roster.models import Person, TableMembership

NOT_ATTESTED_MESSAGE = ("A packet is printed only for a person seated at this table who signed "
                        "this meeting's confidentiality attestation.")


def packet_recipients(meeting: Meeting) -> list[Person]:
    """The people a copy may be printed for: seated at the table and attested, by name."""
    return list(db.session.scalars(
        select(Person)
        .join(Attestation, Attestation.person_id == Person.id)
        .join(TableMembership, (TableMembership.person_id == Person.id)
              & (TableMembership.table_id == meeting.table_id))
        .where(Attestation.meeting_id == meeting.id)
        .order_by(Person.name, Person.id)))


def packet_recipient(meeting: Meeting, person_id) -> Person:
    """The person ``person_id`` if a copy may be printed for them, else :class:`ServiceError`."""
    person_id = valid_id(person_id)
    found = person_id is not None and db.session.scalar(
        select(Person)
        .join(Attestation, Attestation.person_id == Person.id)
        .join(TableMembership, TableMembership.person_id == Person.id)
        .where(Person.id == person_id, Attestation.meeting_id == meeting.id,
               TableMembership.table_id == meeting.table_id))
    if not found:
        raise ServiceError(NOT_ATTESTED_MESSAGE, field="recipient_id")
    return found


def issue_packet_copy(actor, meeting: Meeting, recipient_id) -> PacketCopy:
    """Number the next copy of the meeting's packet for the person ``recipient_id`` and audit
    the print (:class:`ServiceError` if a copy may not be printed for them)."""
    recipient = packet_recipient(meeting, recipient_id)
    next_number = (select(func.coalesce(func.max(PacketCopy.copy_number), 0) + 1)
                   .where(PacketCopy.meeting_id == meeting.id).scalar_subquery())
    copy = PacketCopy(meeting_id=meeting.id, copy_number=next_number,
                      recipient_person_id=recipient.id, recipient_name=recipient.name,
                      printed_by_id=getattr(actor, "id", None))
    db.session.add(copy)
    db.session.flush()
    db.session.refresh(copy, ["copy_number"])
    case_items = sum(1 for item in meeting.items if item.item_type == "case")
    audit.log(actor, "print", meeting, case_table=meeting.table,
              summary=f"Printed the confidential meeting packet of {meeting.title}: copy "
                      f"{copy.copy_number} for {recipient.name} (person {recipient.id}), "
                      f"{case_items} case items")
    return copy


def packet_copies(meeting: Meeting) -> list[PacketCopy]:
    """The copies printed for ``meeting``, by number (the list to collect)."""
    return list(db.session.scalars(select(PacketCopy).where(PacketCopy.meeting_id == meeting.id)
                                   .order_by(PacketCopy.copy_number)))
