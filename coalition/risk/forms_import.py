"""Incident import and referral forms: shape only. The file itself is checked line by line by
:func:`coalition.risk.services.imports.parse_incident_csv`."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from coalition.core.fields import FilterForm, Form, options, strip
from coalition.risk.models import REFERRAL_STATUSES
from coalition.risk.services.imports import REASON_MAX


class ImportUploadForm(Form):
    file = FileField("CSV file of incident reports",
                     validators=[FileRequired("Choose the CSV file to import.")],
                     render_kw={"accept": ".csv,text/csv"},
                     description="Comma-separated, with a header row; at most 2 MB and "
                                 "5,000 rows. Nothing is saved until you confirm.")


class ImportConfirmForm(Form):
    payload = HiddenField(validators=[InputRequired("The file to import is missing; upload it "
                                                    "again.")])


class ReferralFilterForm(FilterForm):
    status = SelectField("Status", default="all",
                         choices=options([("all", "All (open first)"),
                                          *REFERRAL_STATUSES.items()]),
                         invalid_choice_message="Choose a status from the list.")


class DismissForm(Form):
    reason = StringField("Reason for dismissing", filters=[strip], validators=[
        DataRequired("Enter why this referral is dismissed."),
        Length(max=REASON_MAX, message=f"Use at most {REASON_MAX} characters.")])
