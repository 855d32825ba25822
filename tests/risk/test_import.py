"""Importing overdose incident reports (CSV) as outreach referrals, and the referral list."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.risk import services as risk
from coalition.risk.models import IncidentImport, OutreachReferral
from coalition.risk.services import imports, incident_csv
from tests.conftest import counting_queries

SAMPLE = Path(__file__).resolve().parents[2] / "static/samples/overdose_incidents_sample.csv"
HEADER = "occurred_at,location,fatal,naloxone_administered,naloxone_doses,agency,incident_number"
POLICE = "Alder City Police Department"
EMS = "Alder County Fire & EMS"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def good_row(number: str = "A-1", agency: str = POLICE, when: str = "2026-11-20 23:15") -> str:
    return f"{when},400 block of Canal St,no,yes,2,{agency},{number}"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def counts() -> tuple[int, int, int]:
    db.session.rollback()
    return count(OutreachReferral), count(IncidentImport), count(AuditEvent)


@pytest.fixture
def hub(make_table, make_org, make_person, make_user, seat):
    table = make_table("risk_review", name="Alder Hub")
    police = make_org(POLICE, sector="law_enforcement")
    ems = make_org(EMS, sector="fire_ems")

    def seated(org, role="member", at=table, site_role="member"):
        person = make_person(organizations=[org])
        seat(person, at, org, role=role)
        return make_user(site_role, person=person)

    other = make_table("risk_review", name="Other Hub")
    return SimpleNamespace(
        table=table, other=other, police=police, ems=ems,
        manager=seated(ems, role="manager"), member=seated(police),
        outsider=seated(police, role="manager", at=other),
        unseated_coordinator=make_user("coordinator", person=make_person()))


@pytest.fixture
def as_manager(client, login, hub):
    login(hub.manager)
    return client


def upload(client, table, data: bytes, filename: str = "incidents.csv"):
    return client.post(f"/tables/{table.id}/incidents/import",
                       data={"file": (BytesIO(data), filename)},
                       content_type="multipart/form-data")


def payload_of(response) -> str:
    match = re.search(r'name="payload" type="hidden" value="([^"]*)"',
                      response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:3000]
    return html.unescape(match.group(1))


def confirm(client, table, payload: str):
    return client.post(f"/tables/{table.id}/incidents/import/confirm",
                       data={"payload": payload})


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- the happy path ----------------------------------------------------------------------------

def test_the_sample_file_imports_cleanly(as_manager, hub):
    data = SAMPLE.read_bytes()
    rows = len(data.decode().strip().splitlines()) - 1
    assert 10 <= rows <= 15
    preview = upload(as_manager, hub.table, data, "overdose_incidents_sample.csv")
    assert preview.status_code == 200
    assert f"Import {rows} referrals" in page_text(preview)
    assert counts()[0] == 0  # the preview saved nothing
    response = confirm(as_manager, hub.table, payload_of(preview))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tables/{hub.table.id}/referrals")
    referrals = db.session.scalars(select(OutreachReferral)).all()
    assert len(referrals) == rows
    assert {r.organization_id for r in referrals} == {hub.police.id, hub.ems.id}
    assert all(r.status == "open" and r.table_id == hub.table.id for r in referrals)
    batch = db.session.scalars(select(IncidentImport)).one()
    assert (batch.row_count, batch.filename) == (rows, "overdose_incidents_sample.csv")
    assert batch.imported_by_id == hub.manager.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert event.object_id == batch.id and str(rows) in event.summary


def test_local_times_are_stored_in_utc(app, hub):
    result = risk.parse_incident_csv(csv_bytes(good_row(when="11/20/2026 23:15")),
                                     table=hub.table)
    assert result.ok
    # America/New_York in November is UTC-5
    assert result.rows[0].occurred_at == datetime(2026, 11, 21, 4, 15, tzinfo=UTC)
    for when in ("2026-11-20 23:15", "2026-11-20T23:15"):
        again = risk.parse_incident_csv(csv_bytes(good_row(when=when)), table=hub.table)
        assert again.rows[0].occurred_at == result.rows[0].occurred_at


def test_header_is_case_insensitive_in_any_order_with_extra_columns_ignored(app, hub):
    header = "Incident_Number,AGENCY,fatal,Occurred_At,location,naloxone_administered," \
             "naloxone_doses,victim_name"
    data = csv_bytes("X-9,Alder City Police Department,n,2026-11-01 10:00,Main St,N,,ignored",
                     header=header)
    result = risk.parse_incident_csv(data, table=hub.table)
    assert result.ok, result.row_errors
    assert result.rows[0].incident_number == "X-9" and result.rows[0].is_fatal is False
    assert any("victim_name" in notice for notice in result.notices)


def test_utf8_bom_and_windows_1252_are_read(app, hub):
    bom = b"\xef\xbb\xbf" + csv_bytes(good_row())
    assert risk.parse_incident_csv(bom, table=hub.table).ok
    cp1252 = csv_bytes("2026-11-20 23:15,Caf\u00e9 block of Canal St,no,no,,Agency,1") \
        .decode().encode("cp1252")
    result = risk.parse_incident_csv(cp1252, table=hub.table)
    assert result.ok
    assert result.rows[0].location == "Caf\u00e9 block of Canal St"
    assert any("Windows-1252" in notice for notice in result.notices)


def test_an_agency_not_on_the_roster_is_imported_without_organization(app, hub):
    result = risk.parse_incident_csv(csv_bytes(good_row(agency="Lakeview Ambulance")),
                                     table=hub.table)
    assert result.ok and result.rows[0].organization_id is None
    assert any("Lakeview Ambulance" in notice for notice in result.notices)


def test_organizations_are_matched_case_insensitively(app, hub):
    result = risk.parse_incident_csv(csv_bytes(good_row(agency="alder city police department")),
                                     table=hub.table)
    assert result.rows[0].organization_id == hub.police.id


# --- bad rows: line-level messages, nothing saved ----------------------------------------------

BAD_ROWS = [
    ("2026-13-40 23:15,Main St,no,no,,Agency,1", "occurred_at", "Enter a date and time"),
    (",Main St,no,no,,Agency,1", "occurred_at", "Required"),
    ("2099-01-01 10:00,Main St,no,no,,Agency,1", "occurred_at", "in the future"),
    ("1899-01-01 10:00,Main St,no,no,,Agency,1", "occurred_at", "from 2000"),
    ("2026-11-20 23:15," + "x" * 201 + ",no,no,,Agency,1", "location", "at most 200"),
    ("2026-11-20 23:15,Main St,maybe,no,,Agency,1", "fatal", "Use yes or no"),
    ("2026-11-20 23:15,Main St,,no,,Agency,1", "fatal", "Required"),
    ("2026-11-20 23:15,Main St,no,perhaps,,Agency,1", "naloxone_administered", "yes or no"),
    ("2026-11-20 23:15,Main St,no,yes,51,Agency,1", "naloxone_doses", "0 to 50"),
    ("2026-11-20 23:15,Main St,no,yes,-1,Agency,1", "naloxone_doses", "0 to 50"),
    ("2026-11-20 23:15,Main St,no,yes,two,Agency,1", "naloxone_doses", "whole number"),
    ("2026-11-20 23:15,Main St,no,no,2,Agency,1", "naloxone_doses", "blank or 0"),
    ("2026-11-20 23:15,Main St,no,no,,,1", "agency", "Required"),
    ("2026-11-20 23:15,Main St,no,no,," + "a" * 201 + ",1", "agency", "at most 200"),
    ("2026-11-20 23:15,Main St,no,no,,Agency,", "incident_number", "Required"),
    ("2026-11-20 23:15,Main St,no,no,,Agency," + "9" * 61, "incident_number", "at most 60"),
    ('2026-11-20 23:15,"Main\nSt",no,no,,Agency,1', "location", "line breaks"),
    ("2026-11-20 23:15,Main St,no,no,,Agency,1,surplus", "(line)", "Has 8 values"),
    ("2026-11-20 23:15,Main St,no", "(line)", "Has 3 values"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_each_bad_row_is_named_by_line_and_column_and_nothing_is_saved(
        as_manager, hub, row, column, message):
    before = counts()
    response = upload(as_manager, hub.table, csv_bytes(good_row("OK-1"), row, good_row("OK-2")))
    assert response.status_code == 400
    text = page_text(response)
    assert f"Line 3, {column}: " in re.sub(r"</?code>", "", text)
    assert message in text
    assert "nothing was imported" in text
    assert "Import 2 referrals" not in text and 'name="payload"' not in text
    assert counts() == before


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_the_service_refuses_the_whole_file_for_one_bad_row(app, hub, row, column, message):
    data = csv_bytes(good_row("OK-1"), row)
    result = risk.parse_incident_csv(data, table=hub.table)
    assert not result.ok and result.invalid_count == 1 and result.valid_count == 1
    assert any(text.startswith(f"{column}: ") and message in text
               for text in result.row_errors[3])
    before = counts()
    with pytest.raises(risk.ImportRejected) as caught:
        risk.import_incidents(hub.manager, hub.table, data=data, filename="x.csv")
    assert caught.value.field == "file"
    assert counts() == before


def test_a_duplicate_within_the_file_is_a_row_problem(as_manager, hub):
    response = upload(as_manager, hub.table, csv_bytes(
        good_row("D-1"), good_row("D-2"), good_row("d-1", agency=POLICE.upper())))
    assert response.status_code == 400
    assert "Duplicate of line 2" in page_text(response)
    assert counts()[0] == 0


def test_a_duplicate_of_a_stored_referral_is_a_row_problem(as_manager, hub):
    risk.import_incidents(hub.manager, hub.table, data=csv_bytes(good_row("S-1")),
                          filename="first.csv")
    db.session.commit()
    before = counts()
    response = upload(as_manager, hub.table, csv_bytes(good_row("S-2"), good_row("S-1")))
    assert response.status_code == 400
    text = page_text(response)
    assert "Already imported" in text and "Line 3" in text
    assert counts() == before


def test_the_same_incident_number_from_another_agency_is_not_a_duplicate(app, hub):
    result = risk.parse_incident_csv(csv_bytes(good_row("N-1"), good_row("N-1", agency=EMS)),
                                     table=hub.table)
    assert result.ok and len(result.rows) == 2


# --- file-level problems -------------------------------------------------------------------------

FILE_PROBLEMS = [
    (b"", "The file is empty."),
    (b"\xef\xbb\xbf\r\n\r\n", "The file is empty."),
    (HEADER.encode() + b"\n", "no incident rows"),
    (good_row().encode() + b"\n", "must be the header row"),
    (b"occurred_at,location,fatal,agency,incident_number\n2026-11-20 10:00,x,no,A,1\n",
     "missing the columns: naloxone_administered, naloxone_doses"),
    (HEADER.replace(",", ";").encode() + b"\n" + good_row().replace(",", ";").encode(),
     "separated by semicolons"),
    (HEADER.replace(",", "\t").encode() + b"\n", "separated by tabs"),
    (HEADER.encode() + b",agency\n", "more than once"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
    (HEADER.encode("utf-16"), "UTF-16"),
    (HEADER.encode() + b"\n2026-11-20 10:00,\x81\x8d\x8f,no,no,,A,1\n",
     "not UTF-8 or Windows-1252"),
    (HEADER.encode() + b'\n2026-11-20 10:00,"unclosed,no,no,,A,1\n', "not valid CSV"),
]


@pytest.mark.parametrize(("data", "message"), FILE_PROBLEMS)
def test_file_level_problems_have_a_clear_message(as_manager, hub, data, message):
    before = counts()
    response = upload(as_manager, hub.table, data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert 'name="payload"' not in response.get_data(as_text=True)
    assert counts() == before


def test_a_file_over_2_mb_is_refused(as_manager, hub):
    row = good_row() + "\n"
    data = csv_bytes() + row.encode() * (imports.MAX_BYTES // len(row) + 1)
    response = upload(as_manager, hub.table, data)
    assert response.status_code == 400
    assert "larger than 2 MB" in page_text(response)


def test_a_file_over_5000_rows_is_refused(app, hub):
    data = csv_bytes(*(good_row(f"R-{n}") for n in range(imports.MAX_ROWS + 1)))
    assert len(data) < imports.MAX_BYTES
    result = risk.parse_incident_csv(data, table=hub.table)
    assert any("more than 5,000 rows" in error for error in result.file_errors)
    assert not result.ok and not result.rows


def test_5000_rows_import_in_one_go(app, hub):
    data = csv_bytes(*(good_row(f"R-{n}") for n in range(imports.MAX_ROWS)))
    batch = risk.import_incidents(hub.manager, hub.table, data=data, filename="big.csv")
    db.session.commit()
    assert batch.row_count == imports.MAX_ROWS == counts()[0]


def test_blank_lines_are_skipped_and_line_numbers_stay_true(app, hub):
    result = risk.parse_incident_csv(csv_bytes("", good_row("B-1"), "", "x,y"), table=hub.table)
    assert list(result.row_errors) == [5]


def test_posting_without_a_file_asks_for_one(as_manager, hub):
    response = as_manager.post(f"/tables/{hub.table.id}/incidents/import", data={})
    assert response.status_code == 400
    assert "Choose the CSV file to import." in page_text(response)


# --- the confirm step --------------------------------------------------------------------------

def test_a_tampered_payload_is_refused_and_nothing_saved(as_manager, hub):
    payload = payload_of(upload(as_manager, hub.table, csv_bytes(good_row("T-1"))))
    before = counts()
    for forged in (payload[:-2] + ("AA" if not payload.endswith("AA") else "BB"),
                   "x" + payload, "", "not-a-payload",
                   imports.__name__):
        response = confirm(as_manager, hub.table, forged)
        assert response.status_code == 400, forged
        assert "could not be verified" in page_text(response) or forged == ""
    assert counts() == before


def test_a_payload_signed_with_another_salt_or_for_another_table_is_refused(as_manager, hub, app,
                                                                              seat, make_person):
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer(app.secret_key, salt="wtf-csrf-token").dumps(
        {"table": hub.table.id, "filename": "x.csv", "data": ""})
    assert confirm(as_manager, hub.table, forged).status_code == 400
    person = db.session.get(type(hub.manager), hub.manager.id).person
    seat(person, hub.other, hub.ems, role="manager")
    payload = payload_of(upload(as_manager, hub.other, csv_bytes(good_row("O-1"))))
    assert confirm(as_manager, hub.table, payload).status_code == 400
    assert counts()[0] == 0
    assert confirm(as_manager, hub.other, payload).status_code == 302


def test_confirm_validates_again_and_rejects_what_became_a_duplicate(as_manager, hub):
    payload = payload_of(upload(as_manager, hub.table, csv_bytes(good_row("C-1"),
                                                                 good_row("C-2"))))
    risk.import_incidents(hub.manager, hub.table, data=csv_bytes(good_row("C-2")),
                          filename="meanwhile.csv")
    db.session.commit()
    before = counts()
    response = confirm(as_manager, hub.table, payload)
    assert response.status_code == 400
    text = page_text(response)
    assert "Already imported" in text and "Line 3" in text
    assert counts() == before
    assert confirm(as_manager, hub.table, payload).status_code == 400  # a replay, too


def test_a_failure_in_the_middle_of_the_insert_rolls_everything_back(as_manager, hub,
                                                                       monkeypatch):
    risk.import_incidents(hub.manager, hub.table, data=csv_bytes(good_row("M-5")),
                          filename="first.csv")
    db.session.commit()
    data = csv_bytes(*(good_row(f"M-{n}") for n in range(1, 10)))
    # the duplicate check misses the stored referral (as if it were added concurrently), so the
    # database's unique constraint refuses the fifth row
    monkeypatch.setattr(incident_csv, "_existing_keys", lambda rows, table_id: set())
    payload = payload_of(upload(as_manager, hub.table, data))
    before = counts()
    response = confirm(as_manager, hub.table, payload)
    assert response.status_code == 400
    assert "nothing was imported" in page_text(response)
    assert counts() == before == (1, 1, before[2])


def test_the_service_rolls_back_cleanly_after_a_constraint_hit(app, hub, monkeypatch):
    risk.import_incidents(hub.manager, hub.table, data=csv_bytes(good_row("K-2")),
                          filename="first.csv")
    db.session.commit()
    before = counts()
    monkeypatch.setattr(incident_csv, "_existing_keys", lambda rows, table_id: set())
    with pytest.raises(risk.ImportRejected):
        risk.import_incidents(hub.manager, hub.table,
                              data=csv_bytes(good_row("K-1"), good_row("K-2"), good_row("K-3")),
                              filename="second.csv")
    db.session.rollback()
    assert counts() == before


def test_another_tables_incidents_are_neither_duplicates_nor_disclosed(as_manager, hub,
                                                                       make_table):
    """Agency + incident number are unique per table: a manager of one risk review table is not
    told that another table already holds an incident."""
    other = make_table("risk_review", name="Neighbouring Hub")
    risk.import_incidents(hub.manager, other, data=csv_bytes(good_row("SHARED-1")),
                          filename="theirs.csv")
    db.session.commit()
    response = upload(as_manager, hub.table, csv_bytes(good_row("SHARED-1")))
    assert response.status_code == 200
    assert "Already imported" not in page_text(response)
    assert confirm(as_manager, hub.table, payload_of(response)).status_code == 302
    assert db.session.scalar(select(func.count(OutreachReferral.id))) == 2


# --- the referral list and dismissing ----------------------------------------------------------

def _import(hub, *rows):
    risk.import_incidents(hub.manager, hub.table, data=csv_bytes(*rows), filename="x.csv")
    db.session.commit()
    return {r.incident_number: r for r in db.session.scalars(select(OutreachReferral))}


def test_the_referral_list_shows_open_ones_first_and_filters(client, login, hub):
    referrals = _import(hub, good_row("L-1", when="2026-11-01 10:00"),
                        good_row("L-2", when="2026-11-02 10:00"))
    risk.dismiss_referral(hub.manager, referrals["L-2"], reason="Out of county")
    db.session.commit()
    login(hub.member)
    response = client.get(f"/tables/{hub.table.id}/referrals")
    assert response.status_code == 200
    text = page_text(response)
    assert text.index("L-1") < text.index("L-2")
    assert "400 block of Canal St" in text and "Yes, 2 doses" in text
    assert "Dismiss</button>" not in text  # a seated member does not manage
    dismissed = page_text(client.get(f"/tables/{hub.table.id}/referrals?status=dismissed"))
    assert "L-2" in dismissed and "L-1" not in dismissed
    assert client.get(f"/tables/{hub.table.id}/referrals?status=nonsense").status_code == 400


def test_the_referral_list_links_to_making_a_situation(app, as_manager, hub):
    referral = _import(hub, good_row("S-1"))["S-1"]
    text = page_text(as_manager.get(f"/tables/{hub.table.id}/referrals"))
    assert f"/tables/{hub.table.id}/situations/new?referral={referral.id}" in text
    assert "Reason for dismissing" in text


def test_the_referral_list_query_count_does_not_grow(as_manager, hub):
    _import(hub, *(good_row(f"Q-{n}") for n in range(3)))
    with counting_queries() as small:
        assert as_manager.get(f"/tables/{hub.table.id}/referrals").status_code == 200
    _import(hub, *(good_row(f"Q-{n}", agency=EMS) for n in range(30)))
    with counting_queries() as large:
        assert as_manager.get(f"/tables/{hub.table.id}/referrals").status_code == 200
    assert len(large) == len(small) <= 15


def test_a_manager_dismisses_a_referral_with_a_reason(as_manager, hub):
    referral = _import(hub, good_row("X-1"))["X-1"]
    response = as_manager.post(f"/tables/{hub.table.id}/referrals/{referral.id}/dismiss",
                               data={f"r{referral.id}-reason": "Moved out of county"})
    assert response.status_code == 302
    db.session.refresh(referral)
    assert referral.status == "dismissed" and referral.dismissal_reason == "Moved out of county"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dismiss")).one()
    assert event.object_id == referral.id and event.case_table_id == hub.table.id
    assert "Moved out of county" not in event.summary  # what was typed stays on the referral


def test_dismissing_needs_a_reason_and_an_open_referral(as_manager, hub):
    referral = _import(hub, good_row("X-2"))["X-2"]
    url = f"/tables/{hub.table.id}/referrals/{referral.id}/dismiss"
    response = as_manager.post(url, data={f"r{referral.id}-reason": "   "})
    assert response.status_code == 400
    assert "Enter why this referral is dismissed." in page_text(response)
    db.session.refresh(referral)
    assert referral.status == "open"
    as_manager.post(url, data={f"r{referral.id}-reason": "Duplicate report"})
    again = as_manager.post(url, data={f"r{referral.id}-reason": "Again"})
    assert again.status_code == 400
    assert "Only open referrals can be dismissed" in page_text(again)


def _reason_input(html, referral_id):
    return re.search(rf'<input[^>]* id="r{referral_id}-reason"[^>]*>', html)[0]


def test_the_dismiss_field_is_the_dismiss_form_s_field(app, as_manager, hub):
    """The list writes each dismiss field itself (no form per row); it is the field the
    form would render, blank or sent back with what was typed and the error."""
    from coalition.risk.forms_import import DismissForm
    referrals = _import(hub, good_row("F-1"), good_row("F-2"))
    first, second = referrals["F-1"], referrals["F-2"]
    html = as_manager.get(f"/tables/{hub.table.id}/referrals").get_data(as_text=True)
    with app.test_request_context():
        blank = DismissForm(formdata=None, prefix=f"r{first.id}")
        expected = str(blank.reason(class_="form-control form-control-sm", placeholder="Reason"))
    assert _reason_input(html, first.id) == expected
    typed = "x" * 1001
    response = as_manager.post(f"/tables/{hub.table.id}/referrals/{second.id}/dismiss",
                               data={f"r{second.id}-reason": typed})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    with app.test_request_context(method="POST", data={f"r{second.id}-reason": typed}):
        sent = DismissForm(prefix=f"r{second.id}", meta={"csrf": False})
        assert not sent.validate()
        field_id = sent.reason.id
        expected = str(sent.reason(class_="form-control form-control-sm is-invalid",
                                   placeholder="Reason",
                                   **{"aria-describedby": f"{field_id}-error",
                                      "aria-invalid": "true"}))
    assert _reason_input(html, second.id) == expected
    assert (f'<div id="{field_id}-error" class="invalid-feedback d-block">Use at most 1000 '
            "characters.</div>") in html
    assert _reason_input(html, first.id) == _reason_input(
        as_manager.get(f"/tables/{hub.table.id}/referrals").get_data(as_text=True), first.id)


# --- permissions -------------------------------------------------------------------------------

def _routes(hub, referral):
    base = f"/tables/{hub.table.id}"
    return [("GET", f"{base}/incidents/import"), ("POST", f"{base}/incidents/import"),
            ("POST", f"{base}/incidents/import/confirm"), ("GET", f"{base}/referrals"),
            ("POST", f"{base}/referrals/{referral.id}/dismiss")]


@pytest.mark.parametrize("who", ["outsider", "unseated_coordinator"])
def test_people_not_seated_at_the_table_get_404_everywhere(client, login, hub, who):
    referral = _import(hub, good_row("P-1"))["P-1"]
    login(getattr(hub, who))
    for method, url in _routes(hub, referral):
        assert client.open(url, method=method).status_code == 404, (method, url)
    assert referral.status == "open"


def test_a_seated_member_sees_referrals_but_may_not_import_or_dismiss(client, login, hub):
    referral = _import(hub, good_row("P-2"))["P-2"]
    login(hub.member)
    expected = [403, 403, 403, 200, 403]
    for (method, url), status in zip(_routes(hub, referral), expected, strict=True):
        assert client.open(url, method=method).status_code == status, (method, url)


def test_a_referral_of_another_table_is_not_found(client, login, hub, seat):
    referral = _import(hub, good_row("P-3"))["P-3"]
    login(hub.outsider)
    response = client.post(f"/tables/{hub.other.id}/referrals/{referral.id}/dismiss",
                           data={f"r{referral.id}-reason": "x"})
    assert response.status_code == 404


def test_only_risk_review_tables_have_referrals(client, login, make_table, make_org,
                                                make_person, make_user, seat):
    ofr = make_table("ofr")
    person = make_person()
    seat(person, ofr, make_org(), role="manager")
    login(make_user("member", person=person))
    assert client.get(f"/tables/{ofr.id}/referrals").status_code == 404
    assert client.get(f"/tables/{ofr.id}/incidents/import").status_code == 404


def test_the_import_page_offers_the_sample_and_columns(as_manager, hub):
    text = page_text(as_manager.get(f"/tables/{hub.table.id}/incidents/import"))
    for column in imports.COLUMNS:
        assert column in text
    assert "/static/samples/overdose_incidents_sample.csv" in text


def test_a_large_file_that_compresses_badly_still_confirms(as_manager, hub):
    import random

    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    rows = [f"2026-11-20 23:15,{''.join(rng.choice(letters) for _ in range(200)).strip()},"
            f"no,yes,1,{EMS},L-{n}" for n in range(imports.MAX_ROWS)]
    data = csv_bytes(*rows)
    assert 1_000_000 < len(data) < imports.MAX_BYTES
    preview = upload(as_manager, hub.table, data)
    assert preview.status_code == 200
    payload = payload_of(preview)
    assert len(payload) > 500_000  # over Flask's default form field limit
    assert confirm(as_manager, hub.table, payload).status_code == 302
    assert counts()[0] == imports.MAX_ROWS
