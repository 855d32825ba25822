"""Forms for signing in, passwords, accounts and the audit filter."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from coalition.core.db import MAX_RECORD_ID
from coalition.core.models import SITE_ROLE_LABELS

ROLE_CHOICES = [SelectChoice(code, label) for code, label in SITE_ROLE_LABELS.items()]


def optional_int(value):
    """Coerce a select's value to int, with '' meaning None."""
    if value in (None, "", "None"):
        return None
    number = int(value)
    if not 0 < number <= MAX_RECORD_ID:
        raise ValueError("not a record id")
    return number


def no_control_characters(form, field):
    """Refuse NUL and other control characters (PostgreSQL cannot store NUL in text)."""
    if field.data and any(ord(char) < 32 or 127 <= ord(char) < 160 for char in field.data):
        raise ValidationError("Remove the invisible control characters from this field.")


class LoginForm(FlaskForm):
    email = StringField("Email", validators=[InputRequired("Enter your e-mail address."),
                                             Length(max=254), no_control_characters])
    password = PasswordField("Password", validators=[InputRequired("Enter your password."),
                                                     Length(max=256)])
    next = HiddenField()
    submit = SubmitField("Sign in")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Length(max=256)],
    )
    new_password = PasswordField(
        "New password", validators=[InputRequired("Enter a new password."), Length(max=256)],
        description="At least 12 characters. A phrase of several words is easy to remember.",
    )
    confirm_password = PasswordField(
        "Repeat the new password", validators=[InputRequired("Repeat the new password.")]
    )
    submit = SubmitField("Change password")

    def validate_confirm_password(self, field):
        if field.data != self.new_password.data:
            raise ValidationError("The two new passwords do not match.")


class UserForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired("Enter a name."), Length(max=120),
                                           no_control_characters])
    email = EmailField("Email", validators=[
        InputRequired("Enter an e-mail address."), Length(max=254),
        Email("Enter a valid e-mail address, like name@agency.org.", check_deliverability=False),
    ])
    site_role = SelectField("Role", choices=ROLE_CHOICES,
                            validators=[InputRequired("Choose a role.")],
                            invalid_choice_message="Choose a role from the list.")
    person_id = SelectField("Person in the roster", coerce=optional_int, validators=[Optional()],
                            validate_choice=True,
                            invalid_value_message="Choose a person from the list.",
                            invalid_choice_message="Choose a person from the list.")
    version_id = HiddenField()
    submit = SubmitField("Save account")


class ConfirmForm(FlaskForm):
    """An empty form for POST buttons (deactivate, reset password, remove...): CSRF only."""

    submit = SubmitField("Confirm")


# Dates outside this range are refused rather than passed on to date arithmetic and SQL.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
BAD_DATE = "Enter a date as YYYY-MM-DD, for example 2025-03-31."
LARGEST_ID = 2**31 - 1


def _date_in_range(form, field):
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}.")


class UserFilterForm(FlaskForm):
    """Search and filters of the account list (a GET form)."""

    class Meta:
        csrf = False  # a GET filter form changes nothing

    q = StringField("Name or e-mail contains",
                    validators=[Optional(), Length(max=200), no_control_characters])
    role = SelectField("Role", choices=[SelectChoice("", "Any role")] + ROLE_CHOICES,
                       validators=[Optional()], validate_choice=True,
                       invalid_choice_message="Choose a role from the list.")
    active = SelectField("Status",
                         choices=[SelectChoice("", "Active and inactive"),
                                  SelectChoice("1", "Active only"),
                                  SelectChoice("0", "Inactive only")],
                         validators=[Optional()], validate_choice=True,
                         invalid_choice_message="Choose a status from the list.")
    submit = SubmitField("Search")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter form changes nothing

    user_id = SelectField("User", coerce=optional_int, validators=[Optional()],
                          validate_choice=True,
                          invalid_value_message="Choose a user from the list.",
                          invalid_choice_message="Choose a user from the list.")
    object_type = SelectField("Object type", validators=[Optional()], validate_choice=True,
                              invalid_choice_message="Choose an object type from the list.")
    object_id = IntegerField(
        "Object id",
        validators=[Optional(), NumberRange(min=1, max=LARGEST_ID, message="Enter an id number.")],
    )
    action = SelectField("Action", validators=[Optional()], validate_choice=True,
                         invalid_choice_message="Choose an action from the list.")
    date_from = DateField("From", validators=[Optional(), _date_in_range],
                          invalid_value_message=BAD_DATE)
    date_to = DateField("To", validators=[Optional(), _date_in_range],
                        invalid_value_message=BAD_DATE)
    submit = SubmitField("Filter")

    def validate_date_to(self, field):
        start = self.date_from.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError("The end date is before the start date.")
