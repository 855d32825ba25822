"""Property-based: whatever file is uploaded, no 500 and no partial write; the parser never
raises and either accepts every line or reports a problem."""

from __future__ import annotations

import csv
import io
import re
from io import BytesIO

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.risk import services as risk
from coalition.risk.models import IncidentImport, OutreachReferral
from coalition.risk.services.imports import COLUMNS

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])


def _counts() -> tuple[int, int, int]:
    db.session.rollback()
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (OutreachReferral, IncidentImport, AuditEvent))


@pytest.fixture
def manager(client, login, make_table, make_org, make_person, make_user, seat):
    table = make_table("risk_review")
    org = make_org("Alder County Fire & EMS", sector="fire_ems")
    person = make_person(organizations=[org])
    seat(person, table, org, role="manager")
    login(make_user("member", person=person))
    return client, table


odd_cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "yes", "no", "Y", "0", "1", "51", "-1", "2026-11-20 23:15",
                     "11/20/2026 23:15", "2026-02-30 10:00", "2026-11-20T25:00", "\x00", "\u202e",
                     "\ufeff", "😀" * 30, '"', "a,b", "a\nb", "x" * 300, "1e3", "٣",
                     "Alder County Fire & EMS", "ACPD-1"]),
)
header_name = st.one_of(st.sampled_from(list(COLUMNS)), st.text(max_size=15))


@st.composite
def csv_files(draw) -> bytes:
    columns = list(COLUMNS)
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))
    if draw(st.booleans()):
        columns = draw(st.lists(header_name, min_size=1, max_size=9))
    rows = draw(st.lists(st.lists(odd_cell, min_size=0, max_size=9), max_size=8))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return out.getvalue().encode(encoding, errors="replace")


VALID_CELLS = {
    "occurred_at": st.sampled_from(["2026-11-20 23:15", "2026-03-08T02:30", "11/01/2026 01:30",
                                    "2025-01-01 00:00:00"]),
    "location": st.one_of(st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=60),
                          st.sampled_from(["", "Main St & 3rd", "=1+1", "<b>x</b>", "Ωmega Ave"])),
    "fatal": st.sampled_from(["yes", "no", "Y", "n", "TRUE", "0"]),
    "naloxone_administered": st.sampled_from(["yes", "Yes", "y", "true", "no"]),
    "naloxone_doses": st.sampled_from(["", "", "0", "1", "3", "50"]),
    "agency": st.sampled_from(["Alder County Fire & EMS", "alder county fire & ems",
                               "Lakeview Ambulance", "Å"]),
    "incident_number": st.one_of(st.from_regex(r"[A-Z0-9-]{1,12}", fullmatch=True),
                                 st.sampled_from(["№ 5", "ACPD 1/2", "ß-1", "SS-1", " x "])),
}


@st.composite
def mostly_valid_files(draw) -> bytes:
    """Files close to valid (so the confirm step runs), with random text in the free cells."""
    columns = draw(st.permutations(list(COLUMNS)))
    rows = draw(st.lists(st.fixed_dictionaries(VALID_CELLS), min_size=1, max_size=6,
                         unique_by=lambda row: row["incident_number"].casefold()))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([[row[name] for name in columns] for row in rows])
    return out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


any_file = st.one_of(st.binary(max_size=600), csv_files(), mostly_valid_files(),
                     mostly_valid_files())


@PROPERTY_SETTINGS
@given(data=any_file)
def test_the_parser_never_raises_and_never_writes(manager, data):
    _, table = manager
    before = _counts()
    result = risk.parse_incident_csv(data, table=table)
    assert result.ok or result.file_errors or result.invalid_count or not result.rows
    if result.ok:
        assert len(result.rows) == result.valid_count == len(result.lines)
    assert _counts() == before


@PROPERTY_SETTINGS
@given(data=any_file, filename=st.text(max_size=300))
def test_an_upload_never_fails_and_the_import_is_all_or_nothing(manager, data, filename):
    client, table = manager
    before = _counts()
    response = client.post(f"/tables/{table.id}/incidents/import",
                           data={"file": (BytesIO(data), filename or "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 400)
    assert _counts() == before  # the preview saves nothing
    match = re.search(r'name="payload" type="hidden" value="([^"]*)"',
                      response.get_data(as_text=True))
    assert (match is not None) == (response.status_code == 200)
    event("previewed as valid" if match else "rejected")
    if match is None:
        return
    expected = risk.parse_incident_csv(data, table=table)
    confirmed = client.post(f"/tables/{table.id}/incidents/import/confirm",
                            data={"payload": match.group(1)})
    assert confirmed.status_code == 302
    after = _counts()
    assert after[0] - before[0] == len(expected.rows)
    assert after[1] - before[1] == 1
    # tidy up so later examples are not duplicates of this one
    db.session.execute(OutreachReferral.__table__.delete())
    db.session.commit()


@PROPERTY_SETTINGS
@given(reason=st.one_of(st.text(max_size=80), st.sampled_from(
    ["", " ", "\x00", "a\nb", "x" * 1001, "x" * 1000, "😀" * 300, "<script>", "\u202e"])))
def test_dismissing_with_any_reason_never_fails_or_half_saves(manager, reason):
    client, table = manager
    db.session.execute(OutreachReferral.__table__.delete())
    risk.import_incidents(None, table, data=(
        ",".join(COLUMNS) + "\n2026-11-20 23:15,,no,no,,Agency,H-1\n").encode(), filename="x")
    db.session.commit()
    referral = db.session.scalars(select(OutreachReferral)).one()
    before = _counts()
    response = client.post(f"/tables/{table.id}/referrals/{referral.id}/dismiss",
                           data={f"r{referral.id}-reason": reason})
    assert response.status_code in (302, 400)
    db.session.refresh(referral)
    dismissed = response.status_code == 302
    assert referral.status == ("dismissed" if dismissed else "open")
    # one audit row: the dismissal, or the list shown again with the message (a read)
    assert _counts()[2] - before[2] == 1
