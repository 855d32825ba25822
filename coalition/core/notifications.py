"""Notifications: what the application tells a person of the roster, in the app and by e-mail.

A notification is a short line and a link (``"Priya Natarajan assigned you 'Call the
pharmacies', due 2026-12-20"``). The text must be fit for anyone who reads the recipient's
screen or mailbox: a notification about case material names it by code only — the domain that
writes it takes care of that. The header's unread count is read with the signed-in user's
session (:func:`unread_count_column`), so it costs no query of its own.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app, g, has_request_context, request
from sqlalchemy import ForeignKey, Index, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from coalition.core.db import UTCDateTime, db, utcnow
from coalition.core.mail import send_after_commit
from coalition.core.permissions import person_id_of

TEXT_MAX = 300


class Notification(db.Model):
    """One line told to one person; ``read_at`` once they marked it read."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))  # "assigned", "handed_over", "done", "blocked"
    text: Mapped[str] = mapped_column(String(TEXT_MAX))
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def notify(person, *, kind: str, text: str, link: str = "", subject: str = "") -> Notification:
    """Tell ``person`` (a roster person): a notification row now, and an e-mail after the
    transaction commits when they have an address. ``link`` is a path of this site."""
    text = text[:TEXT_MAX]
    notice = Notification(recipient_id=person.id, kind=kind, text=text, link=link)
    db.session.add(notice)
    db.session.flush()
    if person.email and person.is_active:
        send_after_commit(_message(person, subject or text, text, link),
                          f"notice-{notice.id}.eml")
    return notice


def _message(person, subject: str, text: str, link: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = subject[:150]
    message["From"] = config["MAIL_FROM"]
    message["To"] = formataddr((person.name, person.email))
    lines = [f"Hello {person.name},", "", text]
    if link:
        base = request.host_url.rstrip("/") if has_request_context() else ""
        lines += ["", base + link]
    lines += ["", "You are told of this because it concerns an action item you own or assigned."]
    message.set_content("\n".join(lines))
    return message


# --- reading ------------------------------------------------------------------------------------

def unread_count_column(person_id_column):
    """A scalar subquery: the unread notifications of the person in ``person_id_column``."""
    return (select(func.count(Notification.id))
            .where(Notification.recipient_id == person_id_column,
                   Notification.read_at.is_(None))
            .scalar_subquery())


def unread_count() -> int:
    """The signed-in user's unread count, as read with their session (0 when unknown)."""
    return g.get("unread_notifications", 0) or 0


def recent_query(person_id: int):
    """A person's notifications, newest first (the list pages through them)."""
    return (select(Notification).where(Notification.recipient_id == person_id)
            .order_by(Notification.id.desc()))


def mark_all_read(actor) -> int:
    """Mark the actor's unread notifications read; how many there were."""
    person_id = person_id_of(actor)
    if person_id is None:
        return 0
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == person_id, Notification.read_at.is_(None))
        .values(read_at=utcnow()))
    g.unread_notifications = 0
    return result.rowcount or 0
