"""The reporting screen's form: which report, for which table, period and audience. Shape
only; whether the report fits the table and who may print it are the service's."""

from __future__ import annotations

from wtforms import IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from coalition.core.fields import Form, date_field, options, record_id
from coalition.reporting.catalog import AUDIENCES

PERIOD_KINDS = {"year": "A year", "quarter": "A quarter of a year", "custom": "Chosen dates"}
QUARTERS = {1: "Q1 (January to March)", 2: "Q2 (April to June)", 3: "Q3 (July to September)",
            4: "Q4 (October to December)"}


class ReportForm(Form):
    """Filled from the query string to preview (no CSRF), posted to download (with CSRF)."""

    report = RadioField("Report", validators=[InputRequired("Choose a report.")],
                        invalid_choice_message="Choose a report from the list.")
    table_id = SelectField("Table", coerce=record_id,
                           validators=[InputRequired("Choose the table the report is for.")],
                           invalid_choice_message="Choose a table from the list.")
    period = RadioField("Period", choices=options(PERIOD_KINDS.items()), default="year",
                        validators=[InputRequired("Choose a period.")],
                        invalid_choice_message="Choose a year, a quarter or dates.")
    year = IntegerField("Year", validators=[Optional(), NumberRange(2000, 2100,
                                            "Enter a year like 2026.")],
                        invalid_value_message="Enter a year like 2026.")
    quarter = SelectField("Quarter", choices=options(QUARTERS.items(), blank="Choose a quarter"),
                          coerce=record_id, validators=[Optional()],
                          invalid_choice_message="Choose a quarter from the list.")
    start = date_field("From")
    end = date_field("To")
    audience = RadioField("Audience", choices=options(AUDIENCES.items()), default="public",
                          validators=[InputRequired("Choose who the report is for.")],
                          invalid_choice_message="Choose who the report is for.")


class PreviewForm(ReportForm):
    class Meta:
        csrf = False
