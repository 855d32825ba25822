"""Who may do what.

Two layers: ``ROUTES`` names, for every endpoint of the application, the coarse level needed to
reach it (enforced for every request by :func:`enforce_route_access`; an endpoint missing from the
table is refused and fails the test suite); the object predicates below decide about one object and
are called by views, exports and reports alike.
"""

from __future__ import annotations

from flask import abort, flash, g, has_request_context, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from coalition.core.db import db

PUBLIC = "public"  # anyone, signed in or not
LOGIN = "login"  # any active, signed-in account
LEADER = "leader"  # leaders and coordinators
COORDINATOR = "coordinator"  # coordinators only

# endpoint → (level, what it is / which object predicate the view applies on top)
ROUTES: dict[str, tuple[str, str]] = {
    "static": (PUBLIC, "application assets"),
    "bootstrap.static": (PUBLIC, "Bootstrap assets served from the installed package"),
    "main.healthz": (PUBLIC, "health check for load balancers"),
    "auth.login": (PUBLIC, "sign-in form"),
    "auth.logout": (LOGIN, "sign out (POST)"),
    "auth.change_password": (LOGIN, "change one's own password"),
    "main.dashboard": (LOGIN, "dashboard; agreement warnings for coordinators and leaders"),
    # roster: everyone signed in reads the roster; coordinators change it
    "roster.organization_list": (LOGIN, "organizations"),
    "roster.organization_detail": (LOGIN, "one organization"),
    "roster.organization_new": (COORDINATOR, "add an organization"),
    "roster.organization_edit": (COORDINATOR, "edit or deactivate an organization"),
    "roster.agreement_new": (COORDINATOR, "record a data-sharing agreement"),
    "roster.agreement_edit": (COORDINATOR, "correct a data-sharing agreement"),
    "roster.person_list": (LOGIN, "people"),
    "roster.person_detail": (LOGIN, "one person"),
    "roster.person_new": (COORDINATOR, "add a person"),
    "roster.person_edit": (COORDINATOR, "edit or deactivate a person"),
    "roster.affiliation_add": (COORDINATOR, "link a person to an organization"),
    "roster.affiliation_remove": (COORDINATOR, "unlink a person from an organization"),
    "roster.table_list": (LOGIN, "tables the user may see (can_view_table)"),
    "roster.table_detail": (LOGIN, "one table: can_view_table, else 404"),
    "roster.table_new": (COORDINATOR, "create a table"),
    "roster.table_edit": (COORDINATOR, "edit a table"),
    "roster.membership_add": (LOGIN, "seat a person: can_manage_table, else 403/404"),
    "roster.membership_edit": (LOGIN, "change a seat's role: can_manage_table"),
    "roster.membership_remove": (LOGIN, "unseat a person: can_manage_table"),
    "roster.coverage": (LOGIN, "sector coverage of the tables the user may see"),
    # meetings: scheduling, agendas and templates (the views apply can_view_meeting → 404 and
    # can_manage_meeting / can_manage_table → 403)
    "meetings.meeting_list": (LOGIN, "meetings of the tables the user may see"),
    "meetings.meeting_new": (LOGIN, "schedule a meeting: can_manage_table"),
    "meetings.meeting_edit": (LOGIN, "edit a meeting: can_manage_meeting"),
    "meetings.meeting_detail": (LOGIN, "a meeting's agenda: can_view_meeting; case items only "
                                "with can_see_case_items"),
    "meetings.meeting_schedule": (LOGIN, "draft → scheduled: can_manage_meeting"),
    "meetings.meeting_start": (LOGIN, "scheduled → in progress: can_manage_meeting"),
    "meetings.meeting_close": (LOGIN, "in progress → closed, needs attendance: can_manage_meeting"),
    "meetings.meeting_reopen": (COORDINATOR, "closed → in progress (audited)"),
    "meetings.agenda_refresh": (LOGIN, "re-run the due-item rules: can_manage_meeting"),
    "meetings.item_add": (LOGIN, "add an agenda item: can_manage_meeting"),
    "meetings.item_edit": (LOGIN, "retitle, retime, retype an item: can_manage_meeting"),
    "meetings.item_remove": (LOGIN, "remove an agenda item: can_manage_meeting"),
    "meetings.item_up": (LOGIN, "move an agenda item up: can_manage_meeting"),
    "meetings.item_down": (LOGIN, "move an agenda item down: can_manage_meeting"),
    "meetings.item_to_next_meeting": (LOGIN, "move to the next meeting: can_manage_meeting"),
    "meetings.item_park": (LOGIN, "park an item in the table's backlog: can_manage_meeting"),
    "meetings.template_edit": (COORDINATOR, "a table's agenda template: can_view_table"),
    "meetings.section_add": (COORDINATOR, "add a template section"),
    "meetings.section_edit": (COORDINATOR, "edit a template section"),
    "meetings.section_remove": (COORDINATOR, "remove a template section"),
    "meetings.section_up": (COORDINATOR, "move a template section up"),
    "meetings.section_down": (COORDINATOR, "move a template section down"),
    # accounts and audit
    "accounts.user_list": (COORDINATOR, "accounts"),
    "accounts.user_new": (COORDINATOR, "create an account with a temporary password"),
    "accounts.user_detail": (COORDINATOR, "one account"),
    "accounts.user_edit": (COORDINATOR, "edit an account"),
    "accounts.user_deactivate": (COORDINATOR, "deactivate an account and end its sessions"),
    "accounts.user_reactivate": (COORDINATOR, "reactivate an account"),
    "accounts.user_reset_password": (COORDINATOR, "issue a new temporary password"),
    "audit.event_list": (COORDINATOR, "the audit log"),
    # action items: everyone signed in; the object predicates decide per item
    "actions.my_items": (LOGIN, "the signed-in person's own action items"),
    "actions.item_list": (LOGIN, "action items of the tables the user may see"),
    "actions.item_export": (LOGIN, "CSV of the filtered list (same visibility; audited)"),
    "actions.item_detail": (LOGIN, "one item: can_view_action_item, else 404"),
    "actions.item_update": (LOGIN, "status and note: can_update_action_item, else 403/404"),
    "actions.item_edit": (LOGIN, "edit or reassign: can_manage_table, else 403/404"),
    # meetings: running the meeting (coalition/meetings/views/running.py)
    "meetings.run_meeting": (LOGIN, "run screen: can_view_meeting (404); case items only with "
                                    "can_see_case_items; forms for can_manage_meeting"),
    "meetings.minutes_save": (LOGIN, "save an item's minutes and discussed mark: "
                                     "can_manage_meeting (403), item of this meeting (404)"),
    "meetings.decision_add": (LOGIN, "record a decision on an item: can_manage_meeting (403)"),
    "meetings.action_item_add": (LOGIN, "action item from an item: can_manage_meeting (403)"),
    "meetings.attendance": (LOGIN, "attendance list: can_view_meeting (404); saving needs "
                                   "can_manage_meeting (403)"),
    "meetings.attendance_guest_add": (LOGIN, "add a guest: can_manage_meeting (403)"),
    "meetings.attest": (LOGIN, "confidentiality agreement: can_view_meeting (404); POST signs "
                               "for the user's own seated person only"),
    "meetings.attest_paper": (LOGIN, "record a paper signature: can_manage_meeting (403)"),
    # meetings: printing and calendars (coalition/meetings/views/printing.py)
    "meetings.print_options": (LOGIN, "print options of a meeting: can_view_meeting, else 404"),
    "meetings.agenda_pdf": (LOGIN, "agenda PDF: can_view_meeting (404); confidential variant "
                                   "needs can_see_case_items (403), audited"),
    "meetings.minutes_pdf": (LOGIN, "minutes PDF: can_view_meeting (404); case=1 needs "
                                    "can_see_case_items (403), audited"),
    "meetings.meeting_ics": (LOGIN, "one meeting as iCalendar: can_view_meeting, else 404"),
    "meetings.table_calendar": (LOGIN, "a table's calendar feed address: can_view_table, else 404"),
    "meetings.table_calendar_feed": (PUBLIC, "a table's iCalendar feed for calendar clients: "
                                             "signed token (salt table-calendar), else 404"),
    # risk review: outreach attempts, the table's board and engagement report
    # (coalition/risk/views/outreach.py and board.py)
    "risk.attempt_new": (LOGIN, "log an outreach attempt: can_view_situation (404); "
                                "can_record_outreach (403)"),
    "risk.board_index": (LOGIN, "the risk review tables the user sits at (one: its board)"),
    "risk.board": (LOGIN, "a risk review table's board, codes only: can_view_case_data, else "
                          "404; audited"),
    "risk.board_export": (LOGIN, "CSV of the board's de-identified situations: "
                                 "can_view_case_data, else 404; audited export"),
    "risk.engagement_report": (LOGIN, "aggregate outreach and engagement measures: "
                                      "can_view_case_data, else 404"),
    # risk review: incident import and outreach referrals (coalition/risk/views/imports.py)
    "risk.incident_import": (LOGIN, "upload form and preview (saves nothing): can_view_case_data "
                                    "(404), can_manage_table (403)"),
    "risk.incident_import_confirm": (LOGIN, "import the signed, re-validated file, all or "
                                            "nothing: can_view_case_data (404), "
                                            "can_manage_table (403); audited"),
    "risk.referral_list": (LOGIN, "a table's outreach referrals: can_view_case_data, else 404; "
                                  "audited"),
    "risk.referral_dismiss": (LOGIN, "dismiss a referral with a reason: can_view_case_data "
                                     "(404), can_manage_table (403); audited"),
    # risk review: situations (coalition/risk/views/situations.py); hidden → 404 for anyone not
    # seated at the table, coordinators included
    "risk.situation_new": (LOGIN, "bring a situation (filter 2): risk review table and "
                                  "can_view_case_data, else 404"),
    "risk.situation_detail": (LOGIN, "a situation's page: can_view_situation, else 404; "
                                     "not cached"),
    "risk.situation_edit": (LOGIN, "edit the description while new: can_view_situation (404); "
                                   "originating agency or can_manage_situation (403)"),
    "risk.situation_decide": (LOGIN, "accept or reject (filter 3, purge on rejection): "
                                     "can_view_situation (404), can_manage_situation (403)"),
    "risk.situation_agencies": (LOGIN, "lead and assisting agencies: can_view_situation (404), "
                                       "can_manage_situation (403)"),
    "risk.situation_identity": (LOGIN, "record the encrypted identity (filter 4): "
                                       "can_view_situation (404); assigned agency or "
                                       "can_manage_situation (403)"),
    "risk.situation_reveal": (LOGIN, "reveal the identity (POST, audited, no-store): "
                                     "can_view_situation (404), can_reveal_identity (403)"),
    "risk.situation_conclude": (LOGIN, "conclude an accepted situation: can_view_situation "
                                       "(404), can_record_outreach (403)"),
}

LEVEL_RANK = {LOGIN: 0, LEADER: 1, COORDINATOR: 2}
ROLE_RANK = {"member": 0, "leader": 1, "coordinator": 2}

# Endpoints a user who must change a temporary password may still use.
PASSWORD_CHANGE_ALLOWED = {"auth.change_password", "auth.logout", "static", "bootstrap.static",
                           "main.healthz", "auth.login"}


def has_level(user, level: str) -> bool:
    if level == PUBLIC:
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return ROLE_RANK.get(user.site_role, -1) >= LEVEL_RANK[level]


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


# --- object predicates -----------------------------------------------------------------------

def _person_id(user) -> int | None:
    return getattr(user, "person_id", None) if user is not None else None


def _seat(user, table) -> tuple[str | None, int | None]:
    """``(role, organization id)`` of the user's person at ``table``, ``(None, None)`` if not
    seated. One page asks several predicates about the same table: within a request the answer
    is kept in ``flask.g`` (seats are not changed and then checked again in one request)."""
    from coalition.roster.models import TableMembership

    person_id = _person_id(user)
    if person_id is None or table is None:
        return None, None
    key = (person_id, table.id)
    cache = g.setdefault("_seats", {}) if has_request_context() else {}
    if key not in cache:
        row = db.session.execute(
            select(TableMembership.role, TableMembership.organization_id).where(
                TableMembership.table_id == table.id, TableMembership.person_id == person_id)
        ).first()
        cache[key] = (row.role, row.organization_id) if row is not None else (None, None)
    return cache[key]


def table_role(user, table) -> str | None:
    """The user's role at ``table`` (``member``/``manager``) through their person, or None."""
    return _seat(user, table)[0]


def member_table_ids(user) -> set[int]:
    """Ids of the tables the user's person sits at."""
    from coalition.roster.models import TableMembership

    person_id = _person_id(user)
    if person_id is None:
        return set()
    return set(db.session.scalars(
        select(TableMembership.table_id).where(TableMembership.person_id == person_id)
    ))


def can_view_table(user, table) -> bool:
    """Everyone sees the coalition table; case-reviewing tables are shown to their members,
    coordinators and leaders only (need-to-know)."""
    if table is None or not getattr(user, "is_authenticated", False):
        return False
    if not table.reviews_cases or has_level(user, LEADER):
        return True
    return table_role(user, table) is not None


def can_manage_table(user, table) -> bool:
    """Coordinators manage every table; a table's managers manage its seats."""
    if table is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_coordinator or table_role(user, table) == "manager"


def can_view_case_data(user, table) -> bool:
    """Case-level data of a table is visible only to the people who sit at that table.

    Not even coordinators or leaders see it unless they are seated: need-to-know by table.
    """
    if table is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not table.reviews_cases:
        return False
    return table_role(user, table) is not None


def visible_tables_clause(user):
    """A SQL condition on ``CoalitionTable`` matching :func:`can_view_table` for list queries."""
    from coalition.roster.models import CASE_REVIEW_KINDS, CoalitionTable

    if has_level(user, LEADER):
        return CoalitionTable.id.is_not(None)
    ids = member_table_ids(user)
    return CoalitionTable.kind.not_in(CASE_REVIEW_KINDS) | CoalitionTable.id.in_(ids or [-1])


# --- meetings and action items ---------------------------------------------------------------

def can_view_meeting(user, meeting) -> bool:
    """A meeting is visible to whoever may see its table (else 404)."""
    return meeting is not None and can_view_table(user, meeting.table)


def can_manage_meeting(user, meeting) -> bool:
    """Coordinators and the table's managers schedule, edit, run, close and reopen meetings."""
    return meeting is not None and can_manage_table(user, meeting.table)


def has_attested(user, meeting) -> bool:
    """Whether the user's person signed the confidentiality attestation for ``meeting``."""
    from coalition.meetings.models import Attestation

    person_id = _person_id(user)
    if person_id is None or meeting is None:
        return False
    return db.session.scalar(select(Attestation.id).where(
        Attestation.meeting_id == meeting.id, Attestation.person_id == person_id)) is not None


def can_see_case_items(user, meeting) -> bool:
    """Case items of a meeting: only people seated at its table, and — at tables that see case
    data — only once they have signed that meeting's confidentiality attestation."""
    if meeting is None or not can_view_case_data(user, meeting.table):
        return False
    return has_attested(user, meeting)


def can_view_action_item(user, item) -> bool:
    """Action items are visible to whoever may see the table they belong to, and to their owner."""
    if item is None or not getattr(user, "is_authenticated", False):
        return False
    return _person_id(user) == item.owner_id or can_view_table(user, item.table)


def can_update_action_item(user, item) -> bool:
    """The owner updates status and notes; the table's managers and coordinators manage all."""
    if item is None or not getattr(user, "is_authenticated", False):
        return False
    return _person_id(user) == item.owner_id or can_manage_table(user, item.table)


# --- risk review situations ------------------------------------------------------------------

def seat_organization_id(user, table) -> int | None:
    """The organization the user's person sits for at ``table`` (None if not seated)."""
    return _seat(user, table)[1]


def can_view_situation(user, situation) -> bool:
    """A situation is case data: only people seated at its table see it (else 404)."""
    return situation is not None and can_view_case_data(user, situation.table)


def can_manage_situation(user, situation) -> bool:
    """Deciding, assigning agencies and correcting a situation: the table's managers and
    coordinators — and only if they sit at the table (need-to-know holds for them too)."""
    return can_view_situation(user, situation) and can_manage_table(user, situation.table)


def is_assigned_agency_member(user, situation) -> bool:
    """Whether the user sits at the table for the lead or an assisting agency of the situation."""
    from coalition.risk.models import SituationAgency

    if not can_view_situation(user, situation):
        return False
    org_id = seat_organization_id(user, situation.table)
    if org_id is None:
        return False
    key = (situation.id, org_id)
    cache = g.setdefault("_assigned", {}) if has_request_context() else {}
    if key not in cache:
        cache[key] = db.session.scalar(select(SituationAgency.id).where(
            SituationAgency.situation_id == situation.id,
            SituationAgency.organization_id == org_id)) is not None
    return cache[key]


def can_reveal_identity(user, situation) -> bool:
    """Identity is revealed only to members of the lead and assisting agencies, and only once
    the situation was accepted."""
    return (situation is not None and situation.status in ("accepted", "concluded")
            and is_assigned_agency_member(user, situation))


def can_record_outreach(user, situation) -> bool:
    """Outreach attempts and the conclusion are recorded by the assigned agencies (and by the
    table's managers)."""
    return (situation is not None and situation.status == "accepted"
            and (is_assigned_agency_member(user, situation)
                 or can_manage_situation(user, situation)))
