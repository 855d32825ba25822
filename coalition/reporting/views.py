"""The dashboard and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from coalition.extensions import db
from coalition.reporting.dashboard import dashboard_context

bp = Blueprint("main", __name__)


@bp.route("/")
def dashboard():
    context = dashboard_context(current_user._get_current_object())
    return render_template("main/dashboard.html", **context)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # the database does not answer: tell the load balancer
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
