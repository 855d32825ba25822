"""The fictional Alder County: its organizations, people, tables and incident reports."""

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


EMS_INCIDENT = "EMS-DEMO-0412"
DEMO_INCIDENTS = [  # days ago, time, location, fatal, naloxone, doses, agency, incident number
    (9, "02:10", "Canal St and 5th Ave", "no", "yes", "2", "Alder City Police Department",
     "ACPD-DEMO-1187"),
    (6, "21:40", "300 block of Mill Rd", "no", "no", "", "Alder City Police Department",
     "ACPD-DEMO-1203"),
    (4, "06:55", "Hospital Dr near the ED entrance", "no", "yes", "1",
     "Alder County Fire & EMS", EMS_INCIDENT),
]
