"""Action item routes: my action items, the coalition list and CSV export, one item's page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from coalition.actions import rows
from coalition.actions import services as actions
from coalition.actions.forms import (
    ActionEditForm,
    ActionFilterForm,
    ActionUpdateForm,
    ExportForm,
    HandOverForm,
    MyItemsFilterForm,
)
from coalition.actions.models import ACTION_STATUS_LABELS, ActionItem
from coalition.actions.permissions import (
    can_hand_over_action_item,
    can_manage_action_item,
    can_update_action_item,
    can_view_action_item,
)
from coalition.actions.sources import source_of
from coalition.core import web
from coalition.core.db import db, read_rows
from coalition.core.fields import options, record_id
from coalition.core.localtime import local_today

bp = Blueprint("actions", __name__)
rows.register(bp)

# The coalition list counts its rows only this far ("More than 1,000 in all"): counting every
# open item of a large coalition cost more than reading the page.
LIST_COUNT_UP_TO = 1000


def _dates() -> dict:
    return {"today": local_today(), "soon_days": current_app.config["ACTION_DUE_SOON_DAYS"]}


# --- lists ----------------------------------------------------------------------------------

class _MyItemsPage(web.CountedWithRowsPagination):
    """A page of "My action items" as ``web.paginate(..., count_with_rows=...)`` makes it, read
    with the kept statement of :func:`actions.my_items_page_statement`."""

    def _query_items(self) -> list:
        args = self._query_args
        rows = read_rows(actions.my_items_page_statement(
            args["person_id"], status=args["status"], per_page=self.per_page,
            offset=self._query_offset)).all()
        if rows:
            self._counted = rows[0][-1]
        return [actions.ListedItem.from_row(row) for row in rows]


def _my_items_page(person_id: int, status: str) -> _MyItemsPage:
    """The page asked for (the last one for a page past the end, as ``web.paginate`` does)."""
    size = current_app.config["PAGE_SIZE"]

    def page_at(number: int) -> _MyItemsPage:
        return _MyItemsPage(select=actions.my_items_query(person_id, status=status),
                            session=db.session, page=number, per_page=size,
                            max_per_page=size, error_out=False, make=None,
                            person_id=person_id, status=status)

    number = web.page_number()
    page = page_at(number)
    if number > 1 and not page.items and page.pages:
        page = page_at(page.pages)
    return page


@bp.get("/actions/mine")
def my_items():
    viewer = web.actor()
    form = MyItemsFilterForm(formdata=request.args)
    valid = form.validate()
    page = None
    if viewer.person_id is not None:
        page = _my_items_page(viewer.person_id, form.status.data if valid else "all")
    return render_template("actions/my_items.html", form=form, page=page, redacted=set(),
                           **_dates()), (200 if valid else 400)


def _chosen(raw, names) -> list[tuple[int, str]]:
    """The one owner or organization a link names by id, as a choice (none if it names none)."""
    try:
        ident = record_id(raw)
    except ValueError:
        return []
    return names(ident) if ident is not None else []


def _filter_form(viewer, formdata) -> tuple[ActionFilterForm, dict | None]:
    """The list filters, and the service arguments (None if invalid)."""
    form = ActionFilterForm(formdata=formdata)
    form.table.choices = options(actions.table_choices(viewer), blank="Any table")
    form.owner.choices = options(_chosen(formdata.get("owner"), actions.person_named),
                                 blank="Anyone")
    form.organization.choices = options(
        _chosen(formdata.get("organization"), actions.organization_named),
        blank="Any organization")
    if not form.validate():
        return form, None
    return form, {"table_id": form.table.data, "organization_id": form.organization.data,
                  "owner_id": form.owner.data, "owner_name": form.owner_name.data,
                  "organization_name": form.organization_name.data,
                  "status": form.status.data, "overdue_only": form.overdue.data}


@bp.get("/actions")
def item_list():
    viewer = web.actor()
    form, filters = _filter_form(viewer, request.args)
    today = local_today()
    page = actions.item_list_page(viewer, today=today, page=web.page_number(),
                                  per_page=current_app.config["PAGE_SIZE"],
                                  count_up_to=LIST_COUNT_UP_TO, **(filters or {}))
    return render_template("actions/item_list.html", form=form, page=page,
                           redacted=actions.redacted_ids(viewer, page.items),
                           export_form=ExportForm(formdata=None), **_dates()), (
        200 if filters is not None else 400)


@bp.post("/actions/export.csv")
def item_export():
    """The filtered list as CSV: a POST from the list page (the export is audited)."""
    viewer = web.actor()
    if not ExportForm().validate_on_submit():
        abort(400)
    _, filters = _filter_form(viewer, request.form)
    if filters is None:
        abort(400)
    dates = _dates()
    items = list(db.session.scalars(actions.export_query(viewer, today=dates["today"],
                                                         **filters)))
    body = actions.export_csv(viewer, items, **dates)
    web.perform(lambda: actions.log_export(viewer, len(items), filters))
    return web.download(body, f"action-items-{dates['today'].isoformat()}.csv", "text/csv")


# --- one item -------------------------------------------------------------------------------

def _item(item_id: int, act=None) -> ActionItem:
    """The item, or 404 for anyone who may not read it (items of hidden tables, and case items
    outside their need-to-know, are not acknowledged); 403 if they may read it but not ``act``.
    """
    item, viewer = actions.item_with_log(item_id), web.actor()
    if item is None or not can_view_action_item(viewer, item):
        abort(404)
    if act is not None and not act(viewer, item):
        abort(403)
    return item


def _update_form(item: ActionItem, form: ActionUpdateForm | None = None) -> ActionUpdateForm:
    if form is None:
        form = ActionUpdateForm(formdata=None, data={"status": item.status,
                                                     "version_id": str(item.version_id)})
    return form


def _edit_form(item: ActionItem, form: ActionEditForm | None = None) -> ActionEditForm:
    if form is None:
        form = ActionEditForm(formdata=None, obj=item)
        form.version_id.data = str(item.version_id)
    people, organizations = actions.seated_choices(item.table_id)
    if item.owner_id not in {person_id for person_id, _ in people}:
        people.append((item.owner_id, f"{item.owner.name} (no longer seated)"))
    form.owner_id.choices = options(people, blank="Choose the owner")
    # the organizations seated at the table (and the item's own, should it no longer be)
    if item.organization_id is not None and item.organization_id not in {
            org_id for org_id, _ in organizations}:
        organizations.append((item.organization_id, item.organization.name))
    form.organization_id.choices = options(organizations,
                                           blank="The owner's organization at the table")
    return form


def hand_over_form(item: ActionItem, form: HandOverForm | None = None) -> HandOverForm:
    """The hand-over form of the item's page (its fields prefixed: the page has other forms);
    the new owner is anyone else seated at the item's table."""
    if form is None:
        form = HandOverForm(formdata=None, prefix="handover",
                            data={"version_id": str(item.version_id)})
    form.owner_id.choices = options([(person_id, name) for person_id, name
                                     in actions.hand_over_choices(item.table_id)
                                     if person_id != item.owner_id], blank="Choose the new owner")
    return form


def _render_item(item: ActionItem, *, update_form=None, edit_form=None, hand_over=None,
                 conflict=None, status: int = 200):
    viewer = web.actor()
    source = source_of(item)
    return web.no_store(make_response(render_template(
        "actions/item_detail.html", item=item,
        source=source.describe(viewer, item) if source is not None else None,
        update_form=_update_form(item, update_form) if can_update_action_item(viewer, item)
        else None,
        edit_form=_edit_form(item, edit_form) if can_manage_action_item(viewer, item) else None,
        hand_over_form=hand_over_form(item, hand_over)
        if can_hand_over_action_item(viewer, item) else None,
        conflict=conflict, labels=ACTION_STATUS_LABELS, **_dates()), status))


@bp.get("/actions/<int:item_id>")
def item_detail(item_id: int):
    return _render_item(_item(item_id))


def _saved(item: ActionItem) -> dict:
    return {"status": item.status, "title": item.title, "description": item.description,
            "owner_id": item.owner_id, "organization_id": item.organization_id,
            "due_on": item.due_on, "priority": item.priority}


def _update_saved(item: ActionItem) -> Markup | str:
    """The confirmation of an update; an item that is now done or cancelled has left the lists'
    default "Open" view, so the message links to where it is listed now."""
    if item.is_open:
        return "Your update was saved."
    return Markup('Your update was saved: the item is now {status} and no longer in the open '
                  'lists. <a href="{url}">See the {label} action items</a>.').format(
        status=item.status_label.lower(), label=item.status_label.lower(),
        url=url_for(".item_list", status=item.status))


@bp.post("/actions/<int:item_id>/update")
def item_update(item_id: int):
    item = _item(item_id, act=can_update_action_item)
    form = ActionUpdateForm()
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(lambda: actions.update_action_item(
            web.actor(), item, status=form.status.data, note=form.note.data,
            version_id=form.version_id.data), form, thing="action item",
            reload=lambda: _item(item_id), saved=_saved)
        if outcome.ok:
            flash(_update_saved(item), "success")
            return redirect(url_for(".item_detail", item_id=item.id))
        if conflict:  # the form now answers the version shown; what was typed is kept
            return _render_item(_item(item_id), update_form=form, conflict=conflict, status=409)
    return _render_item(item, update_form=form, status=400)


@bp.post("/actions/<int:item_id>/edit")
def item_edit(item_id: int):
    item = _item(item_id, act=can_manage_action_item)
    form = _edit_form(item, ActionEditForm())
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(lambda: actions.edit_action_item(
            web.actor(), item, version_id=form.version_id.data, title=form.title.data,
            description=form.description.data, owner_id=form.owner_id.data,
            organization_id=form.organization_id.data, due_on=form.due_on.data,
            priority=form.priority.data), form, thing="action item",
            reload=lambda: _item(item_id), saved=_saved)
        if outcome.ok:
            flash("The action item was saved." if outcome.value else "Nothing was changed.",
                  "success")
            return redirect(url_for(".item_detail", item_id=item.id))
        if conflict:
            return _render_item(_item(item_id), edit_form=form, conflict=conflict, status=409)
    return _render_item(item, edit_form=form, status=400)
