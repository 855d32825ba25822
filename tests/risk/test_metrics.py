"""The table's measures on a small known data set (exact values), the report page and the
dashboard card."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coalition.core.db import utcnow
from coalition.extensions import db
from coalition.risk.models import OutreachAttempt
from coalition.risk.services import metrics

OLD = date(2025, 1, 15)
RECENT = date(2026, 6, 1)


@pytest.fixture
def known(risk_setting, make_situation):
    """Six situations at the table and one elsewhere, with attempts:

    ======  ==========  =========  ======================  ==================================
    code    status      source     first contact (hours)   attempts (police on the team?)
    ======  ==========  =========  ======================  ==================================
    S1      accepted    ems        10                      contact_person (no)
    S2      concluded   police     20                      no_contact (yes), contact_network (yes)
    S3      accepted    police     — (accepted 50 h ago)   no_contact (yes)
    S4      rejected    ems        —                       —
    S5      new         walk_in    —                       —
    S6      concluded   walk_in    30                      contact_person (no)
    ======  ==========  =========  ======================  ==================================
    """
    now = utcnow()
    start = now - timedelta(days=20)
    org = risk_setting.police

    def make(code, status, source, presented_on=RECENT, contact_hours=None, accepted_at=start,
             **fields):
        if status in ("accepted", "concluded"):
            fields["accepted_at"] = accepted_at
            if contact_hours is not None:
                fields["first_contact_at"] = accepted_at + timedelta(hours=contact_hours)
        if status == "rejected":
            fields.update(level=None, age_range=None, consent_status=None, summary="")
        situation = make_situation(risk_setting.table, org, status=status, code=code,
                                   presented_on=presented_on, **fields)
        situation.referral_source = source
        return situation

    def attempt(situation, hours, result, police):
        db.session.add(OutreachAttempt(
            situation=situation, attempted_at=situation.accepted_at + timedelta(hours=hours),
            organization_id=org.id, mode="in_person", result=result, police_present=police,
            team="police_uniformed" if police else "peer"))

    s1 = make("S1", "accepted", "ems", presented_on=OLD, contact_hours=10)
    s2 = make("S2", "concluded", "police_overdose_report", contact_hours=20,
              outcome="connected", risk_status="lowered", concluded_on=RECENT)
    s3 = make("S3", "accepted", "police_overdose_report", accepted_at=now - timedelta(hours=50))
    make("S4", "rejected", "ems", presented_on=OLD)
    make("S5", "new", "walk_in")
    s6 = make("S6", "concluded", "walk_in", contact_hours=30, outcome="refused",
              risk_status="still_elevated", concluded_on=RECENT)
    attempt(s1, 10, "contact_person", False)
    attempt(s2, 5, "no_contact", True)
    attempt(s2, 20, "contact_network", True)
    attempt(s3, 1, "no_contact", True)
    attempt(s6, 30, "contact_person", False)
    elsewhere = make_situation(risk_setting.other_table, org, status="accepted",
                               accepted_at=start, first_contact_at=start + timedelta(hours=1))
    db.session.add(OutreachAttempt(situation=elsewhere, attempted_at=start,
                                   organization_id=org.id, mode="phone",
                                   result="contact_person", team="peer"))
    db.session.commit()
    return risk_setting.table


def test_situations_presented_and_accepted_share(known):
    m = metrics.table_metrics(known)
    assert (m["presented"], m["decided"], m["accepted"], m["accepted_pct"]) == (6, 5, 4, 80.0)


def test_median_hours_from_acceptance_to_first_contact(known):
    assert metrics.table_metrics(known)["median_hours_to_first_contact"] == 20.0


def test_situations_open_past_48_hours_without_contact(known):
    assert metrics.table_metrics(known)["open_past_48h"] == 1


def test_outcome_counts(known):
    counts = {row["code"]: row["count"] for row in metrics.table_metrics(known)["outcomes"]}
    assert counts == {"connected": 1, "informed": 0, "refused": 1, "unable_to_locate": 0,
                      "referred_elsewhere": 0, "other": 0}


def test_engagement_rate(known):
    assert metrics.table_metrics(known)["engagement"] == {
        "situations_with_attempt": 4, "situations_engaged": 3, "rate": 75.0}


def test_engagement_by_police_presence(known):
    by_team = {row["police_present"]: (row["attempts"], row["attempts_with_contact"],
                                       row["rate"])
               for row in metrics.table_metrics(known)["by_team"]}
    assert by_team == {True: (3, 1, 33.3), False: (2, 2, 100.0)}


def test_engagement_by_referral_source(known):
    by_source = {row["code"]: (row["situations_with_attempt"], row["situations_engaged"],
                               row["rate"])
                 for row in metrics.table_metrics(known)["by_referral_source"]}
    assert by_source == {"police_overdose_report": (2, 1, 50.0), "ems": (1, 1, 100.0),
                         "walk_in": (1, 1, 100.0)}


def test_since_keeps_situations_presented_from_that_date(known):
    m = metrics.table_metrics(known, since=date(2026, 1, 1))
    assert (m["presented"], m["accepted_pct"], m["engagement"]["rate"]) == (4, 100.0, 66.7)


def test_a_table_without_situations_has_no_rates(risk_setting):
    m = metrics.table_metrics(risk_setting.table)
    assert (m["presented"], m["accepted_pct"], m["median_hours_to_first_contact"],
            m["engagement"]["rate"]) == (0, None, None, None)


# --- the report page and the dashboard card -------------------------------------------------

def test_the_report_page_shows_aggregates_without_codes(client, login, risk_setting, known):
    login(risk_setting.police_user)
    html = client.get(f"/tables/{known.id}/risk-report").get_data(as_text=True)
    assert "80.0 %" in html and "33.3 %" in html and "Police overdose report" in html
    assert "S1" not in html and "RS-" not in html


def test_the_report_refuses_a_date_it_cannot_read(client, login, risk_setting, known):
    login(risk_setting.police_user)
    response = client.get(f"/tables/{known.id}/risk-report?since=31-31-2026")
    assert response.status_code == 400
    assert "Enter a real date" in response.get_data(as_text=True)


def test_the_dashboard_card_shows_the_table_measures(client, login, risk_setting, known):
    login(risk_setting.harm_user)
    html = client.get("/").get_data(as_text=True)
    assert "6 presented" in html and "80.0 % accepted" in html
    assert "median 20.0 hours" in html and "1 open past 48 hours" in html


def test_the_dashboard_card_is_only_for_members_of_a_risk_review_table(client, login,
                                                                       risk_setting, known):
    login(risk_setting.unseated_coordinator)
    html = client.get("/").get_data(as_text=True)
    # the table's name is in "Next meetings" (coordinators manage every table), not its measures
    assert 'id="risk-heading"' not in html and "presented" not in html
