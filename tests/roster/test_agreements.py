"""Data-sharing agreements: recording, correcting, bad input, and the expiry alerts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coalition.core.localtime import local_today
from coalition.extensions import db
from coalition.roster import services as roster
from coalition.roster.models import Agreement
from tests.conftest import audit_rows, count, error_for


def _agreement_form(**fields) -> dict:
    return {"signed_on": "2025-01-15", "expires_on": "2026-01-14", "reference": "DSA-2025-07",
            "notes": "Amended when the OFR team started.", **fields}


def _agree(org, signed_on: date, expires_on: date) -> Agreement:
    agreement = Agreement(organization=org, signed_on=signed_on, expires_on=expires_on)
    db.session.add(agreement)
    db.session.commit()
    return agreement


def test_a_coordinator_records_an_agreement(as_coordinator, make_org, coordinator):
    org = make_org("Harbor Hospital")
    response = as_coordinator.post(f"/organizations/{org.id}/agreements/new",
                                   data=_agreement_form())
    assert response.status_code == 302
    agreement = db.session.scalar(select(Agreement))
    assert agreement.organization_id == org.id
    assert (agreement.signed_on, agreement.expires_on) == (date(2025, 1, 15), date(2026, 1, 14))
    assert agreement.reference == "DSA-2025-07"
    [row] = audit_rows("create", "agreements", agreement.id)
    assert row.user_id == coordinator.id and "Harbor Hospital" in row.summary


def test_an_agreement_may_expire_the_day_it_is_signed(as_coordinator, make_org):
    org = make_org()
    response = as_coordinator.post(f"/organizations/{org.id}/agreements/new",
                                   data=_agreement_form(expires_on="2025-01-15"))
    assert response.status_code == 302


@pytest.mark.parametrize(("fields", "field_id", "message"), [
    ({"expires_on": "2025-01-14"}, "expires_on",
     "The expiry date must be on or after the date it was signed."),
    ({"signed_on": ""}, "signed_on", "Enter the date the agreement was signed."),
    ({"expires_on": ""}, "expires_on", "Enter the date the agreement expires."),
    ({"signed_on": "2025-02-30"}, "signed_on", "Enter a real date, like 2025-03-31."),
    ({"expires_on": "next year"}, "expires_on", "Enter a real date, like 2025-03-31."),
    ({"signed_on": "2025-01-15" * 50}, "signed_on", "Enter a real date, like 2025-03-31."),
    ({"reference": "R" * 201}, "reference", "Use at most 200 characters."),
    ({"notes": "n" * 5001}, "notes", "Use at most 5000 characters."),
])
def test_bad_agreement_input_is_refused_at_the_field(as_coordinator, make_org, fields,
                                                     field_id, message):
    org = make_org()
    response = as_coordinator.post(f"/organizations/{org.id}/agreements/new",
                                   data=_agreement_form(**fields))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in error_for(html, field_id)
    assert count(Agreement) == 0
    assert audit_rows("create", "agreements") == []


def test_a_refused_agreement_keeps_the_typed_dates(as_coordinator, make_org):
    org = make_org()
    html = as_coordinator.post(f"/organizations/{org.id}/agreements/new",
                               data=_agreement_form(expires_on="2024-12-31")).get_data(
                                   as_text=True)
    assert 'value="2025-01-15"' in html and 'value="2024-12-31"' in html
    assert 'value="DSA-2025-07"' in html


def test_the_service_also_refuses_an_expiry_before_signing(make_org, coordinator):
    org = make_org()
    with pytest.raises(roster.ServiceError) as caught:
        roster.add_agreement(coordinator, org, signed_on=date(2025, 5, 1),
                             expires_on=date(2025, 4, 30))
    assert caught.value.field == "expires_on"


def test_a_coordinator_corrects_an_agreement(as_coordinator, make_org):
    org = make_org()
    agreement = _agree(org, date(2025, 1, 1), date(2025, 12, 31))
    response = as_coordinator.post(
        f"/organizations/{org.id}/agreements/{agreement.id}/edit",
        data=_agreement_form(signed_on="2025-01-01", expires_on="2026-06-30"))
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.expires_on == date(2026, 6, 30)
    [row] = audit_rows("update", "agreements", agreement.id)
    assert "expires_on: '2025-12-31' → '2026-06-30'" in row.summary


def test_an_agreement_is_edited_only_under_its_own_organization(as_coordinator, make_org):
    agreement = _agree(make_org(), date(2025, 1, 1), date(2025, 12, 31))
    other = make_org()
    url = f"/organizations/{other.id}/agreements/{agreement.id}/edit"
    assert as_coordinator.get(url).status_code == 404
    assert as_coordinator.post(url, data=_agreement_form()).status_code == 404


def test_members_cannot_record_agreements(client, login, make_user, make_org):
    org = make_org()
    login(make_user("member"))
    response = client.post(f"/organizations/{org.id}/agreements/new", data=_agreement_form())
    assert response.status_code == 403
    assert count(Agreement) == 0


# --- alerts ---------------------------------------------------------------------------------

def test_expired_and_soon_expiring_agreements_are_flagged(make_org):
    expired = make_org("Expired Org")
    _agree(expired, local_today() - timedelta(days=400), local_today() - timedelta(days=1))
    expiring = make_org("Expiring Org")
    _agree(expiring, local_today() - timedelta(days=300), local_today() + timedelta(days=60))
    later = make_org("Later Org")
    _agree(later, local_today() - timedelta(days=300), local_today() + timedelta(days=61))
    alerts = roster.agreement_alerts(local_today(), 60)
    assert [(a["name"], a["status"]) for a in alerts] == [
        ("Expired Org", "expired"), ("Expiring Org", "expiring")]
    assert alerts[1]["days_left"] == 60


def test_a_later_agreement_replaces_the_older_one(make_org):
    org = make_org("Renewed Org")
    _agree(org, local_today() - timedelta(days=800), local_today() - timedelta(days=30))
    _agree(org, local_today() - timedelta(days=30), local_today() + timedelta(days=335))
    assert roster.agreement_alerts(local_today(), 60) == []
    db.session.expire_all()
    assert org.current_agreement.expires_on == local_today() + timedelta(days=335)


def test_inactive_organizations_raise_no_alert(make_org):
    org = make_org("Former Member", is_active=False)
    _agree(org, local_today() - timedelta(days=400), local_today() - timedelta(days=1))
    assert roster.agreement_alerts(local_today(), 60) == []


def test_the_detail_page_warns_of_an_expired_agreement(client, login, make_user, make_org):
    org = make_org()
    _agree(org, local_today() - timedelta(days=400), local_today() - timedelta(days=2))
    login(make_user("member"))
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Agreement expired" in html
    assert f"The agreement expired on {(local_today() - timedelta(days=2)).isoformat()}" in html


def test_the_detail_page_warns_of_an_agreement_expiring_within_sixty_days(client, login,
                                                                          make_user, make_org):
    org = make_org()
    _agree(org, local_today() - timedelta(days=300), local_today() + timedelta(days=45))
    login(make_user("member"))
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Agreement expiring soon" in html and "in 45 days" in html


def test_the_detail_page_shows_the_history_with_the_older_agreement_superseded(
        client, login, make_user, make_org):
    org = make_org()
    _agree(org, local_today() - timedelta(days=800), local_today() - timedelta(days=30))
    _agree(org, local_today() - timedelta(days=30), local_today() + timedelta(days=335))
    login(make_user("member"))
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Agreement current" in html and "Superseded by a later agreement" in html
    assert "Agreement expired" not in html


def test_the_list_shows_each_organizations_agreement_status(client, login, make_user,
                                                            make_org):
    _agree(make_org("Alpha Org"), local_today() - timedelta(days=400),
           local_today() - timedelta(days=1))
    make_org("Beta Org")
    login(make_user("member"))
    html = client.get("/organizations").get_data(as_text=True)
    assert "Agreement expired" in html and "No agreement on file" in html


def test_the_warning_horizon_follows_the_configuration(client, login, make_user, make_org, app):
    app.config["AGREEMENT_WARNING_DAYS"] = 10
    org = make_org()
    _agree(org, local_today() - timedelta(days=300), local_today() + timedelta(days=45))
    login(make_user("member"))
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Agreement current" in html


def test_the_dashboard_lists_the_soonest_ten_and_links_to_them_all(client, login, make_user,
                                                                  make_org):
    today = local_today()
    for n in range(12):
        _agree(make_org(f"Org {n:02d}"), today - timedelta(days=400), today + timedelta(days=n))
    fine = make_org("Org fine")
    _agree(fine, today - timedelta(days=10), today + timedelta(days=300))
    login(make_user("leader"))
    html = client.get("/").get_data(as_text=True)
    card = html[html.index('id="agreements-heading"'):]
    card = card[:card.index("</section>")]
    assert re.findall(r">(Org \d\d)</a>", card) == [f"Org {n:02d}" for n in range(10)]
    assert "All 12 agreements to renew" in card and "(2 more than shown here)" in card
    listed = client.get("/organizations?agreement=renew&status=active").get_data(as_text=True)
    names = re.findall(r'<a href="/organizations/\d+">([^<]+)</a>', listed)
    assert sorted(names) == [f"Org {n:02d}" for n in range(12)]
    assert "Org fine" in client.get("/organizations").get_data(as_text=True)


def test_the_agreement_filter_refuses_an_unknown_choice(client, login, make_user):
    login(make_user("leader"))
    response = client.get("/organizations?agreement=soon")
    assert response.status_code == 400
    assert "Choose any or to renew." in response.get_data(as_text=True)
