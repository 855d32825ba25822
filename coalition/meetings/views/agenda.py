"""Meeting routes: the meeting list, scheduling and editing meetings, the agenda (with its
state transitions) and each table's agenda template.

Who may reach each route is in ``core.permissions.ROUTES``; the views add the object checks
(``can_view_meeting`` → 404, ``can_manage_meeting`` → 403) and the one commit.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from coalition.core.errors import ServiceError, save_or_show
from coalition.core.localtime import to_local
from coalition.core.permissions import (
    can_manage_meeting,
    can_manage_table,
    can_see_case_items,
    can_view_meeting,
    can_view_table,
)
from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.forms import (
    AgendaItemForm,
    MeetingEditForm,
    MeetingFilterForm,
    MeetingForm,
    SectionForm,
)
from coalition.meetings.models import AgendaItem, AgendaTemplateSection, Meeting
from coalition.meetings.views import bp
from coalition.roster import services as roster
from coalition.roster.forms import options
from coalition.roster.models import CoalitionTable

MAX_PAGE = 1_000_000


def _actor():
    return current_user._get_current_object()


def _status() -> int:
    return 400 if request.method == "POST" else 200


def _visible_meeting(meeting_id: int) -> Meeting:
    meeting = db.get_or_404(Meeting, meeting_id)
    if not can_view_meeting(_actor(), meeting):
        abort(404)
    return meeting


def _managed_meeting(meeting_id: int) -> Meeting:
    meeting = _visible_meeting(meeting_id)
    if not can_manage_meeting(_actor(), meeting):
        abort(403)
    return meeting


def _managed_table(table_id: int) -> CoalitionTable:
    table = db.get_or_404(CoalitionTable, table_id)
    if not can_view_table(_actor(), table):
        abort(404)
    if not can_manage_table(_actor(), table):
        abort(403)
    return table


def _item_of(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        abort(404)
    if item.item_type == "case" and not item.is_section \
            and not can_see_case_items(_actor(), meeting):
        abort(404)
    return item


def _to_detail(meeting: Meeting):
    return redirect(url_for(".meeting_detail", meeting_id=meeting.id))


# --- the meeting list ---------------------------------------------------------------------

@bp.get("/meetings")
def meeting_list():
    viewer = _actor()
    form = MeetingFilterForm(request.args)
    form.table.choices = options([(t.id, t.name) for t in roster.visible_tables(viewer)],
                                 blank="All tables")
    valid = form.validate()
    table_id = form.table.data if valid else None
    when = form.when.data if valid and form.when.data else "upcoming"
    page_number = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    page = db.paginate(meetings.meeting_query(viewer, table_id=table_id, when=when),
                       page=page_number, per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("meetings/meeting_list.html", form=form, page=page, when=when,
                           tables=meetings.manageable_tables(viewer)), 200 if valid else 400


# --- scheduling and editing ---------------------------------------------------------------

def _people_choices(form, table: CoalitionTable) -> None:
    people = meetings.seated_people(table)
    form.facilitator_id.choices = options(people, blank="Not chosen yet")
    form.recorder_id.choices = options(people, blank="Not chosen yet")


def _meeting_values(form) -> dict:
    return {"title": form.title.data, "day": form.day.data, "start_time": form.start_time.data,
            "end_time": form.end_time.data, "location": form.location.data,
            "video_url": form.video_url.data, "facilitator_id": form.facilitator_id.data,
            "recorder_id": form.recorder_id.data}


@bp.route("/tables/<int:table_id>/meetings/new", methods=["GET", "POST"])
def meeting_new(table_id: int):
    """Schedule a meeting; on GET the form proposes the next one from the table's cadence."""
    table = _managed_table(table_id)
    if request.method == "GET":
        form = MeetingForm(formdata=None, data=meetings.propose_next_meeting(table))
    else:
        form = MeetingForm()
    _people_choices(form, table)
    if form.validate_on_submit():
        saved, meeting = save_or_show(
            form, lambda: meetings.schedule_meeting(_actor(), table, **_meeting_values(form)))
        if saved:
            flash(f"{meeting.title} was scheduled as a draft; its agenda was built from the "
                  "template and what is due.", "success")
            return _to_detail(meeting)
    return render_template("meetings/meeting_form.html", form=form, table=table,
                           meeting=None), _status()


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    if request.method == "GET":
        start, end = to_local(meeting.starts_at), to_local(meeting.ends_at)
        form = MeetingEditForm(formdata=None, obj=meeting, data={
            "day": start.date(), "start_time": start.time().replace(tzinfo=None),
            "end_time": end.time().replace(tzinfo=None), "version_id": meeting.version_id})
    else:
        form = MeetingEditForm()
    _people_choices(form, meeting.table)
    if form.validate_on_submit():
        saved, changed = save_or_show(form, lambda: meetings.update_meeting(
            _actor(), meeting, version_id=form.version_id.data, **_meeting_values(form)))
        if saved:
            flash("The meeting was saved." if changed else "Nothing was changed.", "success")
            return _to_detail(meeting)
    return render_template("meetings/meeting_form.html", form=form, table=meeting.table,
                           meeting=meeting), _status()


# --- the agenda ---------------------------------------------------------------------------

def _render_detail(meeting: Meeting, *, item_form=None, status: int = 200):
    viewer = _actor()
    manage = can_manage_meeting(viewer, meeting)
    if manage and item_form is None and meeting.status != "closed":
        item_form = AgendaItemForm(formdata=None)
    return render_template(
        "meetings/meeting_detail.html", meeting=meeting, manage=manage, item_form=item_form,
        agenda=meetings.agenda_for(viewer, meeting),
        transitions=meetings.available_transitions(meeting, coordinator=viewer.is_coordinator)
        if manage else [],
        next_meeting=meetings.next_meeting(meeting)), status


@bp.get("/meetings/<int:meeting_id>")
def meeting_detail(meeting_id: int):
    return _render_detail(_visible_meeting(meeting_id))


def _run(meeting: Meeting, verb, success: str, *args):
    """Call a service verb; commit and flash on success, flash the refusal otherwise."""
    try:
        verb(_actor(), *args)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return _to_detail(meeting)


def _meeting_verb(action: str, verb, success: str) -> None:
    """Register ``POST /meetings/<id>/<action>`` (endpoint ``meeting_<action>``) for a state
    transition: the meeting must be managed by the user; the service checks the state."""
    def view(meeting_id: int):
        meeting = _managed_meeting(meeting_id)
        return _run(meeting, verb, success, meeting)

    view.__name__ = f"meeting_{action}"
    bp.add_url_rule(f"/meetings/<int:meeting_id>/{action}", view.__name__, view,
                    methods=["POST"])


_meeting_verb("schedule", meetings.mark_scheduled, "The meeting is scheduled.")
_meeting_verb("start", meetings.start_meeting, "The meeting is in progress.")
_meeting_verb("close", meetings.close_meeting,
              "The meeting is closed and its minutes were saved as a new version.")
_meeting_verb("reopen", meetings.reopen_meeting, "The meeting was reopened.")


@bp.post("/meetings/<int:meeting_id>/refresh")
def agenda_refresh(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    try:
        added = meetings.refresh_due_items(_actor(), meeting)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"{added} due item{'' if added == 1 else 's'} added." if added
              else "Nothing new is due: the agenda already lists everything.", "success")
    return _to_detail(meeting)


@bp.post("/meetings/<int:meeting_id>/items")
def item_add(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        saved, item = save_or_show(form, lambda: meetings.add_item(
            _actor(), meeting, title=form.title.data, item_type=form.item_type.data,
            planned_minutes=form.planned_minutes.data))
        if saved:
            flash(f"{item.title} was added to the agenda.", "success")
            return _to_detail(meeting)
    return _render_detail(meeting, item_form=form, status=400)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
def item_edit(meeting_id: int, item_id: int):
    meeting = _managed_meeting(meeting_id)
    item = _item_of(meeting, item_id)
    form = AgendaItemForm(formdata=None, obj=item) if request.method == "GET" \
        else AgendaItemForm()
    if form.validate_on_submit():
        saved, changed = save_or_show(form, lambda: meetings.update_item(
            _actor(), item, title=form.title.data, item_type=form.item_type.data,
            planned_minutes=form.planned_minutes.data))
        if saved:
            flash("The item was saved." if changed else "Nothing was changed.", "success")
            return _to_detail(meeting)
    return render_template("meetings/item_form.html", form=form, meeting=meeting,
                           item=item), _status()


def _item_verb(endpoint: str, path: str, verb, success: str, *args) -> None:
    """Register ``POST /meetings/<id>/items/<item_id>/<path>`` for one change to an item."""
    def view(meeting_id: int, item_id: int):
        meeting = _managed_meeting(meeting_id)
        item = _item_of(meeting, item_id)
        return _run(meeting, verb, success.format(title=item.title), item, *args)

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
    table = db.get_or_404(CoalitionTable, table_id)
    if not can_view_table(_actor(), table):
        abort(404)
    return table


def _section_of(table: CoalitionTable, section_id: int) -> AgendaTemplateSection:
    section = db.get_or_404(AgendaTemplateSection, section_id)
    if section.table_id != table.id:
        abort(404)
    return section


def _to_template(table: CoalitionTable):
    return redirect(url_for(".template_edit", table_id=table.id))


@bp.get("/tables/<int:table_id>/agenda-template")
def template_edit(table_id: int, form=None, status: int = 200):
    table = _template_table(table_id)
    sections = meetings.ensure_template(table)
    db.session.commit()  # a template seeded on first view is kept
    return render_template("meetings/template_edit.html", table=table, sections=sections,
                           form=form or SectionForm(formdata=None)), status


@bp.post("/tables/<int:table_id>/agenda-template/sections")
def section_add(table_id: int):
    table = _template_table(table_id)
    form = SectionForm()
    if form.validate_on_submit():
        saved, section = save_or_show(form, lambda: meetings.add_section(
            _actor(), table, title=form.title.data, planned_minutes=form.planned_minutes.data,
            item_type=form.item_type.data, receives_due_items=form.receives_due_items.data))
        if saved:
            flash(f"{section.title} was added to the template.", "success")
            return _to_template(table)
    return template_edit(table_id, form=form, status=400)


@bp.route("/tables/<int:table_id>/agenda-template/sections/<int:section_id>/edit",
          methods=["GET", "POST"])
def section_edit(table_id: int, section_id: int):
    table = _template_table(table_id)
    section = _section_of(table, section_id)
    form = SectionForm(formdata=None, obj=section) if request.method == "GET" else SectionForm()
    if form.validate_on_submit():
        saved, changed = save_or_show(form, lambda: meetings.update_section(
            _actor(), section, title=form.title.data, planned_minutes=form.planned_minutes.data,
            item_type=form.item_type.data, receives_due_items=form.receives_due_items.data))
        if saved:
            flash("The section was saved." if changed else "Nothing was changed.", "success")
            return _to_template(table)
    return render_template("meetings/section_form.html", form=form, table=table,
                           section=section), _status()


def _section_verb(table_id: int, section_id: int, verb, message: str, *args):
    table = _template_table(table_id)
    section = _section_of(table, section_id)
    title = section.title
    verb(_actor(), section, *args)
    db.session.commit()
    flash(message.format(title=title), "success")
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
