"""Meeting routes: printing (agenda and minutes PDFs, the confidential meeting packet) and
calendars (iCalendar).

A print that contains case items is started from a form (POST, with its CSRF token) and writes
one ``print`` audit row; a link (GET) prints only what carries no case material. The packet is
POST-only: each one is a numbered copy for an attested member. The table feed
is public in the route table because calendar clients cannot sign in: it answers to a user's
own live feed token and is a 404 otherwise.
"""

from __future__ import annotations

import re

from flask import abort, flash, make_response, redirect, render_template, request, url_for

from coalition.core import ics, pdf, web
from coalition.core.localtime import to_local
from coalition.meetings import reports
from coalition.meetings.models import Meeting
from coalition.meetings.permissions import can_manage_meeting, can_see_case_items
from coalition.meetings.services import calendars, packets
from coalition.meetings.services import running as run
from coalition.meetings.views import bp
from coalition.meetings.views.agenda import visible_meeting
from coalition.reporting import packet
from coalition.roster.models import CoalitionTable
from coalition.roster.permissions import can_view_table

TRUE_VALUES = {"1", "true", "on", "yes"}
MINUTES_FLAGS = ("attendance", "decisions", "actions", "internal", "case")
CASE_PRINT_MESSAGE = ("Printing case items is recorded in the audit log: choose what to print "
                      "below and use the print button.")


def _flag(name: str) -> bool:
    return request.values.get(name, "").strip().lower() in TRUE_VALUES


def _filename(meeting: Meeting, kind: str, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", meeting.title.lower()).strip("-")[:40] or "meeting"
    return f"{kind}-{to_local(meeting.starts_at):%Y-%m-%d}-{slug}.{extension}"


def _to_print_options(meeting: Meeting):
    """A case print asked for by a link: it must come from the print form."""
    flash(CASE_PRINT_MESSAGE, "warning")
    return redirect(url_for(".print_options", meeting_id=meeting.id), code=303)


@bp.route("/meetings/<int:meeting_id>/print")
def print_options(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    viewer = web.actor()
    case_allowed = can_see_case_items(viewer, meeting)
    manages = case_allowed and can_manage_meeting(viewer, meeting)
    return render_template(
        "meetings/print_options.html", meeting=meeting, case_allowed=case_allowed,
        has_packet=packet.has_packet(meeting),
        recipients=packets.packet_recipients(meeting) if manages else [],
        copies=packets.packet_copies(meeting) if manages else [])


@bp.route("/meetings/<int:meeting_id>/agenda.pdf", methods=["GET", "POST"])
def agenda_pdf(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    variant = request.values.get("variant", "public")
    if variant not in ("public", "confidential"):
        abort(400)
    confidential = variant == "confidential"
    # Internal items go to everyone who sees the meeting; case items only to those who may.
    case = confidential and can_see_case_items(web.actor(), meeting)
    if case and request.method != "POST":
        return _to_print_options(meeting)
    data = pdf.render("meetings/agenda.html",
                      reports.agenda_context(meeting, confidential=confidential, case=case))
    if case:
        web.perform(lambda: run.log_case_print(web.actor(), meeting, "confidential agenda", []))
    kind = "agenda-confidential" if confidential else "agenda"
    return web.download(data, _filename(meeting, kind, "pdf"), "application/pdf", inline=True)


@bp.route("/meetings/<int:meeting_id>/minutes.pdf", methods=["GET", "POST"])
def minutes_pdf(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    flags = {name: _flag(name) for name in MINUTES_FLAGS}
    if flags["case"] and not can_see_case_items(web.actor(), meeting):
        abort(403)
    if flags["case"] and request.method != "POST":
        return _to_print_options(meeting)
    data = pdf.render("meetings/minutes.html", reports.minutes_context(meeting, **flags))
    if flags["case"]:
        shown = [name for name in MINUTES_FLAGS if flags[name]]
        web.perform(lambda: run.log_case_print(web.actor(), meeting, "minutes", shown))
    kind = "minutes-confidential" if flags["case"] else "minutes"
    return web.download(data, _filename(meeting, kind, "pdf"), "application/pdf", inline=True)


def _recipient_id(viewer) -> int | None:
    """The person the packet is for: the form's choice, else the viewer's own person."""
    raw = request.form.get("recipient_id", "").strip()
    if not raw:
        return viewer.person_id
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None


@bp.post("/meetings/<int:meeting_id>/packet.pdf")
def packet_pdf(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    if not packet.has_packet(meeting):
        abort(404)
    viewer = web.actor()
    # the reader sees every case of the packet: seated at the table and attested, whoever prints
    web.require(can_see_case_items(viewer, meeting))
    recipient_id = _recipient_id(viewer)
    if recipient_id != viewer.person_id:  # a copy for someone else: the table's managers
        web.require(can_manage_meeting(viewer, meeting))
    for _attempt in range(3):  # a simultaneous print may take the same number: try again
        outcome = web.perform(lambda: packets.issue_packet_copy(viewer, meeting, recipient_id))
        if outcome.ok or outcome.error.message != web.SIMULTANEOUS_MESSAGE:
            break
    if not outcome.ok:
        flash(outcome.error.message, "error")
        return redirect(url_for(".print_options", meeting_id=meeting.id), code=303)
    copy = outcome.value
    context = packet.packet_context(
        meeting, viewer=viewer, copy_number=copy.copy_number,
        recipient_name=copy.recipient_name,
        printed_by=viewer.person.name if viewer.person else viewer.name)
    data = pdf.render("packet/packet.html", context)
    return web.download(data, _filename(meeting, f"packet-copy-{copy.copy_number}", "pdf"),
                        "application/pdf", inline=True)


# --- calendars ---------------------------------------------------------------------------------

def _meeting_page_url(meeting: Meeting) -> str:
    return url_for("meetings.meeting_detail", meeting_id=meeting.id, _external=True)


@bp.route("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    data = ics.build_calendar([meeting], url_for_meeting=_meeting_page_url)
    return web.download(data, _filename(meeting, "meeting", "ics"), ics.CONTENT_TYPE,
                        inline=True)


@bp.route("/tables/<int:table_id>/calendar", methods=["GET", "POST"])
def table_calendar(table_id: int):
    """The user's own feed address: made (shown once), replaced or revoked here."""
    table = web.load(CoalitionTable, table_id, view=can_view_table)
    viewer = web.actor()
    feed_url = None
    if request.method == "POST":
        action = request.form.get("action")
        if action == "issue":
            outcome = web.perform(lambda: calendars.issue_feed(viewer, table))
            feed_url = url_for(".table_calendar_feed", table_id=table.id, token=outcome.value,
                               _external=True)
        elif action == "revoke":
            web.perform_and_flash(lambda: calendars.revoke_feed(viewer, table),
                                  "Your feed address was revoked: it no longer works.")
            return redirect(url_for(".table_calendar", table_id=table.id))
        else:
            abort(400)
    return web.no_store(make_response(render_template(
        "meetings/table_calendar.html", table=table, feed_url=feed_url,
        has_feed=calendars.feed_of(viewer, table) is not None)))


@bp.route("/tables/<int:table_id>/calendar.ics")
def table_calendar_feed(table_id: int):
    feed = calendars.live_feed(table_id, request.args.get("token", ""))
    if feed is None:
        abort(404)
    data = ics.build_calendar(calendars.feed_meetings(feed.table),
                              name=f"{feed.table.name} meetings",
                              url_for_meeting=_meeting_page_url)
    return web.download(data, f"table-{table_id}-meetings.ics", ics.CONTENT_TYPE, inline=True)
