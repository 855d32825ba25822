"""Reading an overdose incident CSV (from police or EMS records systems): file-level checks
(encoding, size, delimiter, header), then every line (dates, yes/no values, doses, lengths), then
duplicates by agency and incident number within the file and against the referrals already
stored at the same table. Nothing here writes: :mod:`coalition.risk.services.imports` inserts
what passes.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from coalition.core.csvtext import decode_csv
from coalition.core.db import utcnow
from coalition.core.localtime import to_utc
from coalition.extensions import db
from coalition.risk.models import OutreachReferral
from coalition.risk.services.incident_rows import (  # noqa: F401  (the import API in one place)
    ImportRejected,
    ParsedRow,
    ParseResult,
    PreviewLine,
)
from coalition.roster.models import Organization

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
LOCATION_MAX = 200
AGENCY_MAX = 200
INCIDENT_NUMBER_MAX = 60
DOSES_MAX = 50
REASON_MAX = 1000
FILENAME_MAX = 255
EARLIEST_YEAR = 2000

# column → what it holds (the README documents the same list)
COLUMNS = {
    "occurred_at": "date and time of the incident, local time",
    "location": "approximate location only (block or intersection), at most 200 characters",
    "fatal": "yes or no",
    "naloxone_administered": "yes or no",
    "naloxone_doses": "0 to 50, blank if unknown; blank or 0 when no naloxone was given",
    "agency": "the reporting agency, at most 200 characters",
    "incident_number": "the agency's incident number, at most 60 characters",
}
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%m/%d/%Y %H:%M",
                    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %H:%M:%S")
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINE_BREAK = re.compile(r"[\r\n\t]")
DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
DATETIME_MESSAGE = "Enter a date and time like 2026-11-20 23:15 or 11/20/2026 23:15."
BOOLEAN_MESSAGE = "Use yes or no (also accepted: y/n, true/false, 1/0)."


# --- decoding and the header -------------------------------------------------------------------

def _decode(data: bytes, result: ParseResult) -> str | None:
    decoded = decode_csv(data)
    if decoded.error:
        result.file_errors.append(decoded.error)
    if decoded.notice:
        result.notices.append(decoded.notice)
    return decoded.text


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


def _read_header(header: list[str], result: ParseResult) -> dict[str, int] | None:
    """Column name → position, or None (with a file error) when the header is unusable."""
    keys = [_header_key(name) for name in header]
    known = [key for key in keys if key in COLUMNS]
    if len(header) == 1 and not known:
        for delimiter, name in DELIMITERS.items():
            if delimiter in header[0]:
                result.file_errors.append(
                    f"The columns seem to be separated by {name}. Save the file as "
                    "comma-separated values (CSV) and upload it again.")
                return None
    if not known:
        result.file_errors.append(
            "The first line must be the header row naming the columns: "
            f"{', '.join(COLUMNS)} (in any order).")
        return None
    repeated = sorted({key for key in known if known.count(key) > 1})
    if repeated:
        result.file_errors.append(f"The header names a column more than once: "
                                  f"{', '.join(repeated)}.")
        return None
    missing = [name for name in COLUMNS if name not in known]
    if missing:
        result.file_errors.append(f"The header is missing the column{_s(missing)}: "
                                  f"{', '.join(missing)}. Expected: {', '.join(COLUMNS)}.")
        return None
    extra = [name.strip() for name, key in zip(header, keys, strict=True)
             if key and key not in COLUMNS]
    if extra:
        shown = ", ".join(_clean_for_message(name) for name in extra[:10])
        result.notices.append(f"Column{_s(extra)} not imported and ignored: {shown}.")
    return {key: index for index, key in enumerate(keys) if key in COLUMNS}


def _s(items) -> str:
    return "" if len(items) == 1 else "s"


def _clean_for_message(text: str) -> str:
    text = CONTROL.sub("", text)
    return text if len(text) <= 60 else text[:57] + "…"


# --- one line ----------------------------------------------------------------------------------

def _text(value: str, column: str, limit: int, problems, *, required: bool) -> str:
    value = value.strip()
    if required and not value:
        problems.append((column, "Required; this cell is empty."))
    elif len(value) > limit:
        problems.append((column, f"Use at most {limit} characters (this has {len(value)})."))
    elif CONTROL.search(value) or LINE_BREAK.search(value):
        problems.append((column, "Remove the line breaks, tabs or invisible control characters."))
    return value


def _boolean(value: str, column: str, problems) -> bool | None:
    word = value.strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    problems.append((column, "Required; " + BOOLEAN_MESSAGE[0].lower() + BOOLEAN_MESSAGE[1:]
                     if not word else BOOLEAN_MESSAGE))
    return None


def _occurred_at(value: str, problems, now: datetime) -> datetime | None:
    value = value.strip()
    if not value:
        problems.append(("occurred_at", "Required; " + DATETIME_MESSAGE[0].lower()
                         + DATETIME_MESSAGE[1:]))
        return None
    for fmt in DATETIME_FORMATS:
        try:
            local = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if local.year < EARLIEST_YEAR:
            problems.append(("occurred_at", f"Enter a date from {EARLIEST_YEAR} on."))
            return None
        moment = to_utc(local)
        if moment > now + timedelta(hours=1):
            problems.append(("occurred_at", "This date and time is in the future."))
            return None
        return moment
    problems.append(("occurred_at", DATETIME_MESSAGE))
    return None


def _doses(value: str, administered: bool | None, problems) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,3}", value):
        problems.append(("naloxone_doses", f"Enter a whole number from 0 to {DOSES_MAX}, "
                                           "or leave it blank."))
        return None
    doses = int(value)
    if doses > DOSES_MAX:
        problems.append(("naloxone_doses", f"Enter a whole number from 0 to {DOSES_MAX}."))
        return None
    if administered is False and doses:
        problems.append(("naloxone_doses", "Must be blank or 0 when naloxone_administered "
                                           "is no."))
        return None
    return doses


def _parse_line(line: int, cells: list[str], header: dict[str, int], width: int,
                now: datetime) -> tuple[PreviewLine, ParsedRow | None]:
    values = {name: (cells[index] if index < len(cells) else "") for name, index in header.items()}
    preview = PreviewLine(line=line, values={name: _clean_for_message(value.strip())
                                             for name, value in values.items()})
    problems = preview.problems
    if len(cells) != width:
        problems.append(("(line)", f"Has {len(cells)} value{_s(cells)} but the header has "
                                   f"{width} column{_s(range(width))}."))
    occurred_at = _occurred_at(values["occurred_at"], problems, now)
    location = _text(values["location"], "location", LOCATION_MAX, problems, required=False)
    is_fatal = _boolean(values["fatal"], "fatal", problems)
    administered = _boolean(values["naloxone_administered"], "naloxone_administered", problems)
    doses = _doses(values["naloxone_doses"], administered, problems)
    agency = _text(values["agency"], "agency", AGENCY_MAX, problems, required=True)
    number = _text(values["incident_number"], "incident_number", INCIDENT_NUMBER_MAX, problems,
                   required=True)
    if problems:
        return preview, None
    return preview, ParsedRow(line=line, agency=agency, incident_number=number,
                              occurred_at=occurred_at, location=location, is_fatal=is_fatal,
                              naloxone_administered=administered, naloxone_doses=doses)


# --- duplicates and organizations --------------------------------------------------------------

def _key(agency: str, number: str) -> tuple[str, str]:
    return agency.casefold(), number.casefold()


def _existing_keys(rows: list[ParsedRow], table_id: int) -> set[tuple[str, str]]:
    """Agency and incident number of this table's stored referrals that match a row of the
    file (another table's referrals are not this table's business, nor told to it)."""
    numbers = sorted({row.incident_number.lower() for row in rows})
    found: set[tuple[str, str]] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        stored = db.session.execute(
            select(OutreachReferral.agency, OutreachReferral.incident_number)
            .where(OutreachReferral.table_id == table_id,
                   func.lower(OutreachReferral.incident_number).in_(chunk)))
        found.update(_key(agency, number) for agency, number in stored)
    return found


ALREADY_IMPORTED = "Already imported: "
REPEATED = "Duplicate of line "


def _nothing_new_message(result: ParseResult) -> str:
    """Why no line of a file with lines can be imported: already imported, or invalid. (A line
    repeating another is refused only when a first one is kept, so it never stands alone.)"""
    already = sum(1 for line in result.lines if line.problems and all(
        message.startswith(ALREADY_IMPORTED) for _, message in line.problems))
    total, invalid = len(result.lines), len(result.lines) - already
    if invalid == 0:
        return (f"All {total} incident{_s(result.lines)} in the file "
                f"{'is' if total == 1 else 'are'} already imported at this table: nothing new "
                "to import.")
    parts = [f"{already} already imported" if already else "",
             f"{invalid} with problems to correct"]
    return (f"None of the {total} line{_s(result.lines)} of the file can be imported: "
            f"{', '.join(part for part in parts if part)}. Nothing was imported.")


def _mark_duplicates(result: ParseResult, by_line: dict[int, PreviewLine], table_id: int
                     ) -> None:
    existing = _existing_keys(result.rows, table_id)
    first_line: dict[tuple[str, str], int] = {}
    kept = []
    for row in result.rows:
        key = _key(row.agency, row.incident_number)
        problems = by_line[row.line].problems
        if key in existing:
            problems.append(("incident_number", f"{ALREADY_IMPORTED}{row.agency} incident "
                                                f"{row.incident_number} is a referral already."))
        elif key in first_line:
            problems.append(("incident_number", f"{REPEATED}{first_line[key]} (same "
                                                "agency and incident number)."))
        else:
            first_line[key] = row.line
            kept.append(row)
            continue
    result.rows = kept


def _match_organizations(result: ParseResult) -> None:
    keys = {row.agency.strip().casefold() for row in result.rows}
    ids = {name_key: org_id for name_key, org_id in db.session.execute(
        select(Organization.name_key, Organization.id)
        .where(Organization.name_key.in_(sorted(keys))))} if keys else {}
    for row in result.rows:
        row.organization_id = ids.get(row.agency.strip().casefold())
    unmatched = sorted({row.agency for row in result.rows if row.organization_id is None})
    if unmatched:
        shown = ", ".join(_clean_for_message(name) for name in unmatched[:10])
        result.notices.append(f"Not on the roster (imported without a link to an "
                              f"organization): {shown}.")


# --- the verbs ---------------------------------------------------------------------------------

def parse_incident_csv(data: bytes, *, table) -> ParseResult:
    """Validate a CSV file of incident reports; nothing is written.

    ``table`` is where the referrals would go: duplicates are checked against its own stored
    referrals (agency and incident number are unique per table).
    """
    result = ParseResult()
    if len(data) > MAX_BYTES:
        result.file_errors.append(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. "
                                  f"Split it into smaller files of at most {MAX_ROWS:,} rows.")
        return result
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        result.file_errors.append("The file is empty.")
        return result
    text = _decode(data, result)
    if text is None:
        return result
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    now = utcnow()
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)  # blank lines before the header
        if header is None:
            result.file_errors.append("The file is empty.")
            return result
        columns = _read_header(header, result)
        if columns is None:
            return result
        by_line: dict[int, PreviewLine] = {}
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are skipped
            if len(by_line) >= MAX_ROWS:
                result.file_errors.append(f"The file has more than {MAX_ROWS:,} rows. Split "
                                          "it into smaller files.")
                return _discard_rows(result)
            preview, row = _parse_line(start, cells, columns, len(header), now)
            by_line[start] = preview
            result.lines.append(preview)
            if row is not None:
                result.rows.append(row)
    except csv.Error as exc:
        result.file_errors.append(f"The file is not valid CSV near line {reader.line_num}: "
                                  f"{exc}. Check the quotes in that line.")
        return _discard_rows(result)
    if not result.lines:
        result.file_errors.append("The file has a header row but no incident rows.")
        return result
    _mark_duplicates(result, by_line, table.id)
    _match_organizations(result)
    return result


def _discard_rows(result: ParseResult) -> ParseResult:
    result.rows, result.lines = [], []
    return result


def rejection_message(result: ParseResult) -> str:
    if result.file_errors:
        return "The file cannot be imported: " + " ".join(result.file_errors) + \
            " Nothing was imported."
    if not result.lines:
        return "The file has no incident rows. Nothing was imported."
    if not result.rows:
        return _nothing_new_message(result)
    count = result.invalid_count
    return (f"{count} line{'' if count == 1 else 's'} of the file "
            f"{'has' if count == 1 else 'have'} problems. Correct the file and upload it "
            "again; nothing was imported.")
