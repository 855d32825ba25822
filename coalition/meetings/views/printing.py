"""Meeting routes: printing (agenda and minutes PDFs) and calendars (iCalendar).

Every print that contains case items writes one ``print`` audit row, committed by the view.
The table feed is public in ``ROUTES`` because calendar clients cannot sign in: it authenticates
by a signed token (shown only to users who may view the table) and answers 404 otherwise.
"""

from __future__ import annotations

import re

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from coalition.core import audit, ics, pdf
from coalition.core.db import db
from coalition.core.localtime import to_local
from coalition.core.permissions import can_see_case_items, can_view_meeting, can_view_table
from coalition.meetings import reports
from coalition.meetings.models import Meeting
from coalition.meetings.views import bp
from coalition.roster.models import CoalitionTable

FEED_SALT = "table-calendar"
TRUE_VALUES = {"1", "true", "on", "yes"}
MINUTES_FLAGS = ("attendance", "decisions", "actions", "internal", "case")


def _actor():
    return current_user._get_current_object()


def _visible_meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_view_meeting(_actor(), meeting):
        abort(404)  # hidden meetings are not acknowledged
    return meeting


def _flag(name: str) -> bool:
    return request.args.get(name, "").strip().lower() in TRUE_VALUES


def _filename(meeting: Meeting, kind: str, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", meeting.title.lower()).strip("-")[:40] or "meeting"
    return f"{kind}-{to_local(meeting.starts_at):%Y-%m-%d}-{slug}.{extension}"


def _pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _case_item_count(meeting: Meeting) -> int:
    return sum(1 for item in meeting.items if item.item_type == "case")


@bp.route("/meetings/<int:meeting_id>/print")
def print_options(meeting_id: int):
    meeting = _visible_meeting_or_404(meeting_id)
    return render_template("meetings/print_options.html", meeting=meeting,
                           case_allowed=can_see_case_items(_actor(), meeting))


@bp.route("/meetings/<int:meeting_id>/agenda.pdf")
def agenda_pdf(meeting_id: int):
    meeting = _visible_meeting_or_404(meeting_id)
    variant = request.args.get("variant", "public")
    if variant not in ("public", "confidential"):
        abort(400)
    confidential = variant == "confidential"
    # Internal items go to everyone who sees the meeting; case items only to those who may.
    case = confidential and can_see_case_items(_actor(), meeting)
    data = pdf.render("meetings/agenda.html",
                      reports.agenda_context(meeting, confidential=confidential, case=case))
    if case:
        audit.log(_actor(), "print", meeting,
                  summary=f"Printed the confidential agenda of {meeting.title} "
                          f"({_case_item_count(meeting)} case items)")
        db.session.commit()
    kind = "agenda-confidential" if confidential else "agenda"
    return _pdf_response(data, _filename(meeting, kind, "pdf"))


@bp.route("/meetings/<int:meeting_id>/minutes.pdf")
def minutes_pdf(meeting_id: int):
    meeting = _visible_meeting_or_404(meeting_id)
    flags = {name: _flag(name) for name in MINUTES_FLAGS}
    if flags["case"] and not can_see_case_items(_actor(), meeting):
        abort(403)
    data = pdf.render("meetings/minutes.html", reports.minutes_context(meeting, **flags))
    if flags["case"]:
        shown = [name for name in MINUTES_FLAGS if flags[name]]
        audit.log(_actor(), "print", meeting,
                  summary=f"Printed the minutes of {meeting.title} with case items "
                          f"({_case_item_count(meeting)} case items; {', '.join(shown)})")
        db.session.commit()
    kind = "minutes-confidential" if flags["case"] else "minutes"
    return _pdf_response(data, _filename(meeting, kind, "pdf"))


# --- calendars ---------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=FEED_SALT)


def feed_token(table: CoalitionTable) -> str:
    return _serializer().dumps(table.id)


def _meeting_page_url(meeting: Meeting) -> str:
    return url_for("meetings.meeting_detail", meeting_id=meeting.id, _external=True)


def _ics_response(data: bytes, filename: str) -> Response:
    response = Response(data, content_type=ics.CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    meeting = _visible_meeting_or_404(meeting_id)
    data = ics.build_calendar([meeting], url_for_meeting=_meeting_page_url)
    return _ics_response(data, _filename(meeting, "meeting", "ics"))


@bp.route("/tables/<int:table_id>/calendar")
def table_calendar(table_id: int):
    table = db.session.get(CoalitionTable, table_id)
    if table is None or not can_view_table(_actor(), table):
        abort(404)
    feed_url = url_for(".table_calendar_feed", table_id=table.id, token=feed_token(table),
                       _external=True)
    return render_template("meetings/table_calendar.html", table=table, feed_url=feed_url)


@bp.route("/tables/<int:table_id>/calendar.ics")
def table_calendar_feed(table_id: int):
    token = request.args.get("token", "")
    try:
        payload = _serializer().loads(token) if token else None
    except BadSignature:
        payload = None
    if payload != table_id:
        abort(404)
    table = db.session.get(CoalitionTable, table_id)
    if table is None:
        abort(404)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.table_id == table.id, Meeting.status != "draft")
        .order_by(Meeting.starts_at, Meeting.id)).all()
    data = ics.build_calendar(meetings, name=f"{table.name} meetings",
                              url_for_meeting=_meeting_page_url)
    return _ics_response(data, f"table-{table.id}-meetings.ics")
