"""Reading a deaths file (a medical examiner's or vital-records CSV export) and checking it with
a column mapping: file-level problems first (size, encoding, delimiter, header, rows), then, for
every row that passes the filter (county, period of death), every mapped cell, the facts
(:func:`clean_facts`), the identifiers (:func:`identity_values`), and duplicates by case number
within the file and against the cases stored at the table. Nothing here writes:
:mod:`coalition.ofr.services.imports` inserts what passes.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from coalition.core.csvtext import decode_csv
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.extensions import db
from coalition.ofr.models import MANNERS, SEXES, FatalityCase
from coalition.ofr.services import deaths_fields as f
from coalition.ofr.services.cases import FACT_FIELDS, clean_facts, county
from coalition.ofr.services.deaths_fields import (  # noqa: F401 - the import API in one place
    Column,
    DeathsCheck,
    DeathsFile,
    DeathsRejected,
    Filters,
    ParsedDeath,
    PreviewLine,
)
from coalition.ofr.services.identity import identity_values, source_key

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 200
CHUNK = 500
DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


# --- the file ----------------------------------------------------------------------------------

def _decode(data: bytes, result: DeathsFile) -> str | None:
    decoded = decode_csv(data)
    if decoded.error:
        result.file_errors.append(decoded.error)
    if decoded.notice:
        result.notices.append(decoded.notice)
    return decoded.text


def _header(cells: list[str], result: DeathsFile) -> list[Column]:
    names = [f.one_line(cell) for cell in cells]
    while names and not names[-1]:
        names.pop()  # trailing empty columns
    if len(names) == 1:
        for delimiter, word in DELIMITERS.items():
            if delimiter in cells[0]:
                result.file_errors.append(f"The columns seem to be separated by {word}. Save "
                                          "the file as comma-separated values (CSV).")
                return []
    if not any(names) or any(_looks_like_data(name) for name in names) or all(
            re.fullmatch(r"[\d.,\s-]*", name) for name in names):
        result.file_errors.append("The first line must be the header row naming the columns "
                                  "(e.g. Case Number, Date of Death, Age, Sex, Fentanyl).")
        return []
    if len(names) > MAX_COLUMNS:
        result.file_errors.append(f"The file has {len(names)} columns; at most {MAX_COLUMNS} "
                                  "can be read. Remove the columns you do not import.")
        return []
    columns, seen = [], {}
    for index, name in enumerate(names):
        shown_name = f.shown(name, 80) or f"(column {index + 1}, no name)"
        key = f.norm(name)[:200] or f"#{index + 1}"
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key, shown_name = f"{key} ({seen[key]})", f"{shown_name} ({seen[key]})"
        columns.append(Column(index, shown_name, key))
    return columns


def _looks_like_data(name: str) -> bool:
    try:
        return f.parse_date(name, date.max) is not None
    except f.CellProblem:
        return False


def read_deaths_file(data: bytes) -> DeathsFile:
    """The file's columns and rows, or its file-level problem. Nothing is written."""
    result = DeathsFile()
    if len(data) > MAX_BYTES:
        result.file_errors.append(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. "
                                  "Split it into smaller files (for example one per year).")
        return result
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        result.file_errors.append("The file is empty.")
        return result
    text = _decode(data, result)
    if text is None:
        return result
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            result.file_errors.append("The file is empty.")
            return result
        result.columns = _header(header, result)
        if not result.columns:
            return result
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(result.records) >= MAX_ROWS:
                result.file_errors.append(f"The file has more than {MAX_ROWS:,} rows. Split it "
                                          "into smaller files (for example one per year).")
                result.records = []
                return result
            result.records.append((start, cells))
    except csv.Error as exc:
        result.file_errors.append(f"The file is not valid CSV near line {reader.line_num}: "
                                  f"{exc}. Check the quotes in that line.")
        result.records = []
        return result
    if not result.records:
        result.file_errors.append("The file has a header row but no rows of deaths.")
        return result
    for column in result.columns:
        column.sample = next((f.shown(cells[column.index], 30) for _, cells in result.records[:50]
                              if column.index < len(cells) and cells[column.index].strip()), "")
    return result


# --- the mapping -------------------------------------------------------------------------------

def targets(substances: dict[str, tuple[int, str]]) -> set[str]:
    return {f.IGNORE, *f.FACT_LABELS, *f.IDENTITY_LABELS,
            *(f.SUBSTANCE + code for code in substances)}


def check_mapping(columns: list[Column], mapping: dict[int, str], filters: Filters,
                  substances: dict[str, tuple[int, str]]) -> list[tuple[str | None, str]]:
    """What is wrong with the mapping and filter, as ``(form field, message)`` pairs."""
    allowed, errors, first = targets(substances), [], {}
    labels = f.FACT_LABELS | f.IDENTITY_LABELS
    for column in columns:
        target = mapping.get(column.index, f.IGNORE)
        if target not in allowed:
            errors.append((f"map_{column.index}", "Choose from the list."))
        elif target in first and target not in f.MULTI_TARGETS \
                and not target.startswith(f.SUBSTANCE):
            errors.append((f"map_{column.index}", f"“{labels[target]}” is already chosen for "
                                                  f"column “{first[target]}”: choose it once."))
        elif target:
            first.setdefault(target, column.name)
    if "me_case_number" not in first:
        errors.append((None, "Choose the column that holds the case number (the medical "
                             "examiner's or the certificate number): it is how a later import "
                             "recognizes a death already imported."))
    if "name" in first and first.keys() & {"first_name", "middle_name", "last_name"}:
        errors.append((None, "Choose either one full-name column or first, middle and last "
                             "name columns, not both."))
    if filters.county and not first.keys() & {"county_of_death", "county_of_residence"}:
        errors.append(("county", "To filter by county, choose the column of the county of "
                                 "death or of residence."))
    if (filters.date_from or filters.date_to) and "date_of_death" not in first:
        errors.append(("date_from", "To filter by period, choose the date of death column."))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors.append(("date_to", "The period ends before it starts."))
    return errors


def county_key(value: str) -> str:
    return re.sub(r"\s+(county|co|parish)$", "", f.norm(value))


# --- one row -----------------------------------------------------------------------------------

@dataclass
class _Plan:
    fields: dict[str, list[int]]
    flags: list[tuple[int, int, str]]  # (column, term id, label)
    names: dict[int, str]
    width: int

    def column(self, target: str | None) -> str:
        if target == "name" and "name" not in self.fields:
            target = next((t for t in ("first_name", "last_name", "middle_name")
                           if t in self.fields), target)
        indexes = self.fields.get(target or "")
        return self.names[indexes[0]] if indexes else "(row)"


def _plan(columns, mapping, substances) -> _Plan:
    plan = _Plan({}, [], {column.index: column.name for column in columns}, len(columns))
    for column in columns:
        target = mapping.get(column.index, f.IGNORE)
        if target.startswith(f.SUBSTANCE):
            term_id, label = substances[target[len(f.SUBSTANCE):]]
            plan.flags.append((column.index, term_id, label))
        elif target:
            plan.fields.setdefault(target, []).append(column.index)
    return plan


def _read(target: str, raw: list[str], today: date):
    if target in f.DATE_TARGETS:
        return f.parse_date(raw[0], today)
    if target == "age":
        return f.parse_age(raw[0])
    if target == "age_unit":
        return f.parse_age_unit(raw[0])
    if target in ("naloxone_doses", "prior_overdoses"):
        return f.parse_count(raw[0], target)
    if target in f.CODED:
        return f.parse_code(raw[0], target)
    if target == "cause_narrative":
        return "\n".join(part.strip() for part in raw if part.strip())
    return ", ".join(part for part in map(f.one_line, raw) if part)


def _check_row(line: int, cells: list[str], plan: _Plan, filters: Filters, today: date,
               result: DeathsCheck) -> tuple[PreviewLine | None, ParsedDeath | None]:
    def cell(index: int) -> str:
        return cells[index] if index < len(cells) else ""

    if filters.county:
        wanted = county_key(filters.county)
        places = [cell(i) for t in ("county_of_death", "county_of_residence")
                  for i in plan.fields.get(t, ())]
        if not any(county_key(place) == wanted for place in places):
            result.skipped_county += 1
            return None, None
    values, problems = {}, []
    if any(value.strip() for value in cells[plan.width:]):
        problems.append(("(line)", f"Has {len(cells)} values but the header has {plan.width} "
                                   "columns."))
    for target, indexes in plan.fields.items():
        try:
            values[target] = _read(target, [cell(i) for i in indexes], today)
        except f.CellProblem as problem:
            problems.append((plan.names[indexes[0]], str(problem)))
    died = values.get("date_of_death")
    if (filters.date_from or filters.date_to) and "date_of_death" in values:
        if died is None:
            result.skipped_undated += 1
            return None, None
        if died < (filters.date_from or date.min) or died > (filters.date_to or date.max):
            result.skipped_period += 1
            return None, None
    found: dict[int, str] = {}
    for index, term_id, label in plan.flags:
        try:
            if f.parse_flag(cell(index)):
                found[term_id] = label
        except f.CellProblem as problem:
            problems.append((plan.names[index], str(problem)))
    age, unit = values.pop("age", (None, "years"))
    if age is not None and (unit != "years" or values.get("age_unit", "years") != "years"):
        age = 0  # an infant: months, weeks, days or hours old
    facts_in = {name: values[name] for name in FACT_FIELDS if values.get(name) is not None}
    if age is not None:
        facts_in["age"] = age
    name = values.get("name") or " ".join(
        values[part] for part in ("first_name", "middle_name", "last_name") if values.get(part))
    number = values.get("me_case_number", "")
    shown = {"number": f.shown(number), "name": f.shown(name, 60),
             "died": died.isoformat() if died else "", "age": "" if age is None else str(age),
             "sex": SEXES.get(values.get("sex"), ""),
             "manner": MANNERS.get(values.get("manner"), ""),
             "county": county(values.get("county_of_death") or ""),
             "substances": ", ".join(found.values())}
    preview = PreviewLine(line, shown, problems, key=source_key(number) if number else None)
    if not number and "me_case_number" in plan.fields:
        problems.append((plan.column("me_case_number"), "Required: the case number is how a "
                                                         "later import recognizes this death."))
    try:
        facts = clean_facts(facts_in)
    except ServiceError as error:
        problems.append((plan.column(error.field), error.message))
    try:
        identity = identity_values(name=name, birth_date=values.get("birth_date"),
                                   me_case_number=number, address=values.get("address", ""),
                                   cause_narrative=values.get("cause_narrative", ""))
    except ServiceError as error:
        problems.append((plan.column(error.field), error.message))
    born = values.get("birth_date")
    if born and died and born > died:
        problems.append((plan.column("birth_date"), "The date of birth is after the date of "
                                                    "death."))
    if problems:
        return preview, None
    return preview, ParsedDeath(line, facts, identity, sorted(found), preview.key)


# --- the whole file ----------------------------------------------------------------------------

def _stored_codes(keys: list[str], table_id: int) -> dict[str, str]:
    """Source key → code of the table's stored cases with one of ``keys``."""
    found: dict[str, str] = {}
    for start in range(0, len(keys), CHUNK):
        found.update(db.session.execute(
            select(FatalityCase.source_key, FatalityCase.code)
            .where(FatalityCase.table_id == table_id,
                   FatalityCase.source_key.in_(keys[start:start + CHUNK]))).all())
    return found


def _mark_duplicates(result: DeathsCheck, plan: _Plan, table_id: int) -> None:
    keyed = [line for line in result.lines if line.key]
    stored = _stored_codes(sorted({line.key for line in keyed}), table_id)
    first: dict[str, int] = {}
    column = plan.column("me_case_number")
    for line in keyed:
        if line.key in stored:
            line.problems.append((column, f"Already at this table as case {stored[line.key]}."))
        elif line.key in first:
            line.problems.append((column, f"Same case number as line {first[line.key]}: each "
                                          "death can be imported once."))
        else:
            first[line.key] = line.line
            continue
        result.duplicates += 1


def check_deaths(deaths: DeathsFile, *, table, mapping: dict[int, str], filters: Filters,
                 substances: dict[str, tuple[int, str]]) -> DeathsCheck:
    """Every row that passes ``filters``, read with ``mapping`` (column index → target) and
    checked, with duplicates marked against ``table``'s cases. Nothing is written."""
    result = DeathsCheck(deaths)
    if deaths.file_errors:
        return result
    result.mapping_errors = check_mapping(deaths.columns, mapping, filters, substances)
    result.ignored = [c.name for c in deaths.columns if not mapping.get(c.index, f.IGNORE)]
    if result.mapping_errors:
        return result
    plan, today = _plan(deaths.columns, mapping, substances), local_today()
    for line, cells in deaths.records:
        preview, row = _check_row(line, cells, plan, filters, today, result)
        if preview is not None:
            result.lines.append(preview)
        if row is not None:
            result.rows.append(row)
    _mark_duplicates(result, plan, table.id)
    valid = {line.line for line in result.lines if line.is_valid}
    result.rows = [row for row in result.rows if row.line in valid]
    return result


def rejection_message(result: DeathsCheck) -> str:
    if result.file_errors:
        return "The file cannot be imported: " + " ".join(result.file_errors)
    if result.mapping_errors:
        return "Check the columns and the filter marked below; nothing was imported."
    if result.invalid_count:
        count = result.invalid_count
        return (f"{count} row{'' if count == 1 else 's'} of the file "
                f"{'has' if count == 1 else 'have'} problems (listed below). Correct the file "
                "or the mapping; nothing was imported.")
    return "No row of the file passes the filter; nothing was imported."
