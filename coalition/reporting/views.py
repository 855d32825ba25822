"""The dashboard and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from coalition.core import web
from coalition.core.db import database_answers
from coalition.reporting.dashboard import dashboard_context

bp = Blueprint("main", __name__)


@bp.route("/")
def dashboard():
    context = dashboard_context(web.actor())
    return render_template("main/dashboard.html", **context)


@bp.route("/healthz")
def healthz():
    if not database_answers():  # tell the load balancer
        current_app.logger.error("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
