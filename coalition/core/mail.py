"""Sending e-mail: by SMTP when ``MAIL_SERVER`` is set, otherwise as a file in the outbox folder.

Reminder digests and notifications both go out through :func:`deliver`. Messages about a change
are queued with :func:`send_after_commit` and leave only once the request's transaction has
committed: a change that is rolled back tells no one.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from coalition.core.db import db
from coalition.core.files import private_folder, write_private

log = logging.getLogger(__name__)
QUEUE_KEY = "mail_after_commit"


def deliver(message: EmailMessage, filename: str, config=None) -> str:
    """Send ``message``: ``smtp``, or ``outbox`` when written to ``<OUTBOX_DIR>/filename``."""
    config = config if config is not None else current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return "smtp"
    outbox = private_folder(config["OUTBOX_DIR"])
    write_private(outbox / filename, message.as_bytes())
    return "outbox"


def send_after_commit(message: EmailMessage, filename: str) -> None:
    """Queue ``message`` to be delivered once the current transaction commits."""
    config = current_app.config
    db.session.info.setdefault(QUEUE_KEY, []).append((message, filename, config))


@event.listens_for(Session, "after_commit")
def _send_queued(session):
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: the transaction goes on
    for message, filename, config in session.info.pop(QUEUE_KEY, []):
        try:
            deliver(message, filename, config)
        except (OSError, smtplib.SMTPException):  # the change is saved; the mail may be retried
            log.exception("could not send %s", filename)


@event.listens_for(Session, "after_rollback")
def _drop_queued(session):
    session.info.pop(QUEUE_KEY, None)
