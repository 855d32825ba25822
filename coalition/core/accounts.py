"""Account management services: create, edit, deactivate, reactivate, passwords."""

from __future__ import annotations

from sqlalchemy import exists, func, or_, select, union
from sqlalchemy.orm import selectinload

from coalition.core import audit, throttle
from coalition.core.auth import (
    end_all_sessions,
    end_other_sessions,
    hash_password,
    normalize_email,
    password_problem,
    temporary_password,
    verify_password,
)
from coalition.core.concurrency import check_version
from coalition.core.db import db
from coalition.core.errors import ServiceError
from coalition.core.models import SITE_ROLES, AuditEvent, User
from coalition.core.text import clean


def _person_model():
    """The roster's Person, reached through the account's link to it (core imports no
    domain)."""
    return User.person.property.mapper.class_


def _check_email_free(email: str, user_id: int | None = None) -> str:
    email = normalize_email(email)
    clash = db.session.scalar(select(User.id).where(User.email == email))
    if clash is not None and clash != user_id:
        raise ServiceError("An account with this e-mail address already exists.", field="email")
    return email


def _check_person(person_id: int | None, user_id: int | None = None):
    if person_id is None:
        return None
    person = db.session.get(_person_model(), person_id)
    if person is None:
        raise ServiceError("Choose a person from the roster.", field="person_id")
    taken = db.session.scalar(select(User.id).where(User.person_id == person_id))
    if taken is not None and taken != user_id:
        raise ServiceError("This person already has an account.", field="person_id")
    return person


def create_user(actor: User | None, *, name: str, email: str, site_role: str,
                person_id: int | None = None, password: str | None = None) -> tuple[User, str]:
    """Create an account. Without ``password`` a one-time temporary password is generated and
    must be changed at first sign-in. Returns the user and the password to hand over."""
    if site_role not in SITE_ROLES:
        raise ServiceError("Choose a role.", field="site_role")
    name = clean(name, field="name", max_length=120, required="Enter a name.")
    email = _check_email_free(email)
    _check_person(person_id)
    must_change = password is None
    if password is None:
        password = temporary_password()
    else:
        problem = password_problem(password, email=email, name=name)
        if problem:
            raise ServiceError(problem, field="password")
    user = User(name=name, email=email, site_role=site_role, person_id=person_id,
                password_hash=hash_password(password), must_change_password=must_change)
    db.session.add(user)
    db.session.flush()
    audit.log(actor, "create", user, summary=f"account for {email} ({site_role})")
    return user, password


def update_user(actor: User, user: User, *, name: str, email: str, site_role: str,
                person_id: int | None, version_id) -> User:
    check_version(user, version_id, "account")
    if site_role not in SITE_ROLES:
        raise ServiceError("Choose a role.", field="site_role")
    if user.id == actor.id and site_role != "coordinator" and user.is_coordinator:
        raise ServiceError("You cannot remove your own coordinator role.", field="site_role")
    name = clean(name, field="name", max_length=120, required="Enter a name.")
    email = _check_email_free(email, user.id)
    _check_person(person_id, user.id)
    before = {"name": user.name, "email": user.email, "site_role": user.site_role,
              "person_id": user.person_id}
    user.name, user.email, user.site_role, user.person_id = name, email, site_role, person_id
    after = {"name": name, "email": email, "site_role": site_role, "person_id": person_id}
    db.session.flush()
    audit.log(actor, "update", user, summary=audit.describe_changes(before, after))
    return user


def deactivate_user(actor: User, user: User) -> int:
    """Deactivate an account and end all of its sessions. Returns how many sessions ended."""
    if user.id == actor.id:
        raise ServiceError("You cannot deactivate your own account.")
    if not user.is_active_account:
        raise ServiceError("This account is already inactive.")
    user.is_active_account = False
    ended = end_all_sessions(user, "deactivated")
    db.session.flush()
    audit.log(actor, "deactivate", user, summary=f"account deactivated; {ended} session(s) ended")
    return ended


def reactivate_user(actor: User, user: User) -> None:
    if user.is_active_account:
        raise ServiceError("This account is already active.")
    user.is_active_account = True
    db.session.flush()
    audit.log(actor, "reactivate", user, summary="account reactivated")


def reset_password(actor: User, user: User) -> str:
    """Issue a new temporary password; the user's sessions end and they must change it."""
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_all_sessions(user, "password_reset")
    db.session.flush()
    audit.log(actor, "reset_password", user, summary="temporary password issued")
    return password


def change_password(user: User, *, current: str, new: str, keep_token: str | None = None
                    ) -> None:
    """The user changes their own password (required after a temporary one). Every other
    session of theirs ends: whoever else was signed in with the old password is signed out.

    Wrong current passwords are counted like failed sign-ins: after ``LOGIN_MAX_FAILURES`` in
    the window the form refuses to check (:class:`throttle.Throttled`)."""
    if throttle.password_change_refused(user):
        raise throttle.Throttled(field="current_password")
    if not verify_password(user, current):
        throttle.count_password_change_failure(user)
        raise ServiceError("Your current password is not correct.", field="current_password")
    if new == current:
        raise ServiceError("Choose a password different from the current one.",
                           field="new_password")
    problem = password_problem(new, email=user.email, name=user.name)
    if problem:
        raise ServiceError(problem, field="new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    ended = end_other_sessions(user, keep_token, "password_changed")
    db.session.flush()
    audit.log(user, "change_password", user,
              summary=f"password changed; {ended} other session(s) ended")


# --- what the account screens list ------------------------------------------------------------

def linkable_people(user: User | None = None) -> list[tuple[int, str]]:
    """``(id, name)`` of active roster people without an account (plus the one already linked
    to ``user``)."""
    person = _person_model()
    condition = ~exists().where(User.person_id == person.id) & person.is_active
    if user is not None and user.person_id is not None:
        condition = condition | (person.id == user.person_id)
    return [(row.id, row.name) for row in db.session.execute(
        select(person.id, person.name).where(condition).order_by(person.name, person.id))]


def user_query(*, q: str | None = None, role: str | None = None, active: str | None = None):
    """Accounts matching the list's filters, by name."""
    stmt = select(User).options(selectinload(User.person)).order_by(func.lower(User.name),
                                                                     User.id)
    query = (q or "").strip().lower()
    if query:
        stmt = stmt.where(or_(func.lower(User.name).contains(query, autoescape=True),
                              User.email.contains(query, autoescape=True)))
    if role:
        stmt = stmt.where(User.site_role == role)
    if active:
        stmt = stmt.where(User.is_active_account.is_(active == "1"))
    return stmt


def recent_events(viewer: User, user: User, limit: int = 20):
    """The latest audit rows about an account or by it, as ``viewer`` may read them."""
    about_account = (AuditEvent.object_type == audit.object_type_of(user)) & (
        AuditEvent.object_id == user.id)
    visible = audit.visible_to(audit.case_tables_of(viewer))
    # each side read newest first along its own index, then the newest of both: an OR of the
    # two would make the database gather every row by or about the account and sort them
    latest = union(*[select(AuditEvent.id).where(side, visible).order_by(AuditEvent.id.desc())
                     .limit(limit).subquery().select()
                     for side in (about_account, AuditEvent.user_id == user.id)])
    return (select(AuditEvent).where(AuditEvent.id.in_(latest))
            .order_by(AuditEvent.id.desc()).limit(limit))  # append-only: key order is time order


def audit_values(column) -> list[str]:
    """The distinct values of an audit column (the audit screen's filter choices)."""
    return audit.distinct_values(column)
