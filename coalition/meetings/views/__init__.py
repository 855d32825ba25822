"""The meetings blueprint: scheduling and agendas, running the meeting, printing and calendars."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from coalition.meetings.views import agenda, printing, running  # noqa: E402, F401
