"""The risk review and outreach report: its context for the coalition's members and for outside
readers (small counts hidden, shares from hidden counts hidden, the caution when the groups are
too small), who may print which, and the PDF read back."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from coalition.core.pdf import render
from coalition.core.suppression import Policy
from coalition.reporting import catalog, periods
from coalition.risk import reports
from tests.risk.conftest import Q1_DAY, Q2_DAY

YEAR = periods.year(2025)
POLICY = Policy(threshold=10)


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
