"""Action item forms: shape only. Who may own an item, and which dates make sense, are
checked by the services."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from coalition.actions.models import ACTION_STATUS_LABELS, PRIORITY_LABELS
from coalition.actions.services import DESCRIPTION_MAX, NOTE_MAX, TITLE_MAX
from coalition.core.fields import (
    FilterForm,
    Form,
    SelectField,  # wtforms' select, its options written in one step each
    choice,
    date_field,
    most,
    options,
    strip,
)

LIST_STATUS_CHOICES = options([("open", "Open (not done or cancelled)"),
                               *ACTION_STATUS_LABELS.items(), ("all", "All")])
MY_STATUS_CHOICES = options([("all", "All (open first)"), ("open", "Open"),
                             ("closed", "Done or cancelled")])
STATUS_CHOICES = options(ACTION_STATUS_LABELS.items())
PRIORITY_CHOICES = options(PRIORITY_LABELS.items())
STATUS_MESSAGE = "Choose a status from the list."


# --- list filters (GET; they change nothing, so no CSRF token) --------------------------------

NAME_SEARCH_MAX = 200


class ActionFilterForm(FilterForm):
    """The list filters. Owner and organization are found by part of their name; links may
    still name one by id (``owner=<id>``, ``organization=<id>``), offered then as the only
    choice beside "Anyone" / "Any organization"."""

    table = choice("Table", "a table")
    owner_name = StringField("Owner's name contains", filters=[strip],
                             validators=[Optional(), most(NAME_SEARCH_MAX)])
    organization_name = StringField("Organization's name contains", filters=[strip],
                                    validators=[Optional(), most(NAME_SEARCH_MAX)])
    owner = choice("Owner chosen", "a person")
    organization = choice("Organization chosen", "an organization")
    status = SelectField("Status", choices=LIST_STATUS_CHOICES, default="open",
                         invalid_choice_message=STATUS_MESSAGE)
    overdue = BooleanField("Overdue only")


class MyItemsFilterForm(FilterForm):
    status = SelectField("Show", choices=MY_STATUS_CHOICES, default="all",
                         invalid_choice_message="Choose all, open or done or cancelled.")


# --- one item ---------------------------------------------------------------------------------

class ActionUpdateForm(Form):
    status = SelectField("Status", choices=STATUS_CHOICES, invalid_choice_message=STATUS_MESSAGE,
                         validators=[InputRequired(STATUS_MESSAGE)])
    note = TextAreaField("Note", validators=[Optional(), most(NOTE_MAX)], filters=[strip],
                         render_kw={"rows": 3},
                         description="What happened, what is blocking, what comes next.")
    version_id = HiddenField()


class ActionEditForm(Form):
    title = StringField("What must be done", filters=[strip],
                        validators=[DataRequired("Enter what must be done."), most(TITLE_MAX)])
    description = TextAreaField("Details", validators=[Optional(), most(DESCRIPTION_MAX)],
                                filters=[strip], render_kw={"rows": 3})
    owner_id = choice("Owner", "a person seated at this table", required="Choose the owner.")
    organization_id = choice("Organization", "an organization",
                             description="Leave blank for the organization the owner sits at "
                                         "the table for.")
    due_on = date_field("Due on", required="Enter the due date.")
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, default="normal",
                           invalid_choice_message="Choose low, normal or high.")
    version_id = HiddenField()


class ExportForm(Form):
    """The CSV download is a POST (it is audited): the list's filters travel as hidden fields
    and are read again by :class:`ActionFilterForm`."""


# --- members assigning ------------------------------------------------------------------------

class TableChoiceForm(FilterForm):
    """The first step of a new item: which of the user's tables it is for (GET)."""

    table_id = choice("Table", "a table you sit at", required="Choose the table.")


class NewActionItemForm(Form):
    """A new item between meetings; the owner is chosen among the people seated at its table."""

    table_id = HiddenField()
    title = StringField("What must be done", filters=[strip],
                        validators=[DataRequired("Enter what must be done."), most(TITLE_MAX)])
    description = TextAreaField("Details", validators=[Optional(), most(DESCRIPTION_MAX)],
                                filters=[strip], render_kw={"rows": 3})
    owner_id = choice("Owner", "a person seated at this table", required="Choose the owner.",
                      description="Anyone seated at the table, you included.")
    due_on = date_field("Due on", required="Enter the due date.")
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, default="normal",
                           invalid_choice_message="Choose low, normal or high.")


class HandOverForm(Form):
    """The owner hands the item over to another seated person, with a note."""

    owner_id = choice("New owner", "a person seated at this table",
                      required="Choose the new owner.")
    note = TextAreaField("Message for the new owner", filters=[strip], render_kw={"rows": 3},
                         validators=[DataRequired("Write a note for the new owner: what is "
                                                  "done, what comes next."), most(NOTE_MAX)])
    version_id = HiddenField()
