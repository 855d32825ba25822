"""Sign-in throttling that slows guessing without letting anyone lock others out.

Failed sign-ins are counted three ways, over a sliding window (``LOGIN_FAILURE_WINDOW_MINUTES``):

- per account, for browsers the account has not signed in from before: after
  ``LOGIN_MAX_FAILURES`` failures such browsers get HTTP 429 for that account;
- per browser the account did sign in from (a signed, long-lived *device cookie* set at each
  successful sign-in): the real user's own browser has a count of its own, so an attacker who
  keeps the account's count full does not keep its owner out;
- per client address (as far as the configured trusted proxies vouch for it), for attempts from
  unknown browsers only: a whole county network behind one public address is never locked for
  a user whose browser is known.

The account is identified by a keyed hash of the e-mail typed, whether or not an account has it
(so a lock says nothing about which e-mails exist), and what was typed is never stored. A
coordinator can clear an account's lock. Failures are kept a day; audit rows of anonymous
failures are aggregated (one per address and window, and at most ``AUDIT_CAP`` a window), so
anonymous traffic cannot grow the append-only log without bound.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from coalition.core import audit
from coalition.core.db import db, utcnow
from coalition.core.errors import ServiceError
from coalition.core.models import AuditEvent, LoginFailure

THROTTLED_LOGIN_ERROR = ("Too many failed sign-in attempts. Wait a few minutes and try again; "
                         "if it keeps happening, a coordinator can clear the sign-in lock.")
DEVICE_COOKIE = "coalition_device"
DEVICE_SALT = "login-device"
DEVICE_DAYS = 180
DEVICE_USERS_MAX = 5
FAILURES_KEPT = timedelta(days=1)
AUDIT_CAP = 200  # anonymous sign-in rows per window, whatever the number of addresses
PASSWORD_CHANGE = "password-change"  # noqa: S105 - the "device" of wrong current passwords


class Throttled(ServiceError):
    """Too many failed attempts: the request is refused before anything is checked (429)."""

    def __init__(self, field: str | None = None):
        super().__init__(THROTTLED_LOGIN_ERROR, field=field)


@dataclass
class Device:
    """A browser some accounts signed in from: its random id and those accounts."""

    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    user_ids: list[int] = field(default_factory=list)

    def knows(self, user) -> bool:
        return user is not None and user.id in self.user_ids


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=DEVICE_SALT)


def read_device(raw: str | None) -> Device | None:
    """The device cookie's content, or None when it is missing, altered or too old."""
    if not raw or len(raw) > 1000:
        return None
    try:
        data = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
        nonce, user_ids = data["n"], [int(uid) for uid in data["u"]]
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    return Device(nonce=str(nonce)[:64], user_ids=user_ids[:DEVICE_USERS_MAX])


def device_cookie(device: Device | None, user) -> str:
    """The cookie value after ``user`` signed in from this browser."""
    device = device or Device()
    user_ids = [user.id] + [uid for uid in device.user_ids if uid != user.id]
    return _serializer().dumps({"n": device.nonce, "u": user_ids[:DEVICE_USERS_MAX]})


def account_key(email: str) -> str:
    """A keyed hash of the e-mail typed (normalized): what failures are counted against."""
    secret = str(current_app.secret_key).encode()
    return hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()


def _window_start():
    return utcnow() - timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _failures(*conditions) -> int:
    return db.session.scalar(select(func.count(LoginFailure.id)).where(
        LoginFailure.occurred_at >= _window_start(), *conditions)) or 0


def refused(key: str, user, address: str | None, device: Device | None) -> bool:
    """Whether this attempt is refused before the password is even checked."""
    config = current_app.config
    if device is not None and device.knows(user):
        return _failures(LoginFailure.account_key == key,
                         LoginFailure.device == device.nonce) >= config["LOGIN_MAX_FAILURES"]
    unknown_browser = LoginFailure.device.is_(None)
    if address and _failures(LoginFailure.client_address == address, unknown_browser) \
            >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        return True
    return _failures(LoginFailure.account_key == key, unknown_browser) \
        >= config["LOGIN_MAX_FAILURES"]


def record_failure(key: str, user, address: str | None, device: Device | None) -> None:
    """Count one failure (and forget those older than a day). The caller commits."""
    known = device.nonce if device is not None and device.knows(user) else None
    db.session.add(LoginFailure(account_key=key, client_address=address, device=known))
    db.session.execute(LoginFailure.__table__.delete().where(
        LoginFailure.occurred_at < utcnow() - FAILURES_KEPT))


def forget_failures(key: str, user, device: Device | None) -> None:
    """After a successful sign-in: that browser's failures for the account are forgotten (from
    an unknown browser, the account's unknown-browser failures)."""
    condition = (LoginFailure.device == device.nonce if device is not None and device.knows(user)
                 else LoginFailure.device.is_(None))
    db.session.execute(LoginFailure.__table__.delete().where(
        LoginFailure.account_key == key, condition))


def lock_state(user) -> dict:
    """For the account's page: failures from unknown browsers in the window, and whether they
    lock it."""
    count = _failures(LoginFailure.account_key == account_key(user.email),
                      LoginFailure.device.is_(None))
    return {"failures": count, "locked": count >= current_app.config["LOGIN_MAX_FAILURES"]}


def clear_lock(actor, user) -> int:
    """A coordinator clears every counted failure of the account. The caller commits."""
    removed = db.session.execute(LoginFailure.__table__.delete().where(
        LoginFailure.account_key == account_key(user.email))).rowcount or 0
    audit.log(actor, "clear_sign_in_lock", user,
              summary=f"sign-in lock cleared ({removed} failed attempt(s) forgotten)")
    return removed


def log_attempt(action: str, summary: str, user=None) -> None:
    """An audit row for a refused sign-in: at most one per window for the account (``user``),
    or — when no account can be named — per client address, and at most ``AUDIT_CAP``
    anonymous ones in all per window; what was typed is never in it."""
    since = _window_start()
    minutes = current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
    recent = (AuditEvent.occurred_at >= since, AuditEvent.action == action)
    if user is not None:
        seen = db.session.scalar(select(func.count(AuditEvent.id)).where(
            *recent, AuditEvent.object_type == "users", AuditEvent.object_id == user.id))
        if not seen:
            audit.log(user, action, user, summary=f"{summary} (further ones in the next "
                                                  f"{minutes} minutes are counted, not logged)")
        return
    address = audit.client_address()
    anonymous = (AuditEvent.user_id.is_(None), AuditEvent.occurred_at >= since,
                 AuditEvent.action.in_(("login_failed", "login_throttled")))
    seen = db.session.scalar(select(func.count(AuditEvent.id)).where(
        *recent, AuditEvent.user_id.is_(None), AuditEvent.client_address == address))
    if seen:
        return
    if db.session.scalar(select(func.count(AuditEvent.id)).where(*anonymous)) >= AUDIT_CAP:
        return
    audit.log(None, action, actor_label="anonymous",
              summary=f"{summary} (further ones from this address in the next {minutes} "
                      "minutes are counted, not logged)")


# --- the password change form -------------------------------------------------------------------

def password_change_refused(user) -> bool:
    return _failures(LoginFailure.account_key == account_key(user.email),
                     LoginFailure.device == PASSWORD_CHANGE) \
        >= current_app.config["LOGIN_MAX_FAILURES"]


def count_password_change_failure(user) -> None:
    """Count a wrong current password in a transaction of its own: the request's is rolled back
    with the refusal, the count must stay."""
    with db.engine.begin() as connection:
        connection.execute(LoginFailure.__table__.insert().values(
            account_key=account_key(user.email), client_address=audit.client_address(),
            device=PASSWORD_CHANGE, occurred_at=utcnow()))
