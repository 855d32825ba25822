"""Action item routes: my action items, the coalition list and CSV export, one item's page."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload

from coalition.actions import services as actions
from coalition.actions.forms import (
    ActionEditForm,
    ActionFilterForm,
    ActionUpdateForm,
    MyItemsFilterForm,
)
from coalition.actions.models import ACTION_STATUS_LABELS, ActionItem, ActionUpdate
from coalition.core import audit
from coalition.core.errors import ServiceError, apply_to_form
from coalition.core.localtime import local_today
from coalition.core.permissions import (
    can_manage_table,
    can_see_case_items,
    can_update_action_item,
    can_view_action_item,
)
from coalition.extensions import db
from coalition.roster import services as roster
from coalition.roster.forms import options

bp = Blueprint("actions", __name__)

MAX_PAGE = 1_000_000


def _actor():
    return current_user._get_current_object()


def _paginate(stmt):
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    return db.paginate(stmt, page=page, per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)


def _dates() -> dict:
    return {"today": local_today(), "soon_days": current_app.config["ACTION_DUE_SOON_DAYS"]}


# --- lists ----------------------------------------------------------------------------------

@bp.get("/actions/mine")
def my_items():
    viewer = _actor()
    form = MyItemsFilterForm(formdata=request.args)
    valid = form.validate()
    page = None
    if viewer.person_id is not None:
        status = form.status.data if valid else "all"
        page = _paginate(actions.my_items_query(viewer.person_id, status=status))
    return render_template("actions/my_items.html", form=form, page=page,
                           **_dates()), (200 if valid else 400)


def _filter_form(viewer) -> tuple[ActionFilterForm, dict | None]:
    """The list filters from the query string, and the service arguments (None if invalid)."""
    form = ActionFilterForm(formdata=request.args)
    form.table.choices = options([(t.id, t.name) for t in roster.visible_tables(viewer)],
                                 blank="Any table")
    form.organization.choices = options(roster.organization_names(active_only=False),
                                        blank="Any organization")
    form.owner.choices = options(roster.person_names(), blank="Anyone")
    if not form.validate():
        return form, None
    return form, {"table_id": form.table.data, "organization_id": form.organization.data,
                  "owner_id": form.owner.data, "status": form.status.data,
                  "overdue_only": form.overdue.data}


@bp.get("/actions")
def item_list():
    viewer = _actor()
    form, filters = _filter_form(viewer)
    page = _paginate(actions.item_list_query(viewer, today=local_today(), **(filters or {})))
    return render_template("actions/item_list.html", form=form, page=page,
                           **_dates()), (200 if filters is not None else 400)


@bp.get("/actions/export.csv")
def item_export():
    viewer = _actor()
    form, filters = _filter_form(viewer)
    if filters is None:
        abort(400)
    dates = _dates()
    items = list(db.session.scalars(actions.item_list_query(viewer, today=dates["today"],
                                                            **filters)))
    body = actions.export_csv(items, **dates)
    described = ", ".join(f"{name}={value}" for name, value in filters.items()
                          if value not in (None, False, ""))
    audit.log(viewer, "export", object_type="action_items",
              summary=f"CSV of {len(items)} action item(s); filters: {described or 'none'}")
    db.session.commit()
    filename = f"action-items-{dates['today'].isoformat()}.csv"
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


# --- one item -------------------------------------------------------------------------------

def _visible_item_or_404(item_id: int) -> ActionItem:
    item = db.get_or_404(ActionItem, item_id, options=[
        selectinload(ActionItem.updates).selectinload(ActionUpdate.user),
        selectinload(ActionItem.updates).selectinload(ActionUpdate.old_owner),
        selectinload(ActionItem.updates).selectinload(ActionUpdate.new_owner)])
    if not can_view_action_item(_actor(), item):
        abort(404)  # items of hidden tables are not acknowledged to outsiders
    return item


def _meeting_url(item: ActionItem) -> str | None:
    """The source meeting's page (None for items born elsewhere)."""
    if item.source_meeting_id is None:
        return None
    return url_for("meetings.meeting_detail", meeting_id=item.source_meeting_id)


def _update_form(item: ActionItem, form: ActionUpdateForm | None = None) -> ActionUpdateForm:
    if form is None:
        form = ActionUpdateForm(formdata=None, data={"status": item.status,
                                                     "version_id": str(item.version_id)})
    return form


def _edit_form(item: ActionItem, form: ActionEditForm | None = None) -> ActionEditForm:
    if form is None:
        form = ActionEditForm(formdata=None, obj=item)
        form.version_id.data = str(item.version_id)
    people = actions.seated_people(item.table_id)
    if item.owner_id not in {person_id for person_id, _ in people}:
        people.append((item.owner_id, f"{item.owner.name} (no longer seated)"))
    form.owner_id.choices = options(people, blank="Choose the owner")
    form.organization_id.choices = options(roster.organization_names(active_only=False),
                                           blank="The owner's organization at the table")
    return form


def _render_item(item: ActionItem, *, update_form=None, edit_form=None, conflict=False,
                 status: int = 200):
    viewer = _actor()
    may_update = can_update_action_item(viewer, item)
    may_edit = can_manage_table(viewer, item.table)
    source = item.source_agenda_item
    # A case item's title is case material: named only to those who may see the meeting's cases.
    source_title = None
    if source is not None and (source.item_type != "case"
                               or can_see_case_items(viewer, item.source_meeting)):
        source_title = source.title
    return render_template(
        "actions/item_detail.html", item=item, meeting_url=_meeting_url(item),
        source_title=source_title,
        update_form=_update_form(item, update_form) if may_update else None,
        edit_form=_edit_form(item, edit_form) if may_edit else None,
        conflict=conflict, labels=ACTION_STATUS_LABELS, **_dates()), status


@bp.get("/actions/<int:item_id>")
def item_detail(item_id: int):
    return _render_item(_visible_item_or_404(item_id))


@bp.post("/actions/<int:item_id>/update")
def item_update(item_id: int):
    item = _visible_item_or_404(item_id)
    if not can_update_action_item(_actor(), item):
        abort(403)
    form = ActionUpdateForm()
    if form.validate_on_submit():
        try:
            actions.update_action_item(_actor(), item, status=form.status.data,
                                       note=form.note.data, version_id=form.version_id.data)
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
            conflict = isinstance(error, actions.EditConflict)
            if conflict:  # the form now answers the version shown; what was typed is kept
                form.version_id.data = str(item.version_id)
            return _render_item(item, update_form=form, conflict=conflict, status=400)
        db.session.commit()
        flash("Your update was saved.", "success")
        return redirect(url_for(".item_detail", item_id=item.id))
    return _render_item(item, update_form=form, status=400)


@bp.post("/actions/<int:item_id>/edit")
def item_edit(item_id: int):
    item = _visible_item_or_404(item_id)
    if not can_manage_table(_actor(), item.table):
        abort(403)
    form = _edit_form(item, ActionEditForm())
    if form.validate_on_submit():
        try:
            changed = actions.edit_action_item(
                _actor(), item, version_id=form.version_id.data, title=form.title.data,
                description=form.description.data, owner_id=form.owner_id.data,
                organization_id=form.organization_id.data, due_on=form.due_on.data,
                priority=form.priority.data)
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
            conflict = isinstance(error, actions.EditConflict)
            if conflict:
                form.version_id.data = str(item.version_id)
            return _render_item(item, edit_form=form, conflict=conflict, status=400)
        db.session.commit()
        flash("The action item was saved." if changed else "Nothing was changed.", "success")
        return redirect(url_for(".item_detail", item_id=item.id))
    return _render_item(item, edit_form=form, status=400)
