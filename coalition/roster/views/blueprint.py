"""The roster blueprint and the small helpers its route modules share."""

from __future__ import annotations

from flask import Blueprint, request

from coalition.core.choices import KeptChoices
from coalition.core.fields import options
from coalition.core.kept import kept
from coalition.core.permissions import person_id_of
from coalition.roster import services as roster

bp = Blueprint("roster", __name__)


def loaded(obj):
    """Edit forms start from the record on GET only: a POST is judged on what it sent, so a
    missing ``version_id`` counts as a conflict rather than silently matching."""
    return obj if request.method == "GET" else None


def table_choices(viewer, blank: str):
    """The tables ``viewer`` may see, for a filter; kept per viewer until the data changes."""
    key = (getattr(viewer, "id", None), getattr(viewer, "site_role", None),
           person_id_of(viewer), blank)
    return kept("roster.table_choices", key, lambda: KeptChoices(options(
        [(t.id, t.name) for t in roster.visible_tables(viewer)], blank=blank))).choices_list()


def kept_choices(name: str, pairs, *, blank: str | None = None):
    """Select options of roster names or vocabulary terms (the same for every viewer), kept
    until the data changes; ``pairs`` is called only when they are not kept."""
    return kept(name, blank, lambda: KeptChoices(options(pairs(), blank=blank))).choices_list()
