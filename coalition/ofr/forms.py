"""Fatality review forms: shape only (a value from the list, a real date, a length). Every fact
may stay "Unknown" or empty; the rules between them are checked by the services."""

from __future__ import annotations

from functools import lru_cache

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from coalition.core.fields import (
    FilterForm,
    Form,
    SelectField,
    checkboxes,
    choice,
    date_field,
    most,
    notes_field,
    options,
    record_id,
    strip,
)
from coalition.ofr.models import (
    CASE_STATUSES,
    CRITERION_RESULTS,
    ETHNICITIES,
    MANNERS,
    NALOXONE_BY,
    PLACES,
    RACES,
    RELEASES,
    SEXES,
    TRISTATE,
)

UNKNOWN_FIRST = "unknown"


def _code(label: str, vocabulary: dict, **kwargs) -> SelectField:
    pairs = [(UNKNOWN_FIRST, vocabulary[UNKNOWN_FIRST])] + [
        (code, text) for code, text in vocabulary.items() if code != UNKNOWN_FIRST]
    return SelectField(label, choices=options(pairs), default=UNKNOWN_FIRST,
                       invalid_choice_message="Choose from the list (or Unknown).", **kwargs)


def _yes_no(label: str) -> SelectField:
    return _code(label, TRISTATE)


def _number(label: str, high: int, **kwargs) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(
        0, high, f"Enter a number from 0 to {high}, or leave it empty if unknown.")],
        invalid_value_message="Enter a whole number, or leave it empty if unknown.", **kwargs)


class CaseForm(Form):
    """A death's facts: what the medical examiner reports, and the circumstances."""

    date_of_death = date_field("Date of death")
    age = _number("Age at death", 120)
    sex = _code("Sex", SEXES)
    race = _code("Race", RACES)
    ethnicity = _code("Ethnicity", ETHNICITIES)
    county_of_residence = StringField("County of residence", filters=[strip],
                                      validators=[Optional(), most(100)])
    county_of_death = StringField("County of death", filters=[strip],
                                  validators=[Optional(), most(100)])
    place_of_death = _code("Place of death", PLACES)
    manner = _code("Manner of death", MANNERS)
    cause_substance_ids = checkboxes("Substances: cause of death", coerce=record_id)
    present_substance_ids = checkboxes("Substances: present, not the cause", coerce=record_id)
    bystander_present = _yes_no("Bystander present")
    naloxone_administered = _yes_no("Naloxone administered")
    naloxone_by = _code("Naloxone given by", NALOXONE_BY)
    naloxone_doses = _number("Naloxone doses", 50)
    prior_overdoses = _number("Prior non-fatal overdoses", 500)
    last_prior_overdose_on = date_field("Last prior overdose")
    recent_release = _code("Recent release from", RELEASES)
    released_on = date_field("Released on")
    housing_instability = _yes_no("Housing instability")
    moud_ever = _yes_no("MOUD ever")
    moud_at_death = _yes_no("MOUD at death")
    mental_health_diagnosis = _yes_no("Mental health diagnosis")
    chronic_pain = _yes_no("Chronic pain")
    veteran = _yes_no("Veteran")
    pregnant_postpartum = _yes_no("Pregnant or postpartum")
    version_id = HiddenField()


class IdentityForm(Form):
    """Restricted identifiers: stored encrypted, shown only by an audited reveal."""

    name = StringField("Name", filters=[strip], validators=[Optional(), most(200)])
    birth_date = date_field("Date of birth")
    me_case_number = StringField("Medical examiner case number", filters=[strip],
                                 validators=[Optional(), most(60)])
    address = StringField("Address", filters=[strip], validators=[Optional(), most(300)])
    cause_narrative = notes_field("Cause of death narrative", limit=4000)


class StatusForm(Form):
    status = SelectField("Move to", choices=options(CASE_STATUSES.items()),
                         invalid_choice_message="Choose a status from the list.",
                         validators=[InputRequired("Choose a status.")])
    reason = StringField("Reason for excluding", filters=[strip],
                         validators=[Optional(), most(1000)],
                         description="Needed to exclude: e.g. open prosecution, out of "
                                     "jurisdiction.")


class SelectForm(Form):
    meeting_id = choice("Meeting", "a coming meeting of this table",
                        description="Leave empty to take the case off its meeting.")


class RequestForm(Form):
    organization_ids = checkboxes("Agencies to ask", coerce=record_id,
                                  description="The agencies seated at the table.")
    other_agency = StringField("Another agency", filters=[strip],
                               validators=[Optional(), most(200)],
                               description="An agency not seated at the table: its name as the "
                                           "roster has it.")
    requested_on = date_field("Requested on")
    due_on = date_field("Due on", description="Leave empty for the table's default.")
    is_part2 = BooleanField("Substance use treatment records (42 CFR Part 2)")


class AnswerForm(Form):
    received_on = date_field("Received on")
    nothing_found = BooleanField("Nothing found")
    is_part2 = BooleanField("42 CFR Part 2 records")
    note = StringField("Note", filters=[strip], validators=[Optional(), most(1000)])


class TouchpointForm(Form):
    """A touchpoint, typed in the meeting: few fields, the date as exact, a month or a year."""

    occurred = StringField("When", filters=[strip],
                           validators=[InputRequired("Enter when it happened."), most(10)],
                           description="2026-03-14, or 2026-03 for a month, or 2026 for a year.")
    type_id = choice("Touchpoint", "a kind of touchpoint", required="Choose the touchpoint.")
    organization_id = choice("Agency", "an agency")
    other_agency = StringField("Another agency", filters=[strip],
                               validators=[Optional(), most(200)],
                               description="One not in the list: its name, in place of the "
                                           "agency chosen.")
    sector_id = choice("Sector", "a sector", description="Left empty: the agency's sector.")
    stage_id = choice("Continuum stage", "a stage")
    description = StringField("What happened (no names)", filters=[strip],
                              validators=[Optional(), most(500)])
    source_record = StringField("Source record", filters=[strip],
                                validators=[Optional(), most(200)])
    is_part2 = BooleanField("From a 42 CFR Part 2 record")
    is_missed_opportunity = BooleanField("A missed opportunity")
    gap_type_id = choice("Gap type", "a gap type")
    rationale = TextAreaField("Why it was missed", filters=[strip], render_kw={"rows": 2},
                              validators=[Optional(), most(2000)])


class CaseActionForm(Form):
    title = StringField("Action item", filters=[strip],
                        validators=[InputRequired("Enter what is to be done."), most(200)])
    owner_id = choice("Owner", "an owner", required="Choose who owns this action item.")
    due_on = date_field("Due on", required="Enter the due date.")


class SettingsForm(Form):
    records_due_days = IntegerField(
        "Records are due after (days)", invalid_value_message="Enter a whole number of days.",
        validators=[InputRequired("Enter a number of days."),
                    NumberRange(1, 365, "Enter a number of days from 1 to 365.")])
    completeness_threshold = IntegerField(
        "Completeness threshold (%)", invalid_value_message="Enter a whole number.",
        validators=[InputRequired("Enter a percentage."),
                    NumberRange(0, 100, "Enter a percentage from 0 to 100.")],
        description="Cases below it are listed for data quality.")


class CriterionForm(Form):
    label = StringField("New criterion", filters=[strip],
                        validators=[InputRequired("Enter the criterion."), most(200)])


class CaseFilterForm(FilterForm):
    status = SelectField("Status", default="open",
                         choices=options([("open", "Open (not closed or excluded)"),
                                          ("all", "All"), *CASE_STATUSES.items()]),
                         invalid_choice_message="Choose a status from the list.")
    month = StringField("Month of death", filters=[strip], validators=[Optional(), most(7)],
                        description="Like 2026-03.")
    criterion = choice("Selection criterion", "a criterion")
    result = SelectField("Answer", default="met", choices=options(CRITERION_RESULTS.items()),
                         invalid_choice_message="Choose met, not met or unknown.")


@lru_cache(maxsize=256)
def _criteria_form_class(criteria: tuple[tuple[int, str], ...]) -> type[Form]:
    """The form class of a checklist (``(id, label)`` of its criteria), made once per
    checklist: a form class is only a description of its fields."""

    class CriteriaForm(Form):
        pass

    for criterion_id, label in criteria:
        setattr(CriteriaForm, f"criterion_{criterion_id}", SelectField(
            label, choices=options(CRITERION_RESULTS.items()),
            invalid_choice_message="Answer met, not met or unknown."))
    return CriteriaForm


def criteria_form(criteria, answers: dict[int, str], *, formdata=None):
    """One select per criterion of the checklist (met, not met, unknown)."""
    form_class = _criteria_form_class(tuple((c.id, c.label) for c in criteria))
    if formdata is None:
        return form_class(formdata=None, data={f"criterion_{c.id}": answers.get(c.id, "unknown")
                                               for c in criteria})
    return form_class(formdata=formdata)
