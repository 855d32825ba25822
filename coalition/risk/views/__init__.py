"""The risk review blueprint: situations, outreach, the board and the incident import."""

from flask import Blueprint

bp = Blueprint("risk", __name__)

from coalition.risk.views import board, imports, outreach, situations  # noqa: E402, F401
