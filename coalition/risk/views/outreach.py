"""Risk review routes: logging an outreach attempt on an accepted situation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from coalition.core import web
from coalition.core.db import utcnow
from coalition.core.fields import options
from coalition.core.localtime import to_local, to_utc
from coalition.risk.forms_outreach import AttemptForm
from coalition.risk.models import ATTEMPT_MODES, ATTEMPT_RESULTS, OUTREACH_SERVICES, TEAM_MEMBERS
from coalition.risk.permissions import can_record_outreach
from coalition.risk.services import outreach
from coalition.risk.views import bp
from coalition.risk.views.situations import situation_of
from coalition.roster import seats


def situation_url(situation) -> str:
    return url_for("risk.situation_detail", situation_id=situation.id)


@bp.app_context_processor
def _outreach_helpers() -> dict:
    """What ``risk/_situation_outreach.html`` needs, for the situation page that includes it."""
    return {"outreach_summary": outreach.outreach_summary,
            "can_record_outreach": can_record_outreach,
            "outreach_vocab": {"modes": ATTEMPT_MODES, "team": TEAM_MEMBERS,
                               "results": ATTEMPT_RESULTS, "services": OUTREACH_SERVICES}}


def _attempt(viewer, situation, form: AttemptForm):
    services = outreach.services_from_checks(form.services_offered.data,
                                             form.services_accepted.data)
    return outreach.record_attempt(
        viewer, situation, attempted_at=to_utc(form.attempted_at.data),
        organization_id=form.organization_id.data, mode=form.mode.data, team=form.team.data,
        result=form.result.data, services=services, note=form.note.data or "")


@bp.route("/situations/<int:situation_id>/attempts/new", methods=["GET", "POST"])
def attempt_new(situation_id: int):
    viewer = web.actor()
    situation = situation_of(situation_id, act=can_record_outreach)
    form = AttemptForm()
    agencies = outreach.assigned_agencies(situation)
    form.organization_id.choices = options(agencies, blank="Choose the agency")
    if request.method == "GET":  # most attempts are logged right after they happen
        form.attempted_at.data = to_local(utcnow()).replace(second=0, microsecond=0,
                                                             tzinfo=None)
        own = seats.seat_organization_id(viewer, situation.table)  # the agency they sit for
        if own in {org_id for org_id, _ in agencies}:
            form.organization_id.data = own
    elif form.validate_on_submit():
        outcome = web.perform(lambda: _attempt(viewer, situation, form), form)
        if outcome.ok:
            flash(f"The outreach attempt on {situation.code} was logged.", "success")
            return redirect(situation_url(situation))
    return render_template("risk/attempt_form.html", form=form, situation=situation,
                           service_rows=list(zip(form.services_offered,
                                                 form.services_accepted, strict=True)),
                           back_url=situation_url(situation)), web.form_status()
