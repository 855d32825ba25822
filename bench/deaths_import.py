"""Timing of the deaths import at its intended size: 5,000 rows × 40 columns, spanning years.

    .venv/bin/python bench/deaths_import.py [--rows 5000]

Builds a fictional medical examiner export in memory, then times, through the real routes of a
fresh SQLite database: the upload and its preview (columns guessed, every row checked), a second
preview with the mapping and a county filter posted back, the confirm (every case created in one
transaction), and the preview of the same file once its deaths are stored (every row is then a
duplicate). Times are wall-clock seconds on this machine, for comparison between runs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import os
import random
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from itsdangerous import URLSafeTimedSerializer  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from coalition import create_app  # noqa: E402
from coalition.core.accounts import create_user  # noqa: E402
from coalition.core.vocab import seed_vocabularies, term_by_code  # noqa: E402
from coalition.extensions import db  # noqa: E402
from coalition.ofr.models import CaseIdentity, CaseSubstance, FatalityCase  # noqa: E402
from coalition.ofr.services import imports  # noqa: E402
from coalition.roster.models import (  # noqa: E402
    CoalitionTable,
    Organization,
    Person,
    TableMembership,
)

PASSWORD = "benchmark password 1"
HEADER = ["ME Case #", "Last Name", "First Name", "Middle Name", "DOB", "Age", "Age Unit", "Sex",
          "Race", "Hispanic", "Residence Address", "Residence City", "Residence Zip",
          "Residence County", "Date of Death", "Time of Death", "Death County", "Place of Death",
          "Manner of Death", "Cause of Death", "Other Significant Conditions", "Investigator",
          "Pronounced By", "Autopsy", "Tox Performed", "Fentanyl", "Heroin", "Cocaine",
          "Methamphetamine", "Xylazine", "Benzodiazepines", "Alcohol", "Oxycodone", "Methadone",
          "Buprenorphine", "Gabapentin", "Naloxone Administered", "Homeless", "Veteran",
          "Report Status"]
FLAGS = HEADER[25:36]


def make_file(rows: int, seed: int = 7) -> bytes:
    """A fictional export: BOM, upper-case counties, Y/blank flags, US dates with a time."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    first = date(2019, 1, 1)
    for n in range(rows):
        died = first + timedelta(days=n * 2190 // rows)
        age = rng.randint(18, 80)
        born = died - timedelta(days=age * 365 + rng.randint(0, 300))
        flags = ["Y" if rng.random() < share else "" for share in
                 (.8, .1, .3, .3, .2, .15, .2, .08, .05, .03, .05)]
        writer.writerow([
            f"ME-{died.year % 100:02d}-{n:05d}", f"Surname{n % 97}", f"Given{n % 89}",
            rng.choice(["", "J", "Lee"]), f"{born.month}/{born.day}/{born.year}",
            rng.choice([str(age), f"{age} Years"]), "Years", rng.choice(["M", "F", "Male"]),
            rng.choice(["White", "Black", "African American", "Asian", "Unknown", ""]),
            rng.choice(["Non-Hispanic", "Hispanic", "", "Unknown"]), f"{n % 900 + 10} Elm St",
            "Alder City", f"0{1000 + n % 8999}", rng.choice(["ALDER COUNTY", "BIRCH COUNTY"]),
            died.strftime("%m/%d/%Y 12:00:00 AM"), "13:05",
            rng.choice(["ALDER COUNTY", "ALDER COUNTY", "ALDER COUNTY", "CEDAR COUNTY"]),
            rng.choice(["Residence", "Decedent's Residence", "Hotel/Motel", "Outdoors", ""]),
            rng.choice(["ACCIDENT", "Accident", "Undetermined"]),
            "Acute combined drug toxicity.\nFound unresponsive at home.", "", "Inv. Pat Gorse",
            "EMS", "Y", "Y", *flags, rng.choice(["Y", "N", ""]), rng.choice(["Y", "N", "U"]),
            rng.choice(["N", ""]), "Final"])
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def setup(folder: str):
    os.environ["COALITION_INSTANCE_PATH"] = folder
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "ARGON2_TIME_COST": 1,
                      "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
                      "SERVER_NAME": "localhost",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"})
    with app.app_context():
        db.create_all()
        seed_vocabularies()
        table = CoalitionTable(name="Alder OFR", name_key="alder ofr", kind="ofr")
        org = Organization(name="Alder ME", name_key="alder me",
                           sector=term_by_code("sector", "medical_examiner_coroner"))
        person = Person(name="Bench Manager")
        db.session.add_all([table, org, person])
        db.session.flush()
        db.session.add(TableMembership(person=person, table=table, organization=org,
                                       role="manager"))
        create_user(None, name="Bench", email="bench@example.test", site_role="member",
                    person_id=person.id, password=PASSWORD)
        db.session.commit()
        return app, table.id


def token(client, app) -> str:
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", hashlib.sha256(os.urandom(64)).hexdigest())
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


def form_of(page: str) -> dict[str, str]:
    """The preview's form as the browser would send it back (hidden fields and selections)."""
    values = {name: html.unescape(value) for name, value in re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', page)}
    values.update({name: html.unescape(value) for name, value in re.findall(
        r'<input[^>]*name="(source|county)"[^>]*value="([^"]*)"', page)})
    for name, body in re.findall(r'<select[^>]*name="(map_\d+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                           body)
        values[name] = html.unescape(next(g for g in chosen.groups() if g is not None)) \
            if chosen else ""
    return values


def timed(label: str, action):
    began = time.perf_counter()
    value = action()
    print(f"{label:<62} {time.perf_counter() - began:6.2f} s")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    rows = parser.parse_args().rows
    data = make_file(rows)
    print(f"file: {rows:,} rows × {len(HEADER)} columns, {len(data) / 1024 / 1024:.2f} MB")
    app, table_id = setup(tempfile.mkdtemp(prefix="coalition-bench-"))
    client = app.test_client()
    with app.app_context():
        client.get("/login")
        assert client.post("/login", data={"email": "bench@example.test", "password": PASSWORD,
                                           "csrf_token": token(client, app)}).status_code == 302
        table = db.session.get(CoalitionTable, table_id)
        deaths = imports.read_deaths_file(data)
        substances = imports.substance_terms()
        mapping = imports.initial_mapping(table, deaths.columns, "Alder ME", substances)
        timed("service: read and check every row (no filter)", lambda: imports.check_file(
            table, data, mapping=mapping, filters=imports.Filters()))
    base = f"/tables/{table_id}/deaths/import"
    first = timed("route: upload → preview (guess columns, check every row)", lambda: client.post(
        f"{base}/preview", content_type="multipart/form-data",
        data={"file": (io.BytesIO(data), "deaths.csv"), "source": "Alder County ME",
              "csrf_token": token(client, app)}))
    assert first.status_code == 200, first.get_data(as_text=True)[:2000]
    form = form_of(first.get_data(as_text=True))
    form.update(county="Alder County", csrf_token=token(client, app))
    again = timed("route: preview again with the mapping and a county filter",
                  lambda: client.post(f"{base}/preview", data=form))
    assert again.status_code == 200, again.status_code
    form = form_of(again.get_data(as_text=True))
    form["csrf_token"] = token(client, app)
    done = timed("route: confirm → every case created in one transaction",
                 lambda: client.post(f"{base}/confirm", data=form))
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    with app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(model))
                  for model in (FatalityCase, CaseIdentity, CaseSubstance)]
    print(f"created: {counts[0]:,} cases, {counts[1]:,} identities, {counts[2]:,} substances")
    form["csrf_token"] = token(client, app)
    repeat = timed("route: the same file again (every row a duplicate)",
                   lambda: client.post(f"{base}/preview", data=form))
    assert repeat.status_code == 400
    return 0


if __name__ == "__main__":
    sys.exit(main())
