"""Table screens: list, detail, create and edit, the seats at a table, and sector coverage."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from coalition.core import web
from coalition.core.fields import options
from coalition.roster import seats
from coalition.roster import services as roster
from coalition.roster.forms import MembershipForm, RoleForm, TableEditForm, TableForm
from coalition.roster.models import CoalitionTable, TableMembership
from coalition.roster.permissions import can_manage_table, can_view_case_data, can_view_table
from coalition.roster.views.blueprint import bp, loaded

# --- tables ---------------------------------------------------------------------------------


@bp.get("/tables")
def table_list():
    page = web.paginate(roster.table_query(web.actor()), count_with_rows=True)
    return render_template("roster/table_list.html", page=page,
                           summaries=roster.table_summaries(page.items))


def _visible_table(table_id: int) -> CoalitionTable:
    """Case-reviewing tables are not even acknowledged to outsiders (404)."""
    return web.load(CoalitionTable, table_id, view=can_view_table)


def _managed_table(table_id: int) -> CoalitionTable:
    return web.load(CoalitionTable, table_id, view=can_view_table, act=can_manage_table)


def _membership_form(form: MembershipForm | None = None) -> MembershipForm:
    form = form or MembershipForm(formdata=None)
    form.person_id.choices = options(roster.person_names(), blank="Choose a person")
    form.organization_id.choices = options(roster.organization_names(),
                                           blank="Choose an organization")
    return form


def _render_table(table: CoalitionTable, *, membership_form=None, role_forms=None,
                  error: str | None = None, status: int = 200):
    viewer = web.actor()
    members = seats.seats_at(table)
    manage = can_manage_table(viewer, table)
    forms = {}
    if manage:
        membership_form = _membership_form(membership_form)
        forms = {m.id: RoleForm(formdata=None, data={"role": m.role}) for m in members}
        forms.update(role_forms or {})
    return render_template("roster/table_detail.html", table=table, members=members,
                           coverage=roster.table_coverage(members), manage=manage,
                           case_access=can_view_case_data(viewer, table),
                           membership_form=membership_form, role_forms=forms,
                           error=error), status


@bp.get("/tables/<int:table_id>")
def table_detail(table_id: int):
    return _render_table(_visible_table(table_id))


def _table_values(form) -> dict:
    return {"name": form.name.data, "kind": form.kind.data,
            "description": form.description.data, "cadence_days": form.cadence_days.data}


@bp.route("/tables/new", methods=["GET", "POST"])
def table_new():
    form = TableForm()
    if form.validate_on_submit():
        outcome = web.perform(
            lambda: roster.create_table(web.actor(), **_table_values(form)), form)
        if outcome.ok:
            flash(f"{outcome.value.name} was created.", "success")
            return redirect(url_for(".table_detail", table_id=outcome.value.id))
    return render_template("roster/table_form.html", form=form, table=None), web.form_status()


@bp.route("/tables/<int:table_id>/edit", methods=["GET", "POST"])
def table_edit(table_id: int):
    table = _visible_table(table_id)
    form = TableEditForm(obj=loaded(table))
    conflict = None
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(lambda: roster.update_table(
            web.actor(), table, version_id=form.version_id.data, is_active=form.is_active.data,
            **_table_values(form)), form, thing="table", reload=lambda: _visible_table(table_id))
        if outcome.ok:
            flash(f"{table.name} was saved." if outcome.value else "Nothing was changed.",
                  "success")
            return redirect(url_for(".table_detail", table_id=table.id))
    return render_template("roster/table_form.html", form=form, table=table,
                           conflict=conflict, kind_lock=roster.kind_lock(table)), \
        web.edit_status(conflict)


@bp.post("/tables/<int:table_id>/members")
def membership_add(table_id: int):
    table = _managed_table(table_id)
    form = _membership_form(MembershipForm())
    if form.validate_on_submit():
        outcome = web.perform(lambda: roster.seat_person(
            web.actor(), table, person_id=form.person_id.data,
            organization_id=form.organization_id.data, role=form.role.data), form)
        if outcome.ok:
            flash(f"{outcome.value.person.name} now sits at {table.name}.", "success")
            return redirect(url_for(".table_detail", table_id=table.id))
    return _render_table(table, membership_form=form, status=400)


@bp.post("/tables/<int:table_id>/members/<int:membership_id>/role")
def membership_edit(table_id: int, membership_id: int):
    table = _managed_table(table_id)
    membership = web.child_of(TableMembership, membership_id, "table_id", table.id)
    form = RoleForm()
    if form.validate_on_submit():
        outcome = web.perform(
            lambda: roster.change_seat_role(web.actor(), membership, form.role.data), form)
        if outcome.ok:
            name = membership.person.name
            flash(f"{name} is now a {membership.role} of {table.name}." if outcome.value
                  else "Nothing was changed.", "success")
            return redirect(url_for(".table_detail", table_id=table.id))
    return _render_table(table, role_forms={membership.id: form},
                         error="The role was not changed: choose member or manager.", status=400)


@bp.post("/tables/<int:table_id>/members/<int:membership_id>/remove")
def membership_remove(table_id: int, membership_id: int):
    table = _managed_table(table_id)
    membership = web.child_of(TableMembership, membership_id, "table_id", table.id)
    name = membership.person.name
    outcome = web.perform(lambda: roster.unseat(web.actor(), membership))
    if not outcome.ok:
        return _render_table(table, error=outcome.error.message, status=400)
    flash(f"{name} no longer sits at {table.name}.", "success")
    return redirect(url_for(".table_detail", table_id=table.id))


# --- coverage -------------------------------------------------------------------------------

@bp.get("/coverage")
def coverage():
    return render_template("roster/coverage.html", **roster.coverage_matrix(web.actor()))
