"""What action items tell people: the owner when an item becomes theirs, the owner and the
assigner when it is done or blocked.

Every line names an item born of case material by its code only ("case action item AI-00042"):
notifications are read on screens and in mailboxes beyond the case's need-to-know.
"""

from __future__ import annotations

from flask import has_request_context, url_for

from coalition.core import notifications
from coalition.core.db import db
from coalition.core.permissions import person_id_of
from coalition.roster.models import Person

TOLD_STATUSES = {"done": "done", "blocked": "blocked"}


def _name(item) -> str:
    return f"case action item {item.code}" if item.is_case else f"“{item.title}”"


def _link(item) -> str:
    if not has_request_context():
        return f"/actions/{item.id}"
    return url_for("actions.item_detail", item_id=item.id)


def _actor_name(actor) -> str:
    """The roster name of the person acting (their account's name if they have none)."""
    person = getattr(actor, "person", None)
    return getattr(person, "name", None) or getattr(actor, "name", None) or "Someone"


def _tell(person_id, actor, **values) -> None:
    """Tell the person ``person_id``, unless they are the one acting."""
    if person_id is None or person_id == person_id_of(actor):
        return
    person = db.session.get(Person, person_id)
    if person is not None:
        notifications.notify(person, **values)


def assigned(actor, item) -> None:
    """A new item's owner is told who assigned it, and when it is due."""
    _tell(item.owner_id, actor, kind="assigned", link=_link(item),
          subject=f"Action item assigned to you: {_name(item)}",
          text=f"{_actor_name(actor)} assigned you {_name(item)} at {item.table.name}, "
               f"due {item.due_on.isoformat()}.")


def handed_over(actor, item, note: str) -> None:
    """The new owner is told who handed the item over (the note only for ordinary items)."""
    text = (f"{_actor_name(actor)} handed {_name(item)} over to you, due "
            f"{item.due_on.isoformat()}.")
    if not item.is_case:
        text += f" Note: {note}"
    _tell(item.owner_id, actor, kind="handed_over", link=_link(item), text=text,
          subject=f"Action item handed over to you: {_name(item)}")


def status_changed(actor, item) -> None:
    """Done or blocked: the owner and the assigner are told (not the one who changed it)."""
    word = TOLD_STATUSES.get(item.status)
    if word is None:
        return
    text = f"{_actor_name(actor)} marked {_name(item)} {word}."
    told = []
    for person_id in (item.owner_id, item.assigned_by_id):
        if person_id not in told:
            told.append(person_id)
            _tell(person_id, actor, kind=item.status, link=_link(item), text=text,
                  subject=f"Action item {word}: {_name(item)}")
