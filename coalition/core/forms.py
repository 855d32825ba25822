"""Forms for signing in, passwords, accounts and the audit filter."""

from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SearchField,
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
from coalition.core.fields import FilterForm, Form, date_field, record_id, strip
from coalition.core.models import SITE_ROLE_LABELS

ROLE_CHOICES = [SelectChoice(code, label) for code, label in SITE_ROLE_LABELS.items()]


class LoginForm(Form):
    email = StringField("Email", validators=[InputRequired("Enter your e-mail address."),
                                             Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password."),
                                                     Length(max=256)])
    next = HiddenField()
    submit = SubmitField("Sign in")


class ChangePasswordForm(Form):
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


class UserForm(Form):
    name = StringField("Name", validators=[InputRequired("Enter a name."), Length(max=120)])
    email = EmailField("Email", validators=[
        InputRequired("Enter an e-mail address."), Length(max=254),
        Email("Enter a valid e-mail address, like name@agency.org.", check_deliverability=False),
    ])
    site_role = SelectField("Role", choices=ROLE_CHOICES,
                            validators=[InputRequired("Choose a role.")],
                            invalid_choice_message="Choose a role from the list.")
    person_id = SelectField("Person in the roster", coerce=record_id, validators=[Optional()],
                            validate_choice=True,
                            invalid_value_message="Choose a person from the list.",
                            invalid_choice_message="Choose a person from the list.")
    version_id = HiddenField()
    submit = SubmitField("Save account")


class ConfirmForm(Form):
    """An empty form for POST buttons (deactivate, reset password, remove...): CSRF only."""

    submit = SubmitField("Confirm")


class UserFilterForm(FilterForm):
    """Search and filters of the account list (a GET form)."""

    q = StringField("Name or e-mail contains", validators=[Optional(), Length(max=200)])
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


NO_SUCH_ACCOUNT = "There is no such account: search for the user by name or e-mail."


def _account_id(value):
    try:
        return record_id(value)
    except ValueError:
        raise ValueError(NO_SUCH_ACCOUNT) from None


class AuditFilterForm(FilterForm):
    user = SearchField("User name or e-mail contains",
                       validators=[Optional(), Length(max=200)], filters=[strip])
    # One account's events, as linked from its page (the view checks that the account exists).
    user_id = HiddenField(filters=[_account_id])
    object_type = SelectField("Object type", validators=[Optional()], validate_choice=True,
                              invalid_choice_message="Choose an object type from the list.")
    object_id = IntegerField(
        "Object id",
        validators=[Optional(),
                    NumberRange(min=1, max=MAX_RECORD_ID, message="Enter an id number.")],
    )
    action = SelectField("Action", validators=[Optional()], validate_choice=True,
                         invalid_choice_message="Choose an action from the list.")
    date_from = date_field("From")
    date_to = date_field("To")
    submit = SubmitField("Filter")

    def validate_date_to(self, field):
        start = self.date_from.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError("The end date is before the start date.")
