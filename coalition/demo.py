"""The fictional demo coalition of Alder County, for ``flask seed-demo`` (demo mode only).

Every name, address and number here is invented.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from coalition.core import audit
from coalition.core.accounts import create_user
from coalition.core.models import User
from coalition.core.vocab import seed_vocabularies, term_by_code
from coalition.extensions import db
from coalition.roster.models import (
    Affiliation,
    Agreement,
    CoalitionTable,
    Organization,
    Person,
    TableMembership,
)

DEMO_PASSWORD = "coalition-demo"  # noqa: S105 - the documented demo password
DEMO_LOGINS = (
    ("coordinator@example.org", "coordinator", "Dana Whitfield"),
    ("leader@example.org", "leader", "Marcus Ortega"),
    ("member@example.org", "member", "Priya Natarajan"),
)

# name, sector code, address, phone, agreement expiry in days from today (None: no agreement)
ORGANIZATIONS = [
    ("Alder County Health Department", "public_health", "200 Court St, Alder City", "555-0100", 300),
    ("Alder City Police Department", "law_enforcement", "15 Main St, Alder City", "555-0111", 41),
    ("Alder County Sheriff's Office", "law_enforcement", "1 Justice Way, Alder City", "555-0112", 210),
    ("Alder County Fire & EMS", "fire_ems", "80 Station Rd, Alder City", "555-0120", 150),
    ("St. Brigid Regional Medical Center", "emergency_department_hospital", "900 Hospital Dr, Alder City", "555-0130", 25),
    ("Alder County Medical Examiner", "medical_examiner_coroner", "210 Court St, Alder City", "555-0140", 330),
    ("Harbor Recovery Center", "substance_use_treatment", "44 Harbor Ave, Port Alder", "555-0150", 120),
    ("Northside Opioid Treatment Program", "opioid_treatment_program_moud_provider", "7 Mill Rd, Alder City", "555-0151", -12),
    ("Open Door Harm Reduction", "harm_reduction_syringe_services", "12 Canal St, Port Alder", "555-0160", 58),
    ("Riverbend Behavioral Health", "mental_health", "300 River Rd, Alder City", "555-0170", 240),
    ("Alder Community Health Clinic", "primary_care", "55 Elm St, Alder City", "555-0180", 190),
    ("Lakeside Pharmacy", "pharmacy", "18 Lake St, Port Alder", None, None),
    ("Bridges Peer Recovery Network", "peer_recovery_support", "9 Union St, Alder City", "555-0190", 95),
    ("Alder County Jail", "corrections_jail", "3 Justice Way, Alder City", "555-0200", 270),
    ("Alder County Probation Department", "probation_parole", "5 Justice Way, Alder City", "555-0210", 160),
    ("Alder County Treatment Court", "courts_prosecutor_defender", "1 Court Sq, Alder City", "555-0220", 310),
    ("Alder County Children and Family Services", "child_welfare", "400 Oak St, Alder City", "555-0230", 35),
    ("Alder County Department of Human Services", "human_social_services", "410 Oak St, Alder City", "555-0240", 280),
    ("Safe Harbor Housing Coalition", "housing_homeless_services", "60 Pier Rd, Port Alder", "555-0250", 200),
    ("Alder Unified School District", "schools", "100 School Ln, Alder City", "555-0260", None),
    ("Alder County Board of Commissioners", "elected_officials_government", "200 Court St, Alder City", "555-0270", None),
    ("Families for Recovery Alder", "family_community_members", "", "", None),
]

# name, title, organizations (by index into ORGANIZATIONS)
PEOPLE = [
    ("Dana Whitfield", "Overdose prevention coordinator", [0]),
    ("Marcus Ortega", "Commissioner and coalition chair", [20]),
    ("Priya Natarajan", "Clinical director", [6]),
    ("Lt. Sam Kowalski", "Community policing lieutenant", [1]),
    ("Officer Renee Hart", "Drug recovery liaison officer", [1]),
    ("Sgt. Omar Haddad", "Jail programs sergeant", [2, 13]),
    ("Chief Laura Benning", "EMS deputy chief", [3]),
    ("Tom Reyes", "Community paramedic", [3]),
    ("Dr. Alicia Moore", "Emergency physician", [4]),
    ("Keisha Grant", "ED social worker", [4]),
    ("Dr. Victor Lund", "Chief medical examiner", [5]),
    ("Hannah Cole", "Death investigator", [5]),
    ("Jordan Pike", "Intake coordinator", [6]),
    ("Dr. Mei Chen", "Medical director", [7]),
    ("Luis Navarro", "Program manager", [8]),
    ("Ash Turner", "Outreach worker", [8]),
    ("Dr. Ruth Adeyemi", "Psychiatrist", [9]),
    ("Carla Jimenez", "Crisis team lead", [9]),
    ("Dr. Neil Patel", "Family physician", [10]),
    ("Grace Kim", "Pharmacist in charge", [11]),
    ("Andre Wallace", "Peer recovery coach", [12]),
    ("Maya Brooks", "Peer recovery supervisor", [12, 6]),
    ("Warden Paul Fisher", "Jail administrator", [13]),
    ("Nina Alvarez", "Re-entry coordinator", [13, 17]),
    ("Derek Olsen", "Probation supervisor", [14]),
    ("Judge Ellen Park", "Treatment court judge", [15]),
    ("Rosa Delgado", "Treatment court coordinator", [15]),
    ("Tanya Price", "Child protective services supervisor", [16]),
    ("Brian Hughes", "Family services caseworker", [16]),
    ("Linda Okafor", "Benefits program manager", [17]),
    ("James Whitaker", "Housing navigator", [18]),
    ("Sofia Russo", "Shelter director", [18]),
    ("Kevin Doyle", "Student services director", [19]),
    ("Amara Singh", "Epidemiologist", [0]),
    ("Rachel Stein", "Data manager", [0]),
    ("Father Michael Burke", "Pastor and family advocate", [21]),
    ("Joan Mercer", "Parent advocate", [21]),
    ("Eli Thompson", "Naloxone program coordinator", [0, 8]),
    ("Dr. Sarah Quinn", "Addiction medicine fellow", [7, 4]),
    ("Felix Romero", "Harm reduction navigator", [8]),
]

# table name, kind, description, cadence days, seats: (person index, org index, role)
TABLES = [
    ("Alder County Overdose Prevention Coalition", "coalition",
     "All member organizations: general business, gaps and recommendations. No case-level data.",
     28, [(0, 0, "manager"), (1, 20, "member"), (2, 6, "member"), (3, 1, "member"),
          (6, 3, "member"), (8, 4, "member"), (10, 5, "member"), (14, 8, "member"),
          (16, 9, "member"), (18, 10, "member"), (19, 11, "member"), (20, 12, "member"),
          (22, 13, "member"), (24, 14, "member"), (25, 15, "member"), (27, 16, "member"),
          (29, 17, "member"), (30, 18, "member"), (32, 19, "member"), (35, 21, "member"),
          (33, 0, "member")]),
    ("Alder Situation Table", "risk_review",
     "Weekly risk review of people at acutely elevated risk after a non-fatal overdose or crisis.",
     7, [(0, 0, "manager"), (2, 6, "member"), (4, 1, "member"), (7, 3, "member"),
         (9, 4, "member"), (15, 8, "member"), (17, 9, "member"), (20, 12, "member"),
         (23, 13, "member"), (28, 16, "member"), (30, 18, "member")]),
    ("Alder County Overdose Fatality Review Team", "ofr",
     "Monthly confidential review of overdose deaths, their timelines and missed opportunities.",
     28, [(0, 0, "manager"), (34, 0, "member"), (11, 5, "member"), (3, 1, "member"),
          (6, 3, "member"), (8, 4, "member"), (13, 7, "member"), (16, 9, "member"),
          (5, 13, "member"), (24, 14, "member"), (26, 15, "member"), (27, 16, "member"),
          (21, 12, "member")]),
]


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id)))


def seed_demo(today: date | None = None) -> str:
    """Create the demo coalition in the current transaction; the caller commits."""
    today = today or date.today()
    seed_vocabularies()
    orgs = []
    for name, sector, address, phone, expires_in in ORGANIZATIONS:
        org = Organization(name=name, name_key=name.casefold(), sector=term_by_code("sector", sector),
                           address=address, phone=phone or "",
                           website=f"https://{name.split()[0].lower()}.example.org" if phone else "")
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
        email = ".".join(part.strip(".'") for part in email.split() if part not in ("officer", "chief",
                                                                                 "warden", "judge",
                                                                                 "father"))
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
    meeting_count = seed_demo_meetings(today, by_name)
    summary = (f"{len(orgs)} organizations, {len(people)} people, {len(TABLES)} tables, "
               f"{seats} seats, {meeting_count} meetings, {len(DEMO_LOGINS)} demo logins")
    audit.log(None, "seed_demo", summary=summary)
    db.session.flush()
    return summary


def seed_demo_meetings(today: date, by_name: dict[str, Person]) -> int:
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
    return 3
