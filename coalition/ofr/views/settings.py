"""Fatality review routes: the table's settings and selection checklist, and the data-quality
list of cases below its completeness threshold."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for

from coalition.core import web
from coalition.ofr import services as ofr
from coalition.ofr.forms import CriterionForm, SettingsForm
from coalition.ofr.models import SelectionCriterion
from coalition.ofr.views import bp
from coalition.ofr.views.cases import ofr_table, page
from coalition.roster.permissions import can_manage_table


def _render(table, *, form=None, criterion_form=None, status: int = 200):
    settings = ofr.settings_of(table)
    form = form or SettingsForm(formdata=None, obj=settings)
    return page("ofr/settings.html", status, table=table, form=form,
                criterion_form=criterion_form or CriterionForm(formdata=None),
                criteria=ofr.criteria_of(table))


@bp.route("/tables/<int:table_id>/ofr-settings", methods=["GET", "POST"])
def settings(table_id: int):
    table = ofr_table(table_id, act=can_manage_table)
    if request.method == "GET":
        return _render(table)
    action = request.form.get("action")
    if action == "settings":
        form = SettingsForm()
        if form.validate_on_submit():
            outcome = web.perform(lambda: ofr.update_settings(
                web.actor(), table, records_due_days=form.records_due_days.data,
                completeness_threshold=form.completeness_threshold.data), form)
            if outcome.ok:
                flash("The settings were saved.", "success")
                return redirect(url_for(".settings", table_id=table.id))
        return _render(table, form=form, status=400)
    if action == "add_criterion":
        form = CriterionForm()
        if form.validate_on_submit():
            outcome = web.perform(lambda: ofr.add_criterion(web.actor(), table,
                                                            label=form.label.data), form)
            if outcome.ok:
                flash("The criterion was added to the checklist.", "success")
                return redirect(url_for(".settings", table_id=table.id))
        return _render(table, criterion_form=form, status=400)
    if action == "retire_criterion":
        criterion = web.child_of(SelectionCriterion,
                                 _int(request.form.get("criterion_id")), "table_id", table.id)
        web.perform_and_flash(lambda: ofr.retire_criterion(web.actor(), criterion),
                              "The criterion left the checklist.")
        return redirect(url_for(".settings", table_id=table.id))
    abort(400)


def _int(raw) -> int:
    return int(raw) if raw and str(raw).isascii() and str(raw).isdigit() else 0


@bp.get("/tables/<int:table_id>/cases/quality")
def quality(table_id: int):
    table = ofr_table(table_id)
    threshold = ofr.settings_of(table).completeness_threshold
    listing = web.paginate(ofr.quality_query(table, threshold))
    return page("ofr/quality.html", table=table, page=listing, threshold=threshold,
                manage=can_manage_table(web.actor(), table),
                completeness={case.id: ofr.completeness(case) for case in listing.items})
