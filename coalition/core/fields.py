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
from wtforms.widgets import CheckboxInput, Input, ListWidget, TextArea
from wtforms.widgets import Select as SelectWidget
from wtforms.widgets.core import clean_key

from coalition.core import text
from coalition.core.choices import plain_options
from coalition.core.db import valid_id

DATE_MESSAGE = "Enter a real date, like 2025-03-31."
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
TEXT_FIELD_TYPES = frozenset({"StringField", "TextAreaField", "SearchField", "EmailField",
                              "TelField", "URLField"})


def html_attributes(kwargs: dict) -> str:
    """wtforms' ``html_params`` in one pass: the same attributes, sorted by name, ``True`` as a
    bare attribute, ``False`` left out, every value escaped (a quote too, even in Markup)."""
    written = []
    for key in sorted(kwargs):
        value = kwargs[key]
        if value is False:
            continue
        name = clean_key(key)
        written.append(name if value is True
                       else f'{name}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return " ".join(written)


def validation_attributes(widget, field, kwargs: dict, *, call: bool) -> None:
    """Add the field's flags that ``widget`` writes as attributes (``required``, ``maxlength``...)
    to ``kwargs``, unless given there; with ``call`` a callable flag is written as its value."""
    for name, value in vars(field.flags).items():
        if name in widget.validation_attrs and name not in kwargs:
            kwargs[name] = value() if call and callable(value) else value


def _fast_input(widget, field, kwargs: dict) -> Markup:
    """``Input.__call__`` (text, search, e-mail, hidden...), written without its per-call
    ``dir()`` and per-attribute ``Markup.format``."""
    kwargs.setdefault("id", field.id)
    kwargs.setdefault("type", widget.input_type)
    if "value" not in kwargs:
        kwargs["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in kwargs:
        kwargs["list"] = datalist if isinstance(datalist, str) else datalist.id
    validation_attributes(widget, field, kwargs, call=True)
    kwargs["name"] = field.name
    return Markup(f"<input {html_attributes(kwargs)}>")  # noqa: S704 - escaped in html_attributes


def _fast_textarea(widget, field, kwargs: dict) -> Markup:
    kwargs.setdefault("id", field.id)
    validation_attributes(widget, field, kwargs, call=False)
    kwargs["name"] = field.name
    return Markup(  # noqa: S704 - escaped here and in html_attributes
        f"<textarea {html_attributes(kwargs)}>\r\n{escape(field._value())}</textarea>")


def _fast_select(widget, field, kwargs: dict, options: str | None = None) -> Markup:
    """``Select.__call__`` for a single choice without option groups, each plain option
    written in one step (``OptionsSelect.render_option``); ``options`` when already written
    (by :func:`plain_options`)."""
    kwargs.setdefault("id", field.id)
    validation_attributes(widget, field, kwargs, call=False)
    kwargs["name"] = field.name
    if options is None:
        render = OptionsSelect.render_option
        options = "".join(render(choice) for choice in field._iter_choices_normalized())
    return Markup(f"<select {html_attributes(kwargs)}>{options}</select>")  # noqa: S704


def _fast_renderer(widget):
    """The one-pass writer for widgets that render as wtforms' own classes do, else None."""
    kind = type(widget)
    if kind.__call__ is Input.__call__:
        return _fast_input
    if kind.__call__ is TextArea.__call__:
        return _fast_textarea
    if kind is SelectWidget and not widget.multiple:
        return _fast_select
    return None


class Form(FlaskForm):
    """The base of every form: each text field is refused when it holds characters that cannot
    be stored or shown safely (``core.text.problem``). Its inputs and text areas are written
    by one-pass equivalents of wtforms' widgets (the same markup: a test compares them)."""

    class Meta:
        def render_field(self, field, render_kw):
            other = getattr(field, "render_kw", None)
            if other is not None:
                render_kw = dict(other, **render_kw)
            fast = _fast_renderer(field.widget)
            if fast is _fast_select and "name" not in render_kw:
                options = plain_options(field)
                if options is not None:
                    return _fast_select(field.widget, field, dict(render_kw), options)
            if fast is None or "name" in render_kw or (
                    fast is _fast_select and field.has_groups()):
                return field.widget(field, **render_kw)
            return fast(field.widget, field, dict(render_kw))

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

    def __call__(self, field, **kwargs):
        if self.multiple or "name" in kwargs:
            return super().__call__(field, **kwargs)
        options = plain_options(field)
        if options is None and field.has_groups():
            return super().__call__(field, **kwargs)
        return _fast_select(self, field, kwargs, options)

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        return Markup(  # noqa: S704 - the value and the label are escaped here
            f'<option{" selected" if choice.selected else ""} value="{escape(value)}">'
            f'{escape(choice.label or choice.value)}</option>')


class SelectField(wtforms.SelectField):
    """A select rendered by :class:`OptionsSelect`; kept choices (:class:`KeptChoices`) are
    checked against what is kept rather than option by option."""

    widget = OptionsSelect()

    def pre_validate(self, form):
        choices = self.choices
        source = getattr(choices, "kept_source", None)
        if (source is not None and not self.process_errors and self.validate_choice
                and type(self)._iter_choices_normalized
                is wtforms.SelectField._iter_choices_normalized and source.holds(choices)):
            offered = source.offers(self.coerce, self.data)
            if offered is not None:
                if not offered:
                    raise ValidationError(self.invalid_choice_message
                                          or self.gettext("Not a valid choice."))
                return
        super().pre_validate(form)


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
