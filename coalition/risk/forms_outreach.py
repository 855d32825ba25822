"""The outreach attempt form: shape only. Which agency may be chosen, the time window and
"accepted implies offered" are checked by :mod:`coalition.risk.services.outreach`."""

from __future__ import annotations

from wtforms import DateTimeLocalField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from coalition.core.fields import Form, checkboxes, choice, most, options, strip, within_dates
from coalition.risk.models import ATTEMPT_MODES, ATTEMPT_RESULTS, OUTREACH_SERVICES, TEAM_MEMBERS
from coalition.risk.services.outreach import NOTE_MAX

WHEN_MESSAGE = "Enter the date and time of the attempt, like 2026-03-31 14:30."
MODE_MESSAGE = "Choose how the attempt was made."
RESULT_MESSAGE = "Choose the result of the attempt."


class AttemptForm(Form):
    attempted_at = DateTimeLocalField(
        "Date and time", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        invalid_value_message=WHEN_MESSAGE,
        validators=[InputRequired(WHEN_MESSAGE), within_dates()],
        description="Local time. Not in the future, not before the situation was accepted.")
    organization_id = choice("Agency", "the lead or an assisting agency",
                             required="Choose the agency that made the attempt.")
    mode = SelectField("Mode", choices=options(ATTEMPT_MODES.items(), blank="Choose a mode"),
                       invalid_choice_message=MODE_MESSAGE,
                       validators=[InputRequired(MODE_MESSAGE)])
    team = checkboxes("Team", choices=options(TEAM_MEMBERS.items()),
                      message="Choose team members from the list.",
                      description="Who went or called. Police presence is derived from this.")
    result = SelectField("Result",
                         choices=options(ATTEMPT_RESULTS.items(), blank="Choose a result"),
                         invalid_choice_message=RESULT_MESSAGE,
                         validators=[InputRequired(RESULT_MESSAGE)])
    services_offered = checkboxes("Offered", choices=options(OUTREACH_SERVICES.items()),
                                  message="Choose services from the list.")
    services_accepted = checkboxes("Accepted", choices=options(OUTREACH_SERVICES.items()),
                                   message="Choose services from the list.")
    note = TextAreaField("Note", validators=[Optional(), most(NOTE_MAX)], filters=[strip],
                         render_kw={"rows": 3},
                         description="No names or identifying details: describe the attempt.")
