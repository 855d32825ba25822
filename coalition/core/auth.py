"""Authentication: argon2 password hashing, sign-in with throttling, server-side sessions.

The browser's signed cookie carries only a random session token; its hash is stored in
``user_sessions``. Signing out, deactivation and the idle timeout end that row, so a copied cookie
stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g
from sqlalchemy import bindparam, insert, select, update
from zxcvbn import zxcvbn

from coalition.core import audit, throttle
from coalition.core.db import db, utcnow
from coalition.core.generation import generation_column, note_generation
from coalition.core.models import AuditEvent, User, UserSession
from coalition.core.notifications import unread_count_column

GENERIC_LOGIN_ERROR = "Email or password is incorrect."
MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3  # zxcvbn's scale 0-4: 3 is "safely unguessable" for online attacks
TOUCH_INTERVAL = timedelta(seconds=60)


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user: User, password: str) -> bool:
    """Check ``password``; rehash in place when the parameters changed (the caller commits)."""
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


# A hash to verify against when the e-mail is unknown, so both failures take the same time.
_DUMMY_HASH: dict[tuple, str] = {}


def _burn_time(password: str) -> None:
    hasher = _hasher()
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hasher.hash(secrets.token_hex(16))
    try:
        hasher.verify(_DUMMY_HASH[key], password)
    except (VerificationError, InvalidHashError):
        pass


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > 256:
        return "Use at most 256 characters."
    lowered = password.lower()
    if email and normalize_email(email) in lowered or name and name.strip().lower() == lowered:
        return "Do not use your name or e-mail address as your password."
    if len(set(password)) < 4:
        return "This password is too easy to guess."
    # A long password can still be a common one ("password1234"): zxcvbn knows the common
    # passwords, words, names and keyboard patterns, and what the user's own details give away.
    estimate = zxcvbn(password[:100], user_inputs=[part for part in (email, name) if part])
    if estimate["score"] < MIN_PASSWORD_SCORE:
        warning = estimate["feedback"].get("warning") or ""
        return " ".join(filter(None, ["This password is too easy to guess.", warning,
                                      "Add more words, or use a phrase of several words."]))
    return None


def temporary_password() -> str:
    """A one-time password a coordinator hands over; it must be changed at first sign-in."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


# --- signing in ---------------------------------------------------------------------------

@dataclass
class LoginResult:
    user: User | None
    token: str | None = None
    error: str | None = None
    throttled: bool = False
    device_cookie: str | None = None  # set on success: this browser is known to the account


def authenticate(email: str, password: str, device: throttle.Device | None = None
                 ) -> LoginResult:
    """Check credentials; on success open a server-side session and return its token.

    Unknown e-mail, wrong password and inactive account give the same generic error, and
    throttling treats them alike (``core.throttle``). Failures of a known account are audited in
    its name; anonymous ones are aggregated and never quote what was typed. The caller commits.
    """
    email_key = normalize_email(email)[:254]
    key = throttle.account_key(email_key)
    address = audit.client_address()
    user = db.session.scalar(select(User).where(User.email == email_key)) if email_key else None
    if throttle.refused(key, user, address, device):
        throttle.log_attempt("login_throttled", "sign-in refused: too many failures", user)
        return LoginResult(None, error=throttle.THROTTLED_LOGIN_ERROR, throttled=True)
    if user is None:
        _burn_time(password)
        ok = False
    else:
        ok = verify_password(user, password) and user.is_active
    if not ok:
        throttle.record_failure(key, user, address, device)
        if user is not None:
            audit.log(user, "login_failed", user, summary="wrong password or inactive account")
        else:
            throttle.log_attempt("login_failed", "failed sign-in with an unknown e-mail")
        return LoginResult(None, error=GENERIC_LOGIN_ERROR)
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_token_hash(token), user=user, client_address=address))
    user.last_login_at = utcnow()
    throttle.forget_failures(key, user, device)
    audit.log(user, "login", user, summary="signed in")
    return LoginResult(user, token=token, device_cookie=throttle.device_cookie(device, user))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _session_lookup():
    """The user of a token hash's session, with the session's id and times as plain columns (one
    ORM object to load, not two); the header's unread notification count and the data
    generation come with it (no query of their own). Built once: every request runs it."""
    return (select(User, UserSession.id, UserSession.ended_at, UserSession.created_at,
                   UserSession.last_seen_at, unread_count_column(User.person_id),
                   generation_column())
            .join(UserSession, User.id == UserSession.user_id)
            .where(UserSession.token_hash == bindparam("token_hash")))


def load_session_user(user_id: str, token: str | None) -> tuple[User | None, str | None]:
    """The user of a live session, or ``(None, reason)`` where reason is ``idle``, ``expired``
    or ``ended``.

    Nothing is written here (the request's own transaction stays the view's): ending a session
    that timed out, and refreshing its last-seen time (at most once a minute), are noted in
    ``g`` and written after the response by :func:`record_session_activity`.
    """
    if not token:
        return None, "ended"
    found = db.session.execute(_session_lookup(),
                               {"token_hash": _token_hash(token)}).first()
    if found is None:
        return None, "ended"
    user, session_id, ended_at, created_at, last_seen_at, unread, generation = found
    if ended_at is not None or str(user.id) != str(user_id):
        return None, "ended"
    g.unread_notifications = unread if user.person_id is not None else 0
    note_generation(generation)
    if not user.is_active:
        return None, "ended"
    now = utcnow()
    config = current_app.config
    if now - created_at > timedelta(hours=config["SESSION_LIFETIME_HOURS"]):
        g.session_activity = ("expired", session_id, user.id, user.email)
        return None, "expired"
    if now - last_seen_at > timedelta(minutes=config["IDLE_TIMEOUT_MINUTES"]):
        g.session_activity = ("idle", session_id, user.id, user.email)
        return None, "idle"
    if now - last_seen_at > TOUCH_INTERVAL:
        g.session_activity = ("touch", session_id, user.id, user.email)
    return user, None


SESSION_END_SUMMARIES = {"idle": ("session_timeout", "signed out for inactivity"),
                         "expired": ("session_expired", "signed out: the session reached its "
                                                        "maximum lifetime")}


def record_session_activity() -> None:
    """After a response: end the session that timed out (with its audit row) or refresh its
    last-seen time, in a short transaction of its own."""
    activity = g.pop("session_activity", None)
    if activity is None:
        return
    kind, session_id, user_id, email = activity
    now = utcnow()
    with db.engine.begin() as connection:
        if kind == "touch":
            connection.execute(update(UserSession).where(UserSession.id == session_id)
                               .values(last_seen_at=now))
            return
        connection.execute(update(UserSession).where(UserSession.id == session_id,
                                                     UserSession.ended_at.is_(None))
                           .values(ended_at=now, end_reason=kind))
        action, summary = SESSION_END_SUMMARIES[kind]
        connection.execute(insert(AuditEvent).values(
            occurred_at=now, user_id=user_id, actor_label=email[:254], action=action,
            object_type="users", object_id=user_id, summary=summary,
            client_address=audit.client_address()))


def end_session(user: User, token: str | None, reason: str = "logout") -> None:
    """End one session (sign-out). The caller commits."""
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _token_hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow(), end_reason=reason)
        )
    audit.log(user, "logout", user, summary="signed out")


def end_other_sessions(user: User, keep_token: str | None, reason: str) -> int:
    """End every live session of ``user`` but the one of ``keep_token``. The caller commits."""
    stmt = (update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None)))
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != _token_hash(keep_token))
    return db.session.execute(stmt.values(ended_at=utcnow(), end_reason=reason)).rowcount or 0


def end_all_sessions(user: User, reason: str) -> int:
    """End every live session of ``user`` (deactivation, password reset). The caller commits."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    return result.rowcount or 0


__all__ = [
    "GENERIC_LOGIN_ERROR", "authenticate", "end_all_sessions", "end_other_sessions",
    "end_session", "hash_password", "record_session_activity",
    "load_session_user", "normalize_email", "password_problem", "temporary_password",
    "verify_password",
]
