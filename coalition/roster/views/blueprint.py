"""The roster blueprint and the small helpers its route modules share."""

from __future__ import annotations

from flask import Blueprint, request

from coalition.core.fields import options
from coalition.roster import services as roster

bp = Blueprint("roster", __name__)


def loaded(obj):
    """Edit forms start from the record on GET only: a POST is judged on what it sent, so a
    missing ``version_id`` counts as a conflict rather than silently matching."""
    return obj if request.method == "GET" else None


def table_choices(viewer, blank: str):
    return options([(t.id, t.name) for t in roster.visible_tables(viewer)], blank=blank)
