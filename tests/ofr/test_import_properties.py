"""Property-based: whatever file, cell, mapping or filter arrives, the deaths import never fails
with a server error, the parser never raises, the preview never writes, and the confirm imports
every checked row or nothing."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.ofr.models import CaseIdentity, CaseSubstance, DeathImportSource, FatalityCase
from coalition.ofr.services import deaths_csv, deaths_fields, imports

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])
MODELS = (FatalityCase, CaseIdentity, CaseSubstance, DeathImportSource, AuditEvent)
KNOWN_HEADERS = ["Case Number", "ME Case #", "Decedent Name", "Last Name", "First Name", "DOD",
                 "Date of Death", "DOB", "Age", "Age Unit", "Sex", "Race", "Hispanic",
                 "Death County", "Residence County", "Place of Death", "Manner of Death",
                 "Fentanyl", "Cocaine", "Xylazine", "Naloxone Administered", "Homeless",
                 "Narrative", "Residence Address", "Investigator"]


def _counts() -> tuple[int, ...]:
    db.session.rollback()
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in MODELS)


def _tidy() -> None:
    db.session.execute(FatalityCase.__table__.delete())
    db.session.execute(DeathImportSource.__table__.delete())
    db.session.commit()


@pytest.fixture
def manager(client, login, make_table, make_org, make_person, make_user, seat):
    table = make_table("ofr")
    org = make_org("Alder County Medical Examiner", sector="medical_examiner_coroner")
    person = make_person(organizations=[org])
    seat(person, table, org, role="manager")
    login(make_user("member", person=person))
    return client, table


odd_cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "", " ", "Y", "N", "U", "X", "Positive", "maybe", "M", "f", "MALE", "ACCIDENTAL",
        "Natural", "Non-Hispanic", "Decedent's Residence", "34", "34 Years", "6 Months", "-1",
        "130", "1e3", "٣", "３４", "06/12/2016 12:00:00 AM", "6/12/2016", "06/12/16",
        "2016-06-12 00:00:00", "June 12, 2016", "2016-02-30", "13/45/2016", "0/0/0",
        "99999999", "June 31, 2016", "12/31/9999", "01/01/0001", "2099-01-01", "\x00", "\u202e",
        "\ufeff", "\u200b", "😀" * 30, '"', "a,b", "a\nb", "a\r\nb", "x" * 5000,
        "ALDER COUNTY", "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "ME-1", "me-1"]),
)
header_name = st.one_of(st.sampled_from(KNOWN_HEADERS), st.text(max_size=20))


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def csv_files(draw) -> bytes:
    columns = draw(st.lists(header_name, min_size=1, max_size=10))
    rows = draw(st.lists(st.lists(odd_cell, max_size=12), max_size=8))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return _encode(out.getvalue(), draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252",
                                                          "utf-16"])))


VALID = {
    "Case Number": st.from_regex(r"ME-[0-9]{2}-[0-9]{4}", fullmatch=True),
    "Decedent Name": st.one_of(st.text(st.characters(exclude_categories=("Cc", "Cs", "Cf")),
                                       max_size=40),
                               st.sampled_from(["José Peña", "O'Brien, Pat", "李小龍", ""])),
    "DOD": st.sampled_from(["06/12/2016 12:00:00 AM", "6/12/2016", "06/12/16", "2016-06-12",
                            "2016-06-12 00:00:00", "June 12, 2016", "", "1/31/2020"]),
    "Age": st.sampled_from(["34", "34 Years", "", "0", "120", "6 Months"]),
    "Sex": st.sampled_from(["M", "Male", "MALE", "F", "U", "Unknown", ""]),
    "Death County": st.sampled_from(["ALDER COUNTY", "Alder County", "BIRCH", ""]),
    "Manner of Death": st.sampled_from(["Accident", "ACCIDENTAL", "Pending", "Undetermined", ""]),
    "Fentanyl": st.sampled_from(["Y", "", "Yes", "X", "1", "TRUE", "Positive", "N", "No", "0"]),
    "Narrative": st.one_of(st.text(st.characters(exclude_categories=("Cc", "Cs", "Cf")),
                                   max_size=120),
                           st.sampled_from(["Found at home.\nNaloxone given.", "", "\t x"]),
                           st.text(max_size=40)),
}


@st.composite
def mostly_valid_files(draw) -> bytes:
    """Files close to valid (so the confirm runs), with random text in the free cells."""
    columns = draw(st.permutations(list(VALID)))
    rows = draw(st.lists(st.fixed_dictionaries(VALID), min_size=1, max_size=6,
                         unique_by=lambda row: row["Case Number"]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(columns)
    writer.writerows([[row[name] for name in columns] for row in rows])
    return _encode(out.getvalue(), draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])))


any_file = st.one_of(st.binary(max_size=600), csv_files(), *[mostly_valid_files()] * 3)


@PROPERTY_SETTINGS
@given(value=odd_cell)
def test_every_cell_reader_either_reads_or_says_why(app, value):
    today = local_today()
    readers = [lambda v: deaths_fields.parse_date(v, today), deaths_fields.parse_age,
               deaths_fields.parse_age_unit, deaths_fields.parse_flag,
               lambda v: deaths_fields.parse_count(v, "naloxone_doses"),
               *(lambda v, field=field: deaths_fields.parse_code(v, field)
                 for field in deaths_fields.CODED)]
    for read in readers:
        try:
            read(value)
        except deaths_fields.CellProblem as problem:
            assert str(problem)


FORMATS = ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%B %d, %Y",
           "%d-%b-%Y", "%Y%m%d"]


@PROPERTY_SETTINGS
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)),
       fmt=st.sampled_from(FORMATS))
def test_dates_read_back_in_every_accepted_form(app, day, fmt):
    assert deaths_fields.parse_date(day.strftime(fmt), local_today()) == day


@PROPERTY_SETTINGS
@given(data=any_file, county=st.one_of(st.just(""), st.text(max_size=20)))
def test_the_parser_never_raises_and_never_writes(manager, data, county):
    _, table = manager
    before = _counts()
    deaths = deaths_csv.read_deaths_file(data)
    substances = imports.substance_terms()
    mapping = imports.initial_mapping(table, deaths.columns, "Alder ME", substances)
    result = deaths_csv.check_deaths(deaths, table=table, mapping=mapping, substances=substances,
                                     filters=deaths_csv.Filters(county=county))
    assert result.ok or result.file_errors or result.mapping_errors or result.invalid_count \
        or not result.rows
    if result.ok:
        assert len(result.rows) == result.valid_count == len(result.lines)
    assert deaths_csv.rejection_message(result)
    assert _counts() == before


def _form_of(page: str) -> dict[str, str]:
    values = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name:
            values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = [re.search(r'value="([^"]*)"', tag).group(1)
                  for tag in re.findall(r"<option[^>]*>", body) if " selected" in tag]
        values[name] = html.unescape(chosen[0]) if chosen else ""
    values.pop("csrf_token", None)
    return values


@PROPERTY_SETTINGS
@given(data=any_file, filename=st.one_of(st.just("deaths.csv"), st.text(max_size=300)),
       source=st.one_of(
    st.sampled_from(["Alder ME", "Alder County Medical Examiner"]), st.text(max_size=130)))
def test_an_upload_never_fails_and_the_import_is_all_or_nothing(manager, data, filename,
                                                                 source):
    client, table = manager
    _tidy()
    before = _counts()
    response = client.post(f"/tables/{table.id}/deaths/import/preview",
                           data={"file": (io.BytesIO(data), filename or "x.csv"),
                                 "source": source or "Alder ME"},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 400)
    assert _counts() == before  # the preview saves nothing
    page = response.get_data(as_text=True)
    ready = "/deaths/import/confirm" in page
    assert ready == (response.status_code == 200)
    event("ready to import" if ready else "refused")
    if not ready:
        return
    form = _form_of(page)
    expected = imports.check_file(table, data, filters=deaths_csv.Filters(), mapping={
        int(name[4:]): value for name, value in form.items() if name.startswith("map_")})
    confirmed = client.post(f"/tables/{table.id}/deaths/import/confirm", data=form)
    assert confirmed.status_code == 302, html.unescape(confirmed.get_data(as_text=True))[:2000]
    after = _counts()
    assert after[0] - before[0] == len(expected.rows) == after[1] - before[1]
    assert after[3] - before[3] == 1


target_value = st.one_of(
    st.sampled_from(["", "me_case_number", "date_of_death", "age", "sex", "manner", "name",
                     "first_name", "address", "cause_narrative", "county_of_death",
                     "county_of_residence", "substance:fentanyl_and_analogs", "veteran",
                     "birth_date", "naloxone_doses", "place_of_death"]),
    st.text(max_size=30))
posted_date = st.one_of(st.just(""), st.sampled_from(["2016-01-01", "2016-12-31", "2016-02-30",
                                                      "9999-12-31", "0001-01-01", "1/1/2016"]),
                        st.text(max_size=12))


@PROPERTY_SETTINGS
@given(mapping=st.lists(target_value, min_size=9, max_size=9), county=st.text(max_size=120),
       date_from=posted_date, date_to=posted_date, source=st.text(max_size=130),
       confirm=st.booleans())
def test_any_mapping_and_filter_posted_back_is_a_page_never_a_500(manager, mapping, county,
                                                                  date_from, date_to, source,
                                                                  confirm):
    client, table = manager
    _tidy()
    data = (b"Case Number,Decedent Name,DOD,Age,Sex,Death County,Manner,Fentanyl,Narrative\r\n"
            b'ME-1,Robin Quillon,06/12/2016,34,M,ALDER COUNTY,Accident,Y,"Found\r\nat home"\r\n'
            b"ME-2,Sky Marrowby,1/2/2017,41 Years,F,BIRCH,ACCIDENTAL,,\r\n")
    preview = client.post(f"/tables/{table.id}/deaths/import/preview",
                          data={"file": (io.BytesIO(data), "d.csv"), "source": "Alder ME"},
                          content_type="multipart/form-data")
    assert preview.status_code == 200
    form = _form_of(preview.get_data(as_text=True))
    form.update({f"map_{index}": value for index, value in enumerate(mapping)},
                county=county, date_from=date_from, date_to=date_to, source=source)
    before = _counts()
    action = "confirm" if confirm else "preview"
    response = client.post(f"/tables/{table.id}/deaths/import/{action}", data=form)
    assert response.status_code in (200, 302, 400)
    after = _counts()
    if response.status_code == 302:  # only a confirm of what was previewed imports
        assert confirm and after[0] - before[0] in (1, 2)
    else:
        assert after == before
