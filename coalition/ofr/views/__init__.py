"""The fatality review blueprint: deaths and cases, the timeline, the import, settings."""

from flask import Blueprint

bp = Blueprint("ofr", __name__)

from coalition.ofr.views import cases, imports, settings, timeline  # noqa: E402, F401
