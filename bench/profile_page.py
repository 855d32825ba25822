"""Where one page's time goes, at the large dataset: server time, SQL time and queries per request,
and optionally a profile.

    .venv/bin/python bench/profile_page.py /actions /audit/ [--repeat 40] [--queries]
        [--profile 30 [--sort tottime]]
        [--data /tmp/coalition-large.sqlite3 | --data postgresql+psycopg://.../an_empty_db]

The large dataset of bench/pages.py is built into the --data file (or empty PostgreSQL
database) the first time and reused afterwards (delete the file, or drop the database, to
rebuild it after a schema change). Paths may use {review}, {ofr}, {coalition}, {meeting},
{situation}, {case}, {action}, {recommendation} and {gap}, which are filled with ids from the
data. Requests go through Flask's test client as the
signed-in benchmark coordinator, one at a time: the numbers are for comparing a page before and
after a change on the same machine (bench/throughput.py measures under a real server).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import PASSWORD  # noqa: E402
from bench.throughput import build_large  # noqa: E402


def ids(app) -> dict[str, int]:
    from sqlalchemy import text

    from coalition.extensions import db

    queries = {
        "coalition": "SELECT min(id) FROM coalition_tables WHERE kind = 'coalition'",
        "review": "SELECT min(id) FROM coalition_tables WHERE kind = 'risk_review'",
        "ofr": "SELECT min(id) FROM coalition_tables WHERE kind = 'ofr'",
        "meeting": "SELECT max(id) FROM meetings WHERE status = 'closed' AND table_id = "
                   "(SELECT min(id) FROM coalition_tables WHERE kind = 'coalition')",
        "situation": "SELECT min(id) FROM risk_situations WHERE status = 'accepted' AND table_id = "
                     "(SELECT min(id) FROM coalition_tables WHERE kind = 'risk_review')",
        "case": "SELECT min(id) FROM fatality_cases",
        "action": "SELECT min(id) FROM action_items WHERE status = 'open'",
        "recommendation": "SELECT min(id) FROM recommendations",
        "gap": "SELECT min(id) FROM gaps",
    }
    with app.app_context():
        return {name: db.session.execute(text(sql)).scalar() for name, sql in queries.items()}


def _has_tables(uri: str) -> bool:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(uri)
    try:
        return inspect(engine).has_table("action_items")
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N functions with the most cumulative time")
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime", "ncalls"],
                        help="the profile's order (tottime: time spent in the function itself)")
    parser.add_argument("--queries", action="store_true",
                        help="print each query's median time and its first words, slowest first")
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(),
                                                       "coalition-large.sqlite3"))
    args = parser.parse_args()
    from sqlalchemy import event

    from coalition import create_app
    from coalition.extensions import db

    folder = tempfile.mkdtemp(prefix="coalition-profile-")
    if args.data.startswith("postgresql"):
        uri = args.data
        fresh = not _has_tables(uri)
    else:
        uri = f"sqlite:///{args.data}"
        fresh = not os.path.exists(args.data)
    if fresh:
        began = time.perf_counter()
        build_large(uri, folder)
        print(f"built {args.data} in {time.perf_counter() - began:.0f} s")
    os.environ["COALITION_INSTANCE_PATH"] = folder
    app = create_app({"SECRET_KEY": "profile", "SQLALCHEMY_DATABASE_URI": uri,
                      "IDENTITY_KEY": "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    answer = client.post("/login", data={"email": "bench@example.test", "password": PASSWORD,
                                         "csrf_token": token})
    assert answer.status_code == 302, answer.status_code
    values = ids(app)
    with app.app_context():
        engine = db.engine
    for template in args.paths:
        path = template.format(**values)
        sql: list[float] = []
        statements: list[str] = []
        started: list[float] = []

        def before(*_, started=started):
            started.append(time.perf_counter())

        def after(_conn, _cursor, statement, *_, sql=sql, started=started,
                  statements=statements):
            sql.append(time.perf_counter() - started[-1])
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        size = len(response.get_data())
        times, sql_times, counts = [], [], []
        each: dict[int, list[float]] = {}
        for _ in range(args.repeat):
            sql.clear()
            statements.clear()
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
            sql_times.append(sum(sql) * 1000)
            counts.append(len(sql))
            for number, spent in enumerate(sql):
                each.setdefault(number, []).append(spent * 1000)
        print(f"{path:48} median {statistics.median(times):6.2f} ms  sql "
              f"{statistics.median(sql_times):6.2f} ms in {max(counts)} queries  "
              f"{size / 1024:6.1f} KiB")
        if args.queries:
            for number, spent in sorted(each.items(), key=lambda kv: -statistics.median(kv[1])):
                text = " ".join(statements[number].split()) if number < len(statements) else ""
                print(f"    {statistics.median(spent):6.2f} ms  #{number + 1}  {text[:150]}")
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                client.get(path)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.profile)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
