"""List pages and the dashboard issue the same number of queries however much data there is."""

from datetime import date

from coalition.extensions import db
from tests.conftest import counting_queries

PAGES = ["/", "/organizations", "/people", "/tables", "/coverage", "/users/", "/audit/"]


def _grow_roster(make_org, make_person, make_table, seat, make_user, size: int):
    from coalition.roster.models import Agreement

    tables = [make_table(kind) for kind in ("coalition", "risk_review", "ofr")]
    sectors = ["law_enforcement", "fire_ems", "public_health", "pharmacy", "schools"]
    for n in range(size):
        org = make_org(sector=sectors[n % len(sectors)])
        org.agreements.append(Agreement(signed_on=date(2026, 1, 1), expires_on=date(2026, 12, 1)))
        person = make_person(organizations=[org])
        seat(person, tables[n % 3], org)
        make_user("member", person=person)
    db.session.commit()


def _counts(client):
    counts = {}
    for url in PAGES:
        with counting_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(statements)
    return counts


def test_query_counts_do_not_grow_with_data(
        client, login, make_user, make_org, make_person, make_table, seat, monkeypatch):
    from coalition.core import views

    # the audit log's filter choices are kept a minute: counted here as read on every visit
    monkeypatch.setattr(views, "AUDIT_VALUES_SECONDS", 0)
    coordinator_person = make_person()
    login(make_user("coordinator", person=coordinator_person))
    _grow_roster(make_org, make_person, make_table, seat, make_user, 3)
    small = _counts(client)
    _grow_roster(make_org, make_person, make_table, seat, make_user, 40)
    large = _counts(client)
    assert large == small
    assert max(large.values()) <= 15, large
