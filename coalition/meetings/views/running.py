"""Meeting routes: running the meeting — attendance, confidentiality attestations, and the run
screen with minutes, "discussed", decisions and action items per agenda item.

Who may reach each route is in ``core.permissions.ROUTES``; here: a meeting the user may not
view is 404, an agenda item of another meeting (or a case item the user may not see) is 404, and
manager-only actions are 403 for anyone else who may view the meeting. The view commits once.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from coalition.core.errors import ServiceError, apply_to_form
from coalition.core.permissions import (
    can_manage_meeting,
    can_see_case_items,
    can_view_case_data,
    can_view_meeting,
    has_attested,
)
from coalition.extensions import db
from coalition.meetings.forms_running import (
    ActionItemForm,
    DecisionForm,
    GuestForm,
    MinutesForm,
    PaperAttestationForm,
    attendance_form,
    guest_field,
    item_prefix,
    person_field,
)
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.services import running as run
from coalition.meetings.views import bp
from coalition.roster.forms import options


def _actor():
    return current_user._get_current_object()


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_view_meeting(_actor(), meeting):
        abort(404)  # hidden meetings are not acknowledged
    return meeting


def _managed_meeting(meeting_id: int) -> Meeting:
    meeting = _meeting_or_404(meeting_id)
    if not can_manage_meeting(_actor(), meeting):
        abort(403)
    return meeting


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    if item.item_type == "case" and not can_see_case_items(_actor(), meeting):
        abort(404)  # a case item is not acknowledged to someone who may not see it
    return item


# --- the run screen -------------------------------------------------------------------------

def _minutes_form(item: AgendaItem, form: MinutesForm | None = None) -> MinutesForm:
    form = form or MinutesForm(formdata=None, prefix=item_prefix("minutes", item.id),
                               data={"minutes": item.minutes, "is_discussed": item.is_discussed,
                                     "version_id": str(item.version_id)})
    form.minutes.label.text = f"Minutes: {item.title}"
    form.is_discussed.label.text = f"Discussed: {item.title}"
    return form


def _decision_form(item: AgendaItem, form: DecisionForm | None = None) -> DecisionForm:
    form = form or DecisionForm(formdata=None, prefix=item_prefix("decision", item.id))
    form.text.label.text = f"New decision on {item.title}"
    return form


def _action_form(meeting: Meeting, item: AgendaItem, members, organizations,
                 form: ActionItemForm | None = None) -> ActionItemForm:
    form = form or ActionItemForm(formdata=None, prefix=item_prefix("action", item.id))
    form.owner_id.choices = options([(m.person_id, f"{m.person.name} ({m.organization.name})")
                                     for m in members], blank="Choose an owner")
    form.organization_id.choices = options(organizations, blank="The owner's organization")
    form.title.label.text = f"Action item from {item.title}"
    return form


def _render_run(meeting: Meeting, *, bound: dict | None = None, conflict=None,
                error: str | None = None, status: int = 200):
    """The run screen; ``bound`` holds ``{(kind, item_id): form}`` sent back with errors."""
    viewer = _actor()
    show_case = can_see_case_items(viewer, meeting)
    shown = run.run_items(meeting, show_case_items=show_case)
    manage = can_manage_meeting(viewer, meeting)
    editable = manage and meeting.minutes_editable
    bound = bound or {}
    forms = {}
    if editable:
        members = run.seated_members(meeting)
        organizations = run.seat_organizations(meeting)
        for item in shown.items:
            if item.is_section:
                continue
            forms[item.id] = {
                "minutes": _minutes_form(item, bound.get(("minutes", item.id))),
                "decision": _decision_form(item, bound.get(("decision", item.id))),
                "action": _action_form(meeting, item, members, organizations,
                                       bound.get(("action", item.id))),
            }
    case_count = sum(1 for item in shown.items if item.item_type == "case")
    if case_count:  # a form sent back with errors was rolled back first: only the read is saved
        run.log_case_items_shown(viewer, meeting, case_count)
        db.session.commit()
    return render_template(
        "meetings/run.html", meeting=meeting, items=shown.items,
        hidden_case_items=shown.hidden_case_items, action_items=shown.action_items,
        manage=manage, editable=editable, forms=forms, conflict=conflict, error=error,
        needs_attestation=(meeting.table.reviews_cases
                           and can_view_case_data(viewer, meeting.table)
                           and not has_attested(viewer, meeting)),
    ), status


@bp.get("/meetings/<int:meeting_id>/run")
def run_meeting(meeting_id: int):
    return _render_run(_meeting_or_404(meeting_id))


def _back_to(item: AgendaItem):
    return redirect(url_for(".run_meeting", meeting_id=item.meeting_id) + f"#item-{item.id}")


@bp.post("/meetings/<int:meeting_id>/run/items/<int:item_id>/minutes")
def minutes_save(meeting_id: int, item_id: int):
    meeting = _managed_meeting(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = MinutesForm(prefix=item_prefix("minutes", item.id))
    conflict = None
    if form.validate_on_submit():
        try:
            changed = run.save_minutes(_actor(), item, text=form.minutes.data or "",
                                       version_id=form.version_id.data,
                                       is_discussed=form.is_discussed.data)
        except run.MinutesConflict as error:
            db.session.rollback()
            conflict = error
            apply_to_form(form, error)
            # Saving again from here is a deliberate choice, made with their text in view.
            form.version_id.data = str(error.version_id)
        except ServiceError as error:
            db.session.rollback()
            return _render_run(meeting, error=error.message, status=400)
        else:
            db.session.commit()
            flash(f"Minutes of {item.title} saved." if changed else "Nothing was changed.",
                  "success")
            return _back_to(item)
    item = db.session.get(AgendaItem, item_id)
    return _render_run(meeting, bound={("minutes", item.id): _minutes_form(item, form)},
                       conflict={"item_id": item.id, "error": conflict} if conflict else None,
                       status=409 if conflict else 400)


@bp.post("/meetings/<int:meeting_id>/run/items/<int:item_id>/decisions")
def decision_add(meeting_id: int, item_id: int):
    meeting = _managed_meeting(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = DecisionForm(prefix=item_prefix("decision", item.id))
    if form.validate_on_submit():
        try:
            run.add_decision(_actor(), item, text=form.text.data)
        except ServiceError as error:
            db.session.rollback()
            if not meeting.minutes_editable:
                return _render_run(meeting, error=error.message, status=400)
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"Decision recorded on {item.title}.", "success")
            return _back_to(item)
    return _render_run(meeting, bound={("decision", item.id): form}, status=400)


@bp.post("/meetings/<int:meeting_id>/run/items/<int:item_id>/action-items")
def action_item_add(meeting_id: int, item_id: int):
    meeting = _managed_meeting(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = _action_form(meeting, item, run.seated_members(meeting),
                        run.seat_organizations(meeting),
                        ActionItemForm(prefix=item_prefix("action", item.id)))
    if form.validate_on_submit():
        try:
            action = run.add_action_item(
                _actor(), item, title=form.title.data, owner_id=form.owner_id.data,
                organization_id=form.organization_id.data, due_on=form.due_on.data,
                priority=form.priority.data)
        except ServiceError as error:
            db.session.rollback()
            if not meeting.minutes_editable:
                return _render_run(meeting, error=error.message, status=400)
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"Action item “{action.title}” created for {action.owner.name}.", "success")
            return _back_to(item)
    return _render_run(meeting, bound={("action", item.id): form}, status=400)


# --- attendance -----------------------------------------------------------------------------

def _render_attendance(meeting: Meeting, *, form=None, guest_form=None, status: int = 200):
    manage = can_manage_meeting(_actor(), meeting)
    members = run.seated_members(meeting)
    rows = run.meeting_attendance(meeting)
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


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(meeting_id: int):
    if request.method == "GET":
        return _render_attendance(_meeting_or_404(meeting_id))
    meeting = _managed_meeting(meeting_id)
    members = run.seated_members(meeting)
    guests = [r for r in run.meeting_attendance(meeting) if r.person_id is None]
    form = attendance_form(members, guests, {}, formdata=request.form)
    if form.validate_on_submit():
        try:
            changed = run.record_attendance(
                _actor(), meeting,
                people={m.person_id: form[person_field(m.person_id)].data or None
                        for m in members},
                guests={g.id: form[guest_field(g.id)].data for g in guests})
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash("Attendance saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for(".attendance", meeting_id=meeting.id))
    return _render_attendance(meeting, form=form, status=400)


@bp.post("/meetings/<int:meeting_id>/attendance/guests")
def attendance_guest_add(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = GuestForm()
    if form.validate_on_submit():
        try:
            row = run.add_guest(_actor(), meeting, name=form.name.data,
                                organization=form.organization.data, status=form.status.data)
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{row.guest_name} was added as a guest.", "success")
            return redirect(url_for(".attendance", meeting_id=meeting.id))
    return _render_attendance(meeting, guest_form=form, status=400)


# --- confidentiality attestations -----------------------------------------------------------

def _paper_form(meeting: Meeting, members, signed_ids, form=None) -> PaperAttestationForm:
    form = form or PaperAttestationForm(formdata=None)
    form.person_id.choices = options(
        [(m.person_id, f"{m.person.name} ({m.organization.name})") for m in members
         if m.person_id not in signed_ids], blank="Choose a person")
    return form


def _render_attest(meeting: Meeting, *, paper_form=None, error: str | None = None,
                   status: int = 200):
    viewer = _actor()
    attestations = run.meeting_attestations(meeting) if meeting.table.reviews_cases else []
    signed_ids = {a.person_id for a in attestations}
    manage = can_manage_meeting(viewer, meeting)
    if manage and meeting.table.reviews_cases:
        paper_form = _paper_form(meeting, run.seated_members(meeting), signed_ids, paper_form)
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
    meeting = _meeting_or_404(meeting_id)
    if request.method == "GET":
        return _render_attest(meeting)
    try:
        run.sign_attestation(_actor(), meeting)
    except ServiceError as error:
        db.session.rollback()
        return _render_attest(meeting, error=error.message, status=400)
    db.session.commit()
    flash("Thank you: your confidentiality attestation is recorded.", "success")
    return redirect(url_for(".run_meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/attestation/paper")
def attest_paper(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = _paper_form(meeting, run.seated_members(meeting), set(), PaperAttestationForm())
    if form.validate_on_submit():
        try:
            row = run.record_paper_attestation(_actor(), meeting, person_id=form.person_id.data)
        except ServiceError as error:
            db.session.rollback()
            if error.field is None:
                return _render_attest(meeting, error=error.message, status=400)
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{row.person.name}'s paper signature is recorded.", "success")
            return redirect(url_for(".attest", meeting_id=meeting.id))
    return _render_attest(meeting, paper_form=form, status=400)
