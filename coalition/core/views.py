"""Signing in and out, passwords, account management and the audit log screens."""

from __future__ import annotations

import time
from functools import lru_cache
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, literal, select, union_all
from wtforms import SelectChoice

from coalition.core import accounts, audit, auth, throttle, web
from coalition.core.db import db
from coalition.core.forms import (
    NO_SUCH_ACCOUNT,
    AuditFilterForm,
    ChangePasswordForm,
    LoginForm,
    UserFilterForm,
    UserForm,
)
from coalition.core.kept import kept
from coalition.core.login import SESSION_TOKEN_KEY
from coalition.core.models import AuditEvent, User

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
        device = throttle.read_device(request.cookies.get(throttle.DEVICE_COOKIE))
        result = web.perform(lambda: auth.authenticate(form.email.data, form.password.data,
                                                       device)).value
        if result.user is not None:
            target = _safe_next(form.next.data)
            session.clear()  # a new session at sign-in (no fixation)
            login_user(result.user)
            session[SESSION_TOKEN_KEY] = result.token
            if result.user.must_change_password:
                flash("Choose your own password to finish signing in.", "info")
                target = url_for("auth.change_password")
            response = redirect(target or url_for("main.dashboard"))
            _remember_device(response, result.device_cookie)
            return response
        form.form_errors.append(result.error)
        form.password.data = ""
        status = 429 if result.throttled else 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def _remember_device(response, value: str) -> None:
    """This browser is now known to the account: its own failures are counted apart."""
    response.set_cookie(throttle.DEVICE_COOKIE, value, max_age=throttle.DEVICE_DAYS * 86400,
                        httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])


@auth_bp.route("/logout", methods=["POST"])
def logout():
    web.perform(lambda: auth.end_session(web.actor(), session.get(SESSION_TOKEN_KEY)))
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@auth_bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        outcome = web.perform(lambda: accounts.change_password(
            web.actor(), current=form.current_password.data, new=form.new_password.data,
            keep_token=session.get(SESSION_TOKEN_KEY)), form)
        if outcome.ok:
            flash("Your password has been changed.", "success")
            return redirect(url_for("main.dashboard"))
        if isinstance(outcome.error, throttle.Throttled):
            return render_template("auth/change_password.html", form=form), 429
    return render_template("auth/change_password.html", form=form), (
        400 if form.errors or form.form_errors else 200)


# --- accounts ---------------------------------------------------------------------------------

NO_PERSON = SelectChoice("", "— none —")


def _person_choices(user: User | None = None) -> list[SelectChoice]:
    """Active roster people without an account (plus the one already linked to ``user``)."""
    return [NO_PERSON] + [SelectChoice(person_id, name)
                          for person_id, name in accounts.linkable_people(user)]


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.person_id.choices = _person_choices(user)
    return form


@accounts_bp.route("/")
def user_list():
    form = UserFilterForm(request.args)
    status = 200
    filters = {}
    if request.args and not form.validate():
        status = 400
    else:
        filters = {"q": form.q.data, "role": form.role.data, "active": form.active.data}
    page = web.paginate(accounts.user_query(**filters)) if status == 200 else None
    return render_template("accounts/user_list.html", form=form, page=page), status


@accounts_bp.route("/new", methods=["GET", "POST"])
def user_new():
    form = _user_form()
    if form.validate_on_submit():
        outcome = web.perform(lambda: accounts.create_user(
            web.actor(), name=form.name.data, email=form.email.data,
            site_role=form.site_role.data, person_id=form.person_id.data), form)
        if outcome.ok:
            user, password = outcome.value
            flash(f"Account created for {user.email}.", "success")
            return render_template("accounts/password_issued.html", user=user,
                                   password=password, created=True)
    return render_template("accounts/user_form.html", form=form, user=None), web.form_status()


@accounts_bp.route("/<int:user_id>")
def user_detail(user_id: int):
    return _render_detail(web.load(User, user_id))


def _render_detail(user: User, error: str | None = None, status: int = 200):
    events = list(db.session.scalars(accounts.recent_events(web.actor(), user)))
    return render_template("accounts/user_detail.html", user=user, events=events,
                           lock=throttle.lock_state(user), error=error), status


@accounts_bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = web.load(User, user_id)
    form = _user_form(user)
    if request.method == "GET":
        form.version_id.data = user.version_id
    conflict = None
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(lambda: accounts.update_user(
            web.actor(), user, name=form.name.data, email=form.email.data,
            site_role=form.site_role.data, person_id=form.person_id.data,
            version_id=form.version_id.data), form, thing="account",
            reload=lambda: web.load(User, user_id))
        if outcome.ok:
            flash("Account saved.", "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/user_form.html", form=form, user=user,
                           conflict=conflict), web.edit_status(conflict)


def _account_verb(endpoint: str, path: str, verb, success) -> None:
    """Register ``POST /users/<id>/<path>``: a button on the account page. A refusal is shown
    on that page (400)."""
    def view(user_id: int):
        user = web.load(User, user_id)
        outcome = web.perform(lambda: verb(web.actor(), user))
        if not outcome.ok:
            return _render_detail(web.load(User, user_id), error=outcome.error.message,
                                  status=400)
        return success(user, outcome.value)

    view.__name__ = endpoint
    accounts_bp.add_url_rule(f"/<int:user_id>/{path}", endpoint, view, methods=["POST"])


def _flashed(message):
    def done(user, value):
        flash(message(user, value), "success")
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    return done


def _password_page(user, password):
    return render_template("accounts/password_issued.html", user=user, password=password,
                           created=False)


_account_verb("user_deactivate", "deactivate", accounts.deactivate_user, _flashed(
    lambda user, ended: f"{user.name}'s account is deactivated; {ended} open session(s) ended."))
_account_verb("user_reactivate", "reactivate", accounts.reactivate_user, _flashed(
    lambda user, _: f"{user.name}'s account is active again."))
_account_verb("user_reset_password", "reset-password", accounts.reset_password, _password_page)
_account_verb("user_clear_lock", "clear-lock", throttle.clear_lock, _flashed(
    lambda user, removed: f"{user.name} can sign in again from any browser ({removed} failed "
                          "attempt(s) forgotten)."))


# --- audit log (read only: no route changes or deletes a row) ---------------------------------

AUDIT_COUNT_UP_TO = 1000


@lru_cache(maxsize=1)
def _audit_values_statement():
    """The distinct object types and actions of the log in one statement (one round trip):
    each as audit.distinct_values finds them, a loose index scan."""
    parts = []
    for name, column in (("object_type", AuditEvent.object_type), ("action", AuditEvent.action)):
        steps = select(func.min(column).label("value")).cte(f"{name}_values", recursive=True)
        following = select(func.min(column)).where(column > steps.c.value).scalar_subquery()
        steps = steps.union_all(select(following).where(steps.c.value.is_not(None)))
        parts.append(select(literal(name).label("name"), steps.c.value.label("value"))
                     .where(steps.c.value.is_not(None)))
    return union_all(*parts).order_by("name", "value")


# how long the filter's choices are kept per process: the log only grows, so a kept choice stays
# valid; a kind of row first written since is offered at the latest this much later (and at
# once when a request asks for it)
AUDIT_VALUES_SECONDS = 60


def _audit_values() -> dict[str, list[str]]:
    """The object types and actions the log holds, in the order of the database's collation,
    read at most once a minute per process (a loose index scan every request cost a round
    trip); read afresh when the request asks for a value not among them."""
    store = current_app.extensions.setdefault("audit_values", [0.0, None])
    read_at, values = store
    asked = (request.args.get("object_type"), request.args.get("action"))
    if values is None or time.monotonic() - read_at > AUDIT_VALUES_SECONDS or any(
            value and value not in values[name]
            for name, value in zip(("object_type", "action"), asked, strict=True)):
        values = {"object_type": [], "action": []}
        for name, value in db.session.execute(_audit_values_statement()):
            values[name].append(value)
        store[:] = [time.monotonic(), values]
    return values


def _audit_filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    values = _audit_values()
    form.object_type.choices = [SelectChoice("", "Any type")] + [
        SelectChoice(value) for value in values["object_type"]
    ]
    form.action.choices = [SelectChoice("", "Any action")] + [
        SelectChoice(value) for value in values["action"]
    ]
    return form


@audit_bp.route("/")
def event_list():
    form = _audit_filter_form()
    filters = {}
    status = 200
    valid = form.validate() if request.args else True
    account = None
    if valid and form.user_id.data is not None:
        account = db.session.get(User, form.user_id.data)
        if account is None:
            form.user_id.errors.append(NO_SUCH_ACCOUNT)
            valid = False
    if not valid:
        status = 400
    else:
        filters = {
            "user_id": form.user_id.data,
            "user": form.user.data or None,
            "object_type": form.object_type.data or None,
            "object_id": form.object_id.data,
            "action": form.action.data or None,
            "date_from": form.date_from.data,
            "date_to": form.date_to.data,
        }
    viewer = web.actor()  # the case tables the viewer sits at: roster data, kept per viewer
    case_tables = set(kept("audit.case_tables", getattr(viewer, "id", None),
                           lambda: frozenset(audit.case_tables_of(viewer))))
    page = web.paginate(audit.events_query(case_tables=case_tables, **filters),
                        count_up_to=AUDIT_COUNT_UP_TO) if status == 200 else None
    return render_template("audit/event_list.html", form=form, page=page,
                           account=account), status
