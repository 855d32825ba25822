"""Organization screens: list, detail, add and edit, and their data-sharing agreements."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from coalition.core import vocab, web
from coalition.core.fields import options
from coalition.core.localtime import local_today
from coalition.core.models import VocabTerm
from coalition.extensions import db
from coalition.roster import services as roster
from coalition.roster.forms import (
    AgreementForm,
    OrganizationEditForm,
    OrganizationFilterForm,
    OrganizationForm,
)
from coalition.roster.models import Agreement, Organization
from coalition.roster.views.blueprint import bp, kept_choices, loaded, table_choices


def _agreement_context() -> dict:
    return {"today": local_today(),
            "warning_days": current_app.config["AGREEMENT_WARNING_DAYS"]}


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
    viewer = web.actor()
    form = OrganizationFilterForm(formdata=request.args)
    form.sector.choices = kept_choices(
        "roster.all_sectors", lambda: [(term.id, term.label)
                                       for term in vocab.terms("sector", active_only=False)],
        blank="All sectors")
    form.table.choices = table_choices(viewer, "Any table")
    valid = form.validate()
    filters = {}
    if valid:
        filters = {"q": form.q.data, "sector_id": form.sector.data,
                   "table_id": form.table.data, "status": form.status.data}
        if form.agreement.data == "renew":
            filters["renew_by"] = local_today() + timedelta(
                days=current_app.config["AGREEMENT_WARNING_DAYS"])
    expiries = []

    def listed(row):  # the organization, its current agreement's expiry noted
        expiries.append((row[0].id, row[1]))
        return row[0]

    page = web.paginate(roster.organization_query(**filters).add_columns(
        roster.agreement_expiry()), count_with_rows=listed)
    context = _agreement_context()
    agreements = roster.agreement_states(expiries, context["today"], context["warning_days"])
    return render_template("roster/organization_list.html", form=form, page=page,
                           agreements=agreements), (200 if valid else 400)


# the page shows the sector and every agreement: loaded with the organization, one statement
_DETAIL_OPTIONS = (joinedload(Organization.sector), joinedload(Organization.agreements))


@bp.get("/organizations/<int:org_id>")
def organization_detail(org_id: int):
    org = web.load(Organization, org_id, options=_DETAIL_OPTIONS)
    return render_template("roster/organization_detail.html", org=org,
                           affiliations=roster.organization_people(org),
                           seats=roster.organization_seats(web.actor(), org),
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
        outcome = web.perform(
            lambda: roster.create_organization(web.actor(), **_organization_values(form)), form)
        if outcome.ok:
            flash(f"{outcome.value.name} was added.", "success")
            return redirect(url_for(".organization_detail", org_id=outcome.value.id))
    return render_template("roster/organization_form.html", form=form, org=None), \
        web.form_status()


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
def organization_edit(org_id: int):
    org = web.load(Organization, org_id)
    form = OrganizationEditForm(obj=loaded(org))
    form.sector_id.choices = _sector_choices(org.sector_id)
    conflict = None
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(lambda: roster.update_organization(
            web.actor(), org, version_id=form.version_id.data, is_active=form.is_active.data,
            **_organization_values(form)), form, thing="organization",
            reload=lambda: web.load(Organization, org_id))
        if outcome.ok:
            flash(f"{org.name} was saved." if outcome.value else "Nothing was changed.",
                  "success")
            return redirect(url_for(".organization_detail", org_id=org.id))
    return render_template("roster/organization_form.html", form=form, org=org,
                           conflict=conflict), web.edit_status(conflict)


def _agreement_values(form) -> dict:
    return {"signed_on": form.signed_on.data, "expires_on": form.expires_on.data,
            "reference": form.reference.data, "notes": form.notes.data}


@bp.route("/organizations/<int:org_id>/agreements/new", methods=["GET", "POST"])
def agreement_new(org_id: int):
    org = web.load(Organization, org_id)
    form = AgreementForm()
    if form.validate_on_submit():
        outcome = web.perform(
            lambda: roster.add_agreement(web.actor(), org, **_agreement_values(form)), form)
        if outcome.ok:
            flash(f"The agreement of {org.name} was recorded.", "success")
            return redirect(url_for(".organization_detail", org_id=org.id))
    return render_template("roster/agreement_form.html", form=form, org=org,
                           agreement=None), web.form_status()


@bp.route("/organizations/<int:org_id>/agreements/<int:agreement_id>/edit",
          methods=["GET", "POST"])
def agreement_edit(org_id: int, agreement_id: int):
    org = web.load(Organization, org_id)
    agreement = web.child_of(Agreement, agreement_id, "organization_id", org.id)
    form = AgreementForm(obj=loaded(agreement))
    if form.validate_on_submit():
        outcome = web.perform(lambda: roster.update_agreement(
            web.actor(), agreement, **_agreement_values(form)), form)
        if outcome.ok:
            flash(f"The agreement of {org.name} was saved.", "success")
            return redirect(url_for(".organization_detail", org_id=org.id))
    return render_template("roster/agreement_form.html", form=form, org=org,
                           agreement=agreement), web.form_status()
