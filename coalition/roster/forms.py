"""Roster forms: shape only (required, length, format, choice offered). Business rules such as
unique names or affiliations are checked by the services."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TelField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from coalition.core.fields import (
    FilterForm,
    Form,
    choice,
    date_field,
    most,
    notes_field,
    options,
    strip,
)
from coalition.roster.models import TABLE_KIND_LABELS
from coalition.roster.services import web_address_problem

STATUS_CHOICES = options([("active", "Active"), ("inactive", "Inactive"), ("all", "All")])
ROLE_CHOICES = options([("member", "Member"), ("manager", "Manager")])
KIND_CHOICES = options(TABLE_KIND_LABELS.items(), blank="Choose a kind")


def web_address(form, field):
    problem = web_address_problem(field.data)
    if problem:
        raise ValidationError(problem)


# --- list filters (GET; they change nothing, so no CSRF token) --------------------------------

AGREEMENT_FILTER_CHOICES = [("", "Any"), ("renew", "To renew")]  # expired or expiring soon


class OrganizationFilterForm(FilterForm):
    q = SearchField("Name contains", validators=[Optional(), most(200)], filters=[strip])
    sector = choice("Sector", "a sector")
    table = choice("Seated at table", "a table")
    status = SelectField("Status", choices=STATUS_CHOICES, default="active",
                         invalid_choice_message="Choose active, inactive or all.")
    agreement = SelectField("Agreement", choices=AGREEMENT_FILTER_CHOICES, default="",
                            invalid_choice_message="Choose any or to renew.")


class PersonFilterForm(FilterForm):
    q = SearchField("Name or e-mail contains", validators=[Optional(), most(200)],
                    filters=[strip])
    organization = choice("Organization", "an organization")
    table = choice("Seated at table", "a table")
    status = SelectField("Status", choices=STATUS_CHOICES, default="active",
                         invalid_choice_message="Choose active, inactive or all.")


# --- organizations and agreements ------------------------------------------------------------

class OrganizationForm(Form):
    name = StringField("Name", validators=[DataRequired("Enter the organization's name."),
                                           most(200)], filters=[strip])
    sector_id = choice("Sector", "a sector", required="Choose a sector.")
    address = StringField("Address", validators=[Optional(), most(300)], filters=[strip])
    phone = TelField("Phone", validators=[Optional(), most(40)], filters=[strip])
    website = URLField("Website", validators=[Optional(), most(300), web_address],
                       filters=[strip], description="For example https://agency.org")
    notes = notes_field()


class OrganizationEditForm(OrganizationForm):
    is_active = BooleanField("Active", description="Clear to deactivate: the organization "
                             "stays on record but is no longer listed as a member.")
    version_id = HiddenField()


class AgreementForm(Form):
    signed_on = date_field("Signed on", required="Enter the date the agreement was signed.")
    expires_on = date_field("Expires on", required="Enter the date the agreement expires.")
    reference = StringField("Reference", validators=[Optional(), most(200)], filters=[strip],
                            description="The agreement's number or file name, if it has one.")
    notes = notes_field()

    def validate_expires_on(self, field):
        if self.signed_on.data and field.data and field.data < self.signed_on.data:
            raise ValidationError("The expiry date must be on or after the date it was signed.")


# --- people and affiliations ------------------------------------------------------------------

class PersonForm(Form):
    name = StringField("Name", validators=[DataRequired("Enter the person's name."), most(120)],
                       filters=[strip])
    email = EmailField("Email", filters=[strip], validators=[
        Optional(), most(254),
        Email("Enter a valid e-mail address, like name@agency.org.", check_deliverability=False),
    ])
    phone = TelField("Phone", validators=[Optional(), most(40)], filters=[strip])
    title = StringField("Job title", validators=[Optional(), most(120)], filters=[strip])
    notes = notes_field()


class PersonNewForm(PersonForm):
    organization_id = choice("Organization", "an organization",
                             description="Optional: the organization this person represents.")
    role_title = StringField("Role at that organization", validators=[Optional(), most(120)],
                             filters=[strip])


class PersonEditForm(PersonForm):
    is_active = BooleanField("Active", description="Clear to deactivate this person.")
    version_id = HiddenField()


class AffiliationForm(Form):
    organization_id = choice("Organization", "an organization",
                             required="Choose an organization.")
    role_title = StringField("Role title", validators=[Optional(), most(120)], filters=[strip])


# --- tables and seats -----------------------------------------------------------------------

class TableForm(Form):
    name = StringField("Name", validators=[DataRequired("Enter the table's name."), most(120)],
                       filters=[strip])
    kind = SelectField("Kind", choices=KIND_CHOICES,
                       validators=[InputRequired("Choose a kind of table.")],
                       invalid_choice_message="Choose a kind from the list.")
    description = notes_field("Description")
    cadence_days = IntegerField(
        "Meets every (days)", default=7,
        invalid_value_message="Enter a whole number of days.",
        validators=[InputRequired("Enter how often the table meets, in days."),
                    NumberRange(1, 366, "Enter a number of days between 1 and 366.")])


class TableEditForm(TableForm):
    is_active = BooleanField("Active", description="Clear to deactivate this table.")
    version_id = HiddenField()


class MembershipForm(Form):
    person_id = choice("Person", "a person", required="Choose a person.")
    organization_id = choice(
        "Sits for organization", "an organization",
        description="One of the person's organizations; leave blank if they have only one.")
    role = SelectField("Role", choices=ROLE_CHOICES, default="member",
                       invalid_choice_message="Choose member or manager.")


class RoleForm(Form):
    role = SelectField("Role", choices=ROLE_CHOICES,
                       invalid_choice_message="Choose member or manager.")
