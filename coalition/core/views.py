"""Signing in and out, passwords, account management and the audit log screens."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice

from coalition.core import accounts, audit, auth
from coalition.core.errors import ServiceError, apply_to_form
from coalition.core.forms import (
    AuditFilterForm,
    ChangePasswordForm,
    LoginForm,
    UserFilterForm,
    UserForm,
)
from coalition.core.login import SESSION_TOKEN_KEY
from coalition.core.models import AuditEvent, User
from coalition.extensions import db

auth_bp = Blueprint("auth", __name__)
accounts_bp = Blueprint("accounts", __name__, url_prefix="/users")
audit_bp = Blueprint("audit", __name__, url_prefix="/audit")


def _safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers drop tabs and newlines and read a backslash as a slash: "/\t/evil" is "//evil".
    if "\\" in target or any(ord(char) < 33 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = _safe_next(request.args.get("next"))
    status = 200
    if form.validate_on_submit():
        result = auth.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if result.user is not None:
            target = _safe_next(form.next.data)
            session.clear()  # a new session at sign-in (no fixation)
            login_user(result.user)
            session[SESSION_TOKEN_KEY] = result.token
            if result.user.must_change_password:
                flash("Choose your own password to finish signing in.", "info")
                return redirect(url_for("auth.change_password"))
            return redirect(target or url_for("main.dashboard"))
        form.form_errors.append(result.error)
        form.password.data = ""
        status = 429 if result.throttled else 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@auth_bp.route("/logout", methods=["POST"])
def logout():
    auth.end_session(current_user._get_current_object(), session.get(SESSION_TOKEN_KEY))
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@auth_bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user._get_current_object(),
                                     current=form.current_password.data, new=form.new_password.data)
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash("Your password has been changed.", "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/change_password.html", form=form), (
        400 if form.errors or form.form_errors else 200)


# --- shared helpers ---------------------------------------------------------------------------

MAX_PAGE = 100_000


def _page_number() -> int:
    """The ``page`` query argument; anything that is not a sensible page number is a 404."""
    raw = request.args.get("page")
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE))):
        abort(404)
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def _paginate(stmt):
    return db.paginate(stmt, page=_page_number(), per_page=current_app.config["PAGE_SIZE"],
                       max_per_page=current_app.config["PAGE_SIZE"])


def _actor() -> User:
    return current_user._get_current_object()


# --- accounts ---------------------------------------------------------------------------------

NO_PERSON = SelectChoice("", "— none —")


def _person_choices(user: User | None = None) -> list[SelectChoice]:
    """Active roster people without an account (plus the one already linked to ``user``)."""
    from coalition.roster.models import Person

    has_account = exists().where(User.person_id == Person.id)
    condition = ~has_account & Person.is_active
    if user is not None and user.person_id is not None:
        condition = condition | (Person.id == user.person_id)
    people = db.session.execute(
        select(Person.id, Person.name).where(condition).order_by(Person.name, Person.id)
    ).all()
    return [NO_PERSON] + [SelectChoice(person_id, name) for person_id, name in people]


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.person_id.choices = _person_choices(user)
    return form


@accounts_bp.route("/")
def user_list():
    form = UserFilterForm(request.args)
    stmt = select(User).options(selectinload(User.person)).order_by(func.lower(User.name), User.id)
    status = 200
    if request.args and not form.validate():
        status = 400
    else:
        query = (form.q.data or "").strip().lower()
        if query:
            stmt = stmt.where(or_(func.lower(User.name).contains(query, autoescape=True),
                                  User.email.contains(query, autoescape=True)))
        if form.role.data:
            stmt = stmt.where(User.site_role == form.role.data)
        if form.active.data:
            stmt = stmt.where(User.is_active_account.is_(form.active.data == "1"))
    page = _paginate(stmt) if status == 200 else None
    return render_template("accounts/user_list.html", form=form, page=page), status


@accounts_bp.route("/new", methods=["GET", "POST"])
def user_new():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user, password = accounts.create_user(
                _actor(), name=form.name.data, email=form.email.data,
                site_role=form.site_role.data, person_id=form.person_id.data,
            )
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        except IntegrityError:  # a simultaneous request took the e-mail or the person
            db.session.rollback()
            form.form_errors.append("Another account was saved with the same e-mail address or "
                                    "person at the same moment. Check the list and try again.")
        else:
            db.session.commit()
            flash(f"Account created for {user.email}.", "success")
            return render_template("accounts/password_issued.html", user=user,
                                   password=password, created=True)
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/user_form.html", form=form, user=None), status


@accounts_bp.route("/<int:user_id>")
def user_detail(user_id: int):
    user = db.get_or_404(User, user_id)
    return _render_detail(user)


def _render_detail(user: User, error: str | None = None, status: int = 200):
    about_account = (AuditEvent.object_type == audit.object_type_of(user)) & (
        AuditEvent.object_id == user.id)
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(about_account, AuditEvent.user_id == user.id))
        .order_by(AuditEvent.id.desc())  # append-only: key order is time order
        .limit(20)
    ).all()
    return render_template("accounts/user_detail.html", user=user, events=events,
                           error=error), status


def _version(raw) -> int:
    """The version the editor started from; an unreadable value counts as out of date."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


@accounts_bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if request.method == "GET":
        form.version_id.data = user.version_id
    conflict = None
    if form.validate_on_submit():
        try:
            accounts.update_user(
                _actor(), user, name=form.name.data, email=form.email.data,
                site_role=form.site_role.data, person_id=form.person_id.data,
                version_id=_version(form.version_id.data),
            )
        except (accounts.EditConflict, StaleDataError):
            db.session.rollback()
            form.form_errors.append(accounts.CONFLICT_MESSAGE)
            # Show what is saved now, keep what was typed; saving again applies it over that.
            conflict = db.session.get(User, user_id)
            form.version_id.data = conflict.version_id
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        except IntegrityError:
            db.session.rollback()
            form.form_errors.append("Another account was saved with the same e-mail address or "
                                    "person at the same moment. Check and try again.")
        else:
            db.session.commit()
            flash("Account saved.", "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/user_form.html", form=form, user=user,
                           conflict=conflict), status


def _refused(user_id: int, error: ServiceError):
    """A POST button's action was refused: nothing saved, the account page says why (400)."""
    db.session.rollback()
    return _render_detail(db.get_or_404(User, user_id), error=error.message, status=400)


@accounts_bp.route("/<int:user_id>/deactivate", methods=["POST"])
def user_deactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        ended = accounts.deactivate_user(_actor(), user)
    except ServiceError as error:
        return _refused(user_id, error)
    db.session.commit()
    flash(f"{user.name}'s account is deactivated; {ended} open session(s) ended.", "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@accounts_bp.route("/<int:user_id>/reactivate", methods=["POST"])
def user_reactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        accounts.reactivate_user(_actor(), user)
    except ServiceError as error:
        return _refused(user_id, error)
    db.session.commit()
    flash(f"{user.name}'s account is active again.", "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@accounts_bp.route("/<int:user_id>/reset-password", methods=["POST"])
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        password = accounts.reset_password(_actor(), user)
    except ServiceError as error:
        return _refused(user_id, error)
    db.session.commit()
    return render_template("accounts/password_issued.html", user=user, password=password,
                           created=False)


# --- audit log (read only: no route changes or deletes a row) ---------------------------------

def _distinct(column) -> list[str]:
    return list(db.session.scalars(select(column).where(column.is_not(None)).distinct()
                                    .order_by(column)))


def _audit_filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    users = db.session.execute(
        select(User.id, User.name, User.email).order_by(func.lower(User.name), User.id)
    ).all()
    form.user_id.choices = [SelectChoice("", "Anyone")] + [
        SelectChoice(user_id, f"{name} ({email})") for user_id, name, email in users
    ]
    form.object_type.choices = [SelectChoice("", "Any type")] + [
        SelectChoice(value) for value in _distinct(AuditEvent.object_type)
    ]
    form.action.choices = [SelectChoice("", "Any action")] + [
        SelectChoice(value) for value in _distinct(AuditEvent.action)
    ]
    return form


@audit_bp.route("/")
def event_list():
    form = _audit_filter_form()
    filters = {}
    status = 200
    if request.args and not form.validate():
        status = 400
    else:
        filters = {
            "user_id": form.user_id.data,
            "object_type": form.object_type.data or None,
            "object_id": form.object_id.data,
            "action": form.action.data or None,
            "date_from": form.date_from.data,
            "date_to": form.date_to.data,
        }
    page = _paginate(audit.events_query(**filters)) if status == 200 else None
    return render_template("audit/event_list.html", form=form, page=page), status
