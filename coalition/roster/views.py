"""Roster screens: organizations and their agreements, people, tables and their seats, coverage.

Who may reach each route is in ``core.permissions.ROUTES``; the views add the object checks
(``can_view_table``, ``can_manage_table``) and the one commit.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from coalition.core import vocab
from coalition.core.errors import ServiceError, apply_to_form
from coalition.core.models import VocabTerm
from coalition.core.permissions import can_manage_table, can_view_table
from coalition.extensions import db
from coalition.roster import services as roster
from coalition.roster.forms import (
    AffiliationForm,
    AgreementForm,
    MembershipForm,
    OrganizationEditForm,
    OrganizationFilterForm,
    OrganizationForm,
    PersonEditForm,
    PersonFilterForm,
    PersonNewForm,
    RoleForm,
    TableEditForm,
    TableForm,
    options,
)
from coalition.roster.models import (
    Affiliation,
    Agreement,
    CoalitionTable,
    Organization,
    Person,
    TableMembership,
)

bp = Blueprint("roster", __name__)

MAX_PAGE = 1_000_000


def _actor():
    return current_user._get_current_object()


def _paginate(stmt):
    page = request.args.get("page", 1, type=int)
    page = min(max(page, 1), MAX_PAGE)  # a huge page number is an empty page, not an error
    return db.paginate(stmt, page=page, per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)


def _agreement_context() -> dict:
    return {"today": date.today(), "warning_days": current_app.config["AGREEMENT_WARNING_DAYS"]}


def _status() -> int:
    """200 for a form shown, 400 for a form sent back with errors."""
    return 400 if request.method == "POST" else 200


def _loaded(obj):
    """Edit forms start from the record on GET only: a POST is judged on what it sent, so a
    missing ``version_id`` counts as a conflict rather than silently matching."""
    return obj if request.method == "GET" else None


def _table_choices(viewer, blank: str):
    return options([(t.id, t.name) for t in roster.visible_tables(viewer)], blank=blank)


def _sector_choices(current_id: int | None = None):
    pairs = [(term.id, term.label) for term in vocab.terms("sector")]
    if current_id is not None and current_id not in {term_id for term_id, _ in pairs}:
        term = db.session.get(VocabTerm, current_id)
        if term is not None:  # a retired sector stays selectable for the organizations using it
            pairs.append((term.id, f"{term.label} (retired)"))
    return options(pairs, blank="Choose a sector")


# --- organizations --------------------------------------------------------------------------

@bp.get("/organizations")
def organization_list():
    viewer = _actor()
    form = OrganizationFilterForm(formdata=request.args)
    form.sector.choices = options([(term.id, term.label)
                                   for term in vocab.terms("sector", active_only=False)],
                                  blank="All sectors")
    form.table.choices = _table_choices(viewer, "Any table")
    valid = form.validate()
    filters = {}
    if valid:
        filters = {"q": form.q.data, "sector_id": form.sector.data,
                   "table_id": form.table.data, "status": form.status.data}
    page = _paginate(roster.organization_query(**filters))
    return render_template("roster/organization_list.html", form=form, page=page,
                           **_agreement_context()), (200 if valid else 400)


@bp.get("/organizations/<int:org_id>")
def organization_detail(org_id: int):
    org = db.get_or_404(Organization, org_id)
    return render_template("roster/organization_detail.html", org=org,
                           affiliations=roster.organization_people(org),
                           seats=roster.organization_seats(_actor(), org),
                           **_agreement_context())


def _organization_values(form) -> dict:
    return {"name": form.name.data, "sector_id": form.sector_id.data,
            "address": form.address.data, "phone": form.phone.data,
            "website": form.website.data, "notes": form.notes.data}


@bp.route("/organizations/new", methods=["GET", "POST"])
def organization_new():
    form = OrganizationForm()
    form.sector_id.choices = _sector_choices()
    if form.validate_on_submit():
        try:
            org = roster.create_organization(_actor(), **_organization_values(form))
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{org.name} was added.", "success")
            return redirect(url_for(".organization_detail", org_id=org.id))
    return render_template("roster/organization_form.html", form=form, org=None), _status()


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
def organization_edit(org_id: int):
    org = db.get_or_404(Organization, org_id)
    form = OrganizationEditForm(obj=_loaded(org))
    form.sector_id.choices = _sector_choices(org.sector_id)
    conflict = False
    if form.validate_on_submit():
        try:
            changed = roster.update_organization(_actor(), org, version_id=form.version_id.data,
                                                 is_active=form.is_active.data,
                                                 **_organization_values(form))
        except ServiceError as error:
            db.session.rollback()
            conflict = isinstance(error, roster.EditConflict)
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{org.name} was saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for(".organization_detail", org_id=org.id))
    if conflict:  # the next save knowingly replaces the version shown
        form.version_id.data = str(org.version_id)
    return render_template("roster/organization_form.html", form=form, org=org,
                           conflict=conflict), _status()


def _org_agreement_or_404(org: Organization, agreement_id: int) -> Agreement:
    agreement = db.get_or_404(Agreement, agreement_id)
    if agreement.organization_id != org.id:
        abort(404)
    return agreement


def _agreement_values(form) -> dict:
    return {"signed_on": form.signed_on.data, "expires_on": form.expires_on.data,
            "reference": form.reference.data, "notes": form.notes.data}


@bp.route("/organizations/<int:org_id>/agreements/new", methods=["GET", "POST"])
def agreement_new(org_id: int):
    org = db.get_or_404(Organization, org_id)
    form = AgreementForm()
    if form.validate_on_submit():
        try:
            roster.add_agreement(_actor(), org, **_agreement_values(form))
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"The agreement of {org.name} was recorded.", "success")
            return redirect(url_for(".organization_detail", org_id=org.id))
    return render_template("roster/agreement_form.html", form=form, org=org,
                           agreement=None), _status()


@bp.route("/organizations/<int:org_id>/agreements/<int:agreement_id>/edit",
          methods=["GET", "POST"])
def agreement_edit(org_id: int, agreement_id: int):
    org = db.get_or_404(Organization, org_id)
    agreement = _org_agreement_or_404(org, agreement_id)
    form = AgreementForm(obj=_loaded(agreement))
    if form.validate_on_submit():
        try:
            roster.update_agreement(_actor(), agreement, **_agreement_values(form))
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"The agreement of {org.name} was saved.", "success")
            return redirect(url_for(".organization_detail", org_id=org.id))
    return render_template("roster/agreement_form.html", form=form, org=org,
                           agreement=agreement), _status()


# --- people ---------------------------------------------------------------------------------

@bp.get("/people")
def person_list():
    viewer = _actor()
    form = PersonFilterForm(formdata=request.args)
    form.organization.choices = options(roster.organization_names(active_only=False),
                                        blank="Any organization")
    form.table.choices = _table_choices(viewer, "Any table")
    valid = form.validate()
    filters = {}
    if valid:
        filters = {"q": form.q.data, "organization_id": form.organization.data,
                   "table_id": form.table.data, "status": form.status.data}
    page = _paginate(roster.person_query(**filters))
    return render_template("roster/person_list.html", form=form, page=page), (
        200 if valid else 400)


def _affiliation_form(form: AffiliationForm | None = None) -> AffiliationForm:
    form = form or AffiliationForm(formdata=None)
    form.organization_id.choices = options(roster.organization_names(),
                                           blank="Choose an organization")
    return form


def _render_person(person: Person, *, affiliation_form=None, error: str | None = None,
                   status: int = 200):
    viewer = _actor()
    if viewer.is_coordinator:
        affiliation_form = _affiliation_form(affiliation_form)
    return render_template("roster/person_detail.html", person=person,
                           affiliations=roster.person_affiliations(person),
                           seats=roster.person_seats(viewer, person),
                           affiliation_form=affiliation_form, error=error), status


@bp.get("/people/<int:person_id>")
def person_detail(person_id: int):
    return _render_person(db.get_or_404(Person, person_id))


def _person_values(form) -> dict:
    return {"name": form.name.data, "email": form.email.data, "phone": form.phone.data,
            "title": form.title.data, "notes": form.notes.data}


@bp.route("/people/new", methods=["GET", "POST"])
def person_new():
    form = PersonNewForm()
    form.organization_id.choices = options(roster.organization_names(),
                                           blank="No organization yet")
    if form.validate_on_submit():
        try:
            person = roster.create_person(_actor(), organization_id=form.organization_id.data,
                                          role_title=form.role_title.data,
                                          **_person_values(form))
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{person.name} was added.", "success")
            return redirect(url_for(".person_detail", person_id=person.id))
    return render_template("roster/person_form.html", form=form, person=None), _status()


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def person_edit(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = PersonEditForm(obj=_loaded(person))
    conflict = False
    if form.validate_on_submit():
        try:
            changed = roster.update_person(_actor(), person, version_id=form.version_id.data,
                                           is_active=form.is_active.data,
                                           **_person_values(form))
        except ServiceError as error:
            db.session.rollback()
            conflict = isinstance(error, roster.EditConflict)
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{person.name} was saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for(".person_detail", person_id=person.id))
    if conflict:
        form.version_id.data = str(person.version_id)
    return render_template("roster/person_form.html", form=form, person=person,
                           conflict=conflict), _status()


@bp.post("/people/<int:person_id>/affiliations")
def affiliation_add(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = _affiliation_form(AffiliationForm())
    if form.validate_on_submit():
        try:
            affiliation = roster.add_affiliation(_actor(), person,
                                                 organization_id=form.organization_id.data,
                                                 role_title=form.role_title.data)
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{person.name} is now affiliated with {affiliation.organization.name}.",
                  "success")
            return redirect(url_for(".person_detail", person_id=person.id))
    return _render_person(person, affiliation_form=form, status=400)


@bp.post("/people/<int:person_id>/affiliations/<int:affiliation_id>/remove")
def affiliation_remove(person_id: int, affiliation_id: int):
    person = db.get_or_404(Person, person_id)
    affiliation = db.get_or_404(Affiliation, affiliation_id)
    if affiliation.person_id != person.id:
        abort(404)
    org_name = affiliation.organization.name
    try:
        roster.remove_affiliation(_actor(), affiliation)
    except ServiceError as error:
        db.session.rollback()
        return _render_person(person, error=error.message, status=400)
    db.session.commit()
    flash(f"{person.name} is no longer affiliated with {org_name}.", "success")
    return redirect(url_for(".person_detail", person_id=person.id))


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
        try:
            table = roster.create_table(_actor(), **_table_values(form))
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{table.name} was created.", "success")
            return redirect(url_for(".table_detail", table_id=table.id))
    return render_template("roster/table_form.html", form=form, table=None), _status()


@bp.route("/tables/<int:table_id>/edit", methods=["GET", "POST"])
def table_edit(table_id: int):
    table = _visible_table_or_404(table_id)
    form = TableEditForm(obj=_loaded(table))
    conflict = False
    if form.validate_on_submit():
        try:
            changed = roster.update_table(_actor(), table, version_id=form.version_id.data,
                                          is_active=form.is_active.data, **_table_values(form))
        except ServiceError as error:
            db.session.rollback()
            conflict = isinstance(error, roster.EditConflict)
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{table.name} was saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for(".table_detail", table_id=table.id))
    if conflict:
        form.version_id.data = str(table.version_id)
    return render_template("roster/table_form.html", form=form, table=table,
                           conflict=conflict), _status()


@bp.post("/tables/<int:table_id>/members")
def membership_add(table_id: int):
    table = _managed_table(table_id)
    form = _membership_form(MembershipForm())
    if form.validate_on_submit():
        try:
            membership = roster.seat_person(_actor(), table, person_id=form.person_id.data,
                                            organization_id=form.organization_id.data,
                                            role=form.role.data)
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{membership.person.name} now sits at {table.name}.", "success")
            return redirect(url_for(".table_detail", table_id=table.id))
    return _render_table(table, membership_form=form, status=400)


@bp.post("/tables/<int:table_id>/members/<int:membership_id>/role")
def membership_edit(table_id: int, membership_id: int):
    table = _managed_table(table_id)
    membership = _table_membership_or_404(table, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            changed = roster.change_seat_role(_actor(), membership, form.role.data)
        except ServiceError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
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
