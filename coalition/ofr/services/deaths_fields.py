"""What a column of a deaths file can fill, how its cells are read, and what checking a file
produces (its columns, the valid rows, every row as the preview shows it, the problems).

A column maps to a case fact (``date_of_death``, ``manner``...), an identifier (``name``,
``me_case_number``..., stored encrypted), a substance flag (``substance:<code>`` of the
``substance`` vocabulary) or nothing. Cells are read as medical examiner and vital-records
exports write them: US and ISO dates with or without a time, ages like "34 Years", coded values
in their common spellings ("M", "ACCIDENTAL", "Non-Hispanic", "Decedent's residence"), Y/N/U
answers, and Y/blank flags. A blank cell is unknown. Pure functions: no database, no request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from coalition.core.errors import ServiceError
from coalition.ofr.models import (
    ETHNICITIES,
    MANNERS,
    NALOXONE_BY,
    PLACES,
    RACES,
    RELEASES,
    SEXES,
    TRISTATE,
)
from coalition.ofr.services.cases import NUMBER_FIELDS, TRISTATE_FIELDS

IGNORE = ""
SUBSTANCE = "substance:"
FACT_LABELS = {
    "date_of_death": "Date of death", "age": "Age at death",
    "age_unit": "Age unit (years, months, days…)", "sex": "Sex", "race": "Race",
    "ethnicity": "Ethnicity (Hispanic or not)", "county_of_death": "County of death",
    "county_of_residence": "County of residence", "place_of_death": "Place of death",
    "manner": "Manner of death", "bystander_present": "Bystander present",
    "naloxone_administered": "Naloxone administered", "naloxone_by": "Naloxone given by",
    "naloxone_doses": "Naloxone doses", "prior_overdoses": "Prior non-fatal overdoses",
    "last_prior_overdose_on": "Last prior overdose (date)", "recent_release": "Recent release from",
    "released_on": "Released on (date)", "housing_instability": "Housing instability",
    "moud_ever": "MOUD ever", "moud_at_death": "MOUD at death",
    "mental_health_diagnosis": "Mental health diagnosis", "chronic_pain": "Chronic pain",
    "veteran": "Veteran", "pregnant_postpartum": "Pregnant or postpartum",
}
IDENTITY_LABELS = {
    "me_case_number": "Case number (medical examiner or certificate)", "name": "Full name",
    "first_name": "First name", "middle_name": "Middle name", "last_name": "Last name",
    "birth_date": "Date of birth", "address": "Address (several columns are joined)",
    "cause_narrative": "Cause of death narrative (several columns are joined)",
}
MULTI_TARGETS = frozenset({"address", "cause_narrative"})  # several columns, joined
DATE_TARGETS = frozenset({"date_of_death", "last_prior_overdose_on", "released_on",
                          "birth_date"})
CODED = {"sex": SEXES, "race": RACES, "ethnicity": ETHNICITIES, "place_of_death": PLACES,
         "manner": MANNERS, "naloxone_by": NALOXONE_BY, "recent_release": RELEASES,
         **dict.fromkeys(TRISTATE_FIELDS, TRISTATE)}

DATE_MESSAGE = ("Enter a date like 06/12/2016, 2016-06-12 or June 12, 2016 (a time after it is "
                "ignored), or leave it blank if unknown.")
FLAG_MESSAGE = ("Use Y (or Yes, X, 1, TRUE, Positive) when the substance was found; blank, N, "
                "No or 0 when not.")


class CellProblem(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


def norm(text: str) -> str:
    """Case, punctuation and spacing ignored: "Decedent's  Residence" → "decedent s residence"."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def shown(value: str, limit: int = 40) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[:limit - 1] + "…"


# --- what a check produces -------------------------------------------------------------------

@dataclass
class Column:
    index: int
    name: str  # as the header says it (shortened for screens)
    key: str  # what the remembered mapping is keyed by
    sample: str = ""


@dataclass
class DeathsFile:
    columns: list[Column] = field(default_factory=list)
    records: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, cells)
    file_errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class Filters:
    county: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class ParsedDeath:
    """One valid row, ready to become a case."""

    line: int
    facts: dict
    identity: dict[str, str]
    substance_ids: list[int]
    source_key: str | None


@dataclass
class PreviewLine:
    line: int
    shown: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    key: str | None = None

    @property
    def is_valid(self) -> bool:
        return not self.problems


@dataclass
class DeathsCheck:
    file: DeathsFile
    mapping_errors: list[tuple[str | None, str]] = field(default_factory=list)
    rows: list[ParsedDeath] = field(default_factory=list)
    lines: list[PreviewLine] = field(default_factory=list)
    skipped_county: int = 0
    skipped_period: int = 0
    skipped_undated: int = 0
    duplicates: int = 0
    ignored: list[str] = field(default_factory=list)

    @property
    def file_errors(self) -> list[str]:
        return self.file.file_errors

    @property
    def skipped(self) -> int:
        return self.skipped_county + self.skipped_period + self.skipped_undated

    @property
    def valid_count(self) -> int:
        return sum(1 for line in self.lines if line.is_valid)

    @property
    def invalid_count(self) -> int:
        return len(self.lines) - self.valid_count

    @property
    def row_errors(self) -> dict[int, list[str]]:
        return {line.line: [f"{column}: {message}" for column, message in line.problems]
                for line in self.lines if line.problems}

    @property
    def ok(self) -> bool:
        return (not self.file_errors and not self.mapping_errors and bool(self.rows)
                and self.invalid_count == 0)


class DeathsRejected(ServiceError):
    """The file, the mapping or a row is invalid; ``check`` says where. Nothing was saved."""

    def __init__(self, message: str, check: DeathsCheck | None = None):
        super().__init__(message, field="file")
        self.check = check


# --- dates -------------------------------------------------------------------------------------

_TIME = (r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
         r"(?:Z|[+-]\d{2}:?\d{2})?)?")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)
_US = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NAMED = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME)
_NAMED_DMY = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ ,-]+(\d{4}|\d{2})" + _TIME)
MONTHS = {name: number for number, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"),
    start=1) for name in names.split()}


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:  # 06/12/16 is 2016; 06/12/52 (a birth date) is 1952
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def parse_date(value: str, today: date) -> date | None:
    """A date as exports write it, or None when blank; raises :class:`CellProblem`."""
    text = value.strip()
    if not text:
        return None
    parts = None
    if match := _ISO.fullmatch(text) or _COMPACT.fullmatch(text):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _US.fullmatch(text):
        parts = (_year(match[3], today), int(match[1]), int(match[2]))
    elif (match := _NAMED.fullmatch(text)) and match[1].casefold() in MONTHS:
        parts = (int(match[3]), MONTHS[match[1].casefold()], int(match[2]))
    elif (match := _NAMED_DMY.fullmatch(text)) and match[2].casefold() in MONTHS:
        parts = (_year(match[3], today), MONTHS[match[2].casefold()], int(match[1]))
    if parts is None:
        raise CellProblem(DATE_MESSAGE)
    try:
        return date(*parts)
    except ValueError:
        raise CellProblem("This is not a real date (check the day and month). "
                          + DATE_MESSAGE) from None


# --- numbers -----------------------------------------------------------------------------------

UNKNOWN_WORDS = ("u", "unk", "unknown", "not known", "not stated", "not specified", "n a",
                 "missing", "not recorded", "not documented")
_AGE = re.compile(r"(\d{1,3})(?:\.0+)?\s*([a-z]*)\.?")
AGE_UNITS = {**dict.fromkeys(("", "y", "yr", "yrs", "year", "years", "yo", "yoa"), "years"),
             **dict.fromkeys(("m", "mo", "mos", "month", "months"), "months"),
             **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
             **dict.fromkeys(("d", "day", "days"), "days"),
             **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
             **dict.fromkeys(("min", "mins", "minute", "minutes"), "minutes")}
AGE_MESSAGE = ('Enter the age in years, like "34" or "34 Years" (an infant: "6 Months"), or '
               "leave it blank if unknown.")


def parse_age(value: str) -> tuple[int | None, str]:
    """``(number, unit)`` from "34", "34 Years", "6 Months"; ``(None, "years")`` when blank."""
    text = value.strip().casefold()
    if not text or norm(text) in UNKNOWN_WORDS:
        return None, "years"
    match = _AGE.fullmatch(text)
    if not match or match[2] not in AGE_UNITS:
        raise CellProblem(AGE_MESSAGE)
    return int(match[1]), AGE_UNITS[match[2]]


def parse_age_unit(value: str) -> str:
    word = norm(value)
    if not word or word in UNKNOWN_WORDS:
        return "years"
    if word not in AGE_UNITS:
        raise CellProblem("Use Years, Months, Weeks, Days, Hours or Minutes, or leave it blank.")
    return AGE_UNITS[word]


def parse_count(value: str, field: str) -> int | None:
    low, high, noun = NUMBER_FIELDS[field]
    text = value.strip()
    if not text or norm(text) in UNKNOWN_WORDS:
        return None
    match = re.fullmatch(r"(\d{1,4})(?:\.0+)?", text)
    if not match or not low <= int(match[1]) <= high:
        raise CellProblem(f"Enter {noun} from {low} to {high}, or leave it blank if unknown.")
    return int(match[1])


# --- coded values ------------------------------------------------------------------------------

SPELLINGS = {
    "sex": {"male": "m|man|males", "female": "f|woman|females",
            "other": "x|o|non binary|nonbinary|intersex"},
    "race": {"white": "w|caucasian|white alone", "asian": "a|asian alone|asian american",
             "black": "b|black|african american|black african american|afr american|aa",
             "american_indian_alaska_native": "i|ai|aian|ai an|american indian|alaska native|"
             "american indian alaska native|native american|indigenous",
             "native_hawaiian_pacific_islander": "p|nhpi|pacific islander|native hawaiian|"
             "native hawaiian or other pacific islander|hawaiian",
             "multiple": "multiracial|multi racial|mixed|two or more races|2 or more races|"
             "biracial|multiple races", "other": "o|other race|some other race"},
    "ethnicity": {"hispanic": "h|y|yes|hispanic latino|latino|latina|latinx|mexican|"
                              "puerto rican|cuban|hispanic or latino a",
                  "not_hispanic": "n|no|nh|non hispanic|not hispanic|non hispanic latino|"
                                  "not hispanic latino|non latino|not latino|"
                                  "non hispanic or latino|not hispanic or latino a"},
    "place_of_death": {
        "own_residence": "residence|home|decedent residence|decedent s residence|"
        "decedents residence|own home|decedent home|decedent s home|house|apartment",
        "other_residence": "other residence|another residence|other s residence|"
        "others residence|friend s residence|friends residence|relative s residence|"
        "residence of another|someone else s residence|other private residence",
        "hotel_motel": "hotel|motel", "vehicle": "car|automobile|motor vehicle|truck",
        "outdoors": "outside|outdoor|street|park|alley|sidewalk|woods|wooded area|parking lot|"
        "street highway|highway|roadway|encampment",
        "hospital": "er|ed|emergency room|emergency department|hospital er|hospital ed|"
        "hospital inpatient|inpatient|outpatient|er outpatient|hospital er outpatient|doa|"
        "dead on arrival|hospital doa",
        "custody": "jail|prison|jail prison|correctional facility|detention|in custody|"
        "police custody", "treatment_facility": "treatment center|rehab|detox|sober living|"
        "recovery residence|treatment", "shelter": "homeless shelter|emergency shelter",
        "other": "nursing home|long term care|hospice|workplace|business|public building|"
        "other place"},
    "manner": {"accident": "a|acc|accidental|unintentional|accident unintentional",
               "suicide": "s|intentional self harm|self harm", "homicide": "h|hom|homicidal",
               "undetermined": "c|und|undet|could not be determined|cannot be determined|"
                               "undetermined intent", "pending": "p|pend|under investigation"},
    "naloxone_by": {"bystander": "family|friend|layperson|lay person|peer|public",
                    "ems": "fire|fire ems|paramedic|paramedics|ambulance|emt",
                    "police": "law enforcement|le|officer|sheriff|police officer|pd",
                    "hospital": "er|ed|emergency department|emergency room|hospital staff"},
    "recent_release": {"none": "no|n|none known|not released|no release",
                       "jail": "county jail", "prison": "state prison|doc",
                       "residential_treatment": "residential|treatment|rehab|detox|"
                                                "treatment facility",
                       "hospital": "er|ed|psychiatric hospital|inpatient"},
    "tristate": {"yes": "y|t|true|1|x|positive|pos|checked",
                 "no": "n|f|false|0|negative|neg|unchecked|none",
                 "unknown": "9|not applicable|na"},
}
CODE_NOUNS = {"sex": "sex", "race": "race", "ethnicity": "ethnicity",
              "place_of_death": "place of death", "manner": "manner of death",
              "naloxone_by": "who gave naloxone", "recent_release": "kind of release"}


def _spellings(vocabulary: dict, extra: dict[str, str]) -> dict[str, str]:
    table = dict.fromkeys(UNKNOWN_WORDS, "unknown")
    table[""] = "unknown"
    for code, label in vocabulary.items():
        table[norm(code)] = table[norm(label)] = code
    for code, words in extra.items():
        table.update(dict.fromkeys((norm(word) for word in words.split("|")), code))
    return table


CODE_SPELLINGS = {field: _spellings(vocabulary, SPELLINGS.get(field, SPELLINGS["tristate"]))
                  for field, vocabulary in CODED.items()}


def parse_code(value: str, field: str) -> str:
    code = CODE_SPELLINGS[field].get(norm(value))
    if code is not None:
        return code
    if field in TRISTATE_FIELDS:
        raise CellProblem("Use Y, N or U (also Yes/No/Unknown, True/False, 1/0), or leave it "
                          "blank if unknown.")
    labels = ", ".join(CODED[field].values())
    raise CellProblem(f"“{shown(value)}” is not a {CODE_NOUNS[field]} this review records: use "
                      f"one of {labels} (or leave it blank).")


FLAG_YES = frozenset({"y", "yes", "x", "1", "1.0", "true", "t", "positive", "pos", "+",
                      "detected", "present"})
FLAG_NO = frozenset({"", "n", "no", "0", "0.0", "false", "f", "negative", "neg", "-",
                     "not detected", "none", "nd"})


def parse_flag(value: str) -> bool:
    word = " ".join(value.casefold().split())
    if word in FLAG_YES:
        return True
    if word in FLAG_NO:
        return False
    raise CellProblem(FLAG_MESSAGE)


def one_line(value: str) -> str:
    """A single-line text with its line breaks and runs of spaces made single spaces."""
    return " ".join(value.split())
