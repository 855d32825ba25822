"""People screens: list, detail, add and edit, and their affiliations with organizations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from coalition.core.errors import ServiceError, save_or_show
from coalition.extensions import db
from coalition.roster import services as roster
from coalition.roster.forms import (
    AffiliationForm,
    PersonEditForm,
    PersonFilterForm,
    PersonNewForm,
    options,
)
from coalition.roster.models import Affiliation, Person
from coalition.roster.views.blueprint import (
    _actor,
    _loaded,
    _paginate,
    _status,
    _table_choices,
    bp,
)


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
        saved, person = save_or_show(form, lambda: roster.create_person(
            _actor(), organization_id=form.organization_id.data,
            role_title=form.role_title.data, **_person_values(form)))
        if saved:
            flash(f"{person.name} was added.", "success")
            return redirect(url_for(".person_detail", person_id=person.id))
    return render_template("roster/person_form.html", form=form, person=None), _status()


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def person_edit(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = PersonEditForm(obj=_loaded(person))
    conflict = False
    if form.validate_on_submit():
        saved, outcome = save_or_show(form, lambda: roster.update_person(
            _actor(), person, version_id=form.version_id.data, is_active=form.is_active.data,
            **_person_values(form)))
        if saved:
            flash(f"{person.name} was saved." if outcome else "Nothing was changed.", "success")
            return redirect(url_for(".person_detail", person_id=person.id))
        conflict = isinstance(outcome, roster.EditConflict)
    if conflict:
        form.version_id.data = str(person.version_id)
    return render_template("roster/person_form.html", form=form, person=person,
                           conflict=conflict), _status()


@bp.post("/people/<int:person_id>/affiliations")
def affiliation_add(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = _affiliation_form(AffiliationForm())
    if form.validate_on_submit():
        saved, affiliation = save_or_show(form, lambda: roster.add_affiliation(
            _actor(), person, organization_id=form.organization_id.data,
            role_title=form.role_title.data))
        if saved:
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
