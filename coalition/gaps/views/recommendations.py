"""Recommendation routes: drafting and correcting, the page with its log, work plan and sources,
status updates, the committee's decision (from the page or the committee's view, in
``committee``) and the work plan's action items."""

from __future__ import annotations

from functools import lru_cache

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, load_only

from coalition.actions.models import ActionItem
from coalition.core import vocab, web
from coalition.core.fields import options
from coalition.core.kept import kept
from coalition.core.localtime import local_today, to_local
from coalition.core.models import VocabTerm
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.forms import (
    DecisionForm,
    RecommendationForm,
    UpdateForm,
    WorkItemForm,
    written_options,
)
from coalition.gaps.models import (
    DECISIONS,
    SCOPES,
    STRATEGIES,
    TARGET_LEVELS,
    Recommendation,
    RecommendationCase,
)
from coalition.gaps.permissions import (
    can_decide,
    can_draft,
    can_manage_recommendation,
    can_update_recommendation,
)
from coalition.gaps.views import bp, page_fields
from coalition.meetings.models import Meeting
from coalition.ofr.models import FatalityCase
from coalition.ofr.permissions import can_view_case
from coalition.roster import seats
from coalition.roster import services as roster
from coalition.roster.models import CoalitionTable, Organization, Person
from coalition.roster.permissions import can_manage_table

LABELS = {"scope": SCOPES, "target_level": TARGET_LEVELS, "strategy": STRATEGIES,
          "decision": DECISIONS}


def _recommendation(recommendation_id: int, act=None, options=None) -> Recommendation:
    return web.load(Recommendation, recommendation_id, act=act, options=options)


def _status_choices(blank: str | None = None):
    terms = kept("gaps.status_terms", (), lambda: tuple(
        (t.id, t.label) for t in vocab.terms(gaps.STATUS_VOCABULARY)))
    return options(list(terms), blank=blank)


# --- drafting and correcting -------------------------------------------------------------------

def _form_choices(form: RecommendationForm, viewer, recommendation=None) -> RecommendationForm:
    tables = [t for t in db.session.scalars(select(CoalitionTable).where(
        CoalitionTable.kind.in_(("coalition", "ofr"))).order_by(CoalitionTable.name))
        if can_manage_table(viewer, t)]
    form.table_id.choices = options([(t.id, t.name) for t in tables], blank="Choose a table")
    orgs = roster.organization_names()
    form.lead_organization_id.choices = options(orgs, blank="Not named yet")
    form.partner_ids.choices = options(orgs)
    form.lead_person_id.choices = options(roster.person_names(), blank="Not named yet")
    form.stage_id.choices = options([(t.id, t.label) for t in vocab.terms("stage")],
                                    blank="Not set")
    form.gap_ids.choices = options(gaps.gap_choices())
    # cases: only those of teams the viewer sits at (and those already linked, by code)
    ofr_tables = [t.id for t in seats.tables_of(viewer, "ofr")]
    cases = list(db.session.scalars(select(FatalityCase).where(
        FatalityCase.table_id.in_(ofr_tables or [-1]),
        FatalityCase.status.in_(("reviewed", "data_complete", "closed", "summary_drafted")))
        .order_by(FatalityCase.code.desc()).limit(300)))
    kept = gaps.cases_of(recommendation) if recommendation else []
    form.case_ids.choices = options([(c.id, c.code) for c in {c.id: c for c in
                                                              cases + kept}.values()])
    meetings = db.session.scalars(select(Meeting).where(
        Meeting.table_id.in_([t.id for t in tables] or [-1]))
        .order_by(Meeting.starts_at.desc()).limit(40))
    form.source_meeting_id.choices = options(
        [(m.id, f"{m.title} ({to_local(m.starts_at):%b %-d, %Y})") for m in meetings],
        blank="None")
    return form


def _values(form: RecommendationForm) -> dict:
    return {name: form[name].data for name in (
        "text", "scope", "target_level", "strategy", "stage_id", "lead_organization_id",
        "lead_person_id", "partner_ids", "success_measure", "baseline", "target", "gap_ids",
        "case_ids", "source_meeting_id")}


def _saved(recommendation: Recommendation) -> dict:
    return {"table_id": recommendation.table_id, "text": recommendation.text,
            "scope": recommendation.scope, "target_level": recommendation.target_level,
            "strategy": recommendation.strategy, "stage_id": recommendation.stage_id,
            "lead_organization_id": recommendation.lead_organization_id,
            "lead_person_id": recommendation.lead_person_id,
            "partner_ids": [o.id for o in recommendation.partners],
            "success_measure": recommendation.success_measure,
            "baseline": recommendation.baseline, "target": recommendation.target,
            "gap_ids": [g.id for g in recommendation.gaps],
            "case_ids": [c.id for c in gaps.cases_of(recommendation)],
            "source_meeting_id": recommendation.source_meeting_id}


@bp.route("/recommendations/new", methods=["GET", "POST"])
def recommendation_new():
    viewer = web.actor()
    if not can_draft(viewer):
        abort(403)
    if request.method == "GET":
        data = {"scope": "community",
                "gap_ids": [g for g in request.args.getlist("gap", type=int)]}
        form = RecommendationForm(formdata=None, data=data)
    else:
        form = RecommendationForm()
    _form_choices(form, viewer)
    if form.validate_on_submit():
        table = db.session.get(CoalitionTable, form.table_id.data)
        outcome = web.perform(lambda: gaps.create_recommendation(viewer, table,
                                                                 **_values(form)), form)
        if outcome.ok:
            flash(f"Recommendation {outcome.value.code} was drafted.", "success")
            return redirect(url_for(".recommendation_detail",
                                    recommendation_id=outcome.value.id))
    return render_template("gaps/recommendation_form.html", form=form, recommendation=None,
                           warning=gaps.CASE_SPECIFIC_WARNING), web.form_status()


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
def recommendation_edit(recommendation_id: int):
    recommendation = _recommendation(recommendation_id, act=can_manage_recommendation)
    viewer = web.actor()
    if request.method == "GET":
        form = RecommendationForm(formdata=None, data=dict(
            _saved(recommendation), version_id=recommendation.version_id))
    else:
        form = RecommendationForm()
    _form_choices(form, viewer, recommendation)
    form.table_id.choices = options([(recommendation.table_id, recommendation.table.name)])
    conflict = None
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(
            lambda: gaps.update_recommendation(viewer, recommendation,
                                               version_id=form.version_id.data,
                                               **_values(form)),
            form, thing="recommendation",
            reload=lambda: _recommendation(recommendation_id), saved=_saved)
        if outcome.ok:
            flash("The recommendation was saved." if outcome.value else "Nothing was changed.",
                  "success")
            return redirect(url_for(".recommendation_detail",
                                    recommendation_id=recommendation.id))
    return render_template("gaps/recommendation_form.html", form=form,
                           recommendation=recommendation, conflict=conflict,
                           warning=gaps.CASE_SPECIFIC_WARNING), web.edit_status(conflict)


# --- its page ----------------------------------------------------------------------------------

def _render(recommendation: Recommendation, *, forms: dict | None = None, status: int = 200):
    viewer = web.actor()
    forms = forms or {}
    may_update = can_update_recommendation(viewer, recommendation)
    may_manage = can_manage_recommendation(viewer, recommendation)
    if may_update:
        forms.setdefault("status_update", UpdateForm(formdata=None, data={
            "status_id": recommendation.status_id, "blockers": recommendation.blockers}))
        state = forms["status_update"].status_id
        state.choices = _status_choices()
        state.kept_options = kept("gaps.status_options", str(state.data),
                                  lambda: written_options(state))
    fields = {}  # the decision and work plan forms, written (blank ones kept)
    if may_manage:
        fields["work"] = page_fields.work_fields(recommendation.table_id, forms.get("work"))
    if can_decide(viewer):
        fields["decision"] = page_fields.decision_fields(forms.get("decision"))
    cases = list(db.session.scalars(_page_cases_statement(),
                                    {"recommendation_id": recommendation.id}))
    shown = [c for c in cases if can_view_case(viewer, c)]
    items = list(db.session.scalars(_page_work_items_statement(),
                                    {"recommendation_id": recommendation.id}))
    today = local_today()
    return render_template(
        "gaps/recommendation_detail.html", recommendation=recommendation, forms=forms,
        fields=fields,
        may_update=may_update, may_manage=may_manage, cases=shown,
        hidden_cases=len(cases) - len(shown),
        gaps=gaps.gaps_of_recommendation(recommendation.id), items=items,
        log=gaps.status_log(recommendation.id),
        progress=gaps.progress_from(items, today),
        stalled=gaps.is_stalled(recommendation), stalled_days=gaps.stalled_days(),
        labels=LABELS, warning=gaps.CASE_SPECIFIC_WARNING, today=today), status


@lru_cache(maxsize=1)
def _page_statement():
    """The recommendation with what its page shows, built once (the id is a bound parameter):
    of the organizations, people, terms and meeting it names, the columns the page shows (not
    ~60 more, each read and converted per request)."""
    return (select(Recommendation).where(Recommendation.id == bindparam("recommendation_id"))
            .options(joinedload(Recommendation.table),
                     joinedload(Recommendation.stage).load_only(VocabTerm.code, VocabTerm.label),
                     joinedload(Recommendation.status).load_only(VocabTerm.code,
                                                                 VocabTerm.label),
                     joinedload(Recommendation.lead_organization).load_only(Organization.name),
                     joinedload(Recommendation.lead_person).load_only(Person.name),
                     joinedload(Recommendation.partners).load_only(Organization.name),
                     joinedload(Recommendation.source_meeting).load_only(Meeting.title,
                                                                         Meeting.starts_at)))


@lru_cache(maxsize=1)
def _page_cases_statement():
    """The cases the page names (as ``gaps.cases_of``): their code and table, which the
    viewer's right to see each is checked on, not their ~30 facts."""
    return (select(FatalityCase)
            .join(RecommendationCase, RecommendationCase.case_id == FatalityCase.id)
            .where(RecommendationCase.recommendation_id == bindparam("recommendation_id"))
            .options(load_only(FatalityCase.code, FatalityCase.table_id),
                     joinedload(FatalityCase.table))
            .order_by(FatalityCase.code))


@lru_cache(maxsize=1)
def _page_work_items_statement():
    """The work plan as ``gaps.work_items`` reads it, with the columns the page and its
    progress show."""
    return (select(ActionItem)
            .where(ActionItem.source_recommendation_id == bindparam("recommendation_id"))
            .options(load_only(ActionItem.title, ActionItem.status, ActionItem.due_on),
                     joinedload(ActionItem.owner).load_only(Person.name),
                     joinedload(ActionItem.organization).load_only(Organization.name))
            .order_by(ActionItem.due_on, ActionItem.id))


@bp.get("/recommendations/<int:recommendation_id>")
def recommendation_detail(recommendation_id: int):
    recommendation = db.session.execute(
        _page_statement(), {"recommendation_id": recommendation_id}).unique().scalar_one_or_none()
    if recommendation is None:
        abort(404)
    return _render(recommendation)


@bp.post("/recommendations/<int:recommendation_id>/update")
def recommendation_update(recommendation_id: int):
    recommendation = _recommendation(recommendation_id, act=can_update_recommendation)
    form = UpdateForm()
    form.status_id.choices = _status_choices()
    if form.validate_on_submit():
        outcome = web.perform(lambda: gaps.post_update(
            web.actor(), recommendation, status_id=form.status_id.data,
            updated_on=form.updated_on.data, note=form.note.data,
            blockers=form.blockers.data), form)
        if outcome.ok:
            flash(f"The status of {recommendation.code} was updated.", "success")
            return redirect(url_for(".recommendation_detail",
                                    recommendation_id=recommendation.id) + "#log")
    return _render(_recommendation(recommendation_id), forms={"status_update": form}, status=400)


@bp.post("/recommendations/<int:recommendation_id>/decision")
def recommendation_decide(recommendation_id: int):
    """The committee's decision, from the recommendation's page or the committee's view."""
    recommendation = _recommendation(recommendation_id)
    form = DecisionForm()
    if form.validate_on_submit():
        outcome = web.perform(lambda: gaps.decide(
            web.actor(), recommendation, decision=form.decision.data,
            note=form.decision_note.data), form)
        if outcome.ok:
            flash(f"{recommendation.code}: {DECISIONS[form.decision.data].lower()}.", "success")
            if request.form.get("back") == "list":
                return redirect(url_for(".recommendation_list"))
            return redirect(url_for(".recommendation_detail",
                                    recommendation_id=recommendation.id))
    return _render(_recommendation(recommendation_id), forms={"decision": form}, status=400)


@bp.post("/recommendations/<int:recommendation_id>/action-items")
def recommendation_action_add(recommendation_id: int):
    recommendation = _recommendation(recommendation_id, act=can_manage_recommendation)
    form = WorkItemForm()
    form.owner_id.choices = options(page_fields.seat_choices(recommendation.table_id),
                                    blank="Choose an owner")
    if form.validate_on_submit():
        outcome = web.perform(lambda: gaps.add_work_item(
            web.actor(), recommendation, title=form.title.data, owner_id=form.owner_id.data,
            due_on=form.due_on.data), form)
        if outcome.ok:
            flash(f"Action item {outcome.value.code} added to the work plan.", "success")
            return redirect(url_for(".recommendation_detail",
                                    recommendation_id=recommendation.id) + "#work-plan")
    return _render(_recommendation(recommendation_id), forms={"work": form}, status=400)
