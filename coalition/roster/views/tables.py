"""Table screens: list, detail, create and edit, the seats at a table, and sector coverage."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from coalition.core.errors import ServiceError, save_or_show
from coalition.core.permissions import can_manage_table, can_view_case_data, can_view_table
from coalition.extensions import db
from coalition.roster import services as roster
from coalition.roster.forms import MembershipForm, RoleForm, TableEditForm, TableForm, options
from coalition.roster.models import CoalitionTable, TableMembership
from coalition.roster.views.blueprint import _actor, _loaded, _paginate, _status, bp

# --- tables ---------------------------------------------------------------------------------

@bp.get("/tables")
def table_list():
    viewer = _actor()
    page = _paginate(roster.table_query(viewer))
    return render_template("roster/table_list.html", page=page,
                           summaries=roster.table_summaries(page.items))


def _visible_table_or_404(table_id: int) -> CoalitionTable:
    table = db.get_or_404(CoalitionTable, table_id)
    if not can_view_table(_actor(), table):
        abort(404)  # case-reviewing tables are not even acknowledged to outsiders
    return table


def _managed_table(table_id: int) -> CoalitionTable:
    table = _visible_table_or_404(table_id)
    if not can_manage_table(_actor(), table):
        abort(403)
    return table


def _table_membership_or_404(table: CoalitionTable, membership_id: int) -> TableMembership:
    membership = db.get_or_404(TableMembership, membership_id)
    if membership.table_id != table.id:
        abort(404)
    return membership


def _membership_form(form: MembershipForm | None = None) -> MembershipForm:
    form = form or MembershipForm(formdata=None)
    form.person_id.choices = options(roster.person_names(), blank="Choose a person")
    form.organization_id.choices = options(roster.organization_names(),
                                           blank="Choose an organization")
    return form


def _role_form(membership: TableMembership) -> RoleForm:
    return RoleForm(formdata=None, data={"role": membership.role})


def _render_table(table: CoalitionTable, *, membership_form=None, role_forms=None,
                  error: str | None = None, status: int = 200):
    viewer = _actor()
    members = roster.table_members(table)
    manage = can_manage_table(viewer, table)
    forms = {}
    if manage:
        membership_form = _membership_form(membership_form)
        forms = {m.id: _role_form(m) for m in members}
        forms.update(role_forms or {})
    return render_template("roster/table_detail.html", table=table, members=members,
                           coverage=roster.table_coverage(members), manage=manage,
                           case_access=can_view_case_data(viewer, table),
                           membership_form=membership_form, role_forms=forms,
                           error=error), status


@bp.get("/tables/<int:table_id>")
def table_detail(table_id: int):
    return _render_table(_visible_table_or_404(table_id))


def _table_values(form) -> dict:
    return {"name": form.name.data, "kind": form.kind.data,
            "description": form.description.data, "cadence_days": form.cadence_days.data}


@bp.route("/tables/new", methods=["GET", "POST"])
def table_new():
    form = TableForm()
    if form.validate_on_submit():
        saved, table = save_or_show(
            form, lambda: roster.create_table(_actor(), **_table_values(form)))
        if saved:
            flash(f"{table.name} was created.", "success")
            return redirect(url_for(".table_detail", table_id=table.id))
    return render_template("roster/table_form.html", form=form, table=None), _status()


@bp.route("/tables/<int:table_id>/edit", methods=["GET", "POST"])
def table_edit(table_id: int):
    table = _visible_table_or_404(table_id)
    form = TableEditForm(obj=_loaded(table))
    conflict = False
    if form.validate_on_submit():
        saved, outcome = save_or_show(form, lambda: roster.update_table(
            _actor(), table, version_id=form.version_id.data, is_active=form.is_active.data,
            **_table_values(form)))
        if saved:
            flash(f"{table.name} was saved." if outcome else "Nothing was changed.", "success")
            return redirect(url_for(".table_detail", table_id=table.id))
        conflict = isinstance(outcome, roster.EditConflict)
    if conflict:
        form.version_id.data = str(table.version_id)
    return render_template("roster/table_form.html", form=form, table=table,
                           conflict=conflict), _status()


@bp.post("/tables/<int:table_id>/members")
def membership_add(table_id: int):
    table = _managed_table(table_id)
    form = _membership_form(MembershipForm())
    if form.validate_on_submit():
        saved, membership = save_or_show(form, lambda: roster.seat_person(
            _actor(), table, person_id=form.person_id.data,
            organization_id=form.organization_id.data, role=form.role.data))
        if saved:
            flash(f"{membership.person.name} now sits at {table.name}.", "success")
            return redirect(url_for(".table_detail", table_id=table.id))
    return _render_table(table, membership_form=form, status=400)


@bp.post("/tables/<int:table_id>/members/<int:membership_id>/role")
def membership_edit(table_id: int, membership_id: int):
    table = _managed_table(table_id)
    membership = _table_membership_or_404(table, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        saved, changed = save_or_show(
            form, lambda: roster.change_seat_role(_actor(), membership, form.role.data))
        if saved:
            name = membership.person.name
            flash(f"{name} is now a {membership.role} of {table.name}." if changed
                  else "Nothing was changed.", "success")
            return redirect(url_for(".table_detail", table_id=table.id))
    return _render_table(table, role_forms={membership.id: form},
                         error="The role was not changed: choose member or manager.", status=400)


@bp.post("/tables/<int:table_id>/members/<int:membership_id>/remove")
def membership_remove(table_id: int, membership_id: int):
    table = _managed_table(table_id)
    membership = _table_membership_or_404(table, membership_id)
    name = membership.person.name
    try:
        roster.unseat(_actor(), membership)
    except ServiceError as error:
        db.session.rollback()
        return _render_table(table, error=error.message, status=400)
    db.session.commit()
    flash(f"{name} no longer sits at {table.name}.", "success")
    return redirect(url_for(".table_detail", table_id=table.id))


# --- coverage -------------------------------------------------------------------------------

@bp.get("/coverage")
def coverage():
    return render_template("roster/coverage.html", **roster.coverage_matrix(_actor()))
