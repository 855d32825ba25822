"""Gap and recommendation forms: shape only (a value from the list, a real date, a length); the
rules between values are the services'."""

from __future__ import annotations

from markupsafe import Markup
from wtforms import HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from coalition.core.fields import (
    FilterForm,
    Form,
    OptionsSelect,
    SelectField,
    checkboxes,
    choice,
    date_field,
    html_attributes,
    most,
    notes_field,
    options,
    record_id,
    strip,
    validation_attributes,
)
from coalition.gaps.models import DECISIONS, GAP_STATUSES, SCOPES, STRATEGIES, TARGET_LEVELS


class KeptOptionsSelect(OptionsSelect):
    """:class:`OptionsSelect` whose options the view may give already written
    (``field.kept_options``, e.g. a table's roster kept per selected value): the same markup."""

    def __call__(self, field, **kwargs):
        written = getattr(field, "kept_options", None)
        if written is None or self.multiple or "name" in kwargs:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        validation_attributes(self, field, kwargs, call=False)
        kwargs["name"] = field.name
        return Markup(f"<select {html_attributes(kwargs)}>{written}</select>")  # noqa: S704


def written_options(field) -> Markup:
    """The options of a select as :class:`OptionsSelect` writes them."""
    return Markup("".join(OptionsSelect.render_option(choice)  # noqa: S704 - escaped there
                          for choice in field._iter_choices_normalized()))


REGISTER_STATUSES = {code: label for code, label in GAP_STATUSES.items() if code != "merged"}


def _select(label: str, pairs: dict, *, blank: str | None = None, **kwargs) -> SelectField:
    return SelectField(label, choices=options(pairs.items(), blank=blank),
                       invalid_choice_message="Choose from the list.", **kwargs)


def multi(label: str, noun: str, **kwargs) -> SelectMultipleField:
    return SelectMultipleField(label, coerce=record_id, validators=[Optional()],
                               invalid_choice_message=f"Choose {noun} from the list.", **kwargs)


class GapForm(Form):
    title = StringField("Gap", filters=[strip],
                        validators=[InputRequired("Name the gap in a few words."), most(200)],
                        description="A weakness of the system, not of one case: e.g. “No "
                                    "naloxone or treatment bridge at jail release”.")
    description = notes_field("Description", limit=4000)
    stage_id = choice("Continuum stage", "a stage")
    gap_type_id = choice("Gap type", "a gap type")
    sector_ids = checkboxes("Sectors where it shows", coerce=record_id)
    status = _select("Status", REGISTER_STATUSES)
    version_id = HiddenField()


class MergeForm(Form):
    into_id = choice("Merge into", "a gap", required="Choose the gap to merge into.",
                     widget=KeptOptionsSelect())


class LinkForm(Form):
    """Link a missed opportunity to an existing gap, or to a new one named here."""

    gap_id = choice("Gap", "a gap")
    title = StringField("Or a new gap", filters=[strip], validators=[Optional(), most(200)])


class GapFilterForm(FilterForm):
    status = _select("Status", {"open": "Open", "all": "All", **REGISTER_STATUSES},
                     default="open")
    stage = choice("Stage", "a stage", widget=KeptOptionsSelect())
    sector = choice("Sector", "a sector", widget=KeptOptionsSelect())
    gap_type = choice("Gap type", "a gap type", widget=KeptOptionsSelect())
    q = StringField("Words", filters=[strip], validators=[Optional(), most(100)])


class RecommendationForm(Form):
    table_id = choice("Table", "a table", required="Choose the table that follows it up.")
    text = TextAreaField("Recommendation", filters=[strip], render_kw={"rows": 4},
                         validators=[InputRequired("Write the recommendation."), most(4000)])
    scope = _select("Scope", SCOPES, validators=[InputRequired("Choose the scope.")])
    target_level = _select("Target level", TARGET_LEVELS, blank="Not set")
    strategy = _select("Strategy", STRATEGIES, blank="Not set")
    stage_id = choice("Continuum stage", "a stage")
    lead_organization_id = choice("Lead agency", "an agency",
                                  description="Needed before the committee endorses it.")
    lead_person_id = choice("Lead person", "a person")
    partner_ids = checkboxes("Partner agencies", coerce=record_id)
    gap_ids = multi("Gaps it addresses", "gaps")
    case_ids = multi("Cases it came from", "cases",
                     description="Shown only to the people seated at each case's team.")
    source_meeting_id = choice("Meeting it came from", "a meeting")
    success_measure = StringField("Success measure", filters=[strip],
                                  validators=[Optional(), most(300)])
    baseline = StringField("Baseline", filters=[strip], validators=[Optional(), most(200)])
    target = StringField("Target", filters=[strip], validators=[Optional(), most(200)])
    version_id = HiddenField()


class UpdateForm(Form):
    status_id = choice("Status", "a status", required="Choose the status.",
                       widget=KeptOptionsSelect())
    updated_on = date_field("As of", description="Today when left empty.")
    note = TextAreaField("What happened", filters=[strip], render_kw={"rows": 2},
                         validators=[Optional(), most(2000)])
    blockers = TextAreaField("What blocks it", filters=[strip], render_kw={"rows": 2},
                             validators=[Optional(), most(2000)])


class DecisionForm(Form):
    decision = _select("Decision", DECISIONS, validators=[InputRequired("Choose the decision.")])
    decision_note = StringField("Note", filters=[strip], validators=[Optional(), most(2000)],
                                description="Needed when it is returned.")


class WorkItemForm(Form):
    title = StringField("Action item", filters=[strip],
                        validators=[InputRequired("Enter what is to be done."), most(200)])
    owner_id = choice("Owner", "an owner", required="Choose who owns this action item.",
                      widget=KeptOptionsSelect())
    due_on = date_field("Due on", required="Enter the due date.")


def _an_id(form, field) -> None:
    """A record id, or nothing."""
    try:
        field.data = record_id(field.data)
    except ValueError as error:
        raise ValidationError("This lead agency link is not valid.") from error


class RecommendationFilterForm(FilterForm):
    status = SelectField("Status", default="", invalid_choice_message="Choose from the list.")
    agency = StringField("Lead agency contains", filters=[strip],
                         validators=[Optional(), most(100)])
    lead = HiddenField(validators=[_an_id])  # one agency by id, from links
    stalled = _select("Show", {"": "All", "stalled": "Stalled only", "active": "Not finished",
                               "finished": "Finished"}, default="")
