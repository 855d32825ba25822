"""A year of the demo Situation Table's history (last calendar year), so the engagement screen
and the risk review and outreach report have something to say: 240 situations (some five a
week), most of them accepted, worked by two kinds of outreach team — co-responder teams with a
police officer (more often for police overdose reports) and peer or clinician teams without
police — and all concluded.

Deterministic: one seeded random generator, dates from the year before ``today``. The rows are
written directly (a year of history in one flush, not a thousand service calls) with exactly the
values the services would have set: codes in date order, the minimal fields of a rejection, the
first contact from the attempts, conclusions after the last attempt. Every description is
generic; there are no identities and no notes.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from sqlalchemy import select

from coalition.core.localtime import combine_local, to_local
from coalition.core.models import User, VocabTerm
from coalition.extensions import db
from coalition.risk.models import (
    ENGAGED_RESULTS,
    TEAM_MEMBERS,
    OutreachAttempt,
    OutreachService,
    RiskSituation,
    SituationAgency,
)
from coalition.roster.models import CoalitionTable, Organization

SEED = 20251
PER_QUARTER = 60
ACCEPT_SHARE = 0.86
SOURCES = [("police_overdose_report", 35), ("ems", 24), ("emergency_department", 15),
           ("outreach_worker", 10), ("walk_in", 8), ("family_friend", 8)]
ORIGIN = {"police_overdose_report": "Alder City Police Department",
          "ems": "Alder County Fire & EMS",
          "emergency_department": "St. Brigid Regional Medical Center",
          "outreach_worker": "Riverbend Behavioral Health",
          "walk_in": "Alder City Police Department",
          "family_friend": "Alder County Children and Family Services"}
# who leads, who may assist (by name; all seated at the Situation Table)
LEADS = {"police_overdose_report": ["Open Door Harm Reduction", "Bridges Peer Recovery Network"],
         "ems": ["Bridges Peer Recovery Network", "Open Door Harm Reduction"],
         "emergency_department": ["Harbor Recovery Center", "Bridges Peer Recovery Network"],
         "outreach_worker": ["Riverbend Behavioral Health", "Bridges Peer Recovery Network"],
         "walk_in": ["Harbor Recovery Center", "Open Door Harm Reduction"],
         "family_friend": ["Riverbend Behavioral Health", "Harbor Recovery Center"]}
ASSISTING = ["Harbor Recovery Center", "Safe Harbor Housing Coalition",
             "Alder City Police Department", "Bridges Peer Recovery Network",
             "Riverbend Behavioral Health"]
# chance the situation is worked by a co-responder team with police, by referral source
POLICE_TEAM = {"police_overdose_report": 0.7, "ems": 0.45, "emergency_department": 0.2,
               "outreach_worker": 0.15, "walk_in": 0.5, "family_friend": 0.3}
# chance one attempt reaches the person, by team and quarter (police teams improve as the
# program moves officers to plain clothes)
REACH = {True: (0.34, 0.38, 0.42, 0.46), False: (0.55, 0.56, 0.57, 0.58)}
FACTORS = [("prior_overdose", 0.9), ("substance_use", 0.8), ("mental_health", 0.4),
           ("housing", 0.35), ("basic_needs_and_poverty", 0.25),
           ("recent_release_from_custody_or_treatment", 0.2), ("physical_health", 0.15),
           ("family_and_parenting", 0.15), ("suicide_or_self_harm", 0.1)]
SUMMARIES = ["Non-fatal overdose, revived with naloxone; uses alone.",
             "Second overdose in three months; recently lost housing.",
             "Overdose after release from custody; no follow-up arranged.",
             "Repeat EMS calls for overdose; declined transport.",
             "Family reports repeated overdoses at home."]
REJECTIONS = ["Not acutely elevated risk: one agency can help on its own.",
              "Already engaged with a treatment provider; no multi-agency need.",
              "Not enough information to assess; the agency will bring it back if needed."]
SERVICES = [("naloxone_kit", 0.9, 0.85), ("test_strips", 0.6, 0.7),
            ("overdose_response_plan", 0.5, 0.8), ("treatment_referral", 0.7, 0.4),
            ("recovery_coach", 0.5, 0.5), ("housing", 0.25, 0.6), ("food", 0.2, 0.8),
            ("transportation", 0.2, 0.7)]


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def seed_demo_outreach_history(today: date) -> int:
    """Last calendar year at the Situation Table; returns the number of situations."""
    rng = random.Random(SEED)
    year = today.year - 1
    table = db.session.scalar(select(CoalitionTable).where(
        CoalitionTable.name == "Alder Situation Table"))
    orgs = {o.name: o.id for o in db.session.scalars(select(Organization))}
    factors = {t.code: t for t in db.session.scalars(
        select(VocabTerm).where(VocabTerm.vocabulary == "risk_factor_category"))}
    actor_id = db.session.scalar(select(User.id).where(User.email == "coordinator@example.org"))
    latest = today - timedelta(days=1)
    days = []
    for quarter in range(4):
        start = date(year, 3 * quarter + 1, 1)
        # the year's last situation is presented by December 20: its attempts (a week at most)
        # are all in the past on January 1, whatever day the demo is seeded
        end = date(year, 12, 21) if quarter == 3 else date(year, 3 * quarter + 4, 1)
        span = (end - start).days
        days += [(quarter, start + timedelta(days=span * i // PER_QUARTER))
                 for i in range(PER_QUARTER)]
    for number, (quarter, day) in enumerate(days, start=1):
        source = _pick(rng, SOURCES)
        situation = RiskSituation(
            table_id=table.id, code=f"RS-{year}-{number:04d}", referral_source=source,
            originating_organization_id=orgs[ORIGIN[source]], presented_on=day,
            decided_on=day, times_discussed=1, created_by_id=actor_id)
        db.session.add(situation)
        if rng.random() > ACCEPT_SHARE:
            situation.status = "rejected"
            situation.rejection_reason = rng.choice(REJECTIONS)
            continue
        situation.level = "individual"
        situation.age_range = rng.choice(["18_24", "25_34", "25_34", "35_44", "35_44",
                                          "45_54", "55_64"])
        situation.gender = rng.choice(["Man", "Man", "Woman", "Woman", "Nonbinary"])
        situation.language = "Spanish" if rng.random() < 0.15 else "English"
        situation.consent_status = rng.choice(["verbal", "verbal", "written", "none"])
        situation.summary = rng.choice(SUMMARIES)
        situation.risk_factors = [factors[code] for code, chance in FACTORS
                                  if rng.random() < chance and code in factors]
        situation.accepted_at = combine_local(day, time(10, 0))
        situation.times_discussed = rng.randint(1, 3)
        lead = rng.choice(LEADS[source])
        helpers = [n for n in rng.sample(ASSISTING, rng.randint(0, 2)) if n != lead]
        situation.agencies = [SituationAgency(organization_id=orgs[lead], role="lead")] + [
            SituationAgency(organization_id=orgs[name], role="assisting") for name in helpers]
        _outreach(rng, situation, quarter, orgs[lead], latest)
    db.session.flush()
    return len(days)


def _outreach(rng: random.Random, situation: RiskSituation, quarter: int, lead_id: int,
              latest: date) -> None:
    """Up to three attempts until one reaches the person; then the conclusion."""
    police = rng.random() < POLICE_TEAM[situation.referral_source]
    when = situation.accepted_at + timedelta(hours=rng.randint(4, 40))
    reached = False
    for _ in range(rng.choice([1, 2, 2, 3, 3])):
        if to_local(when).date() > latest:  # history ends yesterday
            break
        team_police = police if rng.random() < 0.85 else not police
        team = (["police_plain_clothes" if quarter >= 2 else "police_uniformed",
                 rng.choice(["peer", "clinician"])] if team_police
                else [rng.choice(["peer", "harm_reduction"]), rng.choice(["clinician", "peer"])])
        if rng.random() < REACH[team_police][quarter]:
            result = "contact_person" if rng.random() < 0.8 else "contact_network"
        else:
            result = "declined" if rng.random() < 0.1 else "no_contact"
        attempt = OutreachAttempt(
            attempted_at=when, organization_id=lead_id,
            mode="in_person" if team_police or rng.random() < 0.6 else "phone",
            team=",".join(code for code in TEAM_MEMBERS if code in team),
            police_present=team_police,
            result=result)
        if result in ENGAGED_RESULTS:
            attempt.services = [OutreachService(service=code, accepted=rng.random() < taken)
                                for code, offered, taken in SERVICES if rng.random() < offered]
        situation.attempts.append(attempt)
        if result in ENGAGED_RESULTS:
            situation.first_contact_at = situation.first_contact_at or when
            reached = True
            break
        when += timedelta(hours=rng.randint(20, 72))
    situation.status = "concluded"
    situation.concluded_on = min(to_local(when).date() + timedelta(days=rng.randint(7, 35)),
                                 latest)
    if reached:
        situation.outcome = _pick(rng, [("connected", 55), ("informed", 30), ("refused", 10),
                                        ("referred_elsewhere", 5)])
        situation.risk_status = ("lowered" if situation.outcome == "connected"
                                 or rng.random() < 0.4 else "still_elevated")
    else:
        situation.outcome = _pick(rng, [("unable_to_locate", 70), ("refused", 15),
                                        ("other", 15)])
        situation.risk_status = "still_elevated" if rng.random() < 0.8 else "lowered"
