"""The risk review and outreach report: its context for the coalition's members and for outside
readers (small counts hidden, shares from hidden counts hidden, the caution when the groups are
too small), who may print which, and the PDF read back."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from coalition.core.pdf import render
from coalition.core.suppression import Policy
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.reporting import catalog, periods
from coalition.risk import reports
from coalition.risk.models import (
    OutreachAttempt,
    OutreachService,
    RiskSituation,
    SituationAgency,
)

YEAR = periods.year(2025)
POLICY = Policy(threshold=10)
Q1_DAY, Q2_DAY = date(2025, 2, 10), date(2025, 5, 12)
SUMMARY = "Found unresponsive behind the laundromat on Elm Street."


@pytest.fixture
def outreach_year(risk_setting):
    """A year at the table (2025), all numbers chosen:

    - 20 situations from police overdose reports (Q1), each tried twice with police on the
      team: the first attempt never reaches, the second reaches 12 of them, 60 hours after
      acceptance. Police: 40 attempts, 12 reached.
    - 30 from EMS (Q2), tried without police: 25 reached at the first attempt (10 hours after
      acceptance), the other 5 at a second one. No police: 35 attempts, 30 reached. All 30
      concluded (25 connected with risk lowered, 5 refused, still elevated). Naloxone offered
      to the 25 and accepted; treatment offered to the 25, accepted by 4.
    - 3 walk-ins accepted, not tried yet; 4 rejected; 2 awaiting a decision.
    - Harm reduction leads every accepted situation; treatment assists 2. Every accepted one
      has a prior overdose; 3 have housing.
    """
    table, org = risk_setting.table, risk_setting.harm_reduction
    prior = term_by_code("risk_factor_category", "prior_overdose")
    housing = term_by_code("risk_factor_category", "housing")
    made = []

    def situation(source, day, status="accepted", **fields):
        number = len(made) + 1
        values = dict(level="individual", age_range="25_34", consent_status="verbal",
                      summary=SUMMARY)
        if status == "rejected":
            values = dict(level=None, age_range=None, consent_status=None, summary="",
                          rejection_reason="Not acute.")
        values.update(fields)
        row = RiskSituation(table=table, originating_organization=risk_setting.police,
                            code=f"RS-2025-{number:04d}", referral_source=source,
                            presented_on=day, status=status, **values)
        if status in ("accepted", "concluded"):
            row.accepted_at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                hours=15)
            row.risk_factors = [prior] + ([housing] if number <= 3 else [])
            row.agencies = [SituationAgency(organization=org, role="lead")]
            if number <= 2:
                row.agencies.append(SituationAgency(organization=risk_setting.treatment,
                                                    role="assisting"))
        db.session.add(row)
        made.append(row)
        return row

    def attempt(row, hours, result, police, services=()):
        when = row.accepted_at + timedelta(hours=hours)
        db.session.add(OutreachAttempt(
            situation=row, attempted_at=when, organization_id=org.id, mode="in_person",
            result=result, police_present=police,
            team="police_uniformed,peer" if police else "peer",
            services=[OutreachService(service=code, accepted=ok) for code, ok in services]))
        if result != "no_contact" and row.first_contact_at is None:
            row.first_contact_at = when

    for n in range(20):
        row = situation("police_overdose_report", Q1_DAY)
        attempt(row, 5, "no_contact", True)
        attempt(row, 60, "contact_person" if n < 12 else "no_contact", True)
    for n in range(30):
        row = situation("ems", Q2_DAY, status="concluded", concluded_on=date(2025, 7, 1),
                        risk_status="lowered" if n < 25 else "still_elevated",
                        outcome="connected" if n < 25 else "refused")
        if n < 25:
            attempt(row, 10, "contact_person", False,
                    [("naloxone_kit", True), ("treatment_referral", n < 4)])
        else:
            attempt(row, 10, "no_contact", False)
            attempt(row, 70, "contact_network", False)
    for _ in range(3):
        situation("walk_in", Q2_DAY)
    for _ in range(4):
        situation("ems", Q2_DAY, status="rejected")
    for _ in range(2):
        situation("police_overdose_report", Q2_DAY, status="new")
    db.session.commit()
    return table


def build(table, audience):
    return reports.build(None, table, YEAR, audience, POLICY)


def _rows(section, key="label"):
    return {row[key]: row for row in section}


# --- internal: counts as they are -----------------------------------------------------------

def test_internal_counts_the_situations_and_decisions(outreach_year):
    context = build(outreach_year, "internal")
    assert (context["presented"], context["accepted"], context["rejected"],
            context["undecided"], context["decided"]) == ("59", "53", "4", "2", "57")
    assert context["accepted_share"] == "93%"


def test_internal_time_to_first_contact(outreach_year):
    contact = build(outreach_year, "internal")["contact"]
    # 25 at 10 h, 5 at 70 h, 12 at 60 h: the 21st and 22nd of 42 are both 10 h
    assert (contact["reached"], contact["within"], contact["after"],
            contact["median_hours"]) == ("42", "25", "17", "10.0")


def test_internal_engagement_is_reached_of_accepted_overall_and_by_referral_source(
        outreach_year):
    context = build(outreach_year, "internal")
    assert (context["engagement"]["accepted"], context["engagement"]["reached"],
            context["engagement"]["rate_text"]) == ("53", "42", "79.2%")
    by_source = _rows(context["by_source"])
    assert (by_source["EMS"]["accepted"], by_source["EMS"]["rate_text"]) == ("30", "100.0%")
    walk_in = by_source["Walk-in or self-referral at a police station or agency"]
    assert (walk_in["accepted"], walk_in["reached"], walk_in["rate_text"]) == ("3", "0", "0.0%")
    # Wilson 12/20 (SciPy: 0.3866 to 0.7812)
    assert by_source["Police overdose report"]["interval_text"] == "38.7% to 78.1%"


def test_internal_police_comparison_with_intervals(outreach_year):
    police = build(outreach_year, "internal")["police"]
    with_police, without = police["groups"]
    assert (with_police["attempts"], with_police["contacts"], with_police["rate_text"],
            with_police["interval_text"]) == ("40", "12", "30.0%", "18.1% to 45.4%")
    assert (without["attempts"], without["contacts"], without["rate_text"]) == (
        "35", "30", "85.7%")
    assert police["difference"]["estimate"] == -55.7
    assert police["difference"]["includes_zero"] is False
    assert police["caution"] == ""
    assert "reached people less often" in police["reading"]


def test_the_trend_has_each_quarter_of_the_period(outreach_year):
    trend = build(outreach_year, "internal")["police"]["trend"]
    assert [row["label"] for row in trend] == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]
    assert [[g["rate_text"] for g in row["groups"]] for row in trend] == [
        ["30.0%", "—"], ["—", "85.7%"], ["—", "—"], ["—", "—"]]


def test_internal_factors_agencies_conclusions_and_services(outreach_year):
    context = build(outreach_year, "internal")
    factors = _rows(context["factors"]["rows"])
    assert (factors["Prior overdose"]["count"], factors["Housing"]["count"]) == ("53", "3")
    sectors = _rows(context["agencies"]["rows"], "sector")
    assert sectors["Harm reduction/syringe services"]["lead"] == "53"
    assert sectors["Substance use treatment"]["assisting"] == "2"
    conclusions = _rows(context["conclusions"]["rows"])
    assert conclusions["Connected to services"]["cells"] == ["25", "0"]
    assert context["conclusions"]["not_concluded"] == "23"
    services = _rows(context["services"]["rows"])
    assert (services["Treatment or MOUD referral"]["offered"],
            services["Treatment or MOUD referral"]["accepted"],
            services["Treatment or MOUD referral"]["declined"]) == ("25", "4", "21")


# --- public: suppressed ----------------------------------------------------------------------

def test_public_hides_small_counts_and_the_share_computed_from_them(outreach_year):
    context = build(outreach_year, "public")
    assert context["presented"] == "59"
    assert (context["rejected"], context["undecided"], context["decided"]) == ("*", "*", "*")
    # the 11 accepted and not reached include 8 and 3 hidden by source, so 53 = 11 + 42 is
    # hidden too, and every share of it
    assert (context["accepted"], context["accepted_share"]) == ("*", "*")
    assert context["contact"]["reached"] == "42"
    assert _rows(context["factors"]["rows"])["Prior overdose"]["share"] == "*"


def test_a_breakdown_of_a_printed_count_is_suppressed_with_it_as_total():
    total = reports.shown(53)
    cells = reports._anchored([[50, 3]], total, POLICY)[0]
    assert [c.text for c in cells] == ["*", "*"]  # 3 is small, 50 = 53 − 3 would give it
    assert [c.text for c in reports._anchored([[30, 23]], total, POLICY)[0]] == ["30", "23"]


def test_a_breakdown_of_a_hidden_count_is_hidden_entirely():
    hidden = reports._hidden("*")
    assert [c.text for c in reports._anchored([[30, 23]], hidden, POLICY)[0]] == ["*", "*"]
    assert [c.text for c in reports._anchored([[30, 23]], hidden, None)[0]] == ["30", "23"]


def test_public_hides_small_breakdowns(outreach_year):
    context = build(outreach_year, "public")
    assert _rows(context["factors"]["rows"])["Housing"]["count"] == "*"
    assert _rows(context["factors"]["rows"])["Housing"]["share"] == "*"
    assert _rows(context["agencies"]["rows"], "sector")["Substance use treatment"][
        "assisting"] == "*"
    treatment = _rows(context["services"]["rows"])["Treatment or MOUD referral"]
    assert (treatment["accepted"], treatment["share"]) == ("*", "*")
    walk_in = _rows(context["path"]["rows"])[
        "Walk-in or self-referral at a police station or agency"]
    assert walk_in["total"] == "*"


def test_public_comparison_hides_a_rate_and_the_difference_from_hidden_counts(outreach_year):
    police = build(outreach_year, "public")["police"]
    with_police, without = police["groups"]
    assert (with_police["attempts"], with_police["rate_text"]) == ("40", "30.0%")
    assert (without["contacts"], without["rate_text"], without["interval_text"]) == (
        "*", "*", "*")
    assert (police["difference_text"], police["difference_interval_text"]) == ("*", "*")
    assert "too small to compare in a report for outside readers" in police["caution"]


def test_public_context_is_primitive(outreach_year):
    def walk(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and walk(v) for k, v in value.items())
        if isinstance(value, list | tuple):
            return all(walk(v) for v in value)
        return value is None or isinstance(value, str | int | float | bool)

    assert walk(build(outreach_year, "public"))


def test_an_empty_period_builds_without_rates(risk_setting):
    context = build(risk_setting.table, "public")
    assert (context["presented"], context["accepted_share"],
            context["engagement"]["rate_text"]) == ("0", "—", "—")
    assert "nothing to compare" in context["police"]["caution"]


def test_the_preview_gives_the_key_numbers(outreach_year):
    pairs = reports.preview(build(outreach_year, "internal"))
    assert 4 <= len(pairs) <= 8
    assert dict(pairs)["Situations presented"] == "59"
    assert all(isinstance(label, str) and isinstance(value, str) for label, value in pairs)


# --- the catalog and who may print ------------------------------------------------------------

def test_the_report_is_in_the_catalog(app):
    report = catalog.get("risk-outreach")
    assert report is not None and report.table_kinds == frozenset({"risk_review"})
    assert report.template == "risk/report.html"


@pytest.mark.parametrize(("who", "audience", "allowed"), [
    ("coordinator", "internal", True), ("coordinator", "public", True),
    ("unseated_coordinator", "internal", False), ("unseated_coordinator", "public", True),
    ("outsider", "internal", False)])
def test_only_people_seated_at_the_table_print_the_internal_version(risk_setting, who,
                                                                    audience, allowed):
    report = catalog.get("risk-outreach")
    user = getattr(risk_setting, who)
    assert report.may_print(user, risk_setting.table, audience) is allowed


# --- the PDF ----------------------------------------------------------------------------------

def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def public_pdf_text(outreach_year):
    return _text(render("risk/report.html", build(outreach_year, "public")))


def test_the_public_pdf_has_every_section(public_pdf_text):
    for heading in ("Situations presented and accepted", "Top risk factors",
                    "Lead and assisting agencies", "Time to first contact", "Conclusions",
                    "Outreach engagement", "Teams with and without police",
                    "Services provided", "Data notes"):
        assert heading in public_pdf_text
    assert "too small to compare in a report for outside readers" in public_pdf_text
    assert "Counts from 1 to 10 are not shown" in public_pdf_text


def test_the_public_pdf_names_no_person_and_no_exact_date(public_pdf_text, risk_setting):
    for person in ("Officer Seated", "Harm Reduction Worker", "Treatment Counselor",
                   "Table Coordinator"):
        assert person not in public_pdf_text
    for day in (Q1_DAY, Q2_DAY, date(2025, 7, 1)):
        for text in (day.isoformat(), f"{day:%B %-d, %Y}", f"{day:%m/%d/%Y}"):
            assert text not in public_pdf_text
    assert "RS-2025" not in public_pdf_text and "laundromat" not in public_pdf_text


def test_the_internal_pdf_shows_the_comparison_with_intervals(outreach_year):
    text = _text(render("risk/report.html", build(outreach_year, "internal")))
    assert "18.1% to 45.4%" in text and "−55.7 points" in text
    assert "INTERNAL" in text
