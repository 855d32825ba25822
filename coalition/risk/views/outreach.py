"""Risk review routes: logging an outreach attempt on an accepted situation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from coalition.core.db import utcnow
from coalition.core.errors import ServiceError, apply_to_form
from coalition.core.localtime import to_local, to_utc
from coalition.core.permissions import can_record_outreach
from coalition.extensions import db
from coalition.risk import services as risk
from coalition.risk.forms_outreach import AttemptForm
from coalition.risk.models import ATTEMPT_MODES, ATTEMPT_RESULTS, OUTREACH_SERVICES, TEAM_MEMBERS
from coalition.risk.services import outreach
from coalition.risk.views import bp
from coalition.roster.forms import options


def _actor():
    return current_user._get_current_object()


def situation_url(situation) -> str:
    return url_for("risk.situation_detail", situation_id=situation.id)


@bp.app_context_processor
def _outreach_helpers() -> dict:
    """What ``risk/_situation_outreach.html`` needs, for the situation page that includes it."""
    return {"outreach_summary": outreach.outreach_summary,
            "can_record_outreach": can_record_outreach,
            "outreach_vocab": {"modes": ATTEMPT_MODES, "team": TEAM_MEMBERS,
                               "results": ATTEMPT_RESULTS, "services": OUTREACH_SERVICES}}


@bp.route("/situations/<int:situation_id>/attempts/new", methods=["GET", "POST"])
def attempt_new(situation_id: int):
    viewer = _actor()
    situation = risk.situation_or_404(viewer, situation_id)  # hidden situations: 404
    if not can_record_outreach(viewer, situation):
        abort(403)
    form = AttemptForm()
    form.organization_id.choices = options(outreach.assigned_agencies(situation),
                                           blank="Choose the agency")
    if request.method == "GET":  # most attempts are logged right after they happen
        form.attempted_at.data = to_local(utcnow()).replace(second=0, microsecond=0,
                                                             tzinfo=None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                services = outreach.services_from_checks(form.services_offered.data,
                                                         form.services_accepted.data)
                outreach.record_attempt(
                    viewer, situation, attempted_at=to_utc(form.attempted_at.data),
                    organization_id=form.organization_id.data, mode=form.mode.data,
                    team=form.team.data, result=form.result.data, services=services,
                    note=form.note.data or "")
            except ServiceError as error:
                db.session.rollback()
                apply_to_form(form, error)
            else:
                db.session.commit()
                flash(f"The outreach attempt on {situation.code} was logged.", "success")
                return redirect(situation_url(situation))
    return render_template("risk/attempt_form.html", form=form, situation=situation,
                           service_rows=list(zip(form.services_offered,
                                                 form.services_accepted, strict=True)),
                           back_url=situation_url(situation)), status
