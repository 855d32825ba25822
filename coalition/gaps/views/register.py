"""Gap register routes: the list with its counts, a gap with its history and missed
opportunities (case codes only for the case's team), recording, correcting and merging gaps, and
linking a missed opportunity of a timeline to a gap."""

from __future__ import annotations

from functools import cache

from flask import abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from coalition.core import vocab, web
from coalition.core.fields import options
from coalition.core.kept import kept
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.forms import GapFilterForm, GapForm, LinkForm, MergeForm, written_options
from coalition.gaps.models import Gap, GapEvent
from coalition.gaps.permissions import can_keep_register
from coalition.gaps.views import bp
from coalition.ofr.models import Touchpoint
from coalition.ofr.permissions import can_build_timeline, can_view_case


def _gap(gap_id: int, act=None) -> Gap:
    return web.load(Gap, gap_id, act=act)


def _keeper(user, _record=None) -> bool:
    return can_keep_register(user)


def _choices(form: GapForm) -> GapForm:
    form.stage_id.choices = options([(t.id, t.label) for t in vocab.terms("stage")],
                                    blank="Not set")
    form.gap_type_id.choices = options([(t.id, t.label) for t in vocab.terms("gap_type")],
                                       blank="Not set")
    form.sector_ids.choices = options([(t.id, t.label) for t in vocab.terms("sector")])
    return form


def _values(form: GapForm) -> dict:
    return {"title": form.title.data, "description": form.description.data,
            "stage_id": form.stage_id.data, "gap_type_id": form.gap_type_id.data,
            "sector_ids": form.sector_ids.data or []}


@bp.get("/gaps")
def gap_list():
    form = GapFilterForm(request.args)
    terms = kept("gaps.filter_terms", (), lambda: {
        name: tuple((t.id, t.label) for t in found)
        for name, found in vocab.terms_of("stage", "sector", "gap_type").items()})
    for name in ("stage", "sector", "gap_type"):
        form[name].choices = options(list(terms[name]), blank="Any")
    valid = form.validate()
    for name in ("stage", "sector", "gap_type"):  # vocabularies: written once per selection
        field = form[name]
        field.kept_options = kept("gaps.filter_options", (name, str(field.data)),
                                  lambda field=field: written_options(field))
    filters = {"status": form.status.data, "stage_id": form.stage.data,
               "sector_id": form.sector.data, "gap_type_id": form.gap_type.data,
               "text": form.q.data or ""} if valid else {}
    # the register stays short: its count comes with the page's rows
    page = web.paginate(gaps.gap_list_query(**filters), count_with_rows=lambda row: row)
    return render_template("gaps/gap_list.html", form=form, page=page,
                           rows=gaps.gap_rows(page.items),
                           may_keep=can_keep_register(web.actor())), 200 if valid else 400


@bp.route("/gaps/new", methods=["GET", "POST"])
def gap_new():
    if not can_keep_register(web.actor()):
        abort(403)
    form = _choices(GapForm())
    del form.status
    if form.validate_on_submit():
        outcome = web.perform(lambda: gaps.create_gap(web.actor(), **_values(form)), form)
        if outcome.ok:
            flash(f"Gap {outcome.value.code} was recorded.", "success")
            return redirect(url_for(".gap_detail", gap_id=outcome.value.id))
    return render_template("gaps/gap_form.html", form=form, gap=None), web.form_status()


def _render_gap(gap: Gap, *, merge_form=None, status: int = 200):
    viewer = web.actor()
    points = gaps.gap_missed(gap)
    # the missed opportunities the viewer may see (with their case), and how many others
    shown = [point for point in points if can_view_case(viewer, point.case)]
    cases, missed = gaps.missed_counts(points)
    may_keep = can_keep_register(viewer)
    if may_keep and merge_form is None:
        merge_form = MergeForm(formdata=None)
    if merge_form is not None:
        _merge_choices(merge_form.into_id, gap.id)
    return render_template("gaps/gap_detail.html", gap=gap, shown=shown,
                           hidden=len(points) - len(shown), cases=cases, missed=missed,
                           may_keep=may_keep, merge_form=merge_form), status


MERGE_BLANK = "Choose a gap"


def _merge_choices(field, gap_id: int) -> None:
    """The gaps this one may be merged into; while none is chosen, their options as the select
    writes them, written once per data generation (the register's own words, no case
    material), this gap's own left out."""
    field.choices = options([choice for choice in gaps.gap_choices() if choice[0] != gap_id],
                            blank=MERGE_BLANK)
    if field.data is None:
        own = str(gap_id)
        written = kept("gaps.merge_options", (), lambda: tuple(
            (str(value), f'<option value="{escape(value)}">{escape(label)}</option>')
            for value, label in gaps.gap_choices()))
        field.kept_options = Markup(  # noqa: S704 - escaped above
            f'<option selected value="">{MERGE_BLANK}</option>'
            + "".join(option for value, option in written if value != own))


@cache
def _page_statement():
    """The gap with what its page shows of it (its sectors; its history with the authors in
    one more query), built once (the id is a bound parameter)."""
    return (select(Gap).where(Gap.id == bindparam("gap_id"))
            .options(joinedload(Gap.sectors),
                     selectinload(Gap.events).joinedload(GapEvent.user)))


def _page_gap(gap_id: int) -> Gap:
    gap = db.session.execute(_page_statement(), {"gap_id": gap_id}).unique().scalar_one_or_none()
    if gap is None:
        abort(404)
    return gap


@bp.get("/gaps/<int:gap_id>")
def gap_detail(gap_id: int):
    return _render_gap(_page_gap(gap_id))


@bp.route("/gaps/<int:gap_id>/edit", methods=["GET", "POST"])
def gap_edit(gap_id: int):
    gap = _gap(gap_id, act=_keeper)
    saved = {**_values_of(gap), "status": gap.status}
    if request.method == "GET":
        form = GapForm(formdata=None, data=dict(saved, version_id=gap.version_id))
    else:
        form = GapForm()
    _choices(form)
    conflict = None
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(
            lambda: gaps.update_gap(web.actor(), gap, version_id=form.version_id.data,
                                    status=form.status.data, **_values(form)),
            form, thing="gap", reload=lambda: _gap(gap_id), saved=_values_of)
        if outcome.ok:
            flash("The gap was saved." if outcome.value else "Nothing was changed.", "success")
            return redirect(url_for(".gap_detail", gap_id=gap.id))
    return render_template("gaps/gap_form.html", form=form, gap=gap,
                           conflict=conflict), web.edit_status(conflict)


def _values_of(gap: Gap) -> dict:
    return {"title": gap.title, "description": gap.description, "stage_id": gap.stage_id,
            "gap_type_id": gap.gap_type_id, "sector_ids": [s.id for s in gap.sectors]}


@bp.post("/gaps/<int:gap_id>/merge")
def gap_merge(gap_id: int):
    gap = _gap(gap_id, act=_keeper)
    form = MergeForm()
    form.into_id.choices = options([*gaps.gap_choices(), (gap.id, gap.code)], blank="")
    if form.validate_on_submit():
        into = db.session.get(Gap, form.into_id.data)
        outcome = web.perform(lambda: gaps.merge_gaps(web.actor(), gap, into), form)
        if outcome.ok:
            flash(f"{gap.code} was merged into {into.code}.", "success")
            return redirect(url_for(".gap_detail", gap_id=into.id))
    return _render_gap(_page_gap(gap_id), merge_form=form, status=400)


# --- from a timeline -------------------------------------------------------------------------

def _missed(touchpoint_id: int) -> Touchpoint:
    point = web.load(Touchpoint, touchpoint_id,
                     view=lambda user, p: can_view_case(user, p.case),
                     act=lambda user, p: can_build_timeline(user, p.case))
    if not point.is_missed_opportunity:
        abort(404)
    return point


@bp.post("/touchpoints/<int:touchpoint_id>/gap")
def missed_link(touchpoint_id: int):
    """Link to a suggested or chosen gap, or to a new gap named in the form (its stage, type and
    sector taken from the missed opportunity)."""
    point = _missed(touchpoint_id)
    form = LinkForm()
    form.gap_id.choices = options([(g.id, g.code) for g in db.session.scalars(
        gaps.gap_query(status="open"))], blank="")
    back = url_for("ofr.timeline", case_id=point.case_id) + f"#tp-{point.id}"
    if not form.validate_on_submit():
        flash("Choose a gap from the list, or name a new one.", "error")
        return redirect(back)

    def link():
        gap = db.session.get(Gap, form.gap_id.data) if form.gap_id.data else None
        if gap is None:
            if not form.title.data:
                raise gaps.ServiceError("Choose a gap, or name a new one.", field="title")
            gap = gaps.create_gap(web.actor(), title=form.title.data, stage_id=point.stage_id,
                                  gap_type_id=point.gap_type_id,
                                  sector_ids=[point.sector_id] if point.sector_id else [])
        gaps.link_missed(web.actor(), point, gap)
        return gap

    outcome = web.perform(link, form)
    if outcome.ok:
        flash(f"The missed opportunity is linked to gap {outcome.value.code}.", "success")
    else:
        flash(outcome.error.message, "error")
    return redirect(back)


@bp.post("/touchpoints/<int:touchpoint_id>/gap/remove")
def missed_unlink(touchpoint_id: int):
    point = _missed(touchpoint_id)
    web.perform_and_flash(lambda: gaps.unlink_missed(web.actor(), point),
                          "The missed opportunity is no longer linked to a gap.")
    return redirect(url_for("ofr.timeline", case_id=point.case_id) + f"#tp-{point.id}")
