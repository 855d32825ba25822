"""Meeting permissions: the meeting routes, and who may see a meeting, run it and read its case
items.

A meeting is visible to whoever may see its table (else 404); its table's managers and the
coordinators schedule, edit, run and close it (else 403). Case items — and everything born of
them — are shown only to people seated at the table who signed that meeting's confidentiality
attestation.
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

from coalition.core.db import db
from coalition.core.permissions import COORDINATOR, LOGIN, PUBLIC, person_id_of
from coalition.roster.permissions import can_manage_table, can_view_case_data, can_view_table
from coalition.roster.seats import table_role

ROUTES = {
    # scheduling, agendas and templates (meetings/views/agenda.py)
    "meetings.meeting_list": (LOGIN, "meetings of the tables the user may see"),
    "meetings.meeting_new": (LOGIN, "schedule a meeting: can_view_table (404), "
                                    "can_manage_table (403)"),
    "meetings.meeting_edit": (LOGIN, "edit a meeting: can_manage_meeting"),
    "meetings.meeting_detail": (LOGIN, "a meeting's agenda: can_view_meeting; case items only "
                                       "with can_see_case_items"),
    "meetings.meeting_schedule": (LOGIN, "draft → scheduled: can_manage_meeting"),
    "meetings.meeting_start": (LOGIN, "scheduled → in progress: can_manage_meeting"),
    "meetings.meeting_close": (LOGIN, "in progress → closed, needs attendance: "
                                      "can_manage_meeting"),
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
    "meetings.template_start": (COORDINATOR, "start a table's template from the default "
                                             "(POST)"),
    "meetings.section_add": (COORDINATOR, "add a template section"),
    "meetings.section_edit": (COORDINATOR, "edit a template section"),
    "meetings.section_remove": (COORDINATOR, "remove a template section"),
    "meetings.section_up": (COORDINATOR, "move a template section up"),
    "meetings.section_down": (COORDINATOR, "move a template section down"),
    # running the meeting (meetings/views/running.py)
    "meetings.run_meeting": (LOGIN, "run screen: can_view_meeting (404); case items only with "
                                    "can_see_case_items; forms for can_manage_meeting"),
    "meetings.minutes_save": (LOGIN, "save an item's minutes and discussed mark: "
                                     "can_manage_meeting (403), item of this meeting (404)"),
    "meetings.decision_add": (LOGIN, "record a decision on an item: can_manage_meeting (403)"),
    "meetings.action_item_add": (LOGIN, "action item from an item: can_add_action_item "
                                        "(403): managers, and people seated at the table "
                                        "(who attested, for a case item)"),
    "meetings.attendance": (LOGIN, "attendance list: can_view_meeting (404); saving needs "
                                   "can_manage_meeting (403)"),
    "meetings.attendance_guest_add": (LOGIN, "add a guest: can_manage_meeting (403)"),
    "meetings.attest": (LOGIN, "confidentiality agreement: can_view_meeting (404); POST signs "
                               "for the user's own seated person only"),
    "meetings.attest_paper": (LOGIN, "record a paper signature: can_manage_meeting (403)"),
    # printing and calendars (meetings/views/printing.py)
    "meetings.print_options": (LOGIN, "print options of a meeting: can_view_meeting, else 404"),
    "meetings.agenda_pdf": (LOGIN, "agenda PDF: can_view_meeting (404); the confidential "
                                   "variant with case items needs can_see_case_items (403) and "
                                   "is started by a POST, audited"),
    "meetings.minutes_pdf": (LOGIN, "minutes PDF: can_view_meeting (404); case=1 needs "
                                    "can_see_case_items (403) and a POST, audited"),
    "meetings.packet_pdf": (LOGIN, "the confidential meeting packet (POST, audited, one numbered "
                                   "copy each): can_view_meeting (404), a fatality review "
                                   "meeting (404), can_see_case_items (403); a copy for another "
                                   "attested person needs can_manage_meeting (403)"),
    "meetings.meeting_ics": (LOGIN, "one meeting as iCalendar: can_view_meeting, else 404"),
    "meetings.table_calendar": (LOGIN, "a table's calendar feed address for the user: "
                                       "can_view_table, else 404; POST makes or revokes it"),
    "meetings.table_calendar_feed": (PUBLIC, "a table's iCalendar feed for calendar clients: "
                                             "a live per-user token, else 404"),
}


def can_view_meeting(user, meeting) -> bool:
    """A meeting is visible to whoever may see its table (else 404)."""
    return meeting is not None and can_view_table(user, meeting.table)


def can_manage_meeting(user, meeting) -> bool:
    """Coordinators and the table's managers schedule, edit, run, close and reopen meetings."""
    return meeting is not None and can_manage_table(user, meeting.table)


def has_attested(user, meeting) -> bool:
    """Whether the user's person signed the confidentiality attestation for ``meeting``."""
    from coalition.meetings.models import Attestation

    person_id = person_id_of(user)
    if person_id is None or meeting is None:
        return False
    cache = g.setdefault("_attested", {}) if has_request_context() else {}
    key = (person_id, meeting.id)
    if key not in cache:
        cache[key] = db.session.scalar(select(Attestation.id).where(
            Attestation.meeting_id == meeting.id, Attestation.person_id == person_id)) is not None
    return cache[key]


def can_see_case_items(user, meeting) -> bool:
    """Case items of a meeting: only people seated at its table, and only once they have signed
    that meeting's confidentiality attestation."""
    if meeting is None or not can_view_case_data(user, meeting.table):
        return False
    return has_attested(user, meeting)


def can_see_item(user, item) -> bool:
    """An agenda item: section headings and non-case items go with the meeting; a case item
    needs :func:`can_see_case_items` (a case item in a table's backlog: the table's case data)."""
    if item.is_section or item.item_type != "case":
        return True
    if item.meeting is None:
        return can_view_case_data(user, item.table)
    return can_see_case_items(user, item.meeting)


def can_add_action_item(user, item) -> bool:
    """An action item decided on agenda item ``item`` while its meeting runs: the table's
    managers and coordinators, and anyone seated at the table — for a case item, once they
    have signed the meeting's confidentiality attestation."""
    meeting = item.meeting
    if not can_see_item(user, item):
        return False
    if can_manage_meeting(user, meeting):
        return True
    if table_role(user, meeting.table) is None:
        return False
    return item.item_type != "case" or has_attested(user, meeting)
