"""Reports printed from the reporting screen: the OFR summary (public edition suppressed, no
identifier, every section), the governing committee's report (stalled first, decisions since
the last report), and the screen itself (preview, download, audit, who may print what)."""

from __future__ import annotations

import io
import re
import time as time_module
from datetime import time, timedelta

import pytest
from pypdf import PdfReader

from coalition.core.suppression import Policy
from coalition.extensions import db
from tests.conftest import audit_rows, error_for

SECTIONS = ("The review process", "Who died", "Substances involved", "Circumstances of death",
            "Contact with services in the year before death",
            "Missed opportunities by stage and sector", "Gaps in the system", "Recommendations",
            "Results of earlier recommendations", "Data notes")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def deaths(review, today):
    """Twenty-five more deaths at the team (fifteen men, eight women, two of unknown sex), the
    review case among them reviewed at a closed meeting twenty days ago."""
    from coalition.meetings import services as meetings
    from coalition.ofr import services as ofr

    made = []
    for number in range(25):
        sex = "male" if number < 15 else "female" if number < 23 else "unknown"
        made.append(ofr.create_case(review.manager, review.team, sex=sex, age=20 + number,
                                    date_of_death=today - timedelta(days=40 + number)))
    meeting = meetings.schedule_meeting(review.manager, review.team, title="Fatality review",
                                        build=False, day=today - timedelta(days=20),
                                        start_time=time(12), end_time=time(14))
    meeting.status = "closed"
    review.case.selected_meeting = meeting
    review.case.status = "reviewed"
    db.session.commit()
    return made


def period_args(today) -> dict:
    return {"period": "custom", "start": (today - timedelta(days=400)).isoformat(),
            "end": today.isoformat()}


def summary(review, today, audience="public", threshold=10):
    from coalition.reporting import ofr_summary, periods

    period = periods.custom(today - timedelta(days=400), today)
    return ofr_summary.build(review.manager, review.team, period, audience,
                             Policy(threshold=threshold))


def test_public_summary_hides_small_counts_and_their_complements(review, deaths, today):
    context = summary(review, today)
    sexes = {row["label"]: row["count"] for row in context["sexes"]["rows"]}
    # 16 men (the review case has no sex recorded: unknown), 8 women, 3 unknown
    assert sexes["Male"] == "15"
    assert sexes["Female"] == "*" and sexes["Unknown"] == "*"
    assert sexes["Another sex or gender"] == "0"
    assert context["sexes"]["total"] == "26"
    assert context["process"]["reviewed"] == "*"  # one case reviewed
    shares = {row["label"]: row["share"] for row in context["sexes"]["rows"]}
    assert shares["Female"] == "*" and shares["Male"] == "58%"


def test_internal_summary_shows_the_counts(review, deaths, today):
    context = summary(review, today, audience="internal")
    sexes = {row["label"]: row["count"] for row in context["sexes"]["rows"]}
    assert (sexes["Male"], sexes["Female"], sexes["Unknown"]) == ("15", "8", "3")
    assert context["process"]["reviewed"] == "1"
    assert context["missed"]["total"] == "2"


def test_the_threshold_is_the_deployments(review, deaths, today):
    sexes = {row["label"]: row["count"]
             for row in summary(review, today, threshold=5)["sexes"]["rows"]}
    # unknown (3) hidden as small, women (8), the next smallest, so that it cannot be worked out
    assert (sexes["Male"], sexes["Female"], sexes["Unknown"]) == ("15", "*", "*")
    sexes = {row["label"]: row["count"]
             for row in summary(review, today, threshold=2)["sexes"]["rows"]}
    assert (sexes["Male"], sexes["Female"], sexes["Unknown"]) == ("15", "8", "3")


def test_the_public_pdf_has_every_section_and_no_identifier(review, deaths, today):
    from coalition.core import pdf
    from coalition.ofr import services as ofr

    ofr.save_identity(review.manager, review.case, name="Jordan Example Decedent",
                      me_case_number="ME-26-0042")
    db.session.commit()
    data = pdf.render("ofr/summary.html", summary(review, today))
    text = pdf_text(data)
    for section in SECTIONS:
        assert section in text
    assert "Counts from 1 to 10 are not shown" in text
    assert "*" in text
    assert review.case.code not in text
    assert "Jordan Example" not in text and "ME-26-0042" not in text
    for case in [review.case, *deaths]:
        day = case.date_of_death
        assert day.isoformat() not in text
        assert f"{day:%B} {day.day}, {day.year}" not in text
    assert "Released without naloxone" not in text  # no case narrative
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title.startswith("Overdose Fatality Review summary")
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged


def test_committee_report_lists_stalled_first_and_recent_decisions(review, make_recommendation,
                                                                   today, app):
    from coalition.core import pdf
    from coalition.gaps import reports
    from coalition.gaps import services as gaps
    from coalition.reporting import periods

    fresh = make_recommendation(text="Fund a peer navigator in the emergency department.")
    stale = make_recommendation(text="Stock naloxone in every patrol car.")
    stale.last_update_on = today - timedelta(days=120)
    gaps.decide(review.manager, fresh, decision="endorsed", note="Start in the spring.")
    db.session.commit()
    period = periods.custom(today - timedelta(days=30), today)
    context = reports.build(review.manager, review.coalition, period, "internal", Policy())
    assert [r["code"] for r in context["rows"]][0] == stale.code
    assert [r["code"] for r in context["stalled"]] == [stale.code]
    assert [d["code"] for d in context["decisions"]] == [fresh.code]
    text = pdf_text(pdf.render("gaps/committee.html", context))
    assert text.index("Stock naloxone") < text.index("Fund a peer navigator")
    assert "Start in the spring." in text and "Stalled" in text


@pytest.fixture
def leader_client(client, login, review):
    return login(review.leader)


def test_the_screen_previews_key_numbers_and_keeps_the_choice(leader_client, review, deaths,
                                                               today):
    response = leader_client.get("/reports", query_string={
        "report": "ofr-summary", "table_id": review.team.id, "audience": "public",
        **period_args(today)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Deaths in the jurisdiction" in html and "Download the PDF" in html
    assert re.search(r"Deaths in the jurisdiction</dt><dd[^>]*>26<", html)
    assert re.search(r"Cases reviewed</dt><dd[^>]*>\*<", html)
    assert response.headers["Cache-Control"].startswith("no-store")


def ask(client, review, today, audience="public", report="ofr-summary", table=None):
    return client.post("/reports/pdf", data={
        "csrf_token": client.csrf_token(), "report": report,
        "table_id": (table or review.team).id, "audience": audience, **period_args(today)})


def run_id_of(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return int(re.search(r"/reports/runs/(\d+)$", response.headers["Location"]).group(1))


def test_download_is_a_pdf_and_is_audited(leader_client, review, deaths, today):
    run_id = run_id_of(ask(leader_client, review, today))
    page = leader_client.get(f"/reports/runs/{run_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ready" in html and "Download the PDF" in html
    assert 'http-equiv="refresh"' not in html
    response = leader_client.get(f"/reports/runs/{run_id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "Who died" in pdf_text(response.data)
    rows = audit_rows("report")
    assert len(rows) == 1
    assert rows[0].user_id == review.leader.id
    assert "ofr-summary" in rows[0].summary and "public" in rows[0].summary
    assert review.team.name in rows[0].summary
    assert f"run {run_id}" in rows[0].summary
    assert "Overdose Fatality Review summary" in leader_client.get("/reports").get_data(
        as_text=True)  # among the recent reports


def test_a_run_is_its_askers_only(leader_client, client, login, review, deaths, today, app):
    run_id = run_id_of(ask(leader_client, review, today))
    other = app.test_client()
    login(review.manager, test_client=other)
    assert other.get(f"/reports/runs/{run_id}").status_code == 404
    assert other.get(f"/reports/runs/{run_id}/pdf").status_code == 404


def test_rendering_off_the_request_path(leader_client, review, deaths, today, app):
    from coalition.reporting.models import ReportRun

    app.config["REPORT_RENDERING"] = "thread"
    run_id = run_id_of(ask(leader_client, review, today))
    deadline = time_module.monotonic() + 120
    while True:
        db.session.expire_all()
        run = db.session.get(ReportRun, run_id)
        if run.status in ("done", "failed") or time_module.monotonic() > deadline:
            break
        assert 'http-equiv="refresh"' in leader_client.get(f"/reports/runs/{run_id}").get_data(
            as_text=True)
        time_module.sleep(0.2)
    assert run.status == "done", run.error
    assert run.pages and run.pages > 5
    assert "Who died" in pdf_text(leader_client.get(f"/reports/runs/{run_id}/pdf").data)


def test_rights_are_checked_again_when_the_run_starts(review, deaths, today, app):
    from coalition.reporting import services, worker
    from coalition.reporting.models import ReportRun
    from coalition.roster.models import TableMembership

    prepared = services.prepare(review.manager, report_key="ofr-summary",
                                table_id=review.team.id, period_kind="year",
                                audience="internal")
    run = services.request_run(review.manager, prepared)
    db.session.commit()
    db.session.execute(db.delete(TableMembership).where(
        TableMembership.table_id == review.team.id,
        TableMembership.person_id == review.lead_person.id))
    db.session.commit()
    worker.render(run.id)
    run = db.session.get(ReportRun, run.id)
    assert run.status == "failed" and "Only the members of" in run.error
    assert services.run_file(run) is None


def test_old_runs_are_forgotten_with_their_files(leader_client, review, deaths, today, app):
    from coalition.reporting import services
    from coalition.reporting.models import ReportRun

    run_id = run_id_of(ask(leader_client, review, today))
    run = db.session.get(ReportRun, run_id)
    path = services.run_file(run)
    assert path.is_file() and oct(path.stat().st_mode & 0o777) == "0o600"
    run.created_at = run.created_at - timedelta(hours=app.config["REPORT_KEEP_HOURS"] + 1)
    db.session.commit()
    assert run_id_of(ask(leader_client, review, today)) != run_id  # never given again
    db.session.expire_all()
    assert db.session.get(ReportRun, run_id) is None
    assert not path.exists()


def test_the_internal_edition_is_for_the_tables_members(leader_client, review, deaths, today):
    response = ask(leader_client, review, today, audience="internal")
    assert response.status_code == 422
    assert "Only the members of" in error_for(response.get_data(as_text=True), "audience")
    assert audit_rows("report") == []


def test_the_internal_edition_goes_to_a_seated_coordinator(client, login, review, deaths, today):
    login(review.manager)
    run_id = run_id_of(ask(client, review, today, audience="internal"))
    assert "INTERNAL" in pdf_text(client.get(f"/reports/runs/{run_id}/pdf").data)


def test_the_committee_report_from_the_screen(leader_client, review, make_recommendation, today):
    make_recommendation()
    run_id = run_id_of(ask(leader_client, review, today, report="committee",
                           table=review.coalition))
    text = pdf_text(leader_client.get(f"/reports/runs/{run_id}/pdf").data)
    assert "Recommendations: status for the\ngoverning committee" in text


def test_bad_choices_are_named_at_their_field_and_kept(leader_client, review, today):
    response = leader_client.get("/reports", query_string={
        "report": "ofr-summary", "table_id": review.coalition.id, "audience": "public",
        "period": "custom", "start": today.isoformat(),
        "end": (today - timedelta(days=3)).isoformat()})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is for a fatality review table" in error_for(html, "table_id")
    response = leader_client.get("/reports", query_string={
        "report": "ofr-summary", "table_id": review.team.id, "audience": "public",
        "period": "custom", "start": today.isoformat(),
        "end": (today - timedelta(days=3)).isoformat()})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ends before it starts" in error_for(html, "end")
    assert f'value="{today.isoformat()}"' in html
    response = leader_client.get("/reports", query_string={
        "report": "no-such-report", "table_id": "x", "period": "quarter", "year": "20x6"})
    assert response.status_code == 422


def test_members_cannot_reach_the_reports(client, login, review):
    login(review.member)
    assert client.get("/reports").status_code == 403
    assert client.post("/reports/pdf", data={"csrf_token": client.csrf_token()}).status_code == 403


def test_a_run_keeps_the_period_as_it_was_asked_for(leader_client, review, deaths, today):
    response = leader_client.post("/reports/pdf", data={
        "csrf_token": leader_client.csrf_token(), "report": "ofr-summary",
        "table_id": review.team.id, "audience": "public", "period": "year",
        "year": str(today.year)})
    run_id = run_id_of(response)
    assert f"· {today.year} (" in leader_client.get(f"/reports/runs/{run_id}").get_data(
        as_text=True)
    response = leader_client.get(f"/reports/runs/{run_id}/pdf")
    assert response.headers["Content-Disposition"].endswith(f'-{today.year}-public.pdf"')
    text = pdf_text(response.data)
    assert "ANNUAL REPORT" in text.upper() and f"January 1, {today.year} to December 31" in text


def test_a_report_that_cannot_be_protected_is_refused_not_a_500(leader_client, review, deaths,
                                                                today, monkeypatch):
    from coalition.core.suppression import SuppressionError
    from coalition.reporting import ofr_summary
    from coalition.reporting.models import ReportRun

    def unprotectable(*args, **kwargs):
        raise SuppressionError("ten categories of one person each")

    monkeypatch.setattr(ofr_summary, "_process", unprotectable)
    query = {"report": "ofr-summary", "table_id": review.team.id, "audience": "public",
             **period_args(today)}
    response = leader_client.get("/reports", query_string=query)
    assert response.status_code == 422
    assert "cannot be printed for this period" in response.get_data(as_text=True)
    run_id = run_id_of(ask(leader_client, review, today))
    run = db.session.get(ReportRun, run_id)
    assert run.status == "failed" and "cannot be printed for this period" in run.error
    assert "cannot be printed for this period" in leader_client.get(
        f"/reports/runs/{run_id}").get_data(as_text=True)
    assert audit_rows("report") == []
