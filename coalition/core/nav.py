"""The header's main navigation, rendered once per process for each role and page.

The links depend only on what the viewer's role may open and on the page being shown (which
entry is marked current), so the rendered ``<ul>`` is kept per (role, endpoint, script root):
every page's header then costs a dictionary lookup instead of a loop over some twenty links with
a URL built for each. Nothing personal is in it (the account menu, the unread count and the
form token are rendered with each page).
"""

from __future__ import annotations

from threading import Lock

from flask import current_app, render_template, request
from markupsafe import Markup

# (group label, ((endpoint, label, endpoint prefix that marks the entry current), ...))
NAV = (
    ("Dashboard", (("main.dashboard", "Dashboard", "main.dashboard"),)),
    ("Meetings", (("meetings.meeting_list", "Meetings", "meetings."),)),
    ("Action items", (("actions.my_items", "My items", "actions.my"),
                      ("actions.item_list", "All action items", "actions.item"))),
    ("Risk review", (("risk.board_index", "Risk review", "risk."),)),
    ("Fatality review", (("ofr.index", "Fatality review", "ofr."),)),
    ("Gaps", (("gaps.recommendation_list", "Gaps and recommendations", "gaps."),)),
    ("Roster", (("roster.organization_list", "Organizations", "roster.organization"),
                ("roster.person_list", "People", "roster.person"),
                ("roster.table_list", "Tables", "roster.table"),
                ("roster.coverage", "Coverage", "roster.coverage"))),
)
REPORTS = ("Reports", (("main.reports", "Reports", "main.report"),))
ADMIN = ("Admin", (("accounts.user_list", "Accounts", "accounts."),
                   ("audit.event_list", "Audit log", "audit.")))
_LOCK = Lock()


def _groups(reports: bool, admin: bool, endpoint: str | None) -> list[dict]:
    groups = list(NAV) + ([REPORTS] if reports else []) + ([ADMIN] if admin else [])
    shown = []
    for label, links in groups:
        entries = [{"endpoint": e, "label": text,
                    "here": bool(endpoint and endpoint.startswith(prefix))}
                   for e, text, prefix in links]
        shown.append({"label": label, "links": entries,
                      "here": any(entry["here"] for entry in entries)})
    return shown


def main_nav(user) -> Markup:
    """The navigation ``<ul>`` for ``user`` (signed in) on the current page."""
    reports = bool(user.is_leader or user.is_coordinator)
    admin = bool(user.is_coordinator)
    key = (reports, admin, request.endpoint, request.script_root)
    app = current_app._get_current_object()
    with _LOCK:
        kept = app.extensions.setdefault("main_nav", {})
        markup = kept.get(key)
    if markup is None:
        markup = Markup(render_template("_nav.html",  # noqa: S704 - Jinja escaped it
                                        groups=_groups(reports, admin, request.endpoint)))
        with _LOCK:
            kept[key] = markup
    return markup
