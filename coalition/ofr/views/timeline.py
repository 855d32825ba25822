"""Fatality review routes: the timeline of a case — drawn and listed — and the short entry form
the recorder uses in the meeting (it comes back with the previous entry's agency and stage),
with corrections and removals."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from sqlalchemy.orm import joinedload

from coalition.core import vocab, web
from coalition.core.fields import options
from coalition.core.localtime import local_today
from coalition.ofr import services as ofr
from coalition.ofr.forms import TouchpointForm
from coalition.ofr.models import FatalityCase, Touchpoint
from coalition.ofr.panels import panels_for
from coalition.ofr.permissions import can_build_timeline
from coalition.ofr.services.timeline import typed_when
from coalition.ofr.timeline_svg import stage_legend, timeline_svg
from coalition.ofr.views import bp
from coalition.ofr.views.cases import case_of, page


def _choices(form: TouchpointForm, case: FatalityCase, rows) -> TouchpointForm:
    """The form's lists; its agencies are those seated at the case's table and those already on
    its timeline (``rows``): any other is named in "Another agency"."""
    terms = vocab.terms_of("touchpoint_type", "sector", "stage", "gap_type")
    form.type_id.choices = options([(t.id, t.label) for t in terms["touchpoint_type"]],
                                   blank="Choose…")
    seated = ofr.kept_table_seats(case.table).agencies  # the table's roster, kept: no case's
    form.organization_id.choices = options(ofr.timeline_agencies(seated, rows),
                                           blank="Not recorded")
    form.sector_id.choices = options([(t.id, t.label) for t in terms["sector"]],
                                     blank="The agency's sector")
    form.stage_id.choices = options([(t.id, t.label) for t in terms["stage"]],
                                    blank="Not recorded")
    form.gap_type_id.choices = options([(t.id, t.label) for t in terms["gap_type"]],
                                       blank="Choose when it is a missed opportunity")
    return form


def _values(form: TouchpointForm) -> dict:
    return {name: form[name].data for name in (
        "occurred", "type_id", "organization_id", "other_agency", "sector_id", "stage_id",
        "description", "source_record", "is_missed_opportunity", "gap_type_id", "rationale",
        "is_part2")}


def _render(case: FatalityCase, *, form=None, status: int = 200, rows=None):
    rows = ofr.timeline(case) if rows is None else rows
    manage = can_build_timeline(web.actor(), case)
    # the entry form is shown, with the cursor in it, when the recorder is entering ("Add
    # touchpoints", and after each entry); someone reading the timeline gets the button only
    entering = status != 200 or request.args.get("entry") == "1"
    if manage and form is None and entering:
        form = _choices(TouchpointForm(formdata=None, data=ofr.entry_defaults(case, rows)),
                        case, rows)
    death = case.date_of_death.isoformat() if case.date_of_death else None
    return page("ofr/timeline.html", status, case=case, rows=rows, form=form, manage=manage,
                entering=entering, panels=panels_for(web.actor(), case, rows),
                svg=timeline_svg(rows, code=case.code, death=death), legend=stage_legend(rows),
                today=local_today())


@bp.get("/cases/<int:case_id>/timeline")
def timeline(case_id: int):
    return _render(case_of(case_id, options=(joinedload(FatalityCase.table),)))


@bp.post("/cases/<int:case_id>/touchpoints")
def touchpoint_add(case_id: int):
    case = case_of(case_id, act=can_build_timeline)
    rows = ofr.timeline(case)
    form = _choices(TouchpointForm(), case, rows)
    if form.validate_on_submit():
        outcome = web.perform(lambda: ofr.add_touchpoint(web.actor(), case, **_values(form)),
                              form)
        if outcome.ok:
            flash("Touchpoint added." + (" Marked as a missed opportunity."
                                         if outcome.value.is_missed_opportunity else ""),
                  "success")
            return redirect(url_for(".timeline", case_id=case.id, entry=1))
    return _render(case_of(case_id), form=form, status=400, rows=rows)


def _touchpoint(case: FatalityCase, touchpoint_id: int) -> Touchpoint:
    return web.child_of(Touchpoint, touchpoint_id, "case_id", case.id)


@bp.route("/cases/<int:case_id>/touchpoints/<int:touchpoint_id>/edit", methods=["GET", "POST"])
def touchpoint_edit(case_id: int, touchpoint_id: int):
    case = case_of(case_id, act=can_build_timeline)
    touchpoint = _touchpoint(case, touchpoint_id)
    if request.method == "GET":
        data = {name: getattr(touchpoint, name) for name in (
            "type_id", "organization_id", "sector_id", "stage_id", "description",
            "source_record", "is_missed_opportunity", "gap_type_id", "rationale", "is_part2")}
        data["occurred"] = typed_when(touchpoint.occurred_on, touchpoint.precision)
        if touchpoint.organization and touchpoint.sector_id == touchpoint.organization.sector_id:
            data["sector_id"] = None  # "the agency's sector": it follows a change of agency
        form = TouchpointForm(formdata=None, data=data)
    else:
        form = TouchpointForm()
    _choices(form, case, ofr.timeline(case))
    if form.validate_on_submit():
        outcome = web.perform(lambda: ofr.update_touchpoint(web.actor(), touchpoint,
                                                            **_values(form)), form)
        if outcome.ok:
            flash("The touchpoint was saved." if outcome.value else "Nothing was changed.",
                  "success")
            return redirect(url_for(".timeline", case_id=case.id) + f"#tp-{touchpoint.id}")
    return page("ofr/touchpoint_form.html", web.form_status(), form=form, case=case,
                touchpoint=touchpoint)


@bp.post("/cases/<int:case_id>/touchpoints/<int:touchpoint_id>/remove")
def touchpoint_remove(case_id: int, touchpoint_id: int):
    case = case_of(case_id, act=can_build_timeline)
    touchpoint = _touchpoint(case, touchpoint_id)
    web.perform_and_flash(lambda: ofr.remove_touchpoint(web.actor(), touchpoint),
                          "The touchpoint was removed.")
    return redirect(url_for(".timeline", case_id=case.id))
