"""Risk review routes: a new situation (filter 2), its page, edits while undecided, the table's
decision (filter 3), agencies, identity (filter 4, with the audited reveal) and the conclusion.

Who may reach each route is in ``risk.permissions.ROUTES``; the views add the object checks:
a situation is 404 to anyone not seated at its table (coordinators included) and 403 to seated
people who may see it but not do what they asked.
"""

from __future__ import annotations

from functools import cache

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from coalition.core import web
from coalition.core.fields import options, record_id
from coalition.core.localtime import local_today, to_local
from coalition.core.vocab import terms
from coalition.risk import services as risk
from coalition.risk.forms import (
    AgenciesForm,
    ConclusionForm,
    DecisionForm,
    IdentityForm,
    SituationForm,
)
from coalition.risk.models import (
    AGE_RANGES,
    CONSENT_STATUSES,
    LEVELS,
    OUTCOMES,
    REFERRAL_SOURCES,
    RISK_STATUSES,
    OutreachReferral,
    RiskSituation,
    SituationAgency,
)
from coalition.risk.permissions import (
    can_edit_situation,
    can_manage_situation,
    can_record_identity,
    can_record_outreach,
    can_reveal_identity,
    can_view_risk_table,
    can_view_situation,
    is_assigned_agency_member,
)
from coalition.risk.services.situations import RISK_FACTOR_VOCABULARY
from coalition.risk.views import bp
from coalition.roster import seats
from coalition.roster.models import CoalitionTable

LABELS = {"referral_source": REFERRAL_SOURCES, "level": LEVELS, "age_range": AGE_RANGES,
          "consent_status": CONSENT_STATUSES, "risk_status": RISK_STATUSES,
          "outcome": OUTCOMES}


def situation_of(situation_id: int, act=None) -> RiskSituation:
    """The situation, 404 for anyone not seated at its table; 403 when ``act`` refuses."""
    return web.load(RiskSituation, situation_id, view=can_view_situation, act=act)


def _org_choices(table, blank: str | None = "Choose…"):
    return options([(org.id, org.name) for org in seats.organizations_at(table)], blank=blank)


def _not_now(situation: RiskSituation, message: str):
    flash(message, "warning")
    return redirect(url_for(".situation_detail", situation_id=situation.id))


def _page(template: str, status: int = 200, **context):
    """A page showing case data: never cached."""
    return web.no_store(make_response(render_template(template, **context), status))


# --- filter 2: a new situation, edits while undecided -----------------------------------------

def _situation_form(table, form: SituationForm) -> SituationForm:
    form.originating_organization_id.choices = _org_choices(table)
    form.risk_factor_ids.choices = options([(term.id, term.label)
                                            for term in terms(RISK_FACTOR_VOCABULARY)])
    return form


def _filter2_arguments(form: SituationForm) -> dict:
    return {name: getattr(form, name).data for name in (
        "originating_organization_id", "referral_source", "presented_on", "level", "age_range",
        "gender", "language", "consent_status", "summary", "protective_factors",
        "risk_factor_ids")}


def _open_referral(table, referral_id) -> OutreachReferral | None:
    try:
        referral_id = record_id(referral_id)
    except (TypeError, ValueError):
        abort(404)
    if referral_id is None:
        return None
    return web.child_of(OutreachReferral, referral_id, "table_id", table.id)


@bp.route("/tables/<int:table_id>/situations/new", methods=["GET", "POST"])
def situation_new(table_id: int):
    viewer = web.actor()
    table = web.load(CoalitionTable, table_id, view=can_view_risk_table)
    form = _situation_form(table, SituationForm())
    referral = _open_referral(table, form.referral_id.data if request.method == "POST"
                              else request.args.get("referral"))
    warnings: list[str] = []
    if request.method == "GET":
        form.presented_on.data = local_today()
        form.originating_organization_id.data = seats.seat_organization_id(viewer, table)
        if referral is not None:
            form.referral_id.data = str(referral.id)
            form.referral_source.data = "incident_import"
            form.presented_on.data = min(to_local(referral.occurred_at).date(), local_today())
            # The referral's agency, when it is on the roster; else nobody's organization is
            # put in its place: the person chooses (the page says why).
            form.originating_organization_id.data = referral.organization_id
    elif form.validate_on_submit() and not (warnings := _unconfirmed_warnings(form)):
        outcome = web.perform(lambda: risk.create_situation(
            viewer, table, referral=referral, **_filter2_arguments(form)), form)
        if outcome.ok:
            situation = outcome.value
            flash(f"Situation {situation.code} was recorded for the table's decision.",
                  "success")  # any identifier warning stays on the situation's page
            return redirect(url_for(".situation_detail", situation_id=situation.id))
    return _page("risk/situation_new.html", 200 if warnings else web.form_status(), form=form,
                 table=table,
                 situation=None, referral=referral, warnings=warnings)


def _unconfirmed_warnings(form: SituationForm) -> list[str]:
    """What looks like an identifier in the typed description, checked before anything is
    stored; empty once the user chose "Save anyway" after reading them."""
    if request.form.get("save_anyway"):
        return []
    return risk.summary_warnings(form.summary.data, form.protective_factors.data)


@bp.route("/situations/<int:situation_id>/edit", methods=["GET", "POST"])
def situation_edit(situation_id: int):
    situation = situation_of(situation_id, act=can_edit_situation)
    if situation.status != "new":
        return _not_now(situation, "The table has decided on this situation; its description "
                                   "can no longer be edited.")
    form = _situation_form(situation.table, SituationForm(obj=situation))
    warnings: list[str] = []
    if request.method == "GET":
        form.risk_factor_ids.data = [term.id for term in situation.risk_factors]
    elif form.validate_on_submit() and not (warnings := _unconfirmed_warnings(form)):
        outcome = web.perform(lambda: risk.update_situation(
            web.actor(), situation, **_filter2_arguments(form)), form)
        if outcome.ok:
            flash("The description was saved.", "success")
            return redirect(url_for(".situation_detail", situation_id=situation.id))
    return _page("risk/situation_new.html", 200 if warnings else web.form_status(), form=form,
                 table=situation.table, situation=situation, referral=None, warnings=warnings)


# --- the situation's page and the reveal ------------------------------------------------------

def _render_detail(situation: RiskSituation, *, revealed: dict | None = None):
    viewer = web.actor()
    may_manage = can_manage_situation(viewer, situation)
    assigned = is_assigned_agency_member(viewer, situation)
    may_edit = situation.status == "new" and can_edit_situation(viewer, situation)
    warnings = risk.identifier_warnings(situation) \
        if (may_manage or assigned or may_edit) and situation.status in ("new", "accepted") \
        else []
    return _page(
        "risk/situation_detail.html", situation=situation, labels=LABELS, revealed=revealed,
        may_manage=may_manage,
        may_edit=may_edit,
        may_identify=situation.status == "accepted" and can_record_identity(viewer, situation),
        may_reveal=can_reveal_identity(viewer, situation) and situation.identity is not None,
        may_conclude=can_record_outreach(viewer, situation), warnings=warnings)


@cache
def _detail_options():
    """What the situation's page shows of it, loaded with it in one statement: its table and
    originating agency, identity, agencies (with their organizations) and risk factors."""
    agencies = joinedload(RiskSituation.agencies)
    return (joinedload(RiskSituation.table), joinedload(RiskSituation.originating_organization),
            joinedload(RiskSituation.identity), joinedload(RiskSituation.risk_factors),
            agencies.joinedload(SituationAgency.organization),
            agencies.joinedload(SituationAgency.self_assigned_by))


@bp.get("/situations/<int:situation_id>")
def situation_detail(situation_id: int):
    return _render_detail(web.load(RiskSituation, situation_id, view=can_view_situation,
                                   options=_detail_options()))


@bp.post("/situations/<int:situation_id>/reveal")
def situation_reveal(situation_id: int):
    situation = situation_of(situation_id, act=can_reveal_identity)
    if situation.identity is None:
        return _not_now(situation, "No identity has been recorded for this situation yet.")
    outcome = web.perform(lambda: risk.reveal_identity(web.actor(), situation))
    if not outcome.ok:
        abort(403)
    return _render_detail(situation, revealed=outcome.value)


# --- filter 3: the table's decision, agencies -------------------------------------------------

def _decision_form(situation: RiskSituation, form: DecisionForm) -> DecisionForm:
    form.meeting_id.choices = options(
        [(m.id, f"{m.title} ({to_local(m.starts_at):%b %-d, %Y})")
         for m in risk.decision_meetings(situation.table)], blank="No meeting")
    form.lead_organization_id.choices = _org_choices(situation.table)
    form.assisting_organization_ids.choices = _org_choices(situation.table, blank=None)
    return form


@bp.route("/situations/<int:situation_id>/decide", methods=["GET", "POST"])
def situation_decide(situation_id: int):
    situation = situation_of(situation_id, act=can_manage_situation)
    if situation.status != "new":
        return _not_now(situation, "The table has already decided on this situation.")
    form = _decision_form(situation, DecisionForm())
    if form.validate_on_submit():
        meeting = next((m for m in risk.decision_meetings(situation.table)
                        if m.id == form.meeting_id.data), None)
        outcome = web.perform(lambda: risk.decide_situation(
            web.actor(), situation, accepted=form.decision.data == "accept", meeting=meeting,
            reason=form.reason.data, lead_organization_id=form.lead_organization_id.data,
            assisting_organization_ids=form.assisting_organization_ids.data or (),
            self_assignment_reason=form.self_assignment_reason.data), form)
        if outcome.ok:
            flash(f"Situation {situation.code} was accepted." if situation.status == "accepted"
                  else f"Situation {situation.code} was rejected; its description was deleted.",
                  "success")
            return redirect(url_for(".situation_detail", situation_id=situation.id))
    return _page("risk/situation_decide.html", web.form_status(), form=form,
                 situation=situation)


@bp.route("/situations/<int:situation_id>/agencies", methods=["GET", "POST"])
def situation_agencies(situation_id: int):
    situation = situation_of(situation_id, act=can_manage_situation)
    if situation.status != "accepted":
        return _not_now(situation, "Agencies are assigned to accepted, open situations only.")
    form = AgenciesForm()
    form.lead_organization_id.choices = _org_choices(situation.table)
    form.assisting_organization_ids.choices = _org_choices(situation.table, blank=None)
    if request.method == "GET":
        form.lead_organization_id.data = next(
            (a.organization_id for a in situation.agencies if a.role == "lead"), None)
        form.assisting_organization_ids.data = [
            a.organization_id for a in situation.agencies if a.role == "assisting"]
    elif form.validate_on_submit():
        outcome = web.perform(lambda: risk.set_agencies(
            web.actor(), situation, lead_organization_id=form.lead_organization_id.data,
            assisting_organization_ids=form.assisting_organization_ids.data or (),
            self_assignment_reason=form.self_assignment_reason.data), form)
        if outcome.ok:
            flash("The agencies were saved.", "success")
            return redirect(url_for(".situation_detail", situation_id=situation.id))
    return _page("risk/situation_agencies.html", web.form_status(), form=form,
                 situation=situation)


# --- filter 4: identity -----------------------------------------------------------------------

@bp.route("/situations/<int:situation_id>/identity", methods=["GET", "POST"])
def situation_identity(situation_id: int):
    situation = situation_of(situation_id, act=can_record_identity)
    if situation.status != "accepted":
        return _not_now(situation, "Identity is recorded only once the table has accepted the "
                                   "situation, while it is open.")
    form = IdentityForm()
    if form.validate_on_submit():
        outcome = web.perform(lambda: risk.save_identity(
            web.actor(), situation, name=form.name.data, birth_date=form.birth_date.data,
            location=form.location.data, phone=form.phone.data), form)
        if outcome.ok:
            flash("The identity was saved, encrypted.", "success")
            # the situation's page shows any identifier warning, once
            return redirect(url_for(".situation_detail", situation_id=situation.id))
    return _page("risk/situation_identity.html", web.form_status(), form=form,
                 situation=situation)


# --- conclusion -------------------------------------------------------------------------------

@bp.route("/situations/<int:situation_id>/conclude", methods=["GET", "POST"])
def situation_conclude(situation_id: int):
    situation = situation_of(situation_id)
    if situation.status != "accepted":
        web.require(can_record_identity(web.actor(), situation))
        return _not_now(situation, "Only an accepted, open situation can be concluded.")
    web.require(can_record_outreach(web.actor(), situation))
    form = ConclusionForm()
    if request.method == "GET":
        form.concluded_on.data = local_today()
    elif form.validate_on_submit():
        outcome = web.perform(lambda: risk.conclude_situation(
            web.actor(), situation, concluded_on=form.concluded_on.data,
            risk_status=form.risk_status.data, outcome=form.outcome.data,
            note=form.note.data), form)
        if outcome.ok:
            flash(f"Situation {situation.code} was concluded.", "success")
            return redirect(url_for(".situation_detail", situation_id=situation.id))
    return _page("risk/situation_conclude.html", web.form_status(), form=form,
                 situation=situation)
