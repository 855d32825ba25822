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
from coalition.meetings.permissions import (
    can_add_action_item,
    can_manage_meeting,
    can_see_case_items,
    has_attested,
)
from coalition.meetings.services import running as run
from coalition.meetings.subjects import any_timed
from coalition.meetings.views import bp
from coalition.meetings.views.agenda import agenda_item, managed_meeting, visible_meeting
from coalition.roster import seats
from coalition.roster.permissions import can_view_case_data

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


def _action_form(item: AgendaItem, members, organizations,
                 form: ActionItemForm | None = None) -> ActionItemForm:
    form = form or ActionItemForm(formdata=None, prefix=item_prefix("action", item.id))
    form.owner_id.choices = options([(m.person_id, f"{m.person.name} ({m.organization.name})")
                                     for m in members], blank="Choose an owner")
    form.organization_id.choices = options([(o.id, o.name) for o in organizations],
                                           blank="The owner's organization")
    form.title.label.text = f"Action item from {item.title}"
    return form


def _member_action_forms(viewer, meeting: Meeting, items, bound: dict) -> dict:
    """``{item id: {"action": form}}`` for the items a seated member may add action items to
    (none for people not seated at the table)."""
    allowed = [item for item in items
               if not item.is_section and can_add_action_item(viewer, item)]
    if not allowed:
        return {}
    members = seats.seats_at(meeting.table_id)
    organizations = seats.organizations_at(meeting.table_id)
    return {item.id: {"action": _action_form(item, members, organizations,
                                             bound.get(("action", item.id)))}
            for item in allowed}


def _render_run(meeting: Meeting, *, bound: dict | None = None, conflict=None,
                error: str | None = None, status: int = 200):
    """The run screen; ``bound`` holds ``{(kind, item_id): form}`` sent back with errors."""
    viewer = web.actor()
    show_case = can_see_case_items(viewer, meeting)
    shown = run.run_items(meeting, show_case_items=show_case)
    manage = can_manage_meeting(viewer, meeting)
    editable = manage and meeting.minutes_editable
    bound = bound or {}
    forms, member_forms = {}, {}
    if editable:
        members = seats.seats_at(meeting.table_id)
        organizations = seats.organizations_at(meeting.table_id)
        for item in shown.items:
            if item.is_section:
                continue
            forms[item.id] = {
                "minutes": _minutes_form(item, bound.get(("minutes", item.id))),
                "decision": _decision_form(item, bound.get(("decision", item.id))),
                "action": _action_form(item, members, organizations,
                                       bound.get(("action", item.id))),
            }
    elif meeting.minutes_editable:  # members seated at the table add action items only
        member_forms = _member_action_forms(viewer, meeting, shown.items, bound)
    case_count = sum(1 for item in shown.items if item.item_type == "case")
    if case_count:  # a form sent back with errors was rolled back first: only the read is saved
        web.perform(lambda: run.log_case_items_shown(viewer, meeting, case_count))
    return render_template(
        "meetings/run.html", meeting=meeting, items=shown.items,
        hidden_case_items=shown.hidden_case_items, action_items=shown.action_items,
        manage=manage, editable=editable, forms=forms, conflict=conflict, error=error,
        member_forms=member_forms,
        timers=any_timed(shown.items),
        needs_attestation=(meeting.table.reviews_cases
                           and can_view_case_data(viewer, meeting.table)
                           and not has_attested(viewer, meeting)),
    ), status


@bp.get("/meetings/<int:meeting_id>/run")
def run_meeting(meeting_id: int):
    return web.no_store(make_response(_render_run(visible_meeting(meeting_id))))


def _back_to(item: AgendaItem):
    return redirect(url_for(".run_meeting", meeting_id=item.meeting_id) + f"#item-{item.id}")


def _saved_minutes(item: AgendaItem) -> dict:
    """What the conflict panel shows of an item's minutes as saved now."""
    latest = item.revisions[-1] if item.revisions else None
    return {"item_id": item.id, "theirs": item.minutes,
            "saved_by": latest.user.name if latest is not None and latest.user else None,
            "saved_at": latest.created_at if latest is not None else None}


@bp.post("/meetings/<int:meeting_id>/run/items/<int:item_id>/minutes")
def minutes_save(meeting_id: int, item_id: int):
    meeting = managed_meeting(meeting_id)
    item = agenda_item(meeting, item_id)
    form = MinutesForm(prefix=item_prefix("minutes", item.id))
    conflict = None
    if form.validate_on_submit():
        outcome = web.perform(lambda: run.save_minutes(
            web.actor(), item, text=form.minutes.data or "", version_id=form.version_id.data,
            is_discussed=form.is_discussed.data), form, thing="item's minutes")
        if outcome.ok:
            flash(f"Minutes of {item.title} saved." if outcome.value else "Nothing was changed.",
                  "success")
            return _back_to(item)
        item = agenda_item(meeting, item_id)
        if outcome.conflict:  # saving again from here is a choice made with their text in view
            conflict = dict(_saved_minutes(item), message=outcome.error.message)
            form.version_id.data = str(item.version_id)
        elif not form.minutes.errors and not form.is_discussed.errors:
            return _render_run(meeting, error=outcome.error.message, status=400)
    return _render_run(meeting, bound={("minutes", item.id): _minutes_form(item, form)},
                       conflict=conflict, status=409 if conflict else 400)


def _item_form_refused(meeting: Meeting, kind: str, item: AgendaItem, form, outcome):
    """A decision or action item form was refused: the message at its field, or — when the
    meeting is not running, so no form is shown — above the run screen."""
    if outcome is not None and not meeting.minutes_editable:
        return _render_run(meeting, error=outcome.error.message, status=400)
    return _render_run(meeting, bound={(kind, item.id): form}, status=400)


@bp.post("/meetings/<int:meeting_id>/run/items/<int:item_id>/decisions")
def decision_add(meeting_id: int, item_id: int):
    meeting = managed_meeting(meeting_id)
    item = agenda_item(meeting, item_id)
    form = DecisionForm(prefix=item_prefix("decision", item.id))
    outcome = None
    if form.validate_on_submit():
        outcome = web.perform(lambda: run.add_decision(web.actor(), item, text=form.text.data),
                              form)
        if outcome.ok:
            flash(f"Decision recorded on {item.title}.", "success")
            return _back_to(item)
    return _item_form_refused(meeting, "decision", item, form, outcome)


@bp.post("/meetings/<int:meeting_id>/run/items/<int:item_id>/action-items")
def action_item_add(meeting_id: int, item_id: int):
    meeting = visible_meeting(meeting_id)
    item = agenda_item(meeting, item_id)
    web.require(can_add_action_item(web.actor(), item))
    form = _action_form(item, seats.seats_at(meeting.table_id),
                        seats.organizations_at(meeting.table_id),
                        ActionItemForm(prefix=item_prefix("action", item.id)))
    outcome = None
    if form.validate_on_submit():
        outcome = web.perform(lambda: run.add_action_item(
            web.actor(), item, title=form.title.data, owner_id=form.owner_id.data,
            organization_id=form.organization_id.data, due_on=form.due_on.data,
            priority=form.priority.data), form)
        if outcome.ok:
            flash(f"Action item “{outcome.value.title}” created for "
                  f"{outcome.value.owner.name}.", "success")
            return _back_to(item)
    return _item_form_refused(meeting, "action", item, form, outcome)


# --- attendance -----------------------------------------------------------------------------

def _render_attendance(meeting: Meeting, *, form=None, guest_form=None, status: int = 200):
    manage = can_manage_meeting(web.actor(), meeting)
    members = seats.seats_at(meeting.table_id)
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
        return _render_attendance(visible_meeting(meeting_id))
    meeting = managed_meeting(meeting_id)
    members = seats.seats_at(meeting.table_id)
    guests = [r for r in run.meeting_attendance(meeting) if r.person_id is None]
    form = attendance_form(members, guests, {}, formdata=request.form)
    if form.validate_on_submit():
        outcome = web.perform(lambda: run.record_attendance(
            web.actor(), meeting,
            people={m.person_id: form[person_field(m.person_id)].data or None for m in members},
            guests={g.id: form[guest_field(g.id)].data for g in guests}), form)
        if outcome.ok:
            flash("Attendance saved." if outcome.value else "Nothing was changed.", "success")
            return redirect(url_for(".attendance", meeting_id=meeting.id))
    return _render_attendance(meeting, form=form, status=400)


@bp.post("/meetings/<int:meeting_id>/attendance/guests")
def attendance_guest_add(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = GuestForm()
    if form.validate_on_submit():
        outcome = web.perform(lambda: run.add_guest(
            web.actor(), meeting, name=form.name.data, organization=form.organization.data,
            status=form.status.data), form)
        if outcome.ok:
            flash(f"{outcome.value.guest_name} was added as a guest.", "success")
            return redirect(url_for(".attendance", meeting_id=meeting.id))
    return _render_attendance(meeting, guest_form=form, status=400)


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
