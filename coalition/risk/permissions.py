"""Risk review permissions: the routes, and who may see and work a situation.

A situation is case data: it is a 404 to anyone not seated at its table, coordinators included.
Among those seated, the table's managers decide and assign agencies; the originating agency
edits its description while undecided; the lead and assisting agencies record and reveal the
identity and log the outreach.
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import inspect, select

from coalition.core.db import db
from coalition.core.permissions import LOGIN
from coalition.roster.permissions import can_manage_table, can_view_case_data
from coalition.roster.seats import seat_organization_id

ROUTES = {
    # outreach attempts, the table's board and engagement report (views/outreach.py, board.py)
    "risk.attempt_new": (LOGIN, "log an outreach attempt: can_view_situation (404); "
                                "can_record_outreach (403)"),
    "risk.board_index": (LOGIN, "the risk review tables the user sits at (one: its board)"),
    "risk.board": (LOGIN, "a risk review table's board, codes only: can_view_risk_table, "
                          "else 404; audited"),
    "risk.board_export": (LOGIN, "CSV of the board's de-identified situations (POST): "
                                 "can_view_risk_table, else 404; audited export"),
    "risk.engagement_report": (LOGIN, "aggregate outreach and engagement measures: "
                                      "can_view_risk_table, else 404"),
    # incident import and outreach referrals (views/imports.py)
    "risk.incident_import": (LOGIN, "upload form and preview (saves nothing): "
                                    "can_view_risk_table (404), can_manage_table (403)"),
    "risk.incident_import_confirm": (LOGIN, "import the signed, re-validated file, all or "
                                            "nothing: can_view_risk_table (404), "
                                            "can_manage_table (403); audited"),
    "risk.referral_list": (LOGIN, "a table's outreach referrals: can_view_risk_table, else "
                                  "404; audited"),
    "risk.referral_dismiss": (LOGIN, "dismiss a referral with a reason: can_view_risk_table "
                                     "(404), can_manage_table (403); audited"),
    # situations (views/situations.py)
    "risk.situation_new": (LOGIN, "bring a situation (filter 2): can_view_risk_table, else "
                                  "404"),
    "risk.situation_detail": (LOGIN, "a situation's page: can_view_situation, else 404; "
                                     "not cached"),
    "risk.situation_edit": (LOGIN, "edit the description while new: can_view_situation (404); "
                                   "can_edit_situation (403)"),
    "risk.situation_decide": (LOGIN, "accept or reject (filter 3, purge on rejection): "
                                     "can_view_situation (404), can_manage_situation (403)"),
    "risk.situation_agencies": (LOGIN, "lead and assisting agencies: can_view_situation (404), "
                                       "can_manage_situation (403)"),
    "risk.situation_identity": (LOGIN, "record the encrypted identity (filter 4): "
                                       "can_view_situation (404); can_record_identity (403)"),
    "risk.situation_reveal": (LOGIN, "reveal the identity (POST, audited, no-store): "
                                     "can_view_situation (404), can_reveal_identity (403)"),
    "risk.situation_conclude": (LOGIN, "conclude an accepted situation: can_view_situation "
                                       "(404), can_record_outreach (403)"),
}


def can_view_risk_table(user, table) -> bool:
    """A risk review table's case screens (board, referrals, import): its seated members."""
    return table is not None and table.kind == "risk_review" and can_view_case_data(user, table)


def can_view_situation(user, situation) -> bool:
    """A situation is case data: only people seated at its table see it (else 404)."""
    return situation is not None and can_view_case_data(user, situation.table)


def can_manage_situation(user, situation) -> bool:
    """Deciding, assigning agencies and correcting a situation: the table's managers and
    coordinators — and only if they sit at the table (need-to-know holds for them too)."""
    return can_view_situation(user, situation) and can_manage_table(user, situation.table)


def is_originating_agency(user, situation) -> bool:
    """Whether the user sits at the table for the agency that brought the situation."""
    return (can_view_situation(user, situation)
            and seat_organization_id(user, situation.table)
            == situation.originating_organization_id)


def can_edit_situation(user, situation) -> bool:
    """The description is corrected by the originating agency or the table's managers."""
    return is_originating_agency(user, situation) or can_manage_situation(user, situation)


def is_assigned_agency_member(user, situation) -> bool:
    """Whether the user sits at the table for the lead or an assisting agency of the situation."""
    from coalition.risk.models import SituationAgency

    if not can_view_situation(user, situation):
        return False
    org_id = seat_organization_id(user, situation.table)
    if org_id is None:
        return False
    if "agencies" not in inspect(situation).unloaded:  # loaded with the situation: no query
        return any(agency.organization_id == org_id for agency in situation.agencies)
    key = (situation.id, org_id)
    cache = g.setdefault("_assigned", {}) if has_request_context() else {}
    if key not in cache:
        cache[key] = db.session.scalar(select(SituationAgency.id).where(
            SituationAgency.situation_id == situation.id,
            SituationAgency.organization_id == org_id)) is not None
    return cache[key]


def can_record_identity(user, situation) -> bool:
    """Who the person is is recorded by the assigned agencies (or the table's managers)."""
    return is_assigned_agency_member(user, situation) or can_manage_situation(user, situation)


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


def can_print_risk_report(user, table, audience: str) -> bool:
    """The risk review and outreach report (the reporting route already admits only leaders and
    coordinators): the public, suppressed version for any of them; the internal one, with
    counts as they are, only for those seated at the table."""
    if table is None or table.kind != "risk_review":
        return False
    if audience != "internal":
        return True
    from coalition.roster.seats import tables_of

    return any(seated.id == table.id for seated in tables_of(user, "risk_review"))
