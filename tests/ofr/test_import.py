"""Importing deaths from a medical examiner's or vital-records export (CSV): upload, map the
columns, preview (nothing saved), confirm (all or nothing), the mapping remembered per source."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.ofr.models import (
    CaseIdentity,
    CaseSubstance,
    DeathImportSource,
    FatalityCase,
)
from coalition.ofr.services import deaths_csv, deaths_fields, imports
from coalition.ofr.services.cases import FACT_FIELDS
from coalition.ofr.services.identity import decrypted_identity
from tests.conftest import count

SAMPLE = Path(__file__).resolve().parents[2] / "static/samples/deaths_sample.csv"
SOURCE = "Alder County Medical Examiner"
HEADER = ["Case Number", "Decedent Name", "DOD", "Age", "Sex", "Death County", "Manner",
          "Fentanyl", "Cocaine"]


def csv_bytes(*rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def row(number="ME-16-0001", name="Robin Quillon", died="06/12/2016", age="34", sex="M",
        county="ALDER COUNTY", manner="Accident", fentanyl="Y", cocaine=""):
    return [number, name, died, age, sex, county, manner, fentanyl, cocaine]


def counts() -> tuple[int, ...]:
    db.session.rollback()
    return tuple(count(model) for model in (FatalityCase, CaseIdentity, CaseSubstance,
                                            DeathImportSource, AuditEvent))


@pytest.fixture
def team(make_table, make_org, make_person, make_user, seat):
    table = make_table("ofr", name="Alder OFR")
    other = make_table("ofr", name="Birch OFR")
    me = make_org("Alder County Medical Examiner", sector="medical_examiner_coroner")
    police = make_org("Alder City Police Department", sector="law_enforcement")

    def seated(org, role="member", at=table):
        person = make_person(organizations=[org])
        seat(person, at, org, role=role)
        return make_user("member", person=person)

    return SimpleNamespace(
        table=table, other=other, manager=seated(me, role="manager"), member=seated(police),
        outsider=seated(police, role="manager", at=other),
        coordinator=make_user("coordinator", person=make_person()))


@pytest.fixture
def as_manager(client, login, team):
    return login(team.manager)


def upload(client, table, data: bytes, source: str = SOURCE, filename: str = "deaths.csv"):
    return client.post(f"/tables/{table.id}/deaths/import/preview",
                       data={"file": (io.BytesIO(data), filename), "source": source},
                       content_type="multipart/form-data")


def text_of(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def form_of(response) -> dict[str, str]:
    """The preview form as a browser would post it back."""
    page = response.get_data(as_text=True)
    values = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) not in ("file",):
            values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = [re.search(r'value="([^"]*)"', tag).group(1)
                  for tag in re.findall(r"<option[^>]*>", body) if " selected" in tag]
        values[name] = html.unescape(chosen[0]) if chosen else ""
    values.pop("csrf_token", None)
    return values


def column_index(response, name: str) -> int:
    match = re.search(rf'<label for="map_(\d+)">{re.escape(html.escape(name))}</label>',
                      response.get_data(as_text=True))
    assert match, name
    return int(match.group(1))


def can_import(response) -> bool:
    return "/deaths/import/confirm" in response.get_data(as_text=True)


def again(client, table, response, **changes):
    return client.post(f"/tables/{table.id}/deaths/import/preview",
                       data={**form_of(response), **changes})


def confirm(client, table, response, **changes):
    return client.post(f"/tables/{table.id}/deaths/import/confirm",
                       data={**form_of(response), **changes})


def check(team, data: bytes, filters=None, mapping=None, source=SOURCE):
    deaths = deaths_csv.read_deaths_file(data)
    assert not deaths.file_errors, deaths.file_errors
    substances = imports.substance_terms()
    mapping = mapping or imports.initial_mapping(team.table, deaths.columns, source,
                                                 substances)
    return deaths_csv.check_deaths(deaths, table=team.table, mapping=mapping,
                                   filters=filters or deaths_csv.Filters(),
                                   substances=substances)


def import_rows(team, *rows, header=HEADER, filters=None):
    data = csv_bytes(*rows, header=header)
    deaths = deaths_csv.read_deaths_file(data)
    mapping = imports.initial_mapping(team.table, deaths.columns, SOURCE,
                                      imports.substance_terms())
    done = imports.import_deaths(team.manager, team.table, data=data, source_name=SOURCE,
                                 mapping=mapping, filters=filters or deaths_csv.Filters())
    db.session.commit()
    return done


def cases() -> list[FatalityCase]:
    return list(db.session.scalars(select(FatalityCase).order_by(FatalityCase.id)))


# --- the journey -------------------------------------------------------------------------------

def test_the_sample_file_is_mapped_previewed_filtered_and_imported(as_manager, team):
    before = counts()
    preview = upload(as_manager, team.table, SAMPLE.read_bytes(), "deaths_sample.csv")
    assert preview.status_code == 200, text_of(preview)[:3000]
    assert preview.headers["Cache-Control"] == "no-store"
    guessed = form_of(preview)
    assert guessed[f"map_{column_index(preview, 'Date of Death')}"] == "date_of_death"
    assert guessed[f"map_{column_index(preview, 'ME Case #')}"] == "me_case_number"
    assert guessed[f"map_{column_index(preview, 'Fentanyl')}"] == "substance:fentanyl_and_analogs"
    assert guessed[f"map_{column_index(preview, 'Investigator')}"] == ""
    assert "Ignored columns: Time of Death, Investigator" in text_of(preview)
    assert counts() == before  # the preview saved nothing

    filtered = again(as_manager, team.table, preview, county="alder county")
    assert filtered.status_code == 200
    page = text_of(filtered)
    assert "7 outside the county" in page and "Import 53 deaths" in page
    assert counts() == before

    done = confirm(as_manager, team.table, filtered)
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/tables/{team.table.id}/cases")
    stored = cases()
    assert len(stored) == 53 and {case.status for case in stored} == {"identified"}
    assert [case.code for case in stored[:2]] == ["OFR-2024-0001", "OFR-2024-0002"]
    assert {case.created_by_id for case in stored} == {team.manager.id}
    assert {case.county_of_death for case in stored} == {"Alder County"}
    first = stored[0]
    assert (first.date_of_death, first.age, first.sex, first.manner) == (
        date(2024, 1, 8), 30, "male", "accident")
    assert sorted(s.term.code for s in first.substances) == [
        "cocaine", "fentanyl_and_analogs", "methamphetamine_amphetamines"]
    assert {s.role for s in first.substances} == {"cause"}
    identity = decrypted_identity(first)
    assert identity["name"] == "Corin M MARROWBY" and identity["me_case_number"] == "ME-24-0101"
    assert identity["birth_date"] == "1993-11-14"
    narrative = next(text for text in (decrypted_identity(case)["cause_narrative"]
                                       for case in stored) if "bedroom" in text)
    assert narrative.splitlines()[:2] == [
        "Acute fentanyl toxicity.", "Found unresponsive in bedroom by roommate; naloxone "
        "given by EMS without response."]


def test_identifiers_are_stored_encrypted_only(as_manager, team):
    import_rows(team, row(name="Sable Thistlewood", number="ME-16-0777"))
    raw = db.session.execute(select(CaseIdentity.__table__)).one()._asdict()
    stored = " ".join(str(value) for value in raw.values())
    assert "Thistlewood" not in stored and "ME-16-0777" not in stored
    case = cases()[0]
    assert case.source_key and "0777" not in case.source_key
    assert decrypted_identity(case)["name"] == "Sable Thistlewood"


def test_one_audit_row_with_counts_and_no_identifier(as_manager, team):
    preview = upload(as_manager, team.table, csv_bytes(
        row(name="Wren Halloway", number="ME-16-0042"), row(number="X-2", county="BIRCH")))
    before = len(db.session.scalars(select(AuditEvent)).all())
    assert confirm(as_manager, team.table, again(
        as_manager, team.table, preview, county="Alder County")).status_code == 302
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[before:]
    imported = [event for event in events if event.action == "import"]
    assert len(imported) == 1
    event = imported[0]
    source = db.session.scalars(select(DeathImportSource)).one()
    assert (event.object_type, event.object_id) == ("death_import_sources", source.id)
    assert event.case_table_id == team.table.id and event.user_id == team.manager.id
    assert "1 death(s) imported" in event.summary and "1 row(s) outside" in event.summary
    for secret in ("Wren", "Halloway", "ME-16-0042", "Alder", "Medical Examiner", "deaths.csv"):
        assert secret not in event.summary


def test_the_mapping_is_remembered_for_the_source(as_manager, team):
    header = ["Rec No", "Dt Dth", "Yrs", "Tox Performed"]
    data = csv_bytes(["R-1", "2016-06-12", "40", "Y"], header=header)
    preview = upload(as_manager, team.table, data)
    assert preview.status_code == 400  # no column guessed for the case number
    assert "Choose the column that holds the case number" in text_of(preview)
    chosen = {"map_0": "me_case_number", "map_1": "date_of_death", "map_2": "age"}
    mapped = again(as_manager, team.table, preview, **chosen)
    assert mapped.status_code == 200, text_of(mapped)[:2000]
    assert confirm(as_manager, team.table, mapped).status_code == 302
    source = db.session.scalars(select(DeathImportSource)).one()
    assert (source.name, source.table_id) == (SOURCE, team.table.id)
    assert json.loads(source.mapping) == {"rec no": "me_case_number", "dt dth": "date_of_death",
                                          "yrs": "age", "tox performed": ""}
    case = cases()[0]
    assert (case.date_of_death, case.age) == (date(2016, 6, 12), 40)

    later = csv_bytes(["R-2", "2017-01-02", "41", ""], header=header)
    remembered = form_of(upload(as_manager, team.table, later, source=" alder county MEDICAL "
                                                                      "examiner"))
    assert {name: remembered[name] for name in chosen} == chosen
    fresh = form_of(upload(as_manager, team.table, later, source="Birch County Coroner"))
    assert fresh["map_1"] == ""
    assert f'<option value="{SOURCE}">' in as_manager.get(
        f"/tables/{team.table.id}/deaths/import").get_data(as_text=True)


def test_a_second_import_updates_the_source_mapping(as_manager, team):
    import_rows(team, row())
    deaths = deaths_csv.read_deaths_file(csv_bytes(row(number="B-2")))
    mapping = imports.initial_mapping(team.table, deaths.columns, SOURCE,
                                      imports.substance_terms())
    mapping[HEADER.index("Cocaine")] = ""
    imports.import_deaths(team.manager, team.table, data=csv_bytes(row(number="B-2")),
                          source_name=SOURCE.upper(), mapping=mapping,
                          filters=deaths_csv.Filters())
    db.session.commit()
    source = db.session.scalars(select(DeathImportSource)).one()
    assert json.loads(source.mapping)["cocaine"] == "" and source.name == SOURCE.upper()


# --- messy exports -----------------------------------------------------------------------------

def test_a_utf8_bom_is_not_part_of_the_first_column(app, team):
    result = check(team, b"\xef\xbb\xbf" + csv_bytes(row()))
    assert result.ok and result.file.columns[0].name == "Case Number"
    assert result.rows[0].identity["me_case_number"] == "ME-16-0001"


def test_windows_1252_is_read(app, team):
    data = csv_bytes(row(name="José Peña"), encoding="cp1252")
    result = check(team, data)
    assert result.ok and result.rows[0].identity["name"] == "José Peña"
    assert any("Windows-1252" in notice for notice in result.file.notices)


def test_blank_cells_are_unknown(app, team):
    result = check(team, csv_bytes(["ME-1", "", "", "", "", "", "", "", ""]))
    assert result.ok
    facts = result.rows[0].facts
    assert facts["date_of_death"] is None and facts["age"] is None
    assert (facts["sex"], facts["manner"], facts["county_of_death"]) == ("unknown", "unknown", "")
    assert result.rows[0].substance_ids == []


@pytest.mark.parametrize(("written", "stored"), [("ALDER COUNTY", "Alder County"),
                                                 ("alder county", "Alder County"),
                                                 ("Alder County", "Alder County")])
def test_county_names_are_tidied(app, team, written, stored):
    assert check(team, csv_bytes(row(county=written))).rows[0].facts["county_of_death"] == stored


@pytest.mark.parametrize(("flag", "found"), [("Y", True), ("y", True), ("Yes", True),
                                             ("X", True), ("1", True), ("TRUE", True),
                                             ("Positive", True), ("", False), ("N", False),
                                             ("No", False), ("0", False)])
def test_substance_flags(app, team, flag, found):
    result = check(team, csv_bytes(row(fentanyl=flag)))
    assert result.ok
    assert bool(result.rows[0].substance_ids) is found


def test_an_unreadable_flag_is_a_problem_at_its_column(app, team):
    result = check(team, csv_bytes(row(), row(number="2", cocaine="maybe")))
    assert result.row_errors == {3: [f"Cocaine: {deaths_fields.FLAG_MESSAGE}"]}


def test_a_multi_line_quoted_narrative_keeps_its_lines_and_the_line_numbers(app, team):
    header = [*HEADER, "Narrative"]
    data = csv_bytes([*row(), "Found at home.\nNaloxone given,\nno response."],
                     [*row(number="ME-2", died="soon"), ""], header=header)
    result = check(team, data)
    assert result.rows[0].identity["cause_narrative"] == ("Found at home.\nNaloxone given,\n"
                                                          "no response.")
    assert list(result.row_errors) == [5]  # the second death starts on the file's fifth line


@pytest.mark.parametrize("written", ["06/12/2016 12:00:00 AM", "6/12/2016", "06/12/16",
                                     "2016-06-12", "2016-06-12 00:00:00", "June 12, 2016",
                                     "Jun 12 2016", "12-Jun-2016", "6/12/2016 23:59",
                                     "2016-06-12T10:30:00", "20160612"])
def test_dates_in_common_us_forms(app, team, written):
    result = check(team, csv_bytes(row(died=written)))
    assert result.ok, result.row_errors
    assert result.rows[0].facts["date_of_death"] == date(2016, 6, 12)


@pytest.mark.parametrize(("written", "message"), [
    ("13/45/2016", "not a real date"), ("2016-02-30", "not a real date"),
    ("yesterday", "Enter a date like"), ("12/06", "Enter a date like"),
    ("06/12/2999", "in the future"), ("01/01/1850", "after 1900")])
def test_bad_dates_are_problems_at_their_column(app, team, written, message):
    result = check(team, csv_bytes(row(), row(number="2", died=written)))
    assert not result.ok and list(result.row_errors) == [3]
    assert result.row_errors[3][0].startswith("DOD: ") and message in result.row_errors[3][0]


CODES = [("sex", "Sex", "M", "male"), ("sex", "Sex", "Male", "male"),
         ("sex", "Sex", "MALE", "male"), ("sex", "Sex", "F", "female"),
         ("sex", "Sex", "U", "unknown"),
         ("sex", "Sex", "Unknown", "unknown"), ("sex", "Sex", "", "unknown"),
         ("manner", "Manner", "Accident", "accident"),
         ("manner", "Manner", "ACCIDENTAL", "accident"),
         ("manner", "Manner", "Undetermined", "undetermined"),
         ("manner", "Manner", "Pending", "pending"), ("race", "Race", "White", "white"),
         ("race", "Race", "Black", "black"), ("race", "Race", "African American", "black"),
         ("race", "Race", "Black or African American", "black"),
         ("ethnicity", "Ethnicity", "Hispanic", "hispanic"),
         ("ethnicity", "Ethnicity", "Not Hispanic", "not_hispanic"),
         ("ethnicity", "Ethnicity", "Non-Hispanic", "not_hispanic"),
         ("place_of_death", "Place of Death", "Residence", "own_residence"),
         ("place_of_death", "Place of Death", "Decedent's residence", "own_residence"),
         ("place_of_death", "Place of Death", "Hotel/Motel", "hotel_motel"),
         ("place_of_death", "Place of Death", "U", "unknown")]


@pytest.mark.parametrize(("field", "column", "written", "code"), CODES)
def test_coded_values_in_their_common_spellings(app, team, field, column, written, code):
    result = check(team, csv_bytes(["ME-1", written], header=["Case Number", column]))
    assert result.ok, result.row_errors
    assert result.rows[0].facts[field] == code


@pytest.mark.parametrize(("written", "answer"), [
    ("Y", "yes"), ("N", "no"), ("U", "unknown"), ("Yes", "yes"), ("No", "no"),
    ("True", "yes"), ("False", "no"), ("1", "yes"), ("0", "no"), ("", "unknown")])
def test_yes_no_unknown_fields(app, team, written, answer):
    result = check(team, csv_bytes(["ME-1", written, written], header=["Case Number", "Veteran",
                                                                       "Homeless"]))
    assert result.rows[0].facts["veteran"] == result.rows[0].facts["housing_instability"] == \
        answer


def test_an_unknown_spelling_names_what_is_accepted(app, team):
    result = check(team, csv_bytes(row(), row(number="2", manner="Natural")))
    (message,) = result.row_errors[3]
    assert message.startswith("Manner: “Natural” is not a manner of death this review records")
    assert "Accident" in message and "Pending investigation" in message


@pytest.mark.parametrize(("written", "age"), [("34", 34), ("34 Years", 34), ("34 yrs", 34),
                                              ("34.0", 34), ("6 Months", 0), ("", None),
                                              ("Unknown", None)])
def test_ages(app, team, written, age):
    result = check(team, csv_bytes(row(age=written)))
    assert result.ok and result.rows[0].facts["age"] == age


@pytest.mark.parametrize("written", ["thirty", "34 furlongs", "-3", "130", "34,5"])
def test_an_unreadable_age_is_a_problem_at_its_column(app, team, written):
    result = check(team, csv_bytes(row(age=written)))
    assert list(result.row_errors) == [2] and result.row_errors[2][0].startswith("Age: ")


def test_an_age_unit_column_makes_infants_zero(app, team):
    data = csv_bytes(["ME-1", "6", "Months"], ["ME-2", "6", "Years"],
                     header=["Case Number", "Age", "Age Unit"])
    assert [r.facts["age"] for r in check(team, data).rows] == [0, 6]


def test_thousands_of_rows_over_years_import_with_consecutive_codes(app, team):
    rows = [row(number=f"ME-{n}", died=f"{1 + n % 12}/{1 + n % 28}/{2016 + n % 8}")
            for n in range(3000)]
    done = import_rows(team, *rows)
    assert done.count == 3000 == len(cases())
    codes = {case.code for case in cases()}
    assert len(codes) == 3000
    assert {f"OFR-{year}-0001" for year in range(2016, 2024)} <= codes
    assert "OFR-2016-0375" in codes and "OFR-2016-0376" not in codes


def test_unknown_columns_are_ignored_and_listed(as_manager, team):
    data = csv_bytes([*row(), "Gorse", "x"], header=[*HEADER, "Investigator", "Mystery"])
    response = upload(as_manager, team.table, data)
    assert response.status_code == 200
    assert "Ignored columns: Investigator, Mystery." in text_of(response)


def test_every_fact_can_be_mapped():
    assert set(FACT_FIELDS) <= set(deaths_fields.FACT_LABELS)


# --- file-level problems -------------------------------------------------------------------------

FILE_PROBLEMS = [
    (b"", "The file is empty."),
    (b"\xef\xbb\xbf\r\n \r\n", "The file is empty."),
    (csv_bytes(), "no rows of deaths"),
    (b"ME-1,06/12/2016,34,M\r\nME-2,06/13/2016,40,F\r\n", "must be the header row"),
    (b"Case Number;DOD;Age\r\nME-1;06/12/2016;34\r\n", "separated by semicolons"),
    (b"Case Number\tDOD\tAge\r\nME-1\t06/12/2016\t34\r\n", "separated by tabs"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel workbook"),
    ("Case Number,DOD\r\n".encode("utf-16"), "UTF-16"),
    (b"Case Number,Name\r\nME-1,\x81\x8d\x8f\r\n", "not UTF-8 or Windows-1252"),
    (b'Case Number,Name\r\nME-1,"unclosed\r\n', "not valid CSV"),
    (",".join(f"c{n}" for n in range(201)).encode() + b"\r\n1\r\n", "at most 200"),
]


@pytest.mark.parametrize(("data", "message"), FILE_PROBLEMS)
def test_file_level_problems_get_one_clear_message(as_manager, team, data, message):
    before = counts()
    response = upload(as_manager, team.table, data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert 'name="payload"' not in response.get_data(as_text=True)
    assert counts() == before


def test_a_file_over_5_mb_is_refused_with_its_own_message(as_manager, team):
    data = csv_bytes(*([*row(number=f"N-{n}"), "x" * 200] for n in range(25_000)),
                     header=[*HEADER, "Narrative"])
    assert len(data) > imports.MAX_BYTES
    response = upload(as_manager, team.table, data)
    assert response.status_code == 400
    assert "larger than 5 MB" in text_of(response)


def test_a_file_over_10000_rows_is_refused(app, team):
    data = csv_bytes(*(["N", "2016-01-01"] for _ in range(imports.MAX_ROWS + 1)),
                     header=["Case Number", "DOD"])
    deaths = deaths_csv.read_deaths_file(data)
    assert any("more than 10,000 rows" in error for error in deaths.file_errors)
    assert not deaths.records


def test_posting_without_a_file_or_source_asks_for_them(as_manager, team):
    response = as_manager.post(f"/tables/{team.table.id}/deaths/import/preview", data={})
    assert response.status_code == 400
    page = text_of(response)
    assert "Choose the CSV file to import." in page and "Name the source of the file" in page


# --- the mapping -------------------------------------------------------------------------------

def test_a_field_chosen_for_two_columns_is_refused_at_the_second(as_manager, team):
    preview = upload(as_manager, team.table, csv_bytes(row()))
    response = again(as_manager, team.table, preview, map_3="date_of_death")
    assert response.status_code == 400
    assert "“Date of death” is already chosen for column “DOD”" in text_of(response)
    assert not can_import(response)


def test_a_target_not_offered_is_refused(as_manager, team):
    preview = upload(as_manager, team.table, csv_bytes(row()))
    response = again(as_manager, team.table, preview, map_1="password_hash")
    assert response.status_code == 400
    assert "Choose from the list." in text_of(response)
    assert counts()[0] == 0


def test_substance_flags_of_every_vocabulary_term_are_offered(as_manager, team):
    page = upload(as_manager, team.table, csv_bytes(row())).get_data(as_text=True)
    for code in imports.substance_terms():
        assert f'value="substance:{code}"' in page


def test_several_columns_may_flag_one_substance_and_join_into_the_address(app, team):
    data = csv_bytes(["ME-1", "", "Y", "12 Elm St", "Alder City"],
                     header=["Case Number", "Fentanyl", "Acetyl Fentanyl", "Residence Address",
                             "Residence City"])
    result = check(team, data)
    assert len(result.rows[0].substance_ids) == 1
    assert result.rows[0].identity["address"] == "12 Elm St, Alder City"


# --- duplicates --------------------------------------------------------------------------------

def test_a_case_number_twice_in_the_file_refuses_the_import(as_manager, team):
    response = upload(as_manager, team.table, csv_bytes(row(number="ME-9"), row(number=" me-9 ")))
    assert response.status_code == 400
    assert "Line 3, Case Number: Same case number as line 2" in text_of(response)
    assert not can_import(response)
    with pytest.raises(deaths_csv.DeathsRejected):
        import_rows(team, row(number="ME-9"), row(number="ME-9"))
    assert counts()[0] == 0


def test_a_case_already_at_the_table_refuses_the_import(as_manager, team):
    import_rows(team, row(number="ME-5"))
    before = counts()
    response = upload(as_manager, team.table, csv_bytes(row(number="ME-6"), row(number="ME-5")))
    assert response.status_code == 400
    assert "Line 3, Case Number: Already at this table as case OFR-2016-0001." in \
        text_of(response)
    assert counts() == before


def test_a_case_of_another_table_is_neither_a_duplicate_nor_told(as_manager, team):
    imports.import_deaths(team.manager, team.other, data=csv_bytes(row(number="ME-7")),
                          source_name=SOURCE, filters=deaths_csv.Filters(),
                          mapping=dict(enumerate(["me_case_number"])))
    db.session.commit()
    response = upload(as_manager, team.table, csv_bytes(row(number="ME-7")))
    assert response.status_code == 200 and "Already" not in text_of(response)


def test_a_row_without_a_case_number_is_a_problem(app, team):
    result = check(team, csv_bytes(row(), row(number="")))
    assert result.row_errors == {3: ["Case Number: Required: the case number is how a later "
                                     "import recognizes this death."]}


# --- all or nothing ----------------------------------------------------------------------------

def test_one_bad_row_imports_nothing(app, team):
    before = counts()
    with pytest.raises(deaths_csv.DeathsRejected) as refused:
        import_rows(team, row(number="A"), row(number="B", died="31/31/2016"), row(number="C"))
    assert refused.value.check.invalid_count == 1
    assert counts() == before


def test_a_duplicate_stored_between_preview_and_confirm_imports_nothing(as_manager, team):
    preview = upload(as_manager, team.table, csv_bytes(row(number="P-1"), row(number="P-2")))
    assert preview.status_code == 200
    import_rows(team, row(number="P-2"))
    before = counts()
    response = confirm(as_manager, team.table, preview)
    assert response.status_code == 400
    assert "Already at this table" in text_of(response) and "nothing was imported" in \
        text_of(response)
    assert counts() == before


def test_a_failure_in_the_middle_of_the_insert_rolls_everything_back(as_manager, team,
                                                                       monkeypatch):
    import_rows(team, row(number="M-5", died="2016-06-05"))
    # the duplicate check misses the stored case (as if it were saved concurrently): the
    # database refuses the fifth of nine new cases
    monkeypatch.setattr(deaths_csv, "_stored_codes", lambda keys, table_id: {})
    monkeypatch.setattr(imports, "store_identity", _without_duplicate_check)
    preview = upload(as_manager, team.table, csv_bytes(
        *(row(number=f"M-{n}", died=f"2016-06-{n:02d}") for n in range(1, 10))))
    assert preview.status_code == 200
    before = counts()
    response = confirm(as_manager, team.table, preview)
    assert response.status_code == 400
    assert "nothing was imported" in text_of(response)
    assert counts() == before and before[0] == 1


def _without_duplicate_check(case, values):
    """``store_identity`` as the database sees it: the unique index alone stops a duplicate."""
    from coalition.core.encryption import encrypt
    from coalition.ofr.services.identity import source_key

    case.identity = CaseIdentity(**{f"{name}_encrypted": encrypt(value)
                                    for name, value in values.items()})
    case.source_key = source_key(values.get("me_case_number", ""))


def test_a_code_taken_meanwhile_is_retried_then_refused_cleanly(app, team, monkeypatch):
    import_rows(team, row(number="K-1"))
    monkeypatch.setattr(imports, "latest_number", lambda column, prefix: 0)  # always collides
    before = counts()
    with pytest.raises(deaths_csv.DeathsRejected) as refused:
        import_rows(team, row(number="K-2"), row(number="K-3"))
    assert "at the same moment" in refused.value.message
    assert counts() == before


# --- the filter --------------------------------------------------------------------------------

def test_the_county_filter_matches_death_or_residence_ignoring_case(app, team):
    header = ["Case Number", "Death County", "Residence County"]
    data = csv_bytes(["1", "ALDER COUNTY", ""], ["2", "Birch", "alder"], ["3", "Birch", "Birch"],
                     ["4", "", ""], header=header)
    result = check(team, data, deaths_csv.Filters(county="Alder County"))
    assert [line.line for line in result.lines] == [2, 3]
    assert result.skipped_county == 2 and result.ok


def test_the_period_filter_skips_and_counts(app, team):
    data = csv_bytes(row(number="1", died="12/31/2015"), row(number="2", died="1/1/2016"),
                     row(number="3", died="6/30/2016"), row(number="4", died="7/1/2016"),
                     row(number="5", died=""))
    result = check(team, data, deaths_csv.Filters(date_from=date(2016, 1, 1),
                                                  date_to=date(2016, 6, 30)))
    assert [r.identity["me_case_number"] for r in result.rows] == ["2", "3"]
    assert (result.skipped_period, result.skipped_undated) == (2, 1)


def test_a_row_outside_the_filter_is_not_an_error_even_when_bad(app, team):
    data = csv_bytes(row(), row(number="2", county="BIRCH", age="old"))
    assert check(team, data, deaths_csv.Filters(county="Alder")).ok


def test_the_filter_on_the_page(as_manager, team):
    preview = upload(as_manager, team.table, csv_bytes(row(number="1"), row(number="2",
                                                                           died="1/1/2017")))
    response = again(as_manager, team.table, preview, date_from="2016-01-01",
                     date_to="2016-12-31")
    assert response.status_code == 200
    assert "1 outside the period" in text_of(response) and "Import 1 death" in text_of(response)
    backwards = again(as_manager, team.table, preview, date_from="2017-01-01",
                      date_to="2016-01-01")
    assert backwards.status_code == 400 and "The period ends before it starts." in \
        text_of(backwards)
    nothing = again(as_manager, team.table, preview, county="Cedar County")
    assert nothing.status_code == 400 and "No row of the file passes the filter" in \
        text_of(nothing)
    unmapped = again(as_manager, team.table, preview, county="Alder", map_5="")
    assert "To filter by county, choose the column" in text_of(unmapped)
    assert counts()[0] == 0


# --- the signed file and the confirm -------------------------------------------------------------

def test_a_tampered_payload_is_refused_and_nothing_saved(as_manager, team):
    preview = upload(as_manager, team.table, csv_bytes(row()))
    payload = form_of(preview)["payload"]
    before = counts()
    for forged in (payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB"),
                   "x" + payload, "", "not-a-payload"):
        for route in (confirm, again):
            response = route(as_manager, team.table, preview, payload=forged)
            assert response.status_code == 400
            assert "could not be verified" in text_of(response)
    assert counts() == before


def test_a_payload_for_another_table_or_salt_is_refused(as_manager, team, app, seat, make_org):
    from itsdangerous import URLSafeSerializer

    preview = upload(as_manager, team.table, csv_bytes(row()))
    forged = URLSafeSerializer(app.secret_key, salt="incident-import").dumps(
        {"table": team.table.id, "filename": "x.csv", "data": ""})
    assert confirm(as_manager, team.table, preview, payload=forged).status_code == 400
    seat(db.session.get(type(team.manager), team.manager.id).person, team.other, make_org(),
         role="manager")
    elsewhere = upload(as_manager, team.other, csv_bytes(row()))
    assert confirm(as_manager, team.table, elsewhere).status_code == 400
    assert counts()[0] == 0
    assert confirm(as_manager, team.other, elsewhere).status_code == 302


def test_a_mapping_changed_after_the_preview_is_shown_before_it_is_imported(as_manager, team):
    preview = upload(as_manager, team.table, csv_bytes(row()))
    response = confirm(as_manager, team.table, preview, map_3="")
    assert response.status_code == 200
    assert "changed since the last check" in text_of(response)
    assert counts()[0] == 0
    assert confirm(as_manager, team.table, response).status_code == 302
    assert cases()[0].age is None


def test_confirming_twice_imports_once(as_manager, team):
    preview = upload(as_manager, team.table, csv_bytes(row()))
    assert confirm(as_manager, team.table, preview).status_code == 302
    replay = confirm(as_manager, team.table, preview)
    assert replay.status_code == 400 and "Already at this table" in text_of(replay)
    assert len(cases()) == 1


# --- permissions and privacy -------------------------------------------------------------------

def _routes(team):
    base = f"/tables/{team.table.id}/deaths/import"
    return [("GET", base), ("POST", f"{base}/preview"), ("POST", f"{base}/confirm")]


@pytest.mark.parametrize("who", ["outsider", "coordinator"])
def test_people_not_seated_at_the_table_get_404(client, login, team, who):
    login(getattr(team, who))
    for method, url in _routes(team):
        assert client.open(url, method=method).status_code == 404, (method, url)


def test_a_seated_member_who_does_not_manage_gets_403(client, login, team):
    login(team.member)
    for method, url in _routes(team):
        assert client.open(url, method=method).status_code == 403, (method, url)


def test_only_fatality_review_tables_import_deaths(client, login, make_table, make_org,
                                                   make_person, make_user, seat):
    hub = make_table("risk_review")
    person = make_person()
    seat(person, hub, make_org(), role="manager")
    login(make_user("member", person=person))
    assert client.get(f"/tables/{hub.id}/deaths/import").status_code == 404


def test_pages_with_identifiers_are_never_cached(as_manager, team):
    assert as_manager.get(f"/tables/{team.table.id}/deaths/import").headers[
        "Cache-Control"] == "no-store"
    preview = upload(as_manager, team.table, csv_bytes(row(name="Robin Quillon")))
    assert "Robin Quillon" in text_of(preview)
    assert preview.headers["Cache-Control"] == "no-store"
    bad = upload(as_manager, team.table, b"")
    assert bad.headers["Cache-Control"] == "no-store"


def test_the_upload_page_offers_the_sample(as_manager, team):
    page = as_manager.get(f"/tables/{team.table.id}/deaths/import").get_data(as_text=True)
    assert "/static/samples/deaths_sample.csv" in page
    assert 'name="source"' in page and 'name="file"' in page


def test_the_sample_is_fictional_and_as_described():
    text = SAMPLE.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(rows[0]) == 40 and 55 <= len(rows) - 1 <= 65
    assert any("\n" in cell for line in rows for cell in line)
    assert {"Fentanyl", "Heroin", "Cocaine", "Methamphetamine", "Xylazine", "Benzodiazepines",
            "Alcohol"} <= set(rows[0])
    deaths = {line[rows[0].index("Date of Death")][6:10] for line in rows[1:]}
    assert deaths == {"2024", "2025"}
