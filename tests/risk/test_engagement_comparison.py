"""The engagement screen's comparison of teams with and without police: rates with intervals,
the difference with its interval, the caution when the groups are small, the trend by quarter;
and the comparison's pure logic (suppression for the public, the plain-language readings)."""

from __future__ import annotations

from datetime import timedelta

from coalition.core.db import utcnow
from coalition.core.suppression import Policy
from coalition.extensions import db
from coalition.risk.models import OutreachAttempt
from coalition.risk.services.comparison import (
    Tally,
    police_comparison,
    quarters_between,
)

Q = [(2025, 1)]


def _one_quarter(police: Tally, without: Tally) -> dict:
    return {(2025, 1): {True: police, False: without}}


def test_the_screen_shows_each_rate_and_the_difference_with_intervals(client, login,
                                                                      risk_setting,
                                                                      outreach_year):
    login(risk_setting.police_user)
    html = client.get(f"/tables/{outreach_year.id}/risk-report").get_data(as_text=True)
    assert "Teams with and without police" in html
    assert "30.0 %" in html and "18.1 % to 45.4 %" in html  # 12 of 40, Wilson
    assert "85.7 %" in html and "70.6 % to 93.7 %" in html  # 30 of 35
    assert "−55.7 points" in html and "−70.1 to −34.1 points" in html
    assert "reached people less often" in html
    assert "Caution." not in html


def test_the_screen_draws_the_trend_by_quarter_with_its_numbers(client, login, risk_setting,
                                                               outreach_year):
    login(risk_setting.police_user)
    html = client.get(f"/tables/{outreach_year.id}/risk-report").get_data(as_text=True)
    assert '<svg' in html and "<title>Share of outreach attempts that reached the person" in html
    assert "By quarter" in html and "<figcaption" in html


def test_the_screen_cautions_when_the_groups_are_small(client, login, risk_setting,
                                                       make_situation):
    situation = make_situation(risk_setting.table, risk_setting.police, status="accepted",
                               accepted_at=utcnow() - timedelta(days=3))
    for police, result in ((True, "contact_person"), (True, "no_contact"),
                           (False, "contact_person")):
        db.session.add(OutreachAttempt(
            situation=situation, attempted_at=utcnow() - timedelta(days=2),
            organization_id=risk_setting.police.id, mode="phone", result=result,
            police_present=police, team="police_uniformed" if police else "peer"))
    db.session.commit()
    login(risk_setting.police_user)
    html = client.get(f"/tables/{risk_setting.table.id}/risk-report").get_data(as_text=True)
    assert "Caution." in html and "The groups are too small to compare" in html
    assert "with 2 attempts with police and 1 without" in html


def test_small_groups_get_the_caution_even_when_the_interval_excludes_zero():
    result = police_comparison(_one_quarter(Tally(10, 0), Tally(12, 12)), Q)
    assert result["difference"]["includes_zero"] is False
    assert result["caution"].startswith("The groups are too small to compare")


def test_large_groups_read_the_interval_in_plain_words():
    close = police_comparison(_one_quarter(Tally(200, 100), Tally(220, 115)), Q)
    assert close["caution"] == ""
    assert close["reading"].startswith("The interval of the difference includes zero")
    apart = police_comparison(_one_quarter(Tally(200, 140), Tally(220, 90)), Q)
    assert "reached people more often" in apart["reading"]


def test_no_attempt_with_police_means_nothing_to_compare():
    result = police_comparison(_one_quarter(Tally(0, 0), Tally(50, 20)), Q)
    assert result["caution"] == ("There is nothing to compare: no attempt in this period had "
                                 "police on the team.")
    assert result["difference"] is None and result["difference_text"] == "—"


def test_public_hides_a_small_group_its_rate_and_the_difference():
    result = police_comparison(_one_quarter(Tally(8, 3), Tally(120, 60)), Q,
                               policy=Policy(threshold=10))
    police = result["groups"][0]
    assert (police["attempts"], police["contacts"], police["rate_text"],
            police["interval_text"]) == ("*", "*", "*", "*")
    assert (result["difference_text"], result["difference_interval_text"]) == ("*", "*")
    assert "outside readers" in result["caution"]
    assert "8" not in result["caution"]


def test_public_shows_large_groups_with_their_intervals():
    result = police_comparison(_one_quarter(Tally(56 + 14, 56), Tally(80, 48)), Q,
                               policy=Policy(threshold=10))
    assert [g["rate_text"] for g in result["groups"]] == ["80.0%", "60.0%"]
    assert result["difference_interval_text"] == "+5.2 to +33.4 points"  # Newcombe's example


def test_quarters_between_spans_years():
    from datetime import date

    assert quarters_between(date(2025, 11, 3), date(2026, 4, 1)) == [
        (2025, 4), (2026, 1), (2026, 2)]


def test_public_trend_hides_a_quarter_with_a_small_count_and_shows_the_others():
    by_quarter = {(2025, 1): {True: Tally(30, 5), False: Tally(40, 20)},
                  (2025, 2): {True: Tally(40, 20), False: Tally(45, 25)},
                  (2025, 3): {True: Tally(50, 25), False: Tally(40, 20)}}
    result = police_comparison(by_quarter, [(2025, 1), (2025, 2), (2025, 3)],
                               policy=Policy(threshold=10))
    rates = [[group["rate_text"] for group in row["groups"]] for row in result["trend"]]
    assert rates[0][0] == "*"  # 5 attempts reached the person
    assert sum(text == "*" for row in rates for text in row) < 6  # not everything hidden
    assert result["groups"][0]["attempts"] == "120"  # the overall count is not small


def test_the_screen_of_a_table_without_outreach_says_there_is_nothing_to_compare(
        client, login, risk_setting):
    login(risk_setting.police_user)
    response = client.get(f"/tables/{risk_setting.table.id}/risk-report?since=1900-01-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is nothing to compare: no outreach attempt was logged" in html
