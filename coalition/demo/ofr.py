"""The demo's Overdose Fatality Review Team: a year of fictional deaths, three cases reviewed at
last month's meeting with their timelines and missed opportunities, and two cases selected for
the next meeting with records requests open (one overdue).

Every person, name, number and address here is invented; the random draws are seeded, so every
demo database tells the same story (relative to the day it is seeded).
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from sqlalchemy import select

from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.models import FatalityCase
from coalition.ofr.services.identity import identity_values, store_identity
from coalition.roster.models import CoalitionTable, Organization, Person

OFR_TABLE = "Alder County Overdose Fatality Review Team"
DEATHS = 40
FIRST_NAMES = ("Aaron", "Bethany", "Caleb", "Danielle", "Evan", "Felicia", "Gavin", "Holly",
               "Isaac", "Jenna", "Kyle", "Lacey", "Mason", "Nicole", "Owen", "Paige", "Quentin",
               "Rebecca", "Shane", "Tara", "Victor", "Whitney", "Wyatt", "Yolanda", "Zachary")
LAST_NAMES = ("Abbott", "Barlow", "Crane", "Dunmore", "Ellery", "Fairbanks", "Garrow", "Hollis",
              "Ingram", "Jessop", "Kettering", "Lowell", "Marsh", "Norwood", "Oakes", "Pembrook",
              "Quarles", "Radley", "Stroud", "Thorne", "Upton", "Voss", "Whitcombe", "Yardley")
STREETS = ("Canal St", "Mill Rd", "Pier Rd", "Elm St", "River Rd", "Union St", "Harbor Ave",
           "Oak St", "Lake St", "Station Rd")
# substance code, chance of being found, chance a found substance is a cause of death
SUBSTANCES = (("fentanyl_and_analogs", 0.78, 0.97), ("methamphetamine_amphetamines", 0.34, 0.6),
              ("cocaine", 0.22, 0.7), ("xylazine", 0.18, 0.4), ("benzodiazepines", 0.12, 0.5),
              ("alcohol", 0.16, 0.4), ("heroin", 0.06, 0.9), ("prescription_opioids", 0.09, 0.8),
              ("gabapentin", 0.08, 0.2), ("methadone", 0.03, 0.9), ("cannabinoids", 0.1, 0.0))
PLACE_WEIGHTS = (("own_residence", 46), ("other_residence", 16), ("hotel_motel", 8),
                 ("outdoors", 10), ("vehicle", 5), ("hospital", 7), ("shelter", 3),
                 ("unknown", 5))


def _pick(rng: random.Random, weighted) -> str:
    codes, weights = zip(*weighted, strict=True)
    return rng.choices(codes, weights)[0]


def _tri(rng: random.Random, yes: float, unknown: float = 0.15) -> str:
    draw = rng.random()
    return "unknown" if draw < unknown else ("yes" if draw < unknown + yes else "no")


def _facts(rng: random.Random, died: date, *, pending: bool) -> dict:
    """One death's facts, with the unknowns real records have."""
    resident = rng.random() < 0.88
    naloxone = _tri(rng, 0.38, 0.1)
    prior = rng.choice((None, 0, 0, 1, 1, 2, 3, 5))
    release = _pick(rng, (("none", 62), ("jail", 12), ("prison", 3),
                          ("residential_treatment", 5), ("hospital", 6), ("unknown", 12)))
    moud_ever = _tri(rng, 0.4, 0.25)
    return {
        "date_of_death": died,
        "age": rng.choice((None, *range(19, 68), *range(27, 45))),
        "sex": _pick(rng, (("male", 68), ("female", 31), ("unknown", 1))),
        "race": _pick(rng, (("white", 71), ("black", 16), ("american_indian_alaska_native", 3),
                            ("asian", 2), ("multiple", 4), ("unknown", 4))),
        "ethnicity": _pick(rng, (("not_hispanic", 80), ("hispanic", 12), ("unknown", 8))),
        "county_of_residence": "Alder County" if resident else rng.choice(
            ("Birch County", "Cedar County", "")),
        "county_of_death": "Alder County",
        "place_of_death": _pick(rng, PLACE_WEIGHTS),
        "manner": "pending" if pending else _pick(
            rng, (("accident", 88), ("undetermined", 7), ("suicide", 4), ("unknown", 1))),
        "bystander_present": _tri(rng, 0.45, 0.2),
        "naloxone_administered": naloxone,
        "naloxone_by": _pick(rng, (("ems", 45), ("bystander", 30), ("police", 20),
                                   ("unknown", 5))) if naloxone == "yes" else "unknown",
        "naloxone_doses": rng.choice((1, 2, 2, 3, None)) if naloxone == "yes" else None,
        "prior_overdoses": prior,
        "last_prior_overdose_on": died - timedelta(days=rng.randint(20, 400))
        if prior and rng.random() < 0.7 else None,
        "recent_release": release,
        "released_on": died - timedelta(days=rng.randint(2, 60))
        if release not in ("none", "unknown") else None,
        "housing_instability": _tri(rng, 0.3, 0.2),
        "moud_ever": moud_ever,
        "moud_at_death": "unknown" if moud_ever != "yes" else _tri(rng, 0.3, 0.2),
        "mental_health_diagnosis": _tri(rng, 0.45, 0.3),
        "chronic_pain": _tri(rng, 0.2, 0.4),
        "veteran": _tri(rng, 0.08, 0.15),
        "pregnant_postpartum": "unknown",
    }


def _substances(rng: random.Random) -> list[tuple[int, str]]:
    found = []
    for code, chance, cause in SUBSTANCES:
        if rng.random() < chance:
            role = "cause" if rng.random() < cause else "present"
            found.append((term_by_code("substance", code).id, role))
    if not any(role == "cause" for _, role in found):
        fentanyl = term_by_code("substance", "fentanyl_and_analogs").id
        found = [(t, r) for t, r in found if t != fentanyl] + [(fentanyl, "cause")]
    return found


def _identity(rng: random.Random, case: FatalityCase, number: int) -> None:
    age = case.age or rng.randint(25, 55)
    born = case.date_of_death - timedelta(days=365 * age + rng.randint(1, 360))
    store_identity(case, identity_values(
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", birth_date=born,
        me_case_number=f"ME-DEMO-{case.date_of_death:%y}-{number:04d}",
        address=f"{rng.randint(10, 990)} {rng.choice(STREETS)}, Alder City",
        cause_narrative="Acute combined drug toxicity. Found unresponsive; scene investigation "
                        "and toxicology by the medical examiner."))


def _table() -> CoalitionTable:
    return db.session.scalar(select(CoalitionTable).where(CoalitionTable.name == OFR_TABLE))


def _orgs() -> dict[str, Organization]:
    return {org.name: org for org in db.session.scalars(select(Organization))}


def seed_demo_deaths(today: date) -> list[FatalityCase]:
    """About forty deaths over the past year, oldest first, each with its identity."""
    table = _table()
    rng = random.Random(20261)
    days_ago = sorted((rng.randint(6, 365) for _ in range(DEATHS)), reverse=True)
    cases = []
    for number, ago in enumerate(days_ago, start=1):
        died = today - timedelta(days=ago)
        pending = ago < 75 and rng.random() < 0.7  # toxicology takes weeks to months
        case = ofr.create_case(None, table, substances=() if pending else _substances(rng),
                               **_facts(rng, died, pending=pending))
        _identity(rng, case, number)
        if pending:
            case.status = "awaiting_info"
        cases.append(case)
    db.session.flush()
    criteria = ofr.ensure_criteria(table)
    for case in cases:
        if case.status == "awaiting_info":
            continue
        in_county = "met" if case.county_of_residence == "Alder County" else "not_met"
        answers = [in_county, "met", "met", "met", rng.choice(("met", "met", "unknown"))]
        ofr.record_criteria(None, case, {c.id: a for c, a in zip(criteria, answers, strict=False)})
        case.status = "eligible" if in_county == "met" else "identified"
    outsider = next((c for c in cases if c.status == "identified"), None)
    if outsider is not None:
        ofr.set_status(None, outsider, "excluded",
                       reason="Out of jurisdiction: a resident of another county, reviewed there.")
    prosecuted = next(c for c in reversed(cases) if c.status == "eligible")
    ofr.set_status(None, prosecuted, "excluded",
                   reason="Open criminal prosecution for drug delivery resulting in death; "
                          "review after the case is resolved.")
    return cases


# (months before death as days, agency, touchpoint type, stage, description, source record,
#  missed opportunity: (gap type, rationale) or None)
TIMELINES = (
    [(300, "Alder County Jail", "jail_booking", "criminal_legal_transitions_custody_moud_re_entry",
      "Booked on a probation violation; screened positive for opioid use disorder.",
      "Jail booking and medical intake", None),
     (262, "Alder County Jail", "jail_release", "criminal_legal_transitions_custody_moud_re_entry",
      "Released after 38 days; no MOUD in custody, no naloxone at release.", "Jail release log",
      ("no_follow_up_after_discharge_or_release",
       "Released with OUD and no MOUD, naloxone or treatment appointment: the highest-risk "
       "weeks after release began without a bridge.")),
     (250, "Alder County Probation Department", "probation_or_parole_start",
      "criminal_legal_transitions_custody_moud_re_entry", "Reported to probation; referred to "
      "an assessment.", "Probation case notes", None),
     (201, "Alder County Fire & EMS", "ems_response_overdose", "crisis_and_overdose_response",
      "Non-fatal overdose at home; two naloxone doses; refused transport.", "EMS run report",
      ("no_warm_hand_off", "A refused transport ended the contact: no leave-behind kit and no "
                           "referral to post-overdose outreach.")),
     (199, "Open Door Harm Reduction", "post_overdose_outreach_attempt",
      "engagement_and_linkage_warm_hand_off_outreach_deflection",
      "Outreach visit two days later; no answer at the door.", "Outreach log", None),
     (120, "Harbor Recovery Center", "sud_treatment_admission",
      "treatment_initiation_including_moud", "Intake for outpatient treatment; waitlisted for "
      "MOUD induction.", "Treatment intake record",
      ("waitlist_or_capacity", "Three weeks on a waitlist for buprenorphine induction; no "
                               "bridge prescription offered in the meantime.")),
     (95, "Harbor Recovery Center", "sud_treatment_discharge", "treatment_retention",
      "Discharged after missing four sessions.", "Treatment discharge summary", None),
     (20, "Lakeside Pharmacy", "pharmacy_naloxone", "harm_reduction",
      "Bought a naloxone kit at the pharmacy counter.", "Pharmacy record", None)],
    [(210, "St. Brigid Regional Medical Center", "ed_visit", "crisis_and_overdose_response",
      "ED visit after an overdose; treated and released the same night.", "ED record",
      ("screening_not_done", "No substance use screening or MOUD offer in the ED; discharge "
                             "instructions did not mention naloxone.")),
     (180, "Alder Community Health Clinic", "primary_care_visit",
      "early_identification_and_screening", "Primary care visit for back pain.",
      "Clinic record", None),
     (150, "Alder Community Health Clinic", "opioid_or_benzodiazepine_prescription",
      "prevention", "Opioid prescription renewed with a benzodiazepine.", "Prescription record",
      ("policy_barrier", "Co-prescribed opioid and benzodiazepine without a naloxone "
                         "prescription or a prescription monitoring check recorded.")),
     (140, "Riverbend Behavioral Health", "mental_health_service", "treatment_retention",
      "Counseling for depression; three sessions attended.", "Counseling notes", None),
     (110, "Riverbend Behavioral Health", "mental_health_service", "treatment_retention",
      "Missed appointments; case closed after two letters.", "Counseling notes",
      ("no_follow_up_after_discharge_or_release",
       "Closed for non-attendance by letter, with no call or outreach to someone known to be "
       "at risk.")),
     (60, "Safe Harbor Housing Coalition", "housing_loss_or_shelter_stay",
      "root_causes_and_social_determinants", "Evicted; stayed at the Pier Road shelter.",
      "Shelter intake", None),
     (35, "Alder City Police Department", "police_contact_or_arrest",
      "engagement_and_linkage_warm_hand_off_outreach_deflection",
      "Welfare check at the shelter; no referral made.", "Police CAD record", None)],
    [(330, "Alder County Children and Family Services", "child_welfare_involvement",
      "family_and_child_support", "Child protective services case opened; children placed with "
      "a relative.", "Child welfare case record", None),
     (320, "Northside Opioid Treatment Program", "moud_start",
      "treatment_initiation_including_moud", "Started methadone.", "OTP admission record", None),
     (240, "Alder County Treatment Court", "court_or_treatment_court", "recovery_support",
      "Entered treatment court.", "Court docket", None),
     (160, "Northside Opioid Treatment Program", "moud_stop", "treatment_retention",
      "Methadone tapered after a court sanction.", "OTP discharge record",
      ("policy_barrier", "MOUD was tapered as a sanction; the taper removed protection against "
                         "overdose when the risk was rising.")),
     (90, "Bridges Peer Recovery Network", "harm_reduction_contact", "recovery_support",
      "Met a peer recovery coach twice.", "Peer contact log", None),
     (30, "Alder County Fire & EMS", "ems_response_other", "crisis_and_overdose_response",
      "EMS call for a fall; alcohol and sedation noted.", "EMS run report",
      ("information_not_shared_between_agencies", "EMS did not know of the OTP discharge; "
                                                 "nothing prompted a naloxone leave-behind.")),
     (12, "Alder County Children and Family Services", "child_welfare_involvement",
      "family_and_child_support", "Reunification visit cancelled.", "Child welfare case record",
      None)],
)


def _build_timeline(case: FatalityCase, entries, orgs) -> None:
    for days, agency, kind, stage, description, source, missed in entries:
        when = case.date_of_death - timedelta(days=days)
        ofr.add_touchpoint(
            None, case, occurred=when.isoformat(), organization_id=orgs[agency].id,
            type_id=term_by_code("touchpoint_type", kind).id,
            stage_id=term_by_code("stage", stage).id, description=description,
            source_record=source, is_missed_opportunity=missed is not None,
            gap_type_id=term_by_code("gap_type", missed[0]).id if missed else None,
            rationale=missed[1] if missed else "",
            is_part2=agency in ("Harbor Recovery Center", "Northside Opioid Treatment Program"))


def seed_demo_ofr(today: date, by_name: dict[str, Person]) -> int:
    """The deaths, last month's closed review meeting (three cases reviewed, their timelines
    built) and the next meeting with two cases selected. Returns the number of deaths."""
    from coalition.meetings import services as meetings
    from coalition.meetings.models import Attendance, Attestation

    table = _table()
    orgs = _orgs()
    cases = seed_demo_deaths(today)
    eligible = [c for c in cases if c.status == "eligible"]
    reviewed, upcoming = eligible[:3], eligible[3:5]
    dana = by_name["Dana Whitfield"]
    times = {"start_time": time(12, 30), "end_time": time(15, 30),
             "location": "Medical Examiner's Office, Conference Room", "facilitator_id": dana.id,
             "recorder_id": by_name["Rachel Stein"].id}
    last = meetings.schedule_meeting(None, table, title="Fatality review", build=False,
                                     day=today - timedelta(days=28), **times)
    for case in reviewed:
        ofr.select_for_meeting(None, case, last)
        ofr.request_records(None, case, organization_ids=[orgs[n].id for n in (
            "Alder County Fire & EMS", "St. Brigid Regional Medical Center",
            "Harbor Recovery Center", "Alder County Jail")],
            requested_on=today - timedelta(days=90))
        for request in case.requests:
            ofr.answer_request(None, request, received_on=today - timedelta(days=60),
                               is_part2=request.organization.name == "Harbor Recovery Center")
        ofr.set_status(None, case, "summary_drafted")
    meetings.build_agenda(None, last)
    meetings.mark_scheduled(None, last)
    meetings.start_meeting(None, last)
    for seat in table.memberships[:9]:
        db.session.add(Attendance(meeting=last, person=seat.person,
                                  organization=seat.organization, status="present"))
        db.session.add(Attestation(meeting=last, person=seat.person, method="paper",
                                   agreement_version=last.agreement_version or "demo"))
    for case, entries in zip(reviewed, TIMELINES, strict=True):
        _build_timeline(case, entries, orgs)
        item = next(i for i in last.items if i.fatality_case_id == case.id)
        item.is_discussed = True
        item.minutes = ("Timeline reviewed with every agency's records; missed opportunities "
                        "marked on the timeline.")
    db.session.flush()
    meetings.close_meeting(None, last)
    for case in reviewed:
        case.status = "reviewed"
    ofr.add_case_action(None, reviewed[0], title="Ask the jail about naloxone at release for "
                        "people screened for OUD", owner_id=by_name["Sgt. Omar Haddad"].id,
                        due_on=today + timedelta(days=14))
    nxt = meetings.schedule_meeting(None, table, title="Fatality review",
                                    day=today + timedelta(days=10), **times)
    meetings.mark_scheduled(None, nxt)
    for n, case in enumerate(upcoming):
        ofr.select_for_meeting(None, case, nxt)
        ofr.request_records(None, case, organization_ids=[orgs[name].id for name in (
            "Alder City Police Department", "Alder County Fire & EMS",
            "St. Brigid Regional Medical Center", "Riverbend Behavioral Health")],
            requested_on=today - timedelta(days=40 if n == 0 else 12))
        if n == 0:
            ofr.answer_request(None, case.requests[0], nothing_found=True)
    db.session.flush()
    return len(cases)
