"""Page benchmark at small and large roster data: queries per page and server time.

    .venv/bin/python bench/pages.py [--repeat 30]

Large = a big county over ten years: 150 organizations, 600 people, 12 tables, 600 accounts,
50,000 audit rows, 600 meetings with 4,800 agenda items, 25,000 action items, 6,000 risk
situations with 6,000 outreach attempts and 3,000 incident referrals, 3,000 deaths at the fatality
review tables with 15,000 touchpoints and 6,000 records requests, 300 gaps and 300
recommendations. Times are the
Flask test client's wall time per request on this machine (single user); they are for comparison
between runs on the same machine, not absolute promises.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert  # noqa: E402

from coalition import create_app  # noqa: E402
from coalition.actions.models import ActionItem  # noqa: E402
from coalition.core.accounts import create_user  # noqa: E402
from coalition.core.localtime import local_today  # noqa: E402
from coalition.core.models import AuditEvent, User  # noqa: E402
from coalition.core.vocab import seed_vocabularies, terms  # noqa: E402
from coalition.extensions import db  # noqa: E402
from coalition.meetings.models import AgendaItem, Attendance, Meeting  # noqa: E402
from coalition.risk.models import (  # noqa: E402
    OutreachAttempt,
    OutreachReferral,
    RiskSituation,
    SituationAgency,
)
from coalition.roster.models import (  # noqa: E402
    Affiliation,
    Agreement,
    CoalitionTable,
    Organization,
    Person,
    TableMembership,
)

PASSWORD = "benchmark password 1"


def build(orgs: int, people: int, tables: int, audit_rows: int, meetings: int = 0,
          action_items: int = 0, situations: int = 0) -> None:
    seed_vocabularies()
    sectors = terms("sector")
    today = local_today()
    organizations = []
    for n in range(orgs):
        org = Organization(name=f"Organization {n:04d}", name_key=f"organization {n:04d}",
                           sector=sectors[n % len(sectors)])
        org.agreements.append(Agreement(signed_on=today - timedelta(days=300 + n),
                                        expires_on=today + timedelta(days=65 - n % 130)))
        organizations.append(org)
    db.session.add_all(organizations)
    kinds = ("coalition", "risk_review", "ofr")
    table_rows = [CoalitionTable(name=f"Table {n}", name_key=f"table {n}", kind=kinds[n % 3])
                  for n in range(tables)]
    db.session.add_all(table_rows)
    people_rows = []
    for n in range(people):
        org = organizations[n % orgs]
        person = Person(name=f"Person {n:04d}", email=f"person{n}@example.test")
        person.affiliations.append(Affiliation(organization=org))
        person.memberships.append(TableMembership(table=table_rows[n % tables], organization=org))
        people_rows.append(person)
    db.session.add_all(people_rows)
    db.session.flush()
    user, _ = create_user(None, name="Bench Coordinator", email="bench@example.test",
                          site_role="coordinator", person_id=people_rows[0].id, password=PASSWORD)
    user.must_change_password = False
    hashed = user.password_hash
    db.session.execute(insert(User), [
        {"name": f"User {n}", "email": f"user{n}@example.test", "password_hash": hashed,
         "site_role": "member", "person_id": people_rows[n].id, "must_change_password": False}
        for n in range(1, people)
    ])
    start = datetime.now(UTC) - timedelta(days=3650)
    db.session.execute(insert(AuditEvent), [
        {"occurred_at": start + timedelta(minutes=n * 100), "user_id": user.id,
         "actor_label": user.email, "action": ("create", "update", "login")[n % 3],
         "object_type": "organizations", "object_id": n % orgs, "summary": "benchmark row"}
        for n in range(audit_rows)
    ])
    build_meetings(table_rows, people_rows, meetings, action_items)
    build_situations(table_rows, people_rows, situations)
    build_cases(table_rows, people_rows, organizations, situations // 2)
    build_gaps(organizations, max(2, situations // 20))
    db.session.commit()


def build_gaps(organizations, count: int) -> None:
    """Gaps with a missed opportunity each linked, and as many recommendations with a status
    log and a status, at the coalition table."""
    from coalition.gaps.models import Gap, GapLink, GapSector, Recommendation, RecommendationGap
    from coalition.ofr.models import Touchpoint

    stages, sectors, gap_types = terms("stage"), terms("sector"), terms("gap_type")
    statuses = terms("recommendation_status")
    points = list(db.session.scalars(db.select(Touchpoint.id).limit(count)))
    db.session.execute(db.update(Touchpoint).where(Touchpoint.id.in_(points)).values(
        is_missed_opportunity=True, stage_id=stages[0].id, gap_type_id=gap_types[0].id))
    db.session.execute(insert(Gap), [
        {"code": f"GAP-B{n:04d}", "title": f"Benchmark gap {n}", "status": "identified",
         "stage_id": stages[n % len(stages)].id, "gap_type_id": gap_types[n % len(gap_types)].id}
        for n in range(count)])
    gap_ids = list(db.session.scalars(db.select(Gap.id).order_by(Gap.id)))
    db.session.execute(insert(GapSector), [
        {"gap_id": gap_id, "sector_id": sectors[n % len(sectors)].id}
        for n, gap_id in enumerate(gap_ids)])
    db.session.execute(insert(GapLink), [{"gap_id": gap_ids[n % len(gap_ids)],
                                          "touchpoint_id": point}
                                         for n, point in enumerate(points)])
    coalition = db.session.scalar(db.select(CoalitionTable.id).where(
        CoalitionTable.kind == "coalition").order_by(CoalitionTable.id))
    today = local_today()
    db.session.execute(insert(Recommendation), [
        {"code": f"REC-B-{n:04d}", "table_id": coalition, "text": f"Benchmark recommendation {n}",
         "scope": "community", "status_id": statuses[n % len(statuses)].id,
         "lead_organization_id": organizations[n % len(organizations)].id,
         "last_update_on": today - timedelta(days=n % 200)} for n in range(count)])
    rec_ids = list(db.session.scalars(db.select(Recommendation.id)))
    db.session.execute(insert(RecommendationGap), [
        {"recommendation_id": rid, "gap_id": gap_ids[n % len(gap_ids)]}
        for n, rid in enumerate(rec_ids)])


def build_cases(table_rows, people_rows, organizations, cases: int) -> None:
    """Deaths at the fatality review tables (the bench user manages the first one), each with
    two substances, two records requests (one past due) and five touchpoints."""
    from coalition.ofr.models import CaseSubstance, FatalityCase, RecordsRequest, Touchpoint

    reviews = [t for t in table_rows if t.kind == "ofr"]
    first = people_rows[0]
    db.session.add(TableMembership(table=reviews[0], person=first,
                                   organization_id=first.affiliations[0].organization_id,
                                   role="manager"))
    today = local_today()
    db.session.execute(insert(FatalityCase), [
        {"code": f"OFR-B-{n:05d}", "table_id": reviews[n % len(reviews)].id,
         "status": ("identified", "eligible", "records_requested", "reviewed")[n % 4],
         "date_of_death": today - timedelta(days=10 + n % 700), "age": 20 + n % 50,
         "sex": ("male", "female")[n % 2], "county_of_death": "Bench County"}
        for n in range(cases)])
    ids = list(db.session.scalars(db.select(FatalityCase.id)))
    substance, kind = terms("substance"), terms("touchpoint_type")
    db.session.execute(insert(CaseSubstance), [
        {"case_id": case_id, "term_id": substance[k].id, "role": ("cause", "present")[k]}
        for case_id in ids for k in range(2)])
    db.session.execute(insert(RecordsRequest), [
        {"case_id": case_id, "organization_id": organizations[k].id,
         "requested_on": today - timedelta(days=40 - 30 * k),
         "due_on": today - timedelta(days=10 - 30 * k)}
        for case_id in ids for k in range(2)])
    db.session.execute(insert(Touchpoint), [
        {"case_id": case_id, "occurred_on": today - timedelta(days=800 - 100 * k),
         "precision": "day", "organization_id": organizations[k].id,
         "sector_id": organizations[k].sector_id, "type_id": kind[k].id,
         "is_missed_opportunity": False, "description": "Benchmark touchpoint"}
        for case_id in ids for k in range(5)])


def build_situations(table_rows, people_rows, situations: int) -> None:
    """Situations at the risk review tables (the bench user also sits at the first one), half
    of them accepted with a lead agency and an attempt, and half as many incident referrals."""
    review = [t for t in table_rows if t.kind == "risk_review"]
    first = people_rows[0]
    db.session.add(TableMembership(table=review[0], person=first,
                                   organization_id=first.affiliations[0].organization_id,
                                   role="manager"))
    seats: dict[int, list[int]] = {}
    for n, person in enumerate(people_rows):
        table = table_rows[n % len(table_rows)]
        seats.setdefault(table.id, []).append(person.affiliations[0].organization_id)
    seats[review[0].id].append(first.affiliations[0].organization_id)
    now = datetime.now(UTC)
    statuses = ("new", "accepted", "accepted", "concluded", "rejected")
    rows = []
    for n in range(situations):
        table = review[n % len(review)]
        status = statuses[n % len(statuses)]
        presented = (now - timedelta(days=n % 700)).date()
        row = {"code": f"RS-B-{n:05d}", "table_id": table.id, "status": status,
               "originating_organization_id": seats[table.id][n % len(seats[table.id])],
               "referral_source": "ems", "presented_on": presented, "gender": "",
               "language": "", "summary": "", "protective_factors": "",
               "rejection_reason": "Not acutely elevated" if status == "rejected" else "",
               "conclusion_note": ""}
        if status != "rejected":
            row.update(level="individual", age_range="25_34", consent_status="verbal",
                       summary="Benchmark situation")
        if status in ("accepted", "concluded"):
            row.update(accepted_at=now - timedelta(days=n % 700),
                       first_contact_at=now - timedelta(days=n % 700, hours=-20))
        if status == "concluded":
            row.update(concluded_on=presented + timedelta(days=1) if n % 700 else presented,
                       risk_status="lowered", outcome="connected")
        rows.append(row)
    db.session.execute(insert(RiskSituation), rows)
    accepted = db.session.execute(
        db.select(RiskSituation.id, RiskSituation.table_id, RiskSituation.accepted_at)
        .where(RiskSituation.accepted_at.is_not(None))).all()
    db.session.execute(insert(SituationAgency), [
        {"situation_id": sid, "organization_id": seats[tid][0], "role": "lead"}
        for sid, tid, _ in accepted])
    db.session.execute(insert(OutreachAttempt), [
        {"situation_id": sid, "attempted_at": at + timedelta(hours=k * 10 + 2),
         "organization_id": seats[tid][0], "mode": "phone", "team": "peer",
         "police_present": False, "result": ("no_contact", "contact_person")[k]}
        for sid, tid, at in accepted for k in range(2)])
    db.session.execute(insert(OutreachReferral), [
        {"table_id": review[n % len(review)].id, "agency": "Bench EMS",
         "incident_number": f"B-{n:05d}", "occurred_at": now - timedelta(hours=n),
         "status": ("open", "converted", "dismissed")[n % 3]}
        for n in range(situations // 2)])


def build_meetings(table_rows, people_rows, meetings: int, action_items: int) -> None:
    """Weekly meetings spread over the tables (half past, half ahead), eight agenda items and a
    full attendance list each, and action items owned by people seated at each table."""
    first = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(
        weeks=meetings // (2 * len(table_rows)))
    rows = []
    for n in range(meetings):
        table = table_rows[n % len(table_rows)]
        starts = first + timedelta(weeks=n // len(table_rows), hours=n % len(table_rows))
        rows.append({"table_id": table.id, "title": f"{table.name} meeting {n}",
                     "starts_at": starts, "ends_at": starts + timedelta(minutes=90),
                     "status": "closed" if starts < datetime.now(UTC) else "scheduled"})
    db.session.execute(insert(Meeting), rows)
    meeting_rows = db.session.execute(db.select(Meeting.id, Meeting.table_id)).all()
    seated: dict[int, list] = {}
    for n, person in enumerate(people_rows):
        seated.setdefault(table_rows[n % len(table_rows)].id, []).append(person)
    db.session.execute(insert(AgendaItem), [
        {"table_id": table_id, "meeting_id": meeting_id, "position": k,
         "title": f"Item {k} of meeting {meeting_id}", "item_type": ("public", "internal")[k % 2],
         "planned_minutes": 10, "is_discussed": k % 3 != 0}
        for meeting_id, table_id in meeting_rows for k in range(8)
    ])
    db.session.execute(insert(Attendance), [
        {"meeting_id": meeting_id, "person_id": person.id, "status": "present",
         "organization_id": person.affiliations[0].organization_id}
        for meeting_id, table_id in meeting_rows[: len(meeting_rows) // 2]
        for person in seated.get(table_id, [])
    ])
    today = local_today()
    db.session.execute(insert(ActionItem), [
        {"title": f"Action {n}", "owner_id": seated[table_id][n % len(seated[table_id])].id,
         "table_id": table_id, "source_meeting_id": meeting_id,
         "due_on": today + timedelta(days=(n % 120) - 60),
         "status": ("open", "in_progress", "blocked", "done", "cancelled")[n % 5],
         "priority": "normal"}
        for n in range(action_items)
        for meeting_id, table_id in [meeting_rows[n % len(meeting_rows)]]
    ])


def measure(app, repeat: int) -> dict[str, tuple[int, float, float]]:
    client = app.test_client()
    with app.app_context():
        org_id = db.session.scalar(db.select(Organization.id).limit(1))
        person_id = db.session.scalar(db.select(Person.id).limit(1))
        table_id = db.session.scalar(db.select(CoalitionTable.id).limit(1))
        user_id = db.session.scalar(db.select(User.id).limit(1))
        meeting_id = db.session.scalar(db.select(Meeting.id).where(Meeting.table_id == table_id)
                                       .order_by(Meeting.starts_at).limit(1))
        action_id = db.session.scalar(db.select(ActionItem.id).limit(1))
        review_id = db.session.scalar(db.select(CoalitionTable.id).where(
            CoalitionTable.kind == "risk_review").order_by(CoalitionTable.id).limit(1))
        situation_id = db.session.scalar(db.select(RiskSituation.id).where(
            RiskSituation.table_id == review_id, RiskSituation.status == "accepted").limit(1))
        ofr_id = db.session.scalar(db.select(CoalitionTable.id).where(
            CoalitionTable.kind == "ofr").order_by(CoalitionTable.id).limit(1))
        from coalition.gaps.models import Gap, Recommendation
        from coalition.ofr.models import FatalityCase

        rec_id = db.session.scalar(db.select(Recommendation.id).limit(1))
        gap_id = db.session.scalar(db.select(Gap.id).limit(1))
        month = f"{local_today() - timedelta(days=10):%Y-%m}"  # every size has deaths in it
        case_id = db.session.scalar(db.select(FatalityCase.id).where(
            FatalityCase.table_id == ofr_id).order_by(FatalityCase.id).limit(1))
    login_page = client.get("/login")
    assert login_page.status_code == 200
    with client.session_transaction() as session:
        token_raw = session.get("csrf_token")
    from itsdangerous import URLSafeTimedSerializer

    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(token_raw)
    response = client.post("/login", data={"email": "bench@example.test", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, response.status_code
    pages = ["/", "/organizations", f"/organizations/{org_id}", "/people", f"/people/{person_id}",
             "/tables", f"/tables/{table_id}", "/coverage", "/users/", f"/users/{user_id}",
             "/audit/", "/organizations?q=000", "/audit/?action=update",
             "/meetings", "/meetings?when=past", f"/meetings/{meeting_id}",
             f"/meetings/{meeting_id}/run", f"/meetings/{meeting_id}/attendance",
             "/actions/mine", "/actions", "/actions?status=open", f"/actions/{action_id}",
             f"/tables/{review_id}/risk-board", f"/tables/{review_id}/risk-report",
             f"/tables/{review_id}/referrals", f"/situations/{situation_id}",
             f"/tables/{ofr_id}/cases", f"/tables/{ofr_id}/cases?status=all&month={month}",
             f"/tables/{ofr_id}/cases/quality", f"/cases/{case_id}", f"/cases/{case_id}/timeline",
             "/gaps", "/gaps/matrix", "/recommendations", f"/recommendations/{rec_id}",
             f"/gaps/{gap_id}"]
    results = {}
    with app.app_context():
        engine = db.engine
    for url in pages:
        counter = []

        def count(*args, counter=counter):
            counter.append(1)

        event.listen(engine, "before_cursor_execute", count)
        response = client.get(url)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
        # the same page at both sizes, whatever its record ids
        label = re.sub(r"/\d+|=\d{4}-\d\d", lambda m: "/<id>" if m[0][0] == "/" else "=<month>",
                       url)
        results[label] = (len(counter), statistics.median(timings), max(timings))
    return results


def run(size: str, repeat: int) -> dict:
    folder = tempfile.mkdtemp(prefix="coalition-bench-")
    os.environ["COALITION_INSTANCE_PATH"] = folder
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "ARGON2_TIME_COST": 1,
                      "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"})
    with app.app_context():
        db.create_all()
        if size == "small":
            build(orgs=6, people=10, tables=3, audit_rows=20, meetings=6, action_items=30,
                  situations=10)
        else:
            build(orgs=150, people=600, tables=12, audit_rows=50_000, meetings=600,
                  action_items=25_000, situations=6_000)
    return measure(app, repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    small, large = run("small", args.repeat), run("large", args.repeat)
    print(f"{'page':32} {'queries small':>13} {'queries large':>13} "
          f"{'median ms':>10} {'max ms':>8}")
    failures = 0
    for url, (queries_large, median, worst) in large.items():
        queries_small = small[url][0]
        flag = ""
        if queries_large != queries_small or queries_large > 15:
            flag += "  QUERIES GROW" if queries_large != queries_small else "  >15 QUERIES"
            failures += 1
        if median > 50 or worst > 200:
            flag += "  SLOW"
            failures += 1
        print(f"{url:32} {queries_small:13d} {queries_large:13d} {median:10.1f} {worst:8.1f}{flag}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
