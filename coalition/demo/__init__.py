"""The fictional demo coalition of Alder County, for ``flask seed-demo`` (demo mode only).

Every name, address and number here is invented.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from coalition.core import audit
from coalition.core.accounts import create_user
from coalition.core.localtime import local_today
from coalition.core.models import User
from coalition.core.vocab import seed_vocabularies, term_by_code
from coalition.demo.data import (  # noqa: F401  (DEMO_PASSWORD, DEMO_LOGINS: for the CLI)
    DEMO_INCIDENTS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    EMS_INCIDENT,
    ORGANIZATIONS,
    PEOPLE,
    TABLES,
)
from coalition.demo.gaps import seed_demo_gaps
from coalition.demo.ofr import seed_demo_ofr
from coalition.demo.outreach import seed_demo_outreach_history
from coalition.extensions import db
from coalition.roster.models import (
    Affiliation,
    Agreement,
    CoalitionTable,
    Organization,
    Person,
    TableMembership,
)


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id)))


def seed_demo(today: date | None = None) -> str:
    """Create the demo coalition in the current transaction; the caller commits."""
    today = today or local_today()
    seed_vocabularies()
    orgs = []
    for name, sector, address, phone, expires_in in ORGANIZATIONS:
        website = f"https://{name.split()[0].lower()}.example.org" if phone else ""
        org = Organization(name=name, name_key=name.casefold(),
                           sector=term_by_code("sector", sector), address=address,
                           phone=phone or "", website=website)
        db.session.add(org)
        if expires_in is not None:
            expires = today + timedelta(days=expires_in)
            org.agreements.append(Agreement(
                signed_on=expires - timedelta(days=365), expires_on=expires,
                reference=f"DSA-{expires.year}-{len(orgs) + 1:02d}",
                notes="Annual data-sharing agreement and confidentiality terms."))
        orgs.append(org)
    people = []
    for name, title, org_indexes in PEOPLE:
        email = name.lower().replace("dr. ", "").replace("lt. ", "").replace("sgt. ", "")
        honorifics = ("officer", "chief", "warden", "judge", "father")
        email = ".".join(part.strip(".'") for part in email.split() if part not in honorifics)
        person = Person(name=name, title=title, email=f"{email}@example.org",
                        phone=f"555-01{len(people):02d}")
        for index in org_indexes:
            person.affiliations.append(Affiliation(organization=orgs[index], role_title=title))
        db.session.add(person)
        people.append(person)
    seats = 0
    for name, kind, description, cadence, members in TABLES:
        table = CoalitionTable(name=name, name_key=name.casefold(), kind=kind,
                               description=description, cadence_days=cadence)
        db.session.add(table)
        for person_index, org_index, role in members:
            table.memberships.append(TableMembership(person=people[person_index],
                                                     organization=orgs[org_index], role=role))
            seats += 1
    db.session.flush()
    by_name = {person.name: person for person in people}
    for email, role, person_name in DEMO_LOGINS:
        user, _ = create_user(None, name=person_name, email=email, site_role=role,
                              person_id=by_name[person_name].id, password=DEMO_PASSWORD)
        user.must_change_password = False
    seed_demo_meetings(today, by_name)
    situation_count = seed_demo_situations(today) + seed_demo_outreach_history(today)
    death_count = seed_demo_ofr(today, by_name)
    gap_count, recommendation_count = seed_demo_gaps(today, by_name)
    from coalition.meetings.models import Meeting

    meeting_count = db.session.scalar(select(func.count(Meeting.id)))
    summary = (f"{len(orgs)} organizations, {len(people)} people, {len(TABLES)} tables, "
               f"{seats} seats, {meeting_count} meetings, {situation_count} risk situations, "
               f"{death_count} deaths at the fatality review, {gap_count} gaps, "
               f"{recommendation_count} recommendations, "
               f"{len(DEMO_LOGINS)} demo logins")
    audit.log(None, "seed_demo", summary=summary)
    db.session.flush()
    return summary


def seed_demo_meetings(today: date, by_name: dict[str, Person]) -> None:
    """Templates for every table; the Situation Table's closed meeting of last week (attendance,
    minutes, a decision, open action items, one item left undiscussed) and next week's meeting
    whose agenda the builder filled; the coalition's meeting next month."""
    from coalition.actions.models import ActionItem
    from coalition.meetings import services as meetings
    from coalition.meetings.models import AgendaItem, Attendance, Attestation, Decision

    tables = {t.name: t for t in db.session.scalars(select(CoalitionTable))}
    for table in tables.values():
        meetings.ensure_template(table)
    hub = tables["Alder Situation Table"]
    seated = {m.person.name: m for m in hub.memberships}
    dana, andre = by_name["Dana Whitfield"], by_name["Andre Wallace"]
    times = {"start_time": time(9, 0), "end_time": time(10, 30), "location":
             "Health Department, Room 2B", "facilitator_id": dana.id, "recorder_id": andre.id}
    last = meetings.schedule_meeting(None, hub, title="Situation Table weekly review",
                                     day=today - timedelta(days=7), **times)
    updates = next(i for i in last.items if i.is_section)
    new_items = [
        ("Situation 24-031: outreach plan follow-up", "case", True,
         "Lead agency Open Door reached the person twice; connected to Harbor Recovery intake."),
        ("Situation 24-033: housing referral status", "case", False, ""),
        ("Naloxone kits at the Pier Road shelter", "internal", True,
         "Shelter staff asked for kits and a short training; Open Door will supply both."),
    ]
    added = []
    for offset, (title, item_type, discussed, minutes) in enumerate(new_items, start=1):
        item = AgendaItem(table_id=hub.id, meeting=last, title=title, item_type=item_type,
                          planned_minutes=10, is_discussed=discussed, minutes=minutes,
                          position=updates.position + offset)
        db.session.add(item)
        added.append(item)
    for later in last.items:
        if later not in added and later.position > updates.position:
            later.position += len(added)
    db.session.flush()
    for name in ("Dana Whitfield", "Priya Natarajan", "Officer Renee Hart", "Ash Turner",
                 "Andre Wallace", "Carla Jimenez"):
        seat_row = seated[name]
        db.session.add(Attendance(meeting=last, person=seat_row.person,
                                  organization=seat_row.organization, status="present"))
        db.session.add(Attestation(meeting=last, person=seat_row.person, method="paper",
                                   agreement_version=last.agreement_version or "demo"))
    db.session.add(Attendance(meeting=last, person=seated["Tom Reyes"].person,
                              organization=seated["Tom Reyes"].organization, status="excused"))
    db.session.add(Decision(meeting=last, agenda_item=added[2],
                            text="Open Door supplies naloxone kits and staff training to the "
                                 "Pier Road shelter."))
    for title, owner, due_in, source in (
            ("Send the Harbor Recovery intake summary to the lead agency", "Priya Natarajan",
             -2, added[0]),
            ("Deliver 40 naloxone kits and train shelter staff", "Ash Turner", 5, added[2]),
            ("Confirm the shelter bed for situation 24-031", "James Whitaker", -5, added[0])):
        seat_row = seated[owner]
        db.session.add(ActionItem(
            title=title, owner=seat_row.person, organization=seat_row.organization,
            table_id=hub.id, source_meeting_id=last.id, source_agenda_item_id=source.id,
            due_on=today + timedelta(days=due_in),
            status="done" if owner == "James Whitaker" else "open",
            completed_on=today - timedelta(days=3) if owner == "James Whitaker" else None))
    db.session.flush()
    meetings.mark_scheduled(None, last)
    meetings.start_meeting(None, last)
    meetings.close_meeting(None, last)
    upcoming = meetings.schedule_meeting(None, hub, title="Situation Table weekly review",
                                         day=today + timedelta(days=7), **times)
    meetings.mark_scheduled(None, upcoming)
    coalition = tables["Alder County Overdose Prevention Coalition"]
    general = meetings.schedule_meeting(
        None, coalition, title="Coalition monthly meeting", day=today + timedelta(days=30),
        start_time=time(13, 0), end_time=time(14, 30), location="Alder City Library, Hall A",
        video_url="https://meet.example.org/alder-coalition", facilitator_id=dana.id)
    meetings.mark_scheduled(None, general)


# --- risk review: situations at the Situation Table ----------------------------------------

# The demo's own incident reports (the shipped sample file stays free to import by hand).
def _add_to_closed_agenda(meeting, section_title: str, item) -> None:
    """Put ``item`` at the end of a section of a meeting the demo already closed (the agenda
    services refuse closed meetings; the demo writes its history directly, as above)."""
    items = sorted(meeting.items, key=lambda i: i.position)
    start = next(index for index, i in enumerate(items)
                 if i.is_section and i.title == section_title)
    end = start + 1
    while end < len(items) and not items[end].is_section:
        end += 1
    slot = items[end - 1].position + 1
    for later in items[end:]:
        later.position += 1
    item.meeting = meeting
    item.table_id = meeting.table_id
    item.position = slot
    db.session.add(item)
    db.session.flush()


def _import_demo_incidents(actor, hub, today: date):
    """A few recent incident reports, imported through the import service like a real file."""
    from coalition.risk.services.imports import import_incidents

    lines = ["occurred_at,location,fatal,naloxone_administered,naloxone_doses,agency,"
             "incident_number"]
    for days_ago, at, location, fatal, naloxone, doses, agency, number in DEMO_INCIDENTS:
        lines.append(f"{today - timedelta(days=days_ago)} {at},{location},{fatal},{naloxone},"
                     f"{doses},{agency},{number}")
    data = ("\n".join(lines) + "\n").encode()
    return import_incidents(actor, hub, data=data, filename="demo-incidents.csv")


def seed_demo_situations(today: date) -> int:
    """Six situations at the Situation Table, made through the risk services so the data obeys
    the workflow's rules: one concluded (connected to services), one rejected (minimal fields
    only), two accepted at last week's meeting (one with two attempts and an encrypted,
    fictional identity; one still awaiting first contact after more than 48 hours), two new
    (one from an imported EMS incident report). Last week's meeting lists and discusses the two
    it accepted; next week's agenda is refreshed so it lists the open and new situations."""
    from datetime import datetime

    from coalition.core.localtime import combine_local, to_local
    from coalition.meetings import services as meetings
    from coalition.meetings.models import AgendaItem, Meeting
    from coalition.risk import services as risk
    from coalition.risk.models import OutreachReferral
    from coalition.risk.services.agenda import NEW_SECTION

    tables = {t.name: t for t in db.session.scalars(select(CoalitionTable))}
    hub = tables["Alder Situation Table"]
    orgs = {o.name: o.id for o in db.session.scalars(select(Organization))}
    actor = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
    hub_meetings = list(db.session.scalars(
        select(Meeting).where(Meeting.table_id == hub.id).order_by(Meeting.starts_at)))
    last = next(m for m in hub_meetings if m.status == "closed")
    upcoming = next(m for m in hub_meetings if m.status == "scheduled")

    def factors(*codes):
        return [term_by_code("risk_factor_category", code).id for code in codes]

    def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
        return combine_local(today - timedelta(days=days_ago), time(hour, minute))

    def create(origin, source, presented_days_ago, **values):
        return risk.create_situation(
            actor, hub, originating_organization_id=orgs[origin], referral_source=source,
            presented_on=today - timedelta(days=presented_days_ago), **values)

    def accept(situation, lead, assisting, accepted_at, meeting=None):
        risk.decide_situation(actor, situation, accepted=True, meeting=meeting,
                              lead_organization_id=orgs[lead],
                              assisting_organization_ids=[orgs[name] for name in assisting])
        situation.accepted_at = accepted_at  # the demo's history happened in the past
        if meeting is None:
            situation.decided_on = to_local(accepted_at).date()
        db.session.flush()

    def attempt(situation, when, org, mode, team, result, services=None, note=""):
        risk.record_attempt(actor, situation, attempted_at=when, organization_id=orgs[org],
                            mode=mode, team=team, result=result, services=services or {},
                            note=note)

    # 1. concluded: accepted five weeks ago, connected to treatment and a peer coach
    concluded = create(
        "St. Brigid Regional Medical Center", "emergency_department", 40,
        level="individual", age_range="45_54", gender="Man", language="English",
        consent_status="written",
        summary="Treated in the ED for an opioid overdose, the second in three months; "
                "discharged against advice; recently released from the county jail.",
        protective_factors="Stays in touch with an adult daughter; interested in MOUD.",
        risk_factor_ids=factors("prior_overdose", "substance_use",
                                "recent_release_from_custody_or_treatment"))
    concluded.code = f"RS-{concluded.presented_on.year}-0028"  # a table well into its year
    db.session.flush()
    accept(concluded, "Harbor Recovery Center", ["Bridges Peer Recovery Network"], at(38, 10))
    attempt(concluded, at(37, 14), "Bridges Peer Recovery Network", "in_person",
            ["peer", "clinician"], "contact_person",
            {"treatment_referral": True, "recovery_coach": True, "naloxone_kit": True},
            "Met at his daughter's home; agreed to an intake appointment.")
    attempt(concluded, at(30, 11), "Harbor Recovery Center", "phone", ["clinician"],
            "contact_person", {"transportation": True}, "Ride arranged to the MOUD intake.")
    risk.conclude_situation(actor, concluded, concluded_on=today - timedelta(days=10),
                            risk_status="lowered", outcome="connected",
                            note="Started buprenorphine at Harbor Recovery; meets his peer "
                                 "coach weekly.")

    # 2. rejected at last week's meeting: only the date, agency and reason are kept
    rejected = create(
        "Alder City Police Department", "walk_in", 9,
        level="individual", age_range="18_24", gender="Woman", language="English",
        consent_status="verbal",
        summary="Came to the station asking about treatment options after a friend's overdose.",
        risk_factor_ids=factors("substance_use"))
    risk.decide_situation(actor, rejected, accepted=False, meeting=last,
                          reason="Not acutely elevated risk: Riverbend's walk-in clinic can "
                                 "help on its own; referred there the same day.")

    # 3. accepted last week, no contact yet after more than 48 hours
    waiting = create(
        "Riverbend Behavioral Health", "outreach_worker", 8,
        level="individual", age_range="35_44", gender="Man", language="Spanish",
        consent_status="none",
        summary="Sleeping outside near the river after losing a room; two overdoses reported by "
                "peers this month; missed two crisis appointments.",
        protective_factors="Known to the shelter staff; responds to Spanish-speaking staff.",
        risk_factor_ids=factors("prior_overdose", "housing", "mental_health"))
    accept(waiting, "Bridges Peer Recovery Network", ["Safe Harbor Housing Coalition"],
           last.starts_at, meeting=last)
    attempt(waiting, at(5, 16), "Bridges Peer Recovery Network", "in_person",
            ["peer", "harm_reduction"], "no_contact",
            note="Not at the usual camp; left a card with shelter staff.")

    # 4. accepted last week (the example the demo walks through): two attempts, one contact
    main = create(
        "Alder City Police Department", "police_overdose_report", 8,
        level="individual", age_range="25_34", gender="Woman", language="English",
        consent_status="verbal",
        summary="Revived with two naloxone doses in a parked car; uses alone; lost her job "
                "last month; a young child lives with a grandparent.",
        protective_factors="Close to her mother; asked the officers about treatment.",
        risk_factor_ids=factors("prior_overdose", "substance_use", "family_and_parenting"))
    accept(main, "Open Door Harm Reduction", ["Harbor Recovery Center"], last.starts_at,
           meeting=last)
    risk.save_identity(actor, main, name="Rowan Tessier (fictional)",
                       birth_date=date(1993, 4, 12),
                       location="Canal St apartments, Port Alder", phone="555-0199")
    attempt(main, at(6, 11), "Open Door Harm Reduction", "phone", ["harm_reduction"],
            "no_contact", note="Voicemail left.")
    attempt(main, at(5, 15, 30), "Open Door Harm Reduction", "in_person",
            ["peer", "harm_reduction"], "contact_person",
            {"naloxone_kit": True, "test_strips": True, "overdose_response_plan": True,
             "treatment_referral": False},
            "Talked at her mother's home; took a kit and strips; not ready for treatment yet.")

    # 5. new: a family member's concern brought by the child welfare agency
    create("Alder County Children and Family Services", "family_friend", 2,
           level="family", age_range="unknown", gender="", language="English",
           consent_status="verbal",
           summary="Grandparent caring for two children reports the parent's repeated "
                   "overdoses at home and threats of self-harm.",
           risk_factor_ids=factors("prior_overdose", "suicide_or_self_harm",
                                   "family_and_parenting"))

    # 6. new: an EMS incident from the imported incident reports, made a situation
    _import_demo_incidents(actor, hub, today)
    referral = db.session.scalar(select(OutreachReferral).where(
        OutreachReferral.table_id == hub.id, OutreachReferral.incident_number == EMS_INCIDENT,
        OutreachReferral.status == "open"))
    create("Alder County Fire & EMS", "ems", 1, referral=referral,
           level="individual", age_range="55_64", gender="Man", language="English",
           consent_status="not_applicable",
           summary="Non-fatal overdose near the hospital; refused transport; EMS crews have "
                   "seen him three times this autumn.",
           risk_factor_ids=factors("prior_overdose", "physical_health", "social_environment"))

    # last week's meeting listed and discussed the two situations it accepted
    notes = {
        waiting: "Accepted as acutely elevated risk.\nBridges leads with a Spanish-speaking "
                 "peer;\nSafe Harbor holds a shelter bed.\nFirst attempt within 48 hours.",
        main: "Accepted as acutely elevated risk.\nOpen Door leads, Harbor Recovery assists.\n"
              "First attempt within 24 hours; bring naloxone and test strips.",
    }
    for situation, note in notes.items():
        _add_to_closed_agenda(last, NEW_SECTION, AgendaItem(
            situation_id=situation.id, title=f"{situation.code} — new situation",
            item_type="case", planned_minutes=10, is_discussed=True, minutes=note))
        risk.record_discussion(actor, situation, last, note=note)
    # next week's agenda: the open situations for an update, then the new ones
    meetings.refresh_due_items(None, upcoming)
    return 6
