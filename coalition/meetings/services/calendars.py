"""Calendar feeds: each user's own secret address for a table's meetings.

The address carries a random token; only its SHA-256 is stored, so the address is shown once,
when it is made. Making a new one replaces the old; revoking deletes it. A feed answers only while
its user's account is active and they may still see the table (a member who loses their seat at
a case-reviewing table loses the feed with it).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from coalition.core import audit
from coalition.extensions import db
from coalition.meetings.models import CalendarFeed, Meeting
from coalition.roster.permissions import can_view_table


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user, table) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                                        CalendarFeed.table_id == table.id))


def issue_feed(actor, table) -> str:
    """A new feed token for ``actor`` and ``table`` (replacing any earlier one)."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(actor, table)
    replaced = feed is not None
    if feed is None:
        feed = CalendarFeed(user_id=actor.id, table_id=table.id)
        db.session.add(feed)
    feed.token_hash = _hash(token)
    db.session.flush()
    audit.log(actor, "feed_replace" if replaced else "feed_create", table,
              summary=f"calendar feed address of {table.name!r} "
                      + ("replaced (the old one stops working)" if replaced else "made"))
    return token


def revoke_feed(actor, table) -> bool:
    feed = feed_of(actor, table)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    audit.log(actor, "feed_revoke", table, summary=f"calendar feed address of {table.name!r} "
                                                    "revoked")
    return True


def live_feed(table_id: int, token: str) -> CalendarFeed | None:
    """The feed ``token`` opens for table ``table_id``, if it still may."""
    if not token or len(token) > 200:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None or feed.table_id != table_id:
        return None
    if not feed.user.is_active or not can_view_table(feed.user, feed.table):
        return None
    return feed


def feed_meetings(table) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).where(Meeting.table_id == table.id, Meeting.status != "draft")
        .order_by(Meeting.starts_at, Meeting.id)))
