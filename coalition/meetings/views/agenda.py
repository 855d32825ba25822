"""Meeting routes: the meeting list, scheduling and editing meetings, the agenda (with its
state transitions) and each table's agenda template.

Who may reach each route is in ``meetings.permissions.ROUTES``; the views add the object checks
(``can_view_meeting`` → 404, ``can_manage_meeting`` → 403) through ``core.web``, which also
commits each change once.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from coalition.core import web
from coalition.core.fields import options
from coalition.core.localtime import to_local
from coalition.meetings import services as meetings
from coalition.meetings.forms import (
    AgendaItemForm,
    MeetingEditForm,
    MeetingFilterForm,
    MeetingForm,
    NewAgendaItemForm,
    SectionForm,
)
from coalition.meetings.models import AgendaItem, AgendaTemplateSection, Meeting
from coalition.meetings.permissions import can_manage_meeting, can_see_item, can_view_meeting
from coalition.meetings.services.placing import place_choices
from coalition.meetings.views import bp
from coalition.roster import seats
from coalition.roster.models import CoalitionTable
from coalition.roster.permissions import can_manage_table, can_view_table

# the meeting's table (every permission reads it) in the meeting's own query
_WITH_TABLE = (joinedload(Meeting.table),)


def visible_meeting(meeting_id: int) -> Meeting:
    return web.load(Meeting, meeting_id, view=can_view_meeting, options=_WITH_TABLE)


def managed_meeting(meeting_id: int) -> Meeting:
    return web.load(Meeting, meeting_id, view=can_view_meeting, act=can_manage_meeting,
                    options=_WITH_TABLE)


def agenda_item(meeting: Meeting, item_id: int) -> AgendaItem:
    """An item of ``meeting``; a case item the viewer may not see is not acknowledged (404)."""
    return web.child_of(AgendaItem, item_id, "meeting_id", meeting.id,
                        hidden=lambda item: not can_see_item(web.actor(), item))


def _to_detail(meeting: Meeting):
    return redirect(url_for(".meeting_detail", meeting_id=meeting.id))


# --- the meeting list ---------------------------------------------------------------------

@bp.get("/meetings")
def meeting_list():
    viewer = web.actor()
    form = MeetingFilterForm(request.args)
    form.table.choices = options(meetings.table_choices(viewer), blank="All tables")
    valid = form.validate()
    table_id = form.table.data if valid else None
    when = form.when.data if valid and form.when.data else "upcoming"
    page = web.paginate(meetings.meeting_query(viewer, table_id=table_id, when=when),
                        count_with_rows=True)
    return render_template("meetings/meeting_list.html", form=form, page=page, when=when,
                           tables=meetings.manageable_tables(viewer)), 200 if valid else 400


# --- scheduling and editing ---------------------------------------------------------------

def _people_choices(form, table: CoalitionTable) -> None:
    people = seats.people_at(table, active_only=False)
    form.facilitator_id.choices = options(people, blank="Not chosen yet")
    form.recorder_id.choices = options(people, blank="Not chosen yet")


def _meeting_values(form) -> dict:
    return {"title": form.title.data, "day": form.day.data, "start_time": form.start_time.data,
            "end_time": form.end_time.data, "location": form.location.data,
            "video_url": form.video_url.data, "facilitator_id": form.facilitator_id.data,
            "recorder_id": form.recorder_id.data}


def _meeting_facts(meeting: Meeting) -> dict:
    start, end = to_local(meeting.starts_at), to_local(meeting.ends_at)
    return {"title": meeting.title, "day": start.date(),
            "start_time": start.time().replace(tzinfo=None),
            "end_time": end.time().replace(tzinfo=None), "location": meeting.location,
            "video_url": meeting.video_url, "facilitator_id": meeting.facilitator_id,
            "recorder_id": meeting.recorder_id}


@bp.route("/tables/<int:table_id>/meetings/new", methods=["GET", "POST"])
def meeting_new(table_id: int):
    """Schedule a meeting; on GET the form proposes the next one from the table's cadence."""
    table = web.load(CoalitionTable, table_id, view=can_view_table, act=can_manage_table)
    latest = meetings.latest_meeting(table)
    copied = request.args.get("copy") != "no"
    if request.method == "GET":
        form = MeetingForm(formdata=None, data=meetings.propose_next_meeting(
            table, latest=latest, copy=copied))
    else:
        form = MeetingForm()
    _people_choices(form, table)
    if form.validate_on_submit():
        outcome = web.perform(
            lambda: meetings.schedule_meeting(web.actor(), table, **_meeting_values(form)), form)
        if outcome.ok:
            flash(f"{outcome.value.title} was scheduled as a draft; its agenda was built from "
                  "the template and what is due.", "success")
            return _to_detail(outcome.value)
    return render_template("meetings/meeting_form.html", form=form, table=table, meeting=None,
                           latest=latest, copied=copied and request.method == "GET",
                           copied_facilitator=_person_name(form, latest and latest.facilitator_id),
                           copied_recorder=_person_name(form, latest and latest.recorder_id)
                           ), web.form_status()


def _person_name(form, person_id: int | None) -> str:
    """A person copied from the latest meeting, named as the form's lists name them."""
    if person_id is None:
        return ""
    return {choice.value: choice.label for choice in form.facilitator_id.choices}.get(
        str(person_id), "")


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    if request.method == "GET":
        form = MeetingEditForm(formdata=None,
                               data=dict(_meeting_facts(meeting), version_id=meeting.version_id))
    else:
        form = MeetingEditForm()
    _people_choices(form, meeting.table)
    conflict = None
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(lambda: meetings.update_meeting(
            web.actor(), meeting, version_id=form.version_id.data, **_meeting_values(form)),
            form, thing="meeting", reload=lambda: visible_meeting(meeting_id),
            saved=_meeting_facts)
        if outcome.ok:
            flash("The meeting was saved." if outcome.value else "Nothing was changed.",
                  "success")
            return _to_detail(meeting)
    return render_template("meetings/meeting_form.html", form=form, table=meeting.table,
                           meeting=meeting, conflict=conflict), web.edit_status(conflict)


# --- the agenda ---------------------------------------------------------------------------

def _kinds_for(form, table: CoalitionTable) -> None:
    """Offer "Case" only at tables that review cases (the services refuse it elsewhere)."""
    if not table.reviews_cases:
        form.item_type.choices = [c for c in form.item_type.choices if c.value != "case"]
        form.item_type.invalid_choice_message = meetings.NO_CASE_KIND_MESSAGE
        form.item_type.description = ""


def _render_detail(meeting: Meeting, *, item_form=None, status: int = 200):
    viewer = web.actor()
    manage = can_manage_meeting(viewer, meeting)
    if manage and item_form is None and meeting.status != "closed":
        item_form = NewAgendaItemForm(formdata=None)
    agenda = meetings.agenda_for(viewer, meeting)
    if item_form is not None:
        _kinds_for(item_form, meeting.table)
        item_form.place.choices = place_choices(agenda["items"])
    return render_template(
        "meetings/meeting_detail.html", meeting=meeting, manage=manage, item_form=item_form,
        agenda=agenda,
        transitions=meetings.available_transitions(meeting, coordinator=viewer.is_coordinator)
        if manage else [],
        next_meeting=meetings.next_meeting(meeting)), status


@bp.get("/meetings/<int:meeting_id>")
def meeting_detail(meeting_id: int):
    return _render_detail(visible_meeting(meeting_id))


def _meeting_verb(action: str, verb, success: str) -> None:
    """Register ``POST /meetings/<id>/<action>`` (endpoint ``meeting_<action>``) for a state
    transition: the meeting must be managed by the user; the service checks the state."""
    def view(meeting_id: int):
        meeting = managed_meeting(meeting_id)
        web.perform_and_flash(lambda: verb(web.actor(), meeting), success)
        return _to_detail(meeting)

    view.__name__ = f"meeting_{action}"
    bp.add_url_rule(f"/meetings/<int:meeting_id>/{action}", view.__name__, view,
                    methods=["POST"])


_meeting_verb("schedule", meetings.mark_scheduled, "The meeting is scheduled.")
_meeting_verb("start", meetings.start_meeting, "The meeting is in progress.")
_meeting_verb("close", meetings.close_meeting,
              "The meeting is closed and its minutes were saved as a new version.")
_meeting_verb("reopen", meetings.reopen_meeting, "The meeting was reopened.")


def _refreshed(added: int) -> str:
    return (f"{added} due item{'' if added == 1 else 's'} added." if added
            else "Nothing new is due: the agenda already lists everything.")


@bp.post("/meetings/<int:meeting_id>/refresh")
def agenda_refresh(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    web.perform_and_flash(lambda: meetings.refresh_due_items(web.actor(), meeting), _refreshed)
    return _to_detail(meeting)


@bp.post("/meetings/<int:meeting_id>/items")
def item_add(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = NewAgendaItemForm()
    form.place.choices = place_choices(meetings.agenda_for(web.actor(), meeting)["items"])
    if form.validate_on_submit():
        outcome = web.perform(lambda: meetings.add_item(
            web.actor(), meeting, title=form.title.data, item_type=form.item_type.data,
            planned_minutes=form.planned_minutes.data, place=form.place.data), form)
        if outcome.ok:
            flash(f"{outcome.value.title} was added to the agenda.", "success")
            return _to_detail(meeting)
    return _render_detail(meeting, item_form=form, status=400)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
def item_edit(meeting_id: int, item_id: int):
    meeting = managed_meeting(meeting_id)
    item = agenda_item(meeting, item_id)
    form = AgendaItemForm(formdata=None, obj=item) if request.method == "GET" \
        else AgendaItemForm()
    _kinds_for(form, meeting.table)
    if form.validate_on_submit():
        outcome = web.perform(lambda: meetings.update_item(
            web.actor(), item, title=form.title.data, item_type=form.item_type.data,
            planned_minutes=form.planned_minutes.data), form)
        if outcome.ok:
            flash("The item was saved." if outcome.value else "Nothing was changed.", "success")
            return _to_detail(meeting)
    return render_template("meetings/item_form.html", form=form, meeting=meeting,
                           item=item), web.form_status()


def _item_verb(endpoint: str, path: str, verb, success: str, *args) -> None:
    """Register ``POST /meetings/<id>/items/<item_id>/<path>`` for one change to an item."""
    def view(meeting_id: int, item_id: int):
        meeting = managed_meeting(meeting_id)
        item = agenda_item(meeting, item_id)
        message = success.format(title=item.title)
        web.perform_and_flash(lambda: verb(web.actor(), item, *args), message)
        return _to_detail(meeting)

    view.__name__ = endpoint
    bp.add_url_rule(f"/meetings/<int:meeting_id>/items/<int:item_id>/{path}", endpoint, view,
                    methods=["POST"])


_item_verb("item_remove", "remove", meetings.remove_item, "{title} was removed.")
_item_verb("item_up", "up", meetings.move_item, "{title} was moved up.", -1)
_item_verb("item_down", "down", meetings.move_item, "{title} was moved down.", 1)
_item_verb("item_to_next_meeting", "next", meetings.move_to_next_meeting,
           "{title} was moved to the next meeting.")
_item_verb("item_park", "park", meetings.park_in_backlog,
           "{title} was parked in the table's backlog.")


# --- agenda templates ---------------------------------------------------------------------

def _template_table(table_id: int) -> CoalitionTable:
    return web.load(CoalitionTable, table_id, view=can_view_table)


def _section_of(table: CoalitionTable, section_id: int) -> AgendaTemplateSection:
    return web.child_of(AgendaTemplateSection, section_id, "table_id", table.id)


def _to_template(table: CoalitionTable):
    return redirect(url_for(".template_edit", table_id=table.id))


@bp.get("/tables/<int:table_id>/agenda-template")
def template_edit(table_id: int, form=None, status: int = 200):
    """The table's sections; a table without its own template shows the standard one for its
    kind (nothing is saved by looking)."""
    table = _template_table(table_id)
    sections = meetings.template_sections(table)
    return render_template("meetings/template_edit.html", table=table, sections=sections,
                           defaults=None if sections else meetings.default_sections(table),
                           form=_with_kinds(form or SectionForm(formdata=None), table)), status


def _with_kinds(form, table: CoalitionTable):
    _kinds_for(form, table)
    return form


@bp.post("/tables/<int:table_id>/agenda-template/start")
def template_start(table_id: int):
    table = _template_table(table_id)
    web.perform_and_flash(lambda: meetings.ensure_template(table, actor=web.actor()),
                          f"{table.name} now has its own agenda template to change.")
    return _to_template(table)


@bp.post("/tables/<int:table_id>/agenda-template/sections")
def section_add(table_id: int):
    table = _template_table(table_id)
    form = SectionForm()
    if form.validate_on_submit():
        outcome = web.perform(lambda: meetings.add_section(
            web.actor(), table, title=form.title.data, planned_minutes=form.planned_minutes.data,
            item_type=form.item_type.data, receives_due_items=form.receives_due_items.data),
            form)
        if outcome.ok:
            flash(f"{outcome.value.title} was added to the template.", "success")
            return _to_template(table)
    return template_edit(table_id, form=form, status=400)


@bp.route("/tables/<int:table_id>/agenda-template/sections/<int:section_id>/edit",
          methods=["GET", "POST"])
def section_edit(table_id: int, section_id: int):
    table = _template_table(table_id)
    section = _section_of(table, section_id)
    form = SectionForm(formdata=None, obj=section) if request.method == "GET" else SectionForm()
    _kinds_for(form, table)
    if form.validate_on_submit():
        outcome = web.perform(lambda: meetings.update_section(
            web.actor(), section, title=form.title.data, planned_minutes=form.planned_minutes.data,
            item_type=form.item_type.data, receives_due_items=form.receives_due_items.data),
            form)
        if outcome.ok:
            flash("The section was saved." if outcome.value else "Nothing was changed.",
                  "success")
            return _to_template(table)
    return render_template("meetings/section_form.html", form=form, table=table,
                           section=section), web.form_status()


def _section_verb(table_id: int, section_id: int, verb, message: str, *args):
    table = _template_table(table_id)
    section = _section_of(table, section_id)
    title = section.title
    web.perform_and_flash(lambda: verb(web.actor(), section, *args), message.format(title=title))
    return _to_template(table)


@bp.post("/tables/<int:table_id>/agenda-template/sections/<int:section_id>/remove")
def section_remove(table_id: int, section_id: int):
    return _section_verb(table_id, section_id, meetings.remove_section,
                         "{title} was removed from the template.")


@bp.post("/tables/<int:table_id>/agenda-template/sections/<int:section_id>/up")
def section_up(table_id: int, section_id: int):
    return _section_verb(table_id, section_id, meetings.move_section, "{title} was moved up.",
                         -1)


@bp.post("/tables/<int:table_id>/agenda-template/sections/<int:section_id>/down")
def section_down(table_id: int, section_id: int):
    return _section_verb(table_id, section_id, meetings.move_section,
                         "{title} was moved down.", 1)
