"""Meeting routes: running the meeting — attendance, confidentiality attestations, and the run
screen with minutes, "discussed", decisions and action items per agenda item.

Who may reach each route is in ``meetings.permissions.ROUTES``; here: a meeting the user may not
view is 404, an agenda item of another meeting (or a case item the user may not see) is 404, and
manager-only actions are 403 for anyone else who may view the meeting.
"""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for

from coalition.core import web
from coalition.core.fields import options
from coalition.core.names import surname_key
from coalition.meetings.forms_running import (
    ALL_PRESENT,
    GuestForm,
    PaperAttestationForm,
    attendance_form,
    guest_field,
    person_field,
)
from coalition.meetings.models import Meeting
from coalition.meetings.permissions import can_manage_meeting
from coalition.meetings.services import running as run
from coalition.meetings.views import bp
from coalition.meetings.views.agenda import managed_meeting, visible_meeting
from coalition.meetings.views.run_screen import (
    render_run,
    save_item_form,
    save_member_action_item,
)
from coalition.roster import seats
from coalition.roster.permissions import can_view_case_data

# --- the run screen -------------------------------------------------------------------------
# Each agenda item has one form (minutes, a new decision, a new action item): each button saves
# what was typed in the whole form, so nothing typed is lost (``views.run_screen``).


@bp.get("/meetings/<int:meeting_id>/run")
def run_meeting(meeting_id: int):
    return web.no_store(make_response(render_run(visible_meeting(meeting_id))))


@bp.post("/meetings/<int:meeting_id>/run/items/<int:item_id>/minutes")
def minutes_save(meeting_id: int, item_id: int):
    return save_item_form(meeting_id, item_id, "minutes")


@bp.post("/meetings/<int:meeting_id>/run/items/<int:item_id>/decisions")
def decision_add(meeting_id: int, item_id: int):
    return save_item_form(meeting_id, item_id, "decision")


@bp.post("/meetings/<int:meeting_id>/run/items/<int:item_id>/action-items")
def action_item_add(meeting_id: int, item_id: int):
    if can_manage_meeting(web.actor(), visible_meeting(meeting_id)):
        return save_item_form(meeting_id, item_id, "action")
    return save_member_action_item(meeting_id, item_id)


# --- attendance -----------------------------------------------------------------------------
# One form: the list (people by surname, then guests), "Everyone not yet recorded: present" and
# the new guest's fields, so adding a guest also keeps every status chosen above it.

def _members(meeting: Meeting):
    return sorted(seats.seats_at(meeting.table_id), key=lambda m: surname_key(m.person.name))


def _render_attendance(meeting: Meeting, *, form=None, guest_form=None, status: int = 200):
    manage = can_manage_meeting(web.actor(), meeting)
    members = _members(meeting)
    rows = sorted(run.meeting_attendance(meeting),
                  key=lambda r: (r.person_id is None, surname_key(r.name)))
    guests = [r for r in rows if r.person_id is None]
    if manage and form is None:
        recorded = {r.person_id: r.status for r in rows if r.person_id is not None}
        form = attendance_form(members, guests, recorded)
    return render_template(
        "meetings/attendance.html", meeting=meeting, members=members, rows=rows,
        guests=guests, manage=manage, form=form,
        guest_form=guest_form or (GuestForm(formdata=None) if manage else None),
        open_for_recording=meeting.status in run.ATTENDANCE_OPEN_STATUSES,
        person_field=person_field, guest_field=guest_field,
    ), status


def _posted_list(meeting: Meeting, *, only_sent: bool):
    """The list form as posted, and the service call recording it. "Everyone not yet recorded:
    present" fills the blanks; ``only_sent`` leaves people whose field was not sent as they are."""
    members = _members(meeting)
    guests = [r for r in run.meeting_attendance(meeting) if r.person_id is None]
    form = attendance_form(members, guests, {}, formdata=request.form)
    fill = "present" if ALL_PRESENT in request.form else None

    def record():
        people = {m.person_id: form[person_field(m.person_id)].data or fill for m in members
                  if not only_sent or fill or person_field(m.person_id) in request.form}
        sent = {g.id: form[guest_field(g.id)].data for g in guests
                if guest_field(g.id) in request.form}
        return run.record_attendance(web.actor(), meeting, people=people, guests=sent)
    return form, record


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(meeting_id: int):
    if request.method == "GET":
        return _render_attendance(visible_meeting(meeting_id))
    if request.form.get("name", "").strip():  # a guest typed in: "Save attendance" adds them too
        return attendance_guest_add(meeting_id)
    meeting = managed_meeting(meeting_id)
    form, record = _posted_list(meeting, only_sent=False)
    if form.validate_on_submit():
        outcome = web.perform(record, form)
        if outcome.ok:
            flash("Attendance saved." if outcome.value else "Nothing was changed.", "success")
            return redirect(url_for(".attendance", meeting_id=meeting.id))
    return _render_attendance(meeting, form=form, guest_form=GuestForm(formdata=None),
                              status=400)


@bp.post("/meetings/<int:meeting_id>/attendance/guests")
def attendance_guest_add(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form, record = _posted_list(meeting, only_sent=True)
    guest_form = GuestForm()
    if all([form.validate_on_submit(), guest_form.validate_on_submit()]):
        def both():
            record()
            return run.add_guest(web.actor(), meeting, name=guest_form.name.data,
                                 organization=guest_form.organization.data,
                                 status=guest_form.status.data)
        outcome = web.perform(both, guest_form)
        if outcome.ok:
            flash(f"{outcome.value.guest_name} was added as a guest; the list was saved.",
                  "success")
            return redirect(url_for(".attendance", meeting_id=meeting.id))
    return _render_attendance(meeting, form=form, guest_form=guest_form, status=400)


# --- confidentiality attestations -----------------------------------------------------------

def _paper_form(members, signed_ids, form=None) -> PaperAttestationForm:
    form = form or PaperAttestationForm(formdata=None)
    form.person_id.choices = options(
        [(m.person_id, f"{m.person.name} ({m.organization.name})") for m in members
         if m.person_id not in signed_ids], blank="Choose a person")
    return form


def _render_attest(meeting: Meeting, *, paper_form=None, error: str | None = None,
                   status: int = 200):
    viewer = web.actor()
    attestations = run.meeting_attestations(meeting) if meeting.table.reviews_cases else []
    signed_ids = {a.person_id for a in attestations}
    manage = can_manage_meeting(viewer, meeting)
    if manage and meeting.table.reviews_cases:
        paper_form = _paper_form(seats.seats_at(meeting.table_id), signed_ids, paper_form)
    else:
        paper_form = None
    own = next((a for a in attestations if a.person_id == viewer.person_id), None)
    return render_template(
        "meetings/attest.html", meeting=meeting, attestations=attestations, own=own,
        may_sign=can_view_case_data(viewer, meeting.table) and own is None,
        open_for_signing=meeting.status in run.ATTENDANCE_OPEN_STATUSES,
        paper_form=paper_form, version=run.agreement_version(), error=error,
    ), status


@bp.route("/meetings/<int:meeting_id>/attestation", methods=["GET", "POST"])
def attest(meeting_id: int):
    """GET: the agreement text and who signed; POST: the user's own "I agree"."""
    meeting = visible_meeting(meeting_id)
    if request.method == "GET":
        return _render_attest(meeting)
    outcome = web.perform(lambda: run.sign_attestation(web.actor(), meeting))
    if not outcome.ok:
        return _render_attest(meeting, error=outcome.error.message, status=400)
    flash("Thank you: your confidentiality attestation is recorded.", "success")
    return redirect(url_for(".run_meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/attestation/paper")
def attest_paper(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = _paper_form(seats.seats_at(meeting.table_id), set(), PaperAttestationForm())
    if form.validate_on_submit():
        outcome = web.perform(lambda: run.record_paper_attestation(
            web.actor(), meeting, person_id=form.person_id.data), form)
        if outcome.ok:
            flash(f"{outcome.value.person.name}'s paper signature is recorded.", "success")
            return redirect(url_for(".attest", meeting_id=meeting.id))
        if outcome.error.field is None:
            return _render_attest(meeting, error=outcome.error.message, status=400)
    return _render_attest(meeting, paper_form=form, status=400)
