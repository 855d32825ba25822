"""Forms for running a meeting: shape only. The meeting's state, who is seated and edit
conflicts are checked by ``services.running``.

The run screen shows one minutes, decision and action item form per agenda item, so those forms
are built with a per-item ``prefix`` (``minutes-12-``, ``decision-12-``, ``action-12-``): every
field id on the page stays unique and each label names its item.
"""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from coalition.actions.models import PRIORITY_LABELS
from coalition.core.fields import Form, choice, date_field, most, options, strip
from coalition.meetings.models import ATTENDANCE_STATUSES
from coalition.meetings.services.running import (
    DECISION_MAX,
    GUEST_NAME_MAX,
    GUEST_ORGANIZATION_MAX,
    MINUTES_MAX,
)

STATUS_LABELS = {s: s.capitalize() for s in ATTENDANCE_STATUSES}
STATUS_CHOICES = options(STATUS_LABELS.items())
STATUS_MESSAGE = "Choose present, absent or excused."
ALL_PRESENT = "all_present"  # the button "Everyone not yet recorded: present"


def item_prefix(kind: str, item_id: int) -> str:
    return f"{kind}-{item_id}-"


class ItemForm(Form):
    """A per-item form. Its fields are prefixed, so it leaves the CSRF token to the application's
    ``CSRFProtect``, which checks the page's plain ``csrf_token`` on every POST."""

    class Meta:
        csrf = False


class MinutesForm(ItemForm):
    minutes = TextAreaField("Minutes", validators=[Optional(), most(MINUTES_MAX)],
                            render_kw={"rows": 5})
    is_discussed = BooleanField("Discussed")
    version_id = HiddenField()
    digest = HiddenField()  # of the text the form started from (``views.run_screen``)


class DecisionForm(ItemForm):
    text = TextAreaField("Decision", filters=[strip], render_kw={"rows": 2},
                         validators=[DataRequired("Enter the decision."), most(DECISION_MAX)])


class ActionItemForm(ItemForm):
    title = StringField("Action item", filters=[strip],
                        validators=[DataRequired("Enter what is to be done."), most(200)])
    owner_id = choice("Owner", "an owner", required="Choose who owns this action item.")
    organization_id = choice("Organization", "an organization",
                             description="Leave blank for the organization the owner sits for.")
    due_on = date_field("Due on", required="Enter the due date.")
    priority = SelectField("Priority", choices=options(PRIORITY_LABELS.items()),
                           default="normal",
                           invalid_choice_message="Choose low, normal or high.")


class GuestForm(Form):
    name = StringField("Guest's name", filters=[strip], validators=[
        DataRequired("Enter the guest's name."), most(GUEST_NAME_MAX)])
    organization = StringField("Guest's organization", filters=[strip],
                               validators=[Optional(), most(GUEST_ORGANIZATION_MAX)])
    status = SelectField("Guest's attendance", choices=STATUS_CHOICES, default="present",
                         invalid_choice_message=STATUS_MESSAGE)


class PaperAttestationForm(Form):
    person_id = choice("Person who signed on paper", "a person",
                       required="Choose the person who signed.")


class AttendanceForm(Form):
    """The whole list in one form; :func:`attendance_form` adds one select per row."""


def person_field(person_id: int) -> str:
    return f"person_{person_id}"


def guest_field(attendance_id: int) -> str:
    return f"guest_{attendance_id}"


def attendance_form(members, guests, recorded: dict[int, str], *, formdata=None):
    """A form with a status select for each seated person (blank: not recorded) and each guest.

    ``members`` are table seats, ``guests`` attendance rows without a person, ``recorded`` maps
    person ids to the status already on record.
    """

    class ListForm(AttendanceForm):
        pass

    data = {}
    for seat in members:
        name = person_field(seat.person_id)
        setattr(ListForm, name, SelectField(
            f"{seat.person.name} ({seat.organization.name})",
            choices=options(STATUS_LABELS.items(), blank="Not recorded"),
            validators=[Optional()], invalid_choice_message=STATUS_MESSAGE))
        data[name] = recorded.get(seat.person_id, "")
    for row in guests:
        name = guest_field(row.id)
        label = row.guest_name + (f" ({row.guest_organization})" if row.guest_organization
                                  else "") + ", guest"
        setattr(ListForm, name, SelectField(label, choices=STATUS_CHOICES,
                                        invalid_choice_message=STATUS_MESSAGE))
        data[name] = row.status
    if formdata is None:
        return ListForm(formdata=None, data=data)
    return ListForm(formdata=formdata)
