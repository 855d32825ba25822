"""The roster blueprint and the request helpers its route modules share."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user

from coalition.extensions import db
from coalition.roster import services as roster
from coalition.roster.forms import options

bp = Blueprint("roster", __name__)

MAX_PAGE = 1_000_000


def _actor():
    return current_user._get_current_object()


def _paginate(stmt):
    page = request.args.get("page", 1, type=int)
    page = min(max(page, 1), MAX_PAGE)  # a huge page number is an empty page, not an error
    return db.paginate(stmt, page=page, per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)


def _status() -> int:
    """200 for a form shown, 400 for a form sent back with errors."""
    return 400 if request.method == "POST" else 200


def _loaded(obj):
    """Edit forms start from the record on GET only: a POST is judged on what it sent, so a
    missing ``version_id`` counts as a conflict rather than silently matching."""
    return obj if request.method == "GET" else None


def _table_choices(viewer, blank: str):
    return options([(t.id, t.name) for t in roster.visible_tables(viewer)], blank=blank)
