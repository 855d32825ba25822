"""Form building blocks every domain uses: the base form, select choices, id coercion, dates.

Forms check shape only (required, length, choice offered, a real date in a sensible range); the
services check the business rules. :class:`Form` runs the text check of ``core.text`` on every
text field it has, so no form can let a NUL or a direction override through.
"""

from __future__ import annotations

from datetime import date, datetime

import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DateField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.widgets import Select as SelectWidget

from coalition.core import text
from coalition.core.db import valid_id

DATE_MESSAGE = "Enter a real date, like 2025-03-31."
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
TEXT_FIELD_TYPES = frozenset({"StringField", "TextAreaField", "SearchField", "EmailField",
                              "TelField", "URLField"})


class Form(FlaskForm):
    """The base of every form: each text field is refused when it holds characters that cannot
    be stored or shown safely (``core.text.problem``)."""

    def validate(self, extra_validators=None):
        extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
        for field in self:
            if field.type in TEXT_FIELD_TYPES:
                extra.setdefault(field.name, []).append(_plain_text)
        return super().validate(extra_validators=extra)


def _plain_text(form, field) -> None:
    value = field.data if isinstance(field.data, str) else None
    message = text.problem(value, multiline=isinstance(field, TextAreaField))
    if message:
        raise ValidationError(message)


class FilterForm(Form):
    """A GET filter form: it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False


class OptionsSelect(SelectWidget):
    """wtforms' select, each plain option (one without attributes of its own) written as the
    widget writes it but in one step: the agency and people lists have 50 to 150 options, and
    the generic attribute writer costs ~6 µs an option."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        return Markup(  # noqa: S704 - the value and the label are escaped here
            f'<option{" selected" if choice.selected else ""} value="{escape(value)}">'
            f'{escape(choice.label or choice.value)}</option>')


class SelectField(wtforms.SelectField):
    """A select rendered by :class:`OptionsSelect`."""

    widget = OptionsSelect()


def options(pairs, *, blank: str | None = None) -> list[SelectChoice]:
    """Select options from ``(value, label)`` pairs, with an optional empty first option."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(str(value), label) for value, label in pairs]


def record_id(value):
    """Coerce a select's value to a row id, '' meaning None; anything else is refused."""
    if value in (None, "", "None"):
        return None
    number = valid_id(int(value)) if str(value).isascii() else None
    if number is None:
        raise ValueError("not a record id")
    return number


def strip(value):
    return value.strip() if isinstance(value, str) else value


def most(limit: int) -> Length:
    return Length(max=limit, message=f"Use at most {limit} characters.")


def choice(label: str, noun: str, *, required: str | None = None, **kwargs) -> SelectField:
    """A select whose value is an id (or blank); anything not offered gets one clear message."""
    message = f"Choose {noun} from the list."
    validators = [InputRequired(required)] if required else [Optional()]
    return SelectField(label, coerce=record_id, validators=validators,
                       invalid_value_message=message, invalid_choice_message=message, **kwargs)


def checkboxes(label: str, *, message: str = "Choose from the list.",
               **kwargs) -> SelectMultipleField:
    """A list of checkboxes, none required; choices given here (codes) or by the view (record
    ids, with ``coerce=record_id``)."""
    return SelectMultipleField(label, widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput(), validators=[Optional()],
                               invalid_choice_message=message, **kwargs)


def checkbox_options(field, *, inline: bool = True) -> Markup:
    """The checkboxes of a multiple-choice field in Bootstrap's markup, as the widgets render
    them one by one (an agency list has 150 of them, and the widgets cost ~8 µs each)."""
    css = "form-check-input" + (" is-invalid" if field.errors else "")
    wrapper = "form-check form-check-inline" if inline else "form-check"
    choices = list(field._iter_choices_normalized())
    if field.render_kw or field.flags.required or field.flags.disabled or any(
            choice.render_kw for choice in choices):
        return Markup("").join(
            Markup('<div class="{}">{} {}</div>\n').format(
                wrapper, option(class_=css), option.label(class_="form-check-label"))
            for option in field)
    name, prefix = escape(field.name), escape(field.id)
    return Markup("".join(  # noqa: S704 - every value in it is escaped here
        f'<div class="{wrapper}"><input{" checked" if choice.selected else ""} class="{css}" '
        f'id="{prefix}-{number}" name="{name}" type="checkbox" value="{escape(choice.value)}"> '
        f'<label class="form-check-label" for="{prefix}-{number}">'
        f'{escape(choice.label or choice.value)}</label></div>\n'
        for number, choice in enumerate(choices)))


def notes_field(label: str = "Notes", limit: int = 5000, **kwargs) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), most(limit)], filters=[strip],
                         render_kw={"rows": 4}, **kwargs)


def within_dates(earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE):
    """A validator refusing dates outside ``earliest``..``latest`` with a clear message (a year
    typed as 9999 or 0202 is a typing error, and date arithmetic on it would fail)."""
    def check(form, field):
        value = field.data.date() if isinstance(field.data, datetime) else field.data
        if isinstance(value, date) and not earliest <= value <= latest:
            raise ValidationError(f"Enter a date between {earliest.year} and {latest.year}.")
    return check


def date_field(label: str, *, required: str | None = None, **kwargs) -> DateField:
    """A date input in a sensible range (1900–2100): required with ``required`` as message."""
    first = InputRequired(required) if required else Optional()
    return DateField(label, validators=[first, within_dates(), *kwargs.pop("validators", [])],
                     invalid_value_message=DATE_MESSAGE, **kwargs)
