"""Routes of members assigning action items: a new item between meetings, handing an item
over, and "Items I assigned". They join the actions blueprint (``actions.views.bp``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from coalition.actions import services as actions
from coalition.actions.forms import (
    HandOverForm,
    MyItemsFilterForm,
    NewActionItemForm,
    TableChoiceForm,
)
from coalition.actions.permissions import can_create_at_table, can_hand_over_action_item
from coalition.actions.views import _dates, _item, _render_item, _saved, bp, hand_over_form
from coalition.core import web
from coalition.core.db import db
from coalition.core.fields import options, record_id
from coalition.roster import seats
from coalition.roster.models import CoalitionTable

# --- a new item between meetings ------------------------------------------------------------


def _chosen_table(viewer, raw) -> CoalitionTable | None:
    """The table named by ``raw`` if the viewer may create items for it (None if none named);
    404 for a table they may not."""
    try:
        table_id = record_id(raw)
    except ValueError:
        abort(404)
    if table_id is None:
        return None
    table = db.session.get(CoalitionTable, table_id)
    if table is None or not table.is_active or not can_create_at_table(viewer, table):
        abort(404)
    return table


def _new_form(table: CoalitionTable, form: NewActionItemForm | None = None):
    form = form or NewActionItemForm(formdata=None, data={"table_id": str(table.id)})
    form.owner_id.choices = options(seats.seat_choices(table), blank="Choose the owner")
    return form


@bp.route("/actions/new", methods=["GET", "POST"])
def item_new():
    viewer = web.actor()
    source = request.form if request.method == "POST" else request.args
    table = _chosen_table(viewer, source.get("table_id"))
    tables = actions.tables_for_new_items(viewer)
    if table is None and len(tables) == 1:
        table = tables[0]
    chooser = TableChoiceForm(formdata=None, data={"table_id": table.id if table else None})
    chooser.table_id.choices = options([(t.id, t.name) for t in tables],
                                       blank="Choose a table")
    if table is None:
        if request.method == "POST":
            abort(400)
        return render_template("actions/item_new.html", chooser=chooser, form=None,
                               table=None, tables=tables)
    if request.method == "GET":
        return render_template("actions/item_new.html", chooser=chooser, form=_new_form(table),
                               table=table, tables=tables)
    form = _new_form(table, NewActionItemForm())
    if form.validate_on_submit():
        outcome = web.perform(lambda: actions.create_between_meetings(
            viewer, table, title=form.title.data, description=form.description.data,
            owner_id=form.owner_id.data, due_on=form.due_on.data,
            priority=form.priority.data), form)
        if outcome.ok:
            item = outcome.value
            flash(f"Action item “{item.title}” created for {item.owner.name}.", "success")
            return redirect(url_for(".item_detail", item_id=item.id))
    return render_template("actions/item_new.html", chooser=chooser, form=form, table=table,
                           tables=tables), 400


# --- items I assigned -----------------------------------------------------------------------

@bp.get("/actions/assigned")
def my_assigned():
    viewer = web.actor()
    form = MyItemsFilterForm(formdata=request.args)
    valid = form.validate()
    page, redacted = None, set()
    if viewer.person_id is not None:
        page = web.paginate(actions.assigned_by_query(
            viewer.person_id, status=form.status.data if valid else "all"))
        redacted = actions.redacted_ids(viewer, page.items)
    return render_template("actions/my_assigned.html", form=form, page=page, redacted=redacted,
                           **_dates()), (200 if valid else 400)


# --- handing an item over -------------------------------------------------------------------

@bp.post("/actions/<int:item_id>/hand-over")
def item_hand_over(item_id: int):
    item = _item(item_id, act=can_hand_over_action_item)
    form = hand_over_form(item, HandOverForm(prefix="handover"))
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(lambda: actions.hand_over(
            web.actor(), item, owner_id=form.owner_id.data, note=form.note.data,
            version_id=form.version_id.data), form, thing="action item",
            reload=lambda: _item(item_id), saved=_saved)
        if outcome.ok:
            flash(f"The action item was handed over to {item.owner.name}.", "success")
            return redirect(url_for(".item_detail", item_id=item.id))
        if conflict:
            return _render_item(_item(item_id), hand_over=form, conflict=conflict, status=409)
    return _render_item(item, hand_over=form, status=400)
