"""Report benchmark: the OFR summary and the committee report at the large dataset of
``bench/pages.py`` (3,000 deaths, 15,000 touchpoints, 300 gaps and 300 recommendations).

    .venv/bin/python bench/reports.py [--repeat 3]

For each report it prints the pages, the time to build the context (queries and suppression),
to write the HTML (Jinja), and WeasyPrint's own layout and PDF writing, the median of
``--repeat`` runs. Then it renders the OFR summary with its recommendation tables doubled and
quadrupled to show how the time grows with the pages. Targets (issue "Reports"): a 12-page OFR
summary in 2 s or less, time linear in pages, context + HTML at most 10% of WeasyPrint's time.
Times are wall time on this machine, for comparison between runs on the same machine.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from coalition import create_app  # noqa: E402
from coalition.core import pdf  # noqa: E402
from coalition.core.localtime import combine_local, local_today  # noqa: E402
from coalition.core.suppression import Policy  # noqa: E402
from coalition.core.vocab import terms  # noqa: E402
from coalition.extensions import db  # noqa: E402
from coalition.reporting import catalog, periods  # noqa: E402
from coalition.roster.models import CoalitionTable  # noqa: E402


def review_the_cases() -> None:
    """The bench's "reviewed" deaths were reviewed at a closed meeting of their table this year,
    and their last two touchpoints (within the year before death) are missed opportunities."""
    from coalition.meetings.models import Meeting
    from coalition.ofr.models import FatalityCase, Touchpoint

    today = local_today()
    day = max(today.replace(month=1, day=1), today.replace(day=1))
    stages, sectors = terms("stage"), terms("sector")
    for table in db.session.scalars(select(CoalitionTable).where(CoalitionTable.kind == "ofr")):
        meeting = Meeting(table=table, title="Fatality review", status="closed",
                          starts_at=combine_local(day, clock(12)),
                          ends_at=combine_local(day, clock(15)))
        db.session.add(meeting)
        db.session.flush()
        db.session.execute(update(FatalityCase).where(
            FatalityCase.table_id == table.id, FatalityCase.status == "reviewed").values(
            selected_meeting_id=meeting.id))
    reviewed = select(FatalityCase.id).where(FatalityCase.status == "reviewed")
    for n, point in enumerate(db.session.scalars(
            select(Touchpoint).where(Touchpoint.case_id.in_(reviewed)))):
        died = point.case.date_of_death
        point.occurred_on = died - timedelta(days=(died - point.occurred_on).days % 300)
        if n % 5 >= 3:
            point.is_missed_opportunity = True
            point.stage_id = stages[n % 7].id
            point.sector_id = sectors[n % 9].id
    db.session.commit()


def timed(report, table, period, audience: str, *, grow: int = 1) -> dict:
    started = time.perf_counter()
    context = report.build(None, table, period, audience, Policy())
    if grow > 1 and "earlier" in context:
        context["earlier"] = context["earlier"] * grow
        context["recommendations"] = context["recommendations"] * grow
    built = time.perf_counter()
    html = pdf.render_html(report.template, context)
    written = time.perf_counter()
    data = pdf.render(report.template, context)
    done = time.perf_counter()
    layout = (done - written) - (written - built)  # render() writes the HTML again
    return {"pages": len(PdfReader(io.BytesIO(data)).pages), "context": built - started,
            "html": written - built, "layout": layout, "total": done - started - (written - built),
            "bytes": len(data), "html_chars": len(html)}


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="coalition-bench-reports-")
    os.environ["COALITION_INSTANCE_PATH"] = folder
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "ARGON2_TIME_COST": 1,
                      "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"})
    failures = 0
    with app.app_context(), app.test_request_context():
        db.create_all()
        pages.build(orgs=150, people=600, tables=12, audit_rows=50_000, meetings=600,
                    action_items=25_000, situations=6_000)
        review_the_cases()
        today = local_today()
        period = periods.custom(today.replace(year=today.year - 2), today)
        ofr = db.session.scalar(select(CoalitionTable).where(CoalitionTable.kind == "ofr")
                                .order_by(CoalitionTable.id))
        coalition = db.session.scalar(select(CoalitionTable).where(
            CoalitionTable.kind == "coalition").order_by(CoalitionTable.id))
        print(f"{'report':34} {'pages':>5} {'context ms':>10} {'HTML ms':>8} {'layout ms':>9} "
              f"{'total s':>7} {'ctx+HTML/layout':>15} {'s/page':>7}")
        rows = [("OFR summary, public", catalog.get("ofr-summary"), ofr, "public", 1),
                ("OFR summary, internal", catalog.get("ofr-summary"), ofr, "internal", 1),
                ("Committee report", catalog.get("committee"), coalition, "internal", 1),
                ("OFR summary, public, recs ×2", catalog.get("ofr-summary"), ofr, "public", 2),
                ("OFR summary, public, recs ×4", catalog.get("ofr-summary"), ofr, "public", 4)]
        growth = []
        for label, report, table, audience, grow in rows:
            result = median_of([timed(report, table, period, audience, grow=grow)
                                for _ in range(args.repeat)])
            share = (result["context"] + result["html"]) / result["layout"]
            seconds_per_page = result["total"] / result["pages"]
            if audience == "public":
                growth.append((result["pages"], result["total"]))
            flag = ""
            if share > 0.10:
                flag += "  CONTEXT+HTML > 10%"
                failures += 1
            if 12 * seconds_per_page > 2.0:
                flag += "  12 PAGES > 2 s"
                failures += 1
            print(f"{label:34} {result['pages']:5.0f} {1000 * result['context']:10.1f} "
                  f"{1000 * result['html']:8.1f} {1000 * result['layout']:9.1f} "
                  f"{result['total']:7.2f} {100 * share:14.1f}% {seconds_per_page:7.3f}{flag}")
        slope, intercept = statistics.linear_regression([p for p, _ in growth],
                                                        [t for _, t in growth])
        fit = statistics.correlation([p for p, _ in growth], [t for _, t in growth]) ** 2
        print(f"OFR summary time by pages: {intercept:.2f} s + {slope:.3f} s per page "
              f"(R² {fit:.3f} over {len(growth)} sizes)")
        if fit < 0.95:
            print("NOT LINEAR: the time does not follow the pages")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
