"""The run screen's building blocks: the per-item forms, the page itself, and one agenda item's
form saved as a whole.

Each agenda item has one form holding its minutes, a new decision and a new action item. Its
three buttons post to three routes (``minutes_save``, ``decision_add``, ``action_item_add``), and
every one of them saves whatever else was typed in that form in the same transaction: minutes
typed and then "Record decision" keep the minutes; a refusal keeps everything typed, with the
message at its field.
"""

from __future__ import annotations

import hashlib

from flask import flash, redirect, render_template, request, url_for

from coalition.core import web
from coalition.core.errors import ServiceError, apply_to_form
from coalition.core.fields import options
from coalition.meetings.forms_running import (
    ActionItemForm,
    DecisionForm,
    MinutesForm,
    item_prefix,
)
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.permissions import (
    can_add_action_item,
    can_manage_meeting,
    can_see_case_items,
    has_attested,
)
from coalition.meetings.services import run_reads
from coalition.meetings.services import running as run
from coalition.meetings.subjects import any_timed
from coalition.meetings.views.agenda import agenda_item, managed_meeting, visible_meeting
from coalition.meetings.views.meeting_mode import item_state, meeting_mode
from coalition.roster import seats
from coalition.roster.permissions import can_view_case_data

KINDS = ("minutes", "decision", "action")
ACTION_TYPED = ("title", "owner_id", "due_on")  # what makes an action item "being added"


def minutes_digest(text: str | None) -> str:
    """A short fingerprint of the minutes a form started from: a save whose text still matches
    it changes nothing in the text (so an untouched box never overwrites a newer save)."""
    return hashlib.sha256((text or "").replace("\r\n", "\n").encode()).hexdigest()[:16]


def minutes_form(item: AgendaItem, form: MinutesForm | None = None) -> MinutesForm:
    form = form or MinutesForm(formdata=None, prefix=item_prefix("minutes", item.id),
                               data={"minutes": item.minutes, "is_discussed": item.is_discussed,
                                     "version_id": str(item.version_id),
                                     "digest": minutes_digest(item.minutes)})
    form.minutes.label.text = f"Minutes: {item.title}"
    form.is_discussed.label.text = f"Discussed: {item.title}"
    return form


def decision_form(item: AgendaItem, form: DecisionForm | None = None) -> DecisionForm:
    form = form or DecisionForm(formdata=None, prefix=item_prefix("decision", item.id))
    form.text.label.text = f"New decision on {item.title}"
    return form


def action_form(item: AgendaItem, members, organizations,
                form: ActionItemForm | None = None) -> ActionItemForm:
    form = form or ActionItemForm(formdata=None, prefix=item_prefix("action", item.id))
    form.owner_id.choices = options([(m.person_id, f"{m.person.name} ({m.organization.name})")
                                     for m in members], blank="Choose an owner")
    form.organization_id.choices = options([(o.id, o.name) for o in organizations],
                                           blank="The owner's organization")
    form.title.label.text = f"Action item from {item.title}"
    return form


def _member_action_forms(viewer, meeting: Meeting, items, bound: dict) -> dict:
    """``{item id: {"action": form}}`` for the items shown in full that a member seated at the
    table may add action items to (who attested, for a case item); none for anyone else."""
    allowed = [item for item in items
               if not item.is_section and can_add_action_item(viewer, item)]
    if not allowed:
        return {}
    members = seats.seats_at(meeting.table_id)
    organizations = seats.organizations_at(meeting.table_id)
    return {item.id: {"action": action_form(item, members, organizations,
                                            bound.get(("action", item.id)))}
            for item in allowed}


def render_run(meeting: Meeting, *, bound: dict | None = None, conflict=None,
               error: str | None = None, status: int = 200, only_item: int | None = None,
               message: str | None = None):
    """The run screen; ``bound`` holds ``{(kind, item_id): form}`` sent back with errors.
    With ``only_item``, just that item's card (the partial that htmx swaps in place)."""
    viewer = web.actor()
    show_case = can_see_case_items(viewer, meeting)
    shown = run_reads.run_items(meeting, show_case_items=show_case)
    manage = can_manage_meeting(viewer, meeting)
    editable = manage and meeting.minutes_editable
    bound = bound or {}
    mode = meeting_mode(shown.items, only_item or next(iter(bound), (None, None))[1]
                        or request.args.get("item"), show_all=request.args.get("all") == "1")
    forms = {}
    if editable:
        members = seats.seats_at(meeting.table_id)
        organizations = seats.organizations_at(meeting.table_id)
        for item in mode.full:
            forms[item.id] = {
                "minutes": minutes_form(item, bound.get(("minutes", item.id))),
                "decision": decision_form(item, bound.get(("decision", item.id))),
                "action": action_form(item, members, organizations,
                                      bound.get(("action", item.id))),
            }
    member_forms = ({} if editable or not meeting.minutes_editable
                    else _member_action_forms(viewer, meeting, mode.full, bound))
    in_full = [item for item in mode.full if not item.is_section]
    if only_item is not None and all(item.id != only_item for item in in_full):
        in_full += [item for item in shown.items if item.id == only_item]
    records = run_reads.item_records(meeting, in_full)
    case_count = sum(1 for item in shown.items if item.item_type == "case")
    if case_count:  # a form sent back with errors was rolled back first: only the read is saved
        web.perform(lambda: run.log_case_items_shown(viewer, meeting, case_count))
    if only_item is not None:
        item = next(i for i in shown.items if i.id == only_item)
        return render_template(
            "meetings/_run_item.html", meeting=meeting, item=item, forms=forms,
            records=records, conflict=conflict, message=message,
            mode=mode, member_forms=member_forms), status
    return render_template(
        "meetings/run.html", meeting=meeting, items=shown.items, mode=mode, item_state=item_state,
        planned_total=sum(i.planned_minutes for i in shown.items),
        hidden_case_items=shown.hidden_case_items, records=records,
        action_counts=shown.action_counts, decision_counts=shown.decision_counts,
        manage=manage, editable=editable, forms=forms, conflict=conflict, error=error,
        member_forms=member_forms, timers=any_timed(shown.items),
        needs_attestation=(meeting.table.reviews_cases
                           and can_view_case_data(viewer, meeting.table)
                           and not has_attested(viewer, meeting)),
    ), status


def back_to(item: AgendaItem, go: str | None = None):
    """The run screen on ``item`` — or on the item the "Next item" / "Previous item" button
    named (``go``), once what was typed is saved."""
    target = item.id
    if go and go.isascii() and go.isdigit() and any(
            str(i.id) == go for i in item.meeting.items if not i.is_section):
        target = int(go)
    return redirect(url_for(".run_meeting", meeting_id=item.meeting_id, item=target)
                    + f"#item-{target}")


def saved_minutes(item: AgendaItem) -> dict:
    """What the conflict panel shows of an item's minutes as saved now."""
    latest = item.revisions[-1] if item.revisions else None
    return {"item_id": item.id, "theirs": item.minutes,
            "saved_by": latest.user.name if latest is not None and latest.user else None,
            "saved_at": latest.created_at if latest is not None else None}


def _posted_forms(meeting: Meeting, item: AgendaItem) -> dict:
    return {
        "minutes": MinutesForm(prefix=item_prefix("minutes", item.id)),
        "decision": DecisionForm(prefix=item_prefix("decision", item.id)),
        "action": action_form(item, seats.seats_at(meeting.table_id),
                              seats.organizations_at(meeting.table_id),
                              ActionItemForm(prefix=item_prefix("action", item.id))),
    }


def _parts(forms: dict, primary: str) -> list[str]:
    """The parts of the item's form to save: the button's own, and any other that was typed."""
    posted = request.form
    typed = {
        "minutes": forms["minutes"].minutes.name in posted,
        "decision": bool(posted.get(forms["decision"].text.name, "").strip()),
        "action": any(posted.get(forms["action"][name].name, "").strip()
                      for name in ACTION_TYPED),
    }
    return [kind for kind in KINDS if kind == primary or typed[kind]]


def _minutes_text(form: MinutesForm, item: AgendaItem) -> str:
    """The text to save: what was typed, or — when the box still holds the text the form
    started from — the text saved now (nothing typed overwrites nothing)."""
    typed = form.minutes.data or ""
    if form.digest.data and form.digest.data == minutes_digest(typed):
        return item.minutes
    return typed


def _save_part(kind: str, item: AgendaItem, form, *, autosave: bool = False):
    actor = web.actor()
    if kind == "minutes":
        return run.save_minutes(actor, item, text=_minutes_text(form, item),
                                version_id=form.version_id.data,
                                is_discussed=form.is_discussed.data, autosave=autosave)
    if kind == "decision":
        return run.add_decision(actor, item, text=form.text.data)
    return run.add_action_item(
        actor, item, title=form.title.data, owner_id=form.owner_id.data,
        organization_id=form.organization_id.data, due_on=form.due_on.data,
        priority=form.priority.data)


def _saved_message(item: AgendaItem, done: dict) -> str:
    said = []
    if done.get("minutes"):
        said.append(f"Minutes of {item.title} saved.")
    if "decision" in done:
        said.append(f"Decision recorded on {item.title}.")
    if "action" in done:
        action = done["action"]
        said.append(f"Action item “{action.title}” created for {action.owner.name}.")
    return " ".join(said) or "Nothing was changed."


def _autosaved(item: AgendaItem):
    """The answer to an autosave: the "Saved HH:MM" state, and the form's version and digest
    brought up to date (out-of-band swaps), so the next save starts from this one."""
    latest = item.revisions[-1] if item.revisions else None
    return render_template("meetings/_minutes_saved.html", item=item,
                           saved_at=latest.created_at if latest is not None else None,
                           digest=minutes_digest(item.minutes))


def save_item_form(meeting_id: int, item_id: int, primary: str):
    """POST of one agenda item's form through the button of ``primary``: save every part typed,
    all or nothing; on a refusal show the run screen again with everything typed.

    From htmx (``HX-Request``) the answer is the item's card alone, swapped in place; an
    autosave of the minutes (``X-Autosave``) saves the minutes only and answers their saved
    state, or — on a conflict or a refusal — the card with the message, retargeted."""
    meeting = managed_meeting(meeting_id)
    item = agenda_item(meeting, item_id)
    partial = request.headers.get("HX-Request") == "true"
    autosave = partial and primary == "minutes" and request.headers.get("X-Autosave") == "1"
    forms = _posted_forms(meeting, item)
    parts = ["minutes"] if autosave else _parts(forms, primary)
    valid = [forms[kind].validate() for kind in parts]  # every part, so every message shows
    failed: list[str] = []
    outcome = None
    if all(valid):
        def save_all() -> dict:
            done = {}
            for kind in parts:
                try:
                    done[kind] = _save_part(kind, item, forms[kind], autosave=autosave)
                except ServiceError:
                    failed.append(kind)
                    raise
            return done

        outcome = web.perform(save_all, thing="item's minutes")
        if outcome.ok and autosave:
            return _autosaved(item)
        if outcome.ok and partial:
            return render_run(meeting, only_item=item.id,
                              message=_saved_message(item, outcome.value))
        if outcome.ok:
            flash(_saved_message(item, outcome.value), "success")
            return back_to(item, request.form.get("go"))
        item = agenda_item(meeting, item_id)
        if not meeting.minutes_editable:
            if partial:  # the whole page again, with the message
                flash(outcome.error.message, "error")
                return "", 204, {"HX-Redirect": url_for(".run_meeting", meeting_id=meeting.id)}
            return render_run(meeting, error=outcome.error.message, status=400)
    conflict = None
    if outcome is not None and outcome.conflict:  # saving again is a choice made in view of theirs
        conflict = dict(saved_minutes(item), message=outcome.error.message)
        forms["minutes"].version_id.data = str(item.version_id)
        forms["minutes"].digest.data = minutes_digest(item.minutes)
    elif outcome is not None:
        apply_to_form(forms[failed[0] if failed else primary], outcome.error)
    forms["minutes"] = minutes_form(item, forms["minutes"]) if "minutes" in parts else None
    bound = {(kind, item.id): form for kind, form in forms.items() if form is not None}
    status = 409 if conflict else 400
    if not partial:
        return render_run(meeting, bound=bound, conflict=conflict, status=status)
    body, status = render_run(meeting, bound=bound, conflict=conflict, status=status,
                              only_item=item.id)
    return body, status, {"HX-Retarget": f"#item-{item.id}", "HX-Reswap": "outerHTML"}


def save_member_action_item(meeting_id: int, item_id: int):
    """POST of a seated member's action item (members get that part of the item's form alone,
    as a plain form): created, or the run screen again with what was typed and the message."""
    meeting = visible_meeting(meeting_id)
    item = agenda_item(meeting, item_id)
    web.require(can_add_action_item(web.actor(), item))
    form = action_form(item, seats.seats_at(meeting.table_id),
                       seats.organizations_at(meeting.table_id),
                       ActionItemForm(prefix=item_prefix("action", item.id)))
    if form.validate_on_submit():
        outcome = web.perform(lambda: _save_part("action", item, form), form)
        if outcome.ok:
            flash(_saved_message(item, {"action": outcome.value}), "success")
            return back_to(item)
        if not meeting.minutes_editable:
            return render_run(meeting, error=outcome.error.message, status=400)
    return render_run(meeting, bound={("action", item.id): form}, status=400)
