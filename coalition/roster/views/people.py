"""People screens: list, detail, add and edit, and their affiliations with organizations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from coalition.core import web
from coalition.core.fields import options
from coalition.roster import services as roster
from coalition.roster.forms import (
    AffiliationForm,
    PersonEditForm,
    PersonFilterForm,
    PersonNewForm,
)
from coalition.roster.models import Affiliation, Person
from coalition.roster.views.blueprint import bp, kept_choices, loaded, table_choices


@bp.get("/people")
def person_list():
    viewer = web.actor()
    form = PersonFilterForm(formdata=request.args)
    form.organization.choices = kept_choices(
        "roster.all_organization_names", lambda: roster.organization_names(active_only=False),
        blank="Any organization")
    form.table.choices = table_choices(viewer, "Any table")
    valid = form.validate()
    filters = {}
    if valid:
        filters = {"q": form.q.data, "organization_id": form.organization.data,
                   "table_id": form.table.data, "status": form.status.data}
    page = web.paginate(roster.person_query(**filters), count_with_rows=True)
    organizations = roster.organization_names_of(person.id for person in page.items)
    return render_template("roster/person_list.html", form=form, page=page,
                           organizations=organizations), (200 if valid else 400)


def _affiliation_form(form: AffiliationForm | None = None) -> AffiliationForm:
    form = form or AffiliationForm(formdata=None)
    form.organization_id.choices = options(roster.organization_names(),
                                           blank="Choose an organization")
    return form


def _render_person(person: Person, *, affiliation_form=None, error: str | None = None,
                   status: int = 200):
    viewer = web.actor()
    if viewer.is_coordinator:
        affiliation_form = _affiliation_form(affiliation_form)
    return render_template("roster/person_detail.html", person=person,
                           affiliations=roster.person_affiliations(person),
                           seats=roster.person_seats(viewer, person),
                           affiliation_form=affiliation_form, error=error), status


@bp.get("/people/<int:person_id>")
def person_detail(person_id: int):
    return _render_person(web.load(Person, person_id))


def _person_values(form) -> dict:
    return {"name": form.name.data, "email": form.email.data, "phone": form.phone.data,
            "title": form.title.data, "notes": form.notes.data}


@bp.route("/people/new", methods=["GET", "POST"])
def person_new():
    form = PersonNewForm()
    form.organization_id.choices = options(roster.organization_names(),
                                           blank="No organization yet")
    if form.validate_on_submit():
        outcome = web.perform(lambda: roster.create_person(
            web.actor(), organization_id=form.organization_id.data,
            role_title=form.role_title.data, **_person_values(form)), form)
        if outcome.ok:
            flash(f"{outcome.value.name} was added.", "success")
            return redirect(url_for(".person_detail", person_id=outcome.value.id))
    return render_template("roster/person_form.html", form=form, person=None), \
        web.form_status()


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def person_edit(person_id: int):
    person = web.load(Person, person_id)
    form = PersonEditForm(obj=loaded(person))
    conflict = None
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(lambda: roster.update_person(
            web.actor(), person, version_id=form.version_id.data, is_active=form.is_active.data,
            **_person_values(form)), form, thing="person",
            reload=lambda: web.load(Person, person_id))
        if outcome.ok:
            flash(f"{person.name} was saved." if outcome.value else "Nothing was changed.",
                  "success")
            return redirect(url_for(".person_detail", person_id=person.id))
    return render_template("roster/person_form.html", form=form, person=person,
                           conflict=conflict), web.edit_status(conflict)


@bp.post("/people/<int:person_id>/affiliations")
def affiliation_add(person_id: int):
    person = web.load(Person, person_id)
    form = _affiliation_form(AffiliationForm())
    if form.validate_on_submit():
        outcome = web.perform(lambda: roster.add_affiliation(
            web.actor(), person, organization_id=form.organization_id.data,
            role_title=form.role_title.data), form)
        if outcome.ok:
            flash(f"{person.name} is now affiliated with {outcome.value.organization.name}.",
                  "success")
            return redirect(url_for(".person_detail", person_id=person.id))
    return _render_person(person, affiliation_form=form, status=400)


@bp.post("/people/<int:person_id>/affiliations/<int:affiliation_id>/remove")
def affiliation_remove(person_id: int, affiliation_id: int):
    person = web.load(Person, person_id)
    affiliation = web.child_of(Affiliation, affiliation_id, "person_id", person.id)
    org_name = affiliation.organization.name
    outcome = web.perform(lambda: roster.remove_affiliation(web.actor(), affiliation))
    if not outcome.ok:
        return _render_person(person, error=outcome.error.message, status=400)
    flash(f"{person.name} is no longer affiliated with {org_name}.", "success")
    return redirect(url_for(".person_detail", person_id=person.id))
