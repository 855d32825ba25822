"""Account management services: create, edit, deactivate, reactivate, passwords."""

from __future__ import annotations

from sqlalchemy import select

from coalition.core import audit
from coalition.core.auth import (
    end_all_sessions,
    hash_password,
    normalize_email,
    password_problem,
    temporary_password,
    verify_password,
)
from coalition.core.db import db
from coalition.core.errors import ServiceError
from coalition.core.models import SITE_ROLES, User

CONFLICT_MESSAGE = ("Someone else changed this account while you were editing. "
                    "Review the current values and save again.")


class EditConflict(ServiceError):
    """The account changed after the editor loaded it; nothing was saved."""

    def __init__(self):
        super().__init__(CONFLICT_MESSAGE)


def _check_email_free(email: str, user_id: int | None = None) -> str:
    email = normalize_email(email)
    clash = db.session.scalar(select(User.id).where(User.email == email))
    if clash is not None and clash != user_id:
        raise ServiceError("An account with this e-mail address already exists.", field="email")
    return email


def _check_person(person_id: int | None, user_id: int | None = None):
    if person_id is None:
        return None
    from coalition.roster.models import Person

    person = db.session.get(Person, person_id)
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
    name = (name or "").strip()
    if not name:
        raise ServiceError("Enter a name.", field="name")
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
                person_id: int | None, version_id: int | None = None) -> User:
    if version_id is not None and version_id != user.version_id:
        raise EditConflict()
    if site_role not in SITE_ROLES:
        raise ServiceError("Choose a role.", field="site_role")
    if user.id == actor.id and site_role != "coordinator" and user.is_coordinator:
        raise ServiceError("You cannot remove your own coordinator role.", field="site_role")
    name = (name or "").strip()
    if not name:
        raise ServiceError("Enter a name.", field="name")
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


def change_password(user: User, *, current: str, new: str) -> None:
    """The user changes their own password (required after a temporary one)."""
    if not verify_password(user, current):
        raise ServiceError("Your current password is not correct.", field="current_password")
    if new == current:
        raise ServiceError("Choose a password different from the current one.",
                           field="new_password")
    problem = password_problem(new, email=user.email, name=user.name)
    if problem:
        raise ServiceError(problem, field="new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    db.session.flush()
    audit.log(user, "change_password", user, summary="password changed")
