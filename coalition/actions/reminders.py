"""Reminder digests: one e-mail a day per owner listing their open items overdue or due soon,
and what they were told (an item assigned or handed over to them, one done or blocked) and have
not yet read in the app.

Digests are computed from the current owners when they are sent, so reassigning an item stops
reminders to its previous owner at once. A ``ReminderDigest`` row (unique per person and day) is
claimed before the message goes out: a second run the same day sends nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coalition.actions.models import OPEN_STATUSES, ActionItem, ReminderDigest
from coalition.core import audit
from coalition.core.mail import deliver
from coalition.core.notifications import Notification
from coalition.extensions import db
from coalition.roster.models import Person


@dataclass
class Digest:
    person: Person
    due_by: date
    items: list[ActionItem] = field(default_factory=list)
    notices: list[Notification] = field(default_factory=list)  # unread notifications

    def overdue(self, today: date) -> list[ActionItem]:
        return [item for item in self.items if item.due_on < today]


def pending_digests(today: date, days: int) -> list[Digest]:
    """Owners with an e-mail address and open items overdue or due within ``days``, or unread
    notifications no digest has listed yet, who have not had a digest today."""
    already = select(ReminderDigest.person_id).where(ReminderDigest.sent_on == today)
    items = db.session.scalars(
        select(ActionItem)
        .join(Person, Person.id == ActionItem.owner_id)
        .where(ActionItem.status.in_(OPEN_STATUSES),
               ActionItem.due_on <= today + timedelta(days=days),
               Person.email != "", Person.is_active.is_(True),
               ActionItem.owner_id.not_in(already))
        .options(selectinload(ActionItem.owner), selectinload(ActionItem.table))
        .order_by(ActionItem.owner_id, ActionItem.due_on, ActionItem.id))
    due_by = today + timedelta(days=days)
    digests: dict[int, Digest] = {}
    for item in items:
        digests.setdefault(item.owner_id, Digest(item.owner, due_by)).items.append(item)
    # unread, and not yet in an earlier digest: a notice is told once, not every day it waits
    in_a_digest = (select(ReminderDigest.id)
                   .where(ReminderDigest.person_id == Notification.recipient_id,
                          ReminderDigest.created_at >= Notification.created_at)
                   .exists())
    unread = db.session.execute(
        select(Notification, Person)
        .join(Person, Person.id == Notification.recipient_id)
        .where(Notification.read_at.is_(None), Person.email != "",
               Person.is_active.is_(True), Notification.recipient_id.not_in(already),
               ~in_a_digest)
        .order_by(Notification.recipient_id, Notification.id))
    for notice, person in unread:
        digests.setdefault(person.id, Digest(person, due_by)).notices.append(notice)
    return sorted(digests.values(), key=lambda digest: digest.person.id)


def _item_link(item: ActionItem) -> str:
    try:
        return url_for("actions.item_detail", item_id=item.id, _external=True)
    except RuntimeError:  # no SERVER_NAME outside a request: the title has to do
        return ""


def build_message(digest: Digest, today: date) -> EmailMessage:
    config = current_app.config
    overdue = digest.overdue(today)
    count = len(digest.items)
    message = EmailMessage()
    subject = (f"Action items: {count} due soon or overdue"
               + (f" ({len(overdue)} overdue)" if overdue else "")) if count else "Action items"
    if digest.notices:
        subject += f", {len(digest.notices)} new to you"
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = formataddr((digest.person.name, digest.person.email))
    lines = [f"Hello {digest.person.name},", ""]
    if digest.notices:  # the notices' text already names case items by code only
        lines += ["New to you (not yet read in the app):", ""]
        lines += [f"- {notice.text}" for notice in digest.notices]
        lines.append("")
    if digest.items:
        lines += ["These open action items you own are overdue or due by "
                  f"{digest.due_by.isoformat()}:", ""]
    for item in digest.items:
        mark = "OVERDUE" if item.due_on < today else "Due soon"
        # An e-mail leaves the application: an item born of case material is named by its code.
        name = f"Case action item {item.code}" if item.is_case else item.title
        lines.append(f"- [{mark}] {name} (due {item.due_on.isoformat()}, "
                     f"{item.status_label}, {item.table.name})")
        link = _item_link(item)
        if link:
            lines.append(f"  {link}")
    lines += ["", "Update an item's status or add a note from its page.",
              "You receive at most one digest a day."]
    message.set_content("\n".join(lines))
    return message


def send_digest(digest: Digest, today: date) -> ReminderDigest:
    """Claim today's digest for the person (the unique row), then send it.

    The caller commits after each digest, so a failure later does not resend this one. On a
    delivery error, or an ``IntegrityError`` when a concurrent run got there first, it rolls
    back, which leaves the claim to whoever holds it (or to the next run).
    """
    ids = [item.id for item in digest.items]
    record = ReminderDigest(person_id=digest.person.id, sent_on=today, item_count=len(ids),
                            item_ids=",".join(map(str, ids)))
    db.session.add(record)
    db.session.flush()  # IntegrityError if a concurrent run already sent today's digest
    record.delivery = deliver(build_message(digest, today),
                              f"{today.isoformat()}-person-{digest.person.id}.eml")
    audit.log(None, "send_reminder", record,
              summary=f"{len(ids)} action item(s) to {digest.person.name} by {record.delivery}")
    db.session.flush()
    return record
