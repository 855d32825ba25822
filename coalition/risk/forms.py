"""Risk review forms: shape only (required, length, choice offered). Which organizations may
take part, the status rules and the dates that make sense are checked by the services."""

from __future__ import annotations

from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from coalition.core.fields import Form, choice, date_field, most, options, record_id, strip
from coalition.risk.models import (
    AGE_RANGES,
    CONSENT_STATUSES,
    LEVELS,
    OUTCOMES,
    REFERRAL_SOURCES,
    RISK_STATUSES,
)
from coalition.risk.services.situations import SHORT_MAX, SUMMARY_MAX, TEXT_MAX


def _select(label: str, vocabulary: dict, message: str, **kwargs) -> SelectField:
    return SelectField(label, choices=options(vocabulary.items(), blank="Choose…"),
                       validators=[InputRequired(message)], invalid_choice_message=message,
                       **kwargs)


def _ids(label: str, noun: str, **kwargs) -> SelectMultipleField:
    message = f"Choose {noun} from the list."
    return SelectMultipleField(label, coerce=record_id, validators=[Optional()],
                               invalid_choice_message=message, **kwargs)


class SituationForm(Form):
    """Filter 2: the de-identified description an originating agency brings to the table."""

    originating_organization_id = choice("Originating agency", "an organization seated here",
                                         required="Choose the originating agency.")
    referral_source = _select("How it came to the agency", REFERRAL_SOURCES,
                              "Choose how the situation came to the agency.")
    presented_on = date_field("Presented on", required="Enter the date presented.")
    level = _select("Level", LEVELS, "Choose the level.")
    age_range = _select("Age range", AGE_RANGES, "Choose an age range (or Unknown).")
    gender = StringField("Gender", validators=[Optional(), most(SHORT_MAX)], filters=[strip])
    language = StringField("Language", validators=[Optional(), most(SHORT_MAX)],
                           filters=[strip])
    consent_status = _select("Consent status", CONSENT_STATUSES, "Choose the consent status.")
    risk_factor_ids = _ids("Risk factors", "risk factors",
                           description="Hold Ctrl (or ⌘) to choose several.")
    summary = TextAreaField(
        "Description of the situation", filters=[strip], render_kw={"rows": 5},
        validators=[DataRequired("Describe the situation (without identifying the person)."),
                    most(SUMMARY_MAX)],
        description="De-identified: no name, date of birth, address, phone or e-mail.")
    protective_factors = TextAreaField("Protective factors", filters=[strip],
                                       validators=[Optional(), most(TEXT_MAX)],
                                       render_kw={"rows": 3})
    referral_id = HiddenField()


class DecisionForm(Form):
    """Filter 3: is this acutely elevated risk?"""

    decision = RadioField("Decision", choices=options([
        ("accept", "Accept: acutely elevated risk"),
        ("reject", "Reject: not acutely elevated risk")]),
        validators=[InputRequired("Choose accept or reject.")],
        invalid_choice_message="Choose accept or reject.")
    meeting_id = choice("Meeting", "a meeting of this table",
                        description="The meeting where the table decided, if any.")
    lead_organization_id = choice("Lead agency", "an organization seated here",
                                  description="Needed when accepting.")
    assisting_organization_ids = _ids("Assisting agencies", "organizations seated here",
                                      description="Optional. Hold Ctrl (or ⌘) to choose several.")
    self_assignment_reason = TextAreaField(
        "Why your own agency", filters=[strip], render_kw={"rows": 2},
        validators=[Optional(), most(TEXT_MAX)],
        description="Needed only when you assign the agency you sit for: its members may then "
                    "see who the person is. Shown on the situation and in the audit log.")
    reason = TextAreaField("Reason for rejecting", filters=[strip], render_kw={"rows": 3},
                           validators=[Optional(), most(TEXT_MAX)],
                           description="Needed when rejecting. Everything but the date, the "
                                       "originating agency and this reason is then deleted.")


class AgenciesForm(Form):
    lead_organization_id = choice("Lead agency", "an organization seated here",
                                  required="Choose the lead agency.")
    assisting_organization_ids = _ids("Assisting agencies", "organizations seated here",
                                      description="Hold Ctrl (or ⌘) to choose several.")
    self_assignment_reason = TextAreaField(
        "Why your own agency", filters=[strip], render_kw={"rows": 2},
        validators=[Optional(), most(TEXT_MAX)],
        description="Needed only when you assign the agency you sit for: its members may then "
                    "see who the person is. Shown on the situation and in the audit log.")


class IdentityForm(Form):
    """Filter 4: who the person is. Saving replaces the whole stored identity."""

    name = StringField("Name", validators=[Optional(), most(200)], filters=[strip])
    birth_date = date_field("Date of birth")
    location = StringField("Where to find them", validators=[Optional(), most(300)],
                           filters=[strip], description="Address or usual location.")
    phone = TelField("Phone", validators=[Optional(), most(40)], filters=[strip])


class ConclusionForm(Form):
    concluded_on = date_field("Concluded on", required="Enter the date concluded.")
    risk_status = RadioField("Risk at conclusion", choices=options(RISK_STATUSES.items()),
                             validators=[InputRequired("Choose whether the risk was lowered.")],
                             invalid_choice_message="Choose whether the risk was lowered.")
    outcome = _select("Outcome", OUTCOMES, "Choose the outcome.")
    note = TextAreaField("Note", filters=[strip], validators=[Optional(), most(TEXT_MAX)],
                         render_kw={"rows": 3})
