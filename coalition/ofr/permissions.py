"""Fatality review permissions: the routes, and who may see, work and identify a case.

Cases are case data: every case route is a 404 to anyone not seated at the fatality review
table, coordinators and leaders included. Seated members read cases and their timelines; the
table's managers (and coordinators seated there) record and change them. Who the person was is
revealed, by an audited action, to the table's managers and — while a meeting the case is on
runs — to the people seated there who signed that meeting's confidentiality attestation.
"""

from __future__ import annotations

from coalition.core.permissions import LOGIN
from coalition.meetings.permissions import has_attested
from coalition.roster.permissions import can_manage_table, can_view_case_data

ROUTES = {
    "ofr.index": (LOGIN, "the fatality review tables the user sits at (one: its cases)"),
    "ofr.case_list": (LOGIN, "a table's deaths and cases: can_view_ofr_table, else 404"),
    "ofr.case_new": (LOGIN, "record a death: can_view_ofr_table (404), can_manage_table (403)"),
    "ofr.quality": (LOGIN, "cases below the completeness threshold: can_view_ofr_table (404)"),
    "ofr.settings": (LOGIN, "records due days, completeness threshold, selection checklist: "
                            "can_view_ofr_table (404), can_manage_table (403)"),
    "ofr.import_upload": (LOGIN, "upload a deaths file (saves nothing): can_view_ofr_table "
                                 "(404), can_manage_table (403)"),
    "ofr.import_preview": (LOGIN, "map its columns and preview (saves nothing): "
                                  "can_view_ofr_table (404), can_manage_table (403)"),
    "ofr.import_confirm": (LOGIN, "import the signed, re-validated file, all or nothing: "
                                  "can_view_ofr_table (404), can_manage_table (403); audited"),
    "ofr.case_detail": (LOGIN, "a case: can_view_case, else 404; audited, not cached"),
    "ofr.case_edit": (LOGIN, "its facts and substances: can_view_case (404), can_edit_case "
                             "(403)"),
    "ofr.case_identity": (LOGIN, "record its encrypted identifiers: can_view_case (404), "
                                 "can_edit_case (403)"),
    "ofr.case_reveal": (LOGIN, "reveal the identifiers (POST, audited, no-store): "
                               "can_view_case (404), can_reveal_case_identity (403)"),
    "ofr.case_status": (LOGIN, "move it through the workflow or exclude it (POST): "
                               "can_view_case (404), can_edit_case (403)"),
    "ofr.case_criteria": (LOGIN, "record the selection checklist (POST): can_view_case (404), "
                                 "can_edit_case (403)"),
    "ofr.case_select": (LOGIN, "select it for a meeting (POST): can_view_case (404), "
                               "can_edit_case (403)"),
    "ofr.request_add": (LOGIN, "request records from agencies (POST): can_view_case (404), "
                               "can_edit_case (403)"),
    "ofr.request_update": (LOGIN, "record what a request returned (POST): can_view_case (404), "
                                  "can_edit_case (403)"),
    "ofr.timeline": (LOGIN, "the timeline, drawn and listed: can_view_case, else 404"),
    "ofr.touchpoint_add": (LOGIN, "add a touchpoint (POST): can_view_case (404), "
                                  "can_build_timeline (403)"),
    "ofr.touchpoint_edit": (LOGIN, "correct a touchpoint, mark a missed opportunity: "
                                   "can_view_case (404), can_build_timeline (403)"),
    "ofr.touchpoint_remove": (LOGIN, "remove a touchpoint (POST): can_view_case (404), "
                                     "can_build_timeline (403)"),
    "ofr.case_action_add": (LOGIN, "an action item from the case (POST): can_view_case (404), "
                                   "can_edit_case (403); case material"),
}


def can_view_ofr_table(user, table) -> bool:
    """A fatality review table's case screens: its seated members only."""
    return table is not None and table.kind == "ofr" and can_view_case_data(user, table)


def can_view_case(user, case) -> bool:
    """A case is case data: only people seated at its table see it (else 404)."""
    return case is not None and can_view_ofr_table(user, case.table)


def can_edit_case(user, case) -> bool:
    """Its managers (and coordinators seated at the table) record and change a case."""
    return can_view_case(user, case) and can_manage_table(user, case.table)


def in_running_review(user, case) -> bool:
    """Whether the meeting the case is selected for is running and ``user`` (seated at the
    table) signed its confidentiality attestation."""
    meeting = getattr(case, "selected_meeting", None)
    return (can_view_case(user, case) and meeting is not None
            and meeting.status == "in_progress" and has_attested(user, meeting))


def can_reveal_case_identity(user, case) -> bool:
    """Managers; and, while the meeting the case is selected for runs, its attested
    attendees."""
    return can_edit_case(user, case) or in_running_review(user, case)


def can_build_timeline(user, case) -> bool:
    """Managers between meetings; in the meeting, the attested attendees (the recorder and
    the team build the timeline together)."""
    return can_edit_case(user, case) or in_running_review(user, case)
