"""Who may reach which route: the coarse layer, assembled from every domain.

Each domain declares, in its own ``permissions.py``, a route table — endpoint → (level, what it
is and which object predicate the view applies on top) — and the object predicates its views,
exports and reports call. Its ``init_app`` hands the table to :func:`register_routes`; the
``before_request`` hook :func:`enforce_route_access` applies the level to every request. An
endpoint missing from the assembled ``ROUTES`` is refused (403) and fails the test that walks
the URL map. This module imports no domain.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

PUBLIC = "public"  # anyone, signed in or not
LOGIN = "login"  # any active, signed-in account
LEADER = "leader"  # leaders and coordinators
COORDINATOR = "coordinator"  # coordinators only

RouteTable = dict[str, tuple[str, str]]

# endpoint → (level, what it is / which object predicate the view applies on top)
ROUTES: RouteTable = {}

CORE_ROUTES: RouteTable = {
    "static": (PUBLIC, "application assets"),
    "bootstrap.static": (PUBLIC, "Bootstrap assets served from the installed package"),
    "auth.login": (PUBLIC, "sign-in form"),
    "auth.logout": (LOGIN, "sign out (POST)"),
    "auth.change_password": (LOGIN, "change one's own password"),
    "accounts.user_list": (COORDINATOR, "accounts"),
    "accounts.user_new": (COORDINATOR, "create an account with a temporary password"),
    "accounts.user_detail": (COORDINATOR, "one account"),
    "accounts.user_edit": (COORDINATOR, "edit an account"),
    "accounts.user_deactivate": (COORDINATOR, "deactivate an account and end its sessions"),
    "accounts.user_reactivate": (COORDINATOR, "reactivate an account"),
    "accounts.user_reset_password": (COORDINATOR, "issue a new temporary password"),
    "accounts.user_clear_lock": (COORDINATOR, "clear an account's sign-in lock (POST)"),
    "notifications.notification_list": (LOGIN, "the signed-in person's own notifications"),
    "notifications.mark_all_read": (LOGIN, "mark one's own notifications read (POST)"),
    "audit.event_list": (COORDINATOR, "the audit log; case rows only of tables the coordinator "
                                      "sits at"),
}

LEVEL_RANK = {LOGIN: 0, LEADER: 1, COORDINATOR: 2}
ROLE_RANK = {"member": 0, "leader": 1, "coordinator": 2}

# Endpoints a user who must change a temporary password may still use.
PASSWORD_CHANGE_ALLOWED = {"auth.change_password", "auth.logout", "static", "bootstrap.static",
                           "main.healthz", "auth.login"}


def register_routes(table: RouteTable) -> None:
    """Add a domain's route table; an endpoint declared twice with another rule is a bug."""
    for endpoint, rule in table.items():
        if endpoint in ROUTES and ROUTES[endpoint] != rule:
            raise ValueError(f"{endpoint} is declared twice with different permissions")
        if rule[0] not in (PUBLIC, *LEVEL_RANK):
            raise ValueError(f"{endpoint}: unknown level {rule[0]!r}")
        ROUTES[endpoint] = rule


register_routes(CORE_ROUTES)


def is_signed_in(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def has_level(user, level: str) -> bool:
    if level == PUBLIC:
        return True
    if not is_signed_in(user):
        return False
    return ROLE_RANK.get(user.site_role, -1) >= LEVEL_RANK[level]


def person_id_of(user) -> int | None:
    """The roster person an account stands for (None for anonymous users and unlinked ones)."""
    return getattr(user, "person_id", None) if user is not None else None


def enforce_route_access():
    """``before_request`` hook: apply ``ROUTES`` to the matched endpoint."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: let Flask answer 404/405
        return None
    rule = ROUTES.get(endpoint)
    if rule is None:
        abort(403)  # deny by default; the suite fails on any unlisted endpoint
    level = rule[0]
    if level == PUBLIC:
        return None
    if not current_user.is_authenticated:
        flash("Please sign in to continue.", "info")
        return redirect(url_for("auth.login", next=_safe_next()))
    if current_user.must_change_password and endpoint not in PASSWORD_CHANGE_ALLOWED:
        return redirect(url_for("auth.change_password"))
    if not has_level(current_user, level):
        abort(403)
    return None


def _safe_next() -> str | None:
    if request.method != "GET":
        return None
    path = request.full_path if request.query_string else request.path
    return path if path.startswith("/") and not path.startswith("//") else None
