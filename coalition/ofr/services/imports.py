"""Deaths from a medical examiner's or vital-records export (CSV), imported as cases all or
nothing, and the column mapping remembered per source.

:func:`check_file` reads and checks a file with a mapping and a filter and writes nothing;
:func:`import_deaths` checks it again and creates every case that passes the filter (status
"identified", its facts, the flagged substances as causes of death, the identifiers encrypted
through :func:`store_identity`) or raises :class:`DeathsRejected` and adds nothing. It remembers
the mapping for the source and writes one audit row with counts only; the caller commits.
A file's first mapping is the one remembered for its source, else guessed from the header.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coalition.core import audit
from coalition.core.codes import CODE_ATTEMPTS, latest_number
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.text import clean
from coalition.core.vocab import terms
from coalition.extensions import db
from coalition.ofr.models import DeathImportSource, FatalityCase
from coalition.ofr.services.cases import (
    SUBSTANCE_VOCABULARY,
    code_prefix,
    set_substances,
)
from coalition.ofr.services.deaths_csv import (  # noqa: F401 - the import API in one place
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    Column,
    DeathsCheck,
    DeathsFile,
    DeathsRejected,
    Filters,
    ParsedDeath,
    check_deaths,
    read_deaths_file,
    rejection_message,
    targets,
)
from coalition.ofr.services.deaths_fields import (
    FACT_LABELS,
    IDENTITY_LABELS,
    IGNORE,
    MULTI_TARGETS,
    SUBSTANCE,
    norm,
    one_line,
)
from coalition.ofr.services.identity import store_identity
from coalition.ofr.services.selection import ensure_criteria

SOURCE_MAX = 120
NAME_PARTS = ("first_name", "middle_name", "last_name")


@dataclass
class ImportedDeaths:
    source: DeathImportSource
    count: int
    skipped: int


def substance_terms() -> dict[str, tuple[int, str]]:
    """The substance vocabulary's active terms: code → (term id, label)."""
    return {term.code: (term.id, term.label) for term in terms(SUBSTANCE_VOCABULARY)}


def target_choices(substances: dict[str, tuple[int, str]]
                   ) -> list[tuple[str, str, str | None]]:
    """What a column can be mapped to: ``(value, label, group)``, as the preview offers it."""
    facts, identifiers = "Case facts", "Identifiers (stored encrypted)"
    return [(IGNORE, "Ignore this column", None),
            *((target, label, facts) for target, label in FACT_LABELS.items()),
            *((target, label, identifiers) for target, label in IDENTITY_LABELS.items()),
            *((SUBSTANCE + code, f"Substance flag: {label}", "Substance flags (Y = a cause)")
              for code, (_, label) in substances.items())]


def check_file(table, data: bytes, *, mapping: dict[int, str], filters: Filters,
               substances: dict[str, tuple[int, str]] | None = None) -> DeathsCheck:
    """Read and check ``data`` as it would be imported at ``table``; nothing is written."""
    return check_deaths(read_deaths_file(data), table=table, mapping=mapping, filters=filters,
                        substances=substance_terms() if substances is None else substances)


# --- sources and their remembered mapping ------------------------------------------------------

def clean_source_name(name) -> str:
    return clean(one_line(name) if isinstance(name, str) else name, field="source",
                 max_length=SOURCE_MAX, required="Name the source of the file (e.g. Alder "
                                                 "County Medical Examiner).")


def known_sources(table) -> list[DeathImportSource]:
    return list(db.session.scalars(select(DeathImportSource)
                                   .where(DeathImportSource.table_id == table.id)
                                   .order_by(DeathImportSource.name)))


def find_source(table, name: str) -> DeathImportSource | None:
    key = " ".join((name or "").split()).casefold()
    if not key:
        return None
    return db.session.scalar(select(DeathImportSource).where(
        DeathImportSource.table_id == table.id, DeathImportSource.name_key == key))


def remembered_mapping(source: DeathImportSource | None) -> dict[str, str]:
    try:
        stored = json.loads(source.mapping or "{}") if source is not None else {}
    except ValueError:
        return {}
    if not isinstance(stored, dict):
        return {}
    return {key: value for key, value in stored.items()
            if isinstance(key, str) and isinstance(value, str)}


def initial_mapping(table, columns: list[Column], source_name: str,
                    substances: dict[str, tuple[int, str]]) -> dict[int, str]:
    """Column index → target: the source's remembered choice for a column of that name, else
    a guess from the header (each single-column field guessed once)."""
    remembered = remembered_mapping(find_source(table, source_name))
    allowed, words = targets(substances), substance_words(
        {code: label for code, (_, label) in substances.items()})
    mapping, used, guessed = {}, set(), set()
    for column in columns:
        target = remembered.get(column.key)
        if target is None or target not in allowed:
            target = guess_target(column.name, words)
            if target in used and target not in MULTI_TARGETS \
                    and not target.startswith(SUBSTANCE):
                target = IGNORE
            guessed.add(column.index)
        mapping[column.index] = target
        used.add(target)
    if used.intersection(NAME_PARTS):  # "Name" beside "First Name" and "Last Name"
        mapping.update({index: IGNORE for index, target in mapping.items()
                        if target == "name" and index in guessed})
    return mapping


def remember_mapping(table, name: str, columns: list[Column], mapping: dict[int, str]
                     ) -> DeathImportSource:
    """Create or update the source ``name`` of ``table`` with this file's mapping (what other
    files of the source had and this one has not is kept)."""
    source = find_source(table, name)
    if source is None:
        source = DeathImportSource(table_id=table.id, name=name,
                                   name_key=" ".join(name.split()).casefold())
        db.session.add(source)
    remembered = remembered_mapping(source)
    remembered.update({column.key: mapping.get(column.index, IGNORE) for column in columns})
    source.name = name
    source.mapping = json.dumps(remembered, ensure_ascii=False, sort_keys=True)
    return source


# --- the import --------------------------------------------------------------------------------

def _build(actor, table, rows: list[ParsedDeath]) -> list[FatalityCase]:
    """The new cases, each year's codes one consecutive block after the highest code of that
    year (one query per year of death in the file), in order of death."""
    this_year = local_today().year

    def year(row: ParsedDeath) -> int:
        died = row.facts["date_of_death"]
        return died.year if died else this_year

    following = {y: latest_number(FatalityCase.code, code_prefix(y)) + 1
                 for y in Counter(map(year, rows))}
    cases = []
    for row in sorted(rows, key=lambda r: (r.facts["date_of_death"] or date.max, r.line)):
        number = following[year(row)]
        following[year(row)] += 1
        case = FatalityCase(table_id=table.id, status="identified",
                            code=f"{code_prefix(year(row))}{number:04d}",
                            created_by_id=getattr(actor, "id", None), **row.facts)
        store_identity(case, row.identity)
        set_substances(case, [(term_id, "cause") for term_id in row.substance_ids])
        cases.append(case)
    return cases


def _insert(actor, table, rows: list[ParsedDeath], recheck) -> list[FatalityCase]:
    """Insert every case in one savepoint; when a code was taken meanwhile, try the next block;
    when a death was imported meanwhile (``recheck()`` finds it), refuse."""
    for _ in range(CODE_ATTEMPTS):
        cases = _build(actor, table, rows)
        try:
            with db.session.begin_nested():
                db.session.add_all(cases)
                db.session.flush()
            return cases
        except IntegrityError:
            again = recheck()
            if not again.ok:
                raise DeathsRejected(rejection_message(again), again) from None
    raise DeathsRejected("Other cases were being saved at the same moment, so nothing was "
                         "imported. Please import the file again.")


def import_deaths(actor, table, *, data: bytes, source_name: str, mapping: dict[int, str],
                  filters: Filters) -> ImportedDeaths:
    """Create a case for every row of ``data`` that passes ``filters``, or none.

    Raises :class:`DeathsRejected` (a :class:`ServiceError` carrying the check) when the file,
    the mapping or any row is invalid, including a duplicate; the caller rolls back.
    """
    if table is None or table.kind != "ofr":
        raise ServiceError("Deaths are imported at a fatality review table.")
    name = clean_source_name(source_name)
    substances = substance_terms()
    deaths = read_deaths_file(data)

    def check() -> DeathsCheck:
        return check_deaths(deaths, table=table, mapping=mapping, filters=filters,
                            substances=substances)

    result = check()
    if not result.ok:
        raise DeathsRejected(rejection_message(result), result)
    cases = _insert(actor, table, result.rows, check)
    ensure_criteria(table)
    source = remember_mapping(table, name, result.file.columns, mapping)
    db.session.flush()
    audit.log(actor, "import", source, case_table=table,
              summary=f"{len(cases)} death(s) imported as new cases; {result.skipped} row(s) "
                      f"outside the filter skipped; {len(result.ignored)} column(s) ignored; "
                      "the column mapping remembered")
    return ImportedDeaths(source=source, count=len(cases), skipped=result.skipped)


# --- guessing a column from its header -------------------------------------------------------

HEADER_SPELLINGS = {
    "date_of_death": "dod|date of death|death date|deathdate|date death|dt of death|"
                     "date of death mm dd yyyy|death dt|pronounced date|date pronounced",
    "age": "age|age years|age at death|decedent age|age yrs|age in years",
    "age_unit": "age unit|age units|age type|age measure", "sex": "sex|gender|decedent sex",
    "race": "race|decedent race|race ethnicity", "ethnicity": "ethnicity|hispanic|"
    "hispanic origin|hispanic ethnicity|hispanic latino|hispanic y n|ethnic",
    "county_of_residence": "county of residence|residence county|res county|resident county|"
                           "residence county name|home county|decedent county",
    "county_of_death": "county of death|death county|county|county of occurrence|"
                       "occurrence county|incident county|county of incident|death county name",
    "place_of_death": "place of death|place of death type|death place|location type|"
                      "place type|location of death|death location type|pod",
    "manner": "manner|manner of death|mod|death manner",
    "naloxone_administered": "naloxone|naloxone administered|narcan|narcan administered|"
                             "naloxone given",
    "naloxone_by": "naloxone by|naloxone administered by|narcan by|naloxone given by",
    "naloxone_doses": "naloxone doses|narcan doses|doses of naloxone|naloxone dose count",
    "bystander_present": "bystander|bystander present|witnessed|witness present",
    "prior_overdoses": "prior overdoses|previous overdoses|prior ods|prior od|"
                       "number of prior overdoses",
    "last_prior_overdose_on": "last prior overdose|last overdose date|prior overdose date|"
                              "date of last overdose",
    "recent_release": "recent release|recent release from|released from|release type",
    "released_on": "release date|released on|date released|date of release",
    "housing_instability": "homeless|homelessness|housing instability|unhoused|"
                           "unstably housed",
    "moud_ever": "moud ever|ever moud|history of moud|mat history|ever on mat",
    "moud_at_death": "moud at death|on moud|mat at death|on mat",
    "mental_health_diagnosis": "mental health diagnosis|mental health|mh diagnosis|"
                               "mental illness|psychiatric history",
    "chronic_pain": "chronic pain", "veteran": "veteran|veteran status|armed forces|"
    "ever in armed forces|military service", "pregnant_postpartum": "pregnant|pregnancy|"
    "pregnancy status|pregnant postpartum|postpartum",
    "me_case_number": "case number|case no|case num|case|case id|me case|me case number|"
                      "me case no|me case num|me number|me no|mec number|coroner case number|"
                      "death certificate number|certificate number|dc number|state file number",
    "name": "name|decedent name|full name|decedent|decedent full name",
    "first_name": "first name|first|fname|given name|decedent first name",
    "middle_name": "middle name|middle|middle initial|mi", "last_name": "last name|last|"
    "lname|surname|family name|decedent last name", "birth_date": "dob|date of birth|"
    "birth date|birthdate|birthday|decedent dob",
    "address": "address|residence address|street address|home address|decedent address|"
               "residence street|res address|city|residence city|state|residence state|zip|"
               "zip code|residence zip|postal code",
    "cause_narrative": "narrative|cause of death|cod|cause|cause narrative|immediate cause|"
                       "case narrative|investigator narrative|how injury occurred|circumstances|"
                       "cause of death narrative|other significant conditions",
}
HEADER_TARGETS = {norm(word): target for target, words in HEADER_SPELLINGS.items()
                  for word in words.split("|")}
SUBSTANCE_SPELLINGS = {
    "fentanyl_and_analogs": "fentanyl|fentanyl analog|fentanyl analogs|fentanyl analogue|"
                            "acetyl fentanyl|carfentanil|fentanyl and analogs|fent",
    "heroin": "heroin|6 mam", "prescription_opioids": "rx opioids|rx opioid|"
    "prescription opioid|oxycodone|hydrocodone|morphine|hydromorphone|oxymorphone|codeine|"
    "tramadol", "buprenorphine": "buprenorphine|suboxone", "cocaine": "cocaine|crack",
    "methamphetamine_amphetamines": "methamphetamine|meth|amphetamine|amphetamines|"
                                    "methamphetamines",
    "benzodiazepines": "benzodiazepine|benzodiazepines|benzo|benzos|alprazolam|diazepam|"
                       "clonazepam", "alcohol": "alcohol|ethanol|etoh",
    "cannabinoids": "cannabinoids|thc|marijuana|cannabis", "other": "other drugs|other drug|"
    "other substance|other substances",
}
FLAG_NOISE = frozenset({"flag", "y", "n", "yn", "tox", "toxicology", "present", "positive",
                        "detected", "involved", "related", "ind", "indicator", "cause", "cod",
                        "in", "drug", "result"})


def substance_words(substances: dict[str, str]) -> dict[str, str]:
    """Normalized header words → substance code, for the vocabulary's terms (code → label)."""
    words = {}
    for code, label in substances.items():
        words[norm(code)] = words[norm(label)] = code
        for word in SUBSTANCE_SPELLINGS.get(code, "").split("|"):
            if word:
                words[norm(word)] = code
    return words


def guess_target(header: str, substance_word: dict[str, str]) -> str:
    """The field a column named ``header`` most likely holds, or :data:`IGNORE`."""
    key = norm(header)
    if key in HEADER_TARGETS:
        return HEADER_TARGETS[key]
    words = [word for word in key.split() if word not in FLAG_NOISE]
    for candidate in (key, " ".join(words)):
        if candidate in substance_word:
            return SUBSTANCE + substance_word[candidate]
    return IGNORE
