"""Meeting forms: shape only (required, length, format, choice offered). Rules such as "the
facilitator sits at the table" or "at most 12 hours" are checked again by the services."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TimeField,
    URLField,
)
from wtforms.validators import InputRequired, Optional, ValidationError

from coalition.core.fields import FilterForm, Form, choice, date_field, most, options, strip
from coalition.meetings.models import ITEM_TYPE_LABELS, MAX_ITEM_MINUTES
from coalition.meetings.services import MINUTES_MESSAGE

ITEM_TYPE_CHOICES = options(ITEM_TYPE_LABELS.items())
WHEN_CHOICES = options([("upcoming", "Upcoming"), ("past", "Past")])
TYPE_MESSAGE = "Choose public, internal or case."


def title_field(label: str = "Title") -> StringField:
    return StringField(label, validators=[InputRequired("Enter a title."), most(200)],
                       filters=[strip])


def _minutes_in_range(form, field):
    if field.data is not None and not 0 <= field.data <= MAX_ITEM_MINUTES:
        raise ValidationError(MINUTES_MESSAGE)  # an unreadable number already has its message


def minutes_field(label: str = "Planned minutes", default: int = 5) -> IntegerField:
    return IntegerField(label, default=default, invalid_value_message=MINUTES_MESSAGE,
                        validators=[InputRequired(MINUTES_MESSAGE), _minutes_in_range])


def type_field() -> SelectField:
    return SelectField("Type", choices=ITEM_TYPE_CHOICES, default="public",
                       invalid_choice_message=TYPE_MESSAGE,
                       description="Case items are shown only to table members who signed the "
                                   "meeting's confidentiality attestation.")


class MeetingFilterForm(FilterForm):
    table = choice("Table", "a table")
    when = SelectField("Show", choices=WHEN_CHOICES, default="upcoming",
                       invalid_choice_message="Choose upcoming or past.")


class MeetingForm(Form):
    title = title_field()
    day = date_field("Date", required="Enter the date of the meeting.")
    start_time = TimeField("Start time", invalid_value_message="Enter a time like 14:30.",
                           validators=[InputRequired("Enter the start time.")],
                           description="Local time.")
    end_time = TimeField("End time", invalid_value_message="Enter a time like 16:00.",
                         validators=[InputRequired("Enter the end time.")])
    location = StringField("Place", validators=[Optional(), most(300)], filters=[strip])
    video_url = URLField("Video link", validators=[Optional(), most(500)], filters=[strip],
                         description="For example https://meet.example.org/alder")
    facilitator_id = choice("Facilitator", "a person seated at the table")
    recorder_id = choice("Recorder", "a person seated at the table")


class MeetingEditForm(MeetingForm):
    version_id = HiddenField()


class AgendaItemForm(Form):
    title = title_field("Item title")
    item_type = type_field()
    planned_minutes = minutes_field()


class NewAgendaItemForm(AgendaItemForm):
    place = SelectField("Place", choices=options([("", "At the end of the agenda")]), default="",
                        invalid_choice_message="Choose a place on this meeting's agenda.",
                        description="Put the item at the end of a section or right after an "
                                    "item.")


class SectionForm(Form):
    title = title_field("Section title")
    item_type = type_field()
    planned_minutes = minutes_field(default=10)
    receives_due_items = BooleanField(
        "Receives due items", description="Due and overdue action items, carried-over items "
        "and backlog items are placed under the first section that receives due items.")

