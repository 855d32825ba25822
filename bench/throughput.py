"""Throughput under a real server, on SQLite and PostgreSQL, at the large dataset.

    .venv/bin/python bench/throughput.py [--duration 10] [--database sqlite|postgresql|both]
    make bench-load

Builds the large dataset of bench/pages.py (a big county over ten years) once into a SQLite file
and once into a fresh PostgreSQL database, serves the app with gunicorn exactly as deployed (2 sync
workers, the project's gunicorn.conf.py) and, beside it, a Flask endpoint that does nothing
(bench/bare_app.py) served the same way. For every page a user opens daily, wrk (-t2 -c10) runs
against the bare endpoint, the page, and the bare endpoint again, with a signed-in coordinator's
cookie: the page's requests per second as a share of the mean of the two bare runs is its
throughput, which QUALITY.md sets a floor for (10% for the dashboard and My items, 5% for every
other page). Then 20 users with no think time (wrk -t2 -c20, two minutes) mix those pages with
writes (one request in ten adds a note to an action item): p50/p95/p99, errors, "database is
locked" in the server's log, and every acknowledged write counted in the database afterwards.

Needs wrk (Debian's package) and, for PostgreSQL, a server that lets the current user create a
database (COALITION_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/postgres). Exits 1 if a
page is under its floor or the 20-user run misses its targets.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import PASSWORD, build  # noqa: E402

BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("COALITION_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
CONCURRENT_P95_MS = 300
WRITE_EVERY = 10  # one request in ten of the 20-user run is a write
NOTE_PREFIX = "load test note"


# --- data -------------------------------------------------------------------------------------

def build_large(uri: str, folder: str) -> str:
    """Build the data; returns a month with deaths in it, by the coalition's clock."""
    from coalition import create_app
    from coalition.core.localtime import local_today
    from coalition.extensions import db

    os.environ["COALITION_INSTANCE_PATH"] = folder
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "ARGON2_TIME_COST": 1,
                      "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
                      "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        db.create_all()
        build(orgs=150, people=600, tables=12, audit_rows=50_000, meetings=600,
              action_items=25_000, situations=6_000)
        if db.engine.dialect.name == "postgresql":
            # what autovacuum does soon after a deployment's data arrives: without statistics
            # the planner guesses row counts of a bulk-loaded database and scans
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as bare:
                bare.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
        return f"{local_today() - timedelta(days=10):%Y-%m}"


def page_urls(uri: str, month: str) -> tuple[list[tuple[str, int, str]], list[int]]:
    """(label, floor in % of bare, path) for every daily page, and open action items the
    coordinator adds notes to in the 20-user run."""
    from sqlalchemy import create_engine, text

    engine = create_engine(uri)
    with engine.connect() as c:
        one = lambda sql, **kw: c.execute(text(sql), kw).scalar()  # noqa: E731
        table = one("SELECT min(id) FROM coalition_tables WHERE kind = 'coalition'")
        review = one("SELECT min(id) FROM coalition_tables WHERE kind = 'risk_review'")
        ofr = one("SELECT min(id) FROM coalition_tables WHERE kind = 'ofr'")
        past = one("SELECT id FROM meetings WHERE table_id = :t AND status = 'closed' "
                   "ORDER BY starts_at DESC LIMIT 1", t=table)
        situation = one("SELECT min(id) FROM risk_situations WHERE table_id = :t "
                        "AND status = 'accepted'", t=review)
        case = one("SELECT min(id) FROM fatality_cases WHERE table_id = :t", t=ofr)
        action = one("SELECT min(id) FROM action_items WHERE status = 'open'")
        organization = one("SELECT min(id) FROM organizations")
        recommendation = one("SELECT min(id) FROM recommendations")
        writes = [row[0] for row in c.execute(text(
            "SELECT id FROM action_items WHERE status = 'open' AND version_id = 1 "
            "ORDER BY id LIMIT 200"))]
    engine.dispose()
    pages = [
        ("dashboard", 10, "/"),
        ("my action items", 10, "/actions/mine"),
        ("action item list", 5, "/actions"),
        ("action item list, all statuses", 5, "/actions?status=all"),
        ("action item", 5, f"/actions/{action}"),
        ("meetings", 5, "/meetings"),
        ("meeting detail", 5, f"/meetings/{past}"),
        ("meeting run screen", 5, f"/meetings/{past}/run"),
        ("risk board", 5, f"/tables/{review}/risk-board"),
        ("situation", 5, f"/situations/{situation}"),
        ("referrals", 5, f"/tables/{review}/referrals"),
        ("organization list", 5, "/organizations"),
        ("organization", 5, f"/organizations/{organization}"),
        ("people", 5, "/people"),
        ("tables", 5, "/tables"),
        ("audit log", 5, "/audit/"),
        ("fatality review cases", 5, f"/tables/{ofr}/cases"),
        ("cases of a month", 5, f"/tables/{ofr}/cases?status=all&month={month}"),
        ("case", 5, f"/cases/{case}"),
        ("case timeline", 5, f"/cases/{case}/timeline"),
        ("gaps", 5, "/gaps"),
        ("recommendations", 5, "/recommendations"),
        ("recommendation", 5, f"/recommendations/{recommendation}"),
    ]
    return pages, writes


def count_notes(uri: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(uri)
    with engine.connect() as c:
        count = c.execute(text("SELECT count(*) FROM action_updates WHERE note LIKE :p"),
                          {"p": NOTE_PREFIX + "%"}).scalar()
    engine.dispose()
    return count


@contextmanager
def postgresql_database(keep: bool):
    import psycopg

    name = f"coalition_bench_{int(time.time())}_{os.getpid()}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        if not keep:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- servers ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(module: str, env: dict, log: Path):
    """Serve ``module`` with the project's gunicorn.conf.py (2 sync workers) on a free port."""
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", module],
            cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + ("/healthz" if module == "wsgi:app" else "/"),
                                       timeout=2).read()
                break
            except (urllib.error.URLError, OSError):  # refused, reset, or slow to answer
                if process.poll() is not None:
                    raise SystemExit(f"gunicorn {module} stopped; see {log}") from None
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn {module} did not start; see {log}")
        yield base
    finally:
        process.terminate()
        process.wait(30)


def sign_in(base: str) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    opener.open(base + "/login", data=urllib.parse.urlencode(
        {"email": "bench@example.test", "password": PASSWORD, "csrf_token": token}).encode())
    return opener, jar


def cookie_header(jar: http.cookiejar.CookieJar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def check_page(opener, base: str, path: str) -> str:
    response = opener.open(base + path)
    body = response.read().decode()
    if response.status != 200 or response.url != base + path:
        raise SystemExit(f"{path} answered {response.status} at {response.url}")
    return body


# --- wrk --------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, connections: int, duration: int, cookie: str = "",
        script: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
              "non_2xx_3xx": int((re.search(r"Non-2xx or 3xx responses: (\d+)", output)
                                  or [0, 0])[1]),
              "socket_errors": sum(int(n) for n in (re.search(
                  r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
                  or [0, 0, 0, 0, 0])[1:5]),
              "output": output}
    for pct, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)$", output, re.M):
        result[f"p{pct}"] = float(value) * UNITS[unit]
    for key, value in re.findall(r"^RESULT (\w+) ([\d.]+)$", output, re.M):
        result[key] = float(value)
    result["statuses"] = {}
    for status, count in re.findall(r"^STATUS (\d+) (\d+)$", output, re.M):
        result["statuses"][int(status)] = result["statuses"].get(int(status), 0) + int(count)
    return result


MIXED_LUA = """
local paths = {%(paths)s}
local items = {%(items)s}
local token = "%(token)s"
local counter = 0
acks = 0
failures = 0
threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.headers["Cookie"] = "%(cookie)s"
end

function request()
  counter = counter + 1
  if counter %% %(every)d == 0 then
    local item = items[(counter / %(every)d) %% #items + 1]
    local body = "csrf_token=" .. token .. "&status=open&version_id=1&note=%(prefix)s+" .. counter
    return wrk.format("POST", "/actions/" .. item .. "/update",
                      {["Content-Type"] = "application/x-www-form-urlencoded",
                       ["Cookie"] = wrk.headers["Cookie"]}, body)
  end
  return wrk.format("GET", paths[counter %% #paths + 1])
end

statuses = {}

function response(status, headers, body)
  if status == 302 or status == 303 then
    acks = acks + 1
  elseif status >= 400 then
    failures = failures + 1
  end
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local a, f = 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("acks")
    f = f + thread:get("failures")
  end
  io.write(string.format("RESULT acks %%d\\nRESULT failures %%d\\n", a, f))
  io.write(string.format("RESULT p95 %%.3f\\n", latency:percentile(95) / 1000))
  io.write(string.format("RESULT requests %%d\\n", summary.requests))
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      io.write(string.format("STATUS %%d %%d\\n", status, count))
    end
  end
end
"""


# --- one database ------------------------------------------------------------------------------

def measure(name: str, uri: str, month: str, folder: str, duration: int, mixed_duration: int,
            only: str | None) -> dict:
    from cryptography.fernet import Fernet

    pages, writes = page_urls(uri, month)
    if only:
        pages = [p for p in pages if re.search(only, p[0])]
    env = {"DATABASE_URL": uri, "SECRET_KEY": "throughput benchmark secret",
           "IDENTITY_KEY": Fernet.generate_key().decode(), "COALITION_INSTANCE_PATH": folder,
           "COALITION_DEMO": ""}
    log = Path(folder) / f"gunicorn-{name}.log"
    results = {"pages": [], "log": log}
    with gunicorn("bench.bare_app:app", {}, log) as bare, gunicorn("wsgi:app", env, log) as app:
        opener, jar = sign_in(app)
        # the session's CSRF token is made on the first form shown: the cookie is read after
        item_page = check_page(opener, app, f"/actions/{writes[0]}")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', item_page)[1]
        for _, _, path in pages:
            check_page(opener, app, path)
        cookie = cookie_header(jar)
        previous = wrk(bare + "/", connections=10, duration=duration)["rps"]
        for label, floor, path in pages:
            run = wrk(app + path, connections=10, duration=duration, cookie=cookie)
            after = wrk(bare + "/", connections=10, duration=duration)["rps"]
            share = 100 * run["rps"] / ((previous + after) / 2)
            results["pages"].append({"label": label, "floor": floor, "share": share,
                                     "rps": run["rps"], "p50": run["p50"], "p99": run["p99"],
                                     "errors": run["non_2xx_3xx"] + run["socket_errors"]})
            print(f"  {name:10} {label:32} {share:6.1f}% of bare  {run['rps']:7.0f} req/s  "
                  f"p50 {run['p50']:6.1f} ms", flush=True)
            previous = after
        if mixed_duration <= 0:  # the pages only (comparing one change's pages)
            return results
        # 20 users, no think time, one request in ten a write
        # one write by hand first: it must be acknowledged, or the run would measure refusals
        saved = opener.open(app + f"/actions/{writes[0]}/update", data=urllib.parse.urlencode(
            {"csrf_token": token, "status": "open", "version_id": "1",
             "note": "a note before the run"}).encode()).read().decode()
        if "Your update was saved." not in saved:
            raise SystemExit("a note on an action item was not saved: "
                             + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", saved))[:800])
        before = count_notes(uri)
        script = Path(folder) / "mixed.lua"
        script.write_text(MIXED_LUA % {
            "paths": ", ".join(f'"{path}"' for _, _, path in pages),
            "items": ", ".join(str(i) for i in writes), "token": token, "cookie": cookie,
            "every": WRITE_EVERY, "prefix": NOTE_PREFIX.replace(" ", "+")})
        mixed = wrk(app + "/", connections=20, duration=mixed_duration, script=script)
    mixed["written"] = count_notes(uri) - before
    print(f"  {name:10} 20 users: responses by status {sorted(mixed['statuses'].items())}",
          flush=True)
    server_log = log.read_text(errors="replace")
    mixed["locked"] = server_log.count("database is locked")
    mixed["tracebacks"] = server_log.count("Traceback")
    results["mixed"] = mixed
    return results


def report(results: dict[str, dict]) -> bool:
    names = list(results)
    print("\n| page | floor | " + " | ".join(f"{n}, % of bare (p50 ms)" for n in names) + " |")
    print("|---|---|" + "---|" * len(names))
    ok = True
    labels = [p["label"] for p in results[names[0]]["pages"]]
    for index, label in enumerate(labels):
        cells = []
        for name in names:
            page = results[name]["pages"][index]
            mark = "" if page["share"] >= page["floor"] and not page["errors"] else " **below**"
            ok &= not mark
            cells.append(f"{page['share']:.1f} ({page['p50']:.1f}){mark}")
        floor = results[names[0]]["pages"][index]["floor"]
        print(f"| {label} | {floor} | " + " | ".join(cells) + " |")
    if any("mixed" not in results[n] for n in names):
        print("\n(no 20-user run: --mixed-duration 0)")
        return False
    print("\n| 20 users, no think time | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    rows = [("requests per second", lambda m: f"{m['rps']:.0f}"),
            ("p50 / p95 / p99 ms", lambda m: f"{m['p50']:.0f} / {m['p95']:.0f} / {m['p99']:.0f}"),
            ("errors (4xx/5xx, socket)", lambda m: f"{m['non_2xx_3xx'] + m['socket_errors']:.0f}"),
            ('"database is locked" / tracebacks in the log',
             lambda m: f"{m['locked']} / {m['tracebacks']}"),
            ("writes acknowledged / found in the database (a write still in flight when the "
             "run stops is found but not acknowledged)",
             lambda m: f"{m['acks']:.0f} / {m['written']}")]
    for title, cell in rows:
        print(f"| {title} | " + " | ".join(cell(results[n]["mixed"]) for n in names) + " |")
    for name in names:
        m = results[name]["mixed"]
        if (m["p95"] > CONCURRENT_P95_MS or m["failures"] or m["non_2xx_3xx"]
                or m["socket_errors"] or m["locked"] or m["tracebacks"] or m["acks"] == 0
                or m["written"] < m["acks"]):
            ok = False
            print(f"20-user run on {name} misses its targets; see {results[name]['log']}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--mixed-duration", type=int, default=120,
                        help="seconds of the 20-user run (0: the pages only)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pages", help="only the pages whose label matches this expression")
    parser.add_argument("--keep", action="store_true",
                        help="keep the data folder and the PostgreSQL database afterwards")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    folder = tempfile.mkdtemp(prefix="coalition-throughput-")
    results = {}
    try:
        if args.database in ("sqlite", "both"):
            uri = f"sqlite:///{folder}/bench.sqlite3"
            began = time.perf_counter()
            month = build_large(uri, folder)
            print(f"SQLite: large dataset built in {time.perf_counter() - began:.0f} s", flush=True)
            results["SQLite"] = measure("SQLite", uri, month, folder, args.duration,
                                        args.mixed_duration, args.pages)
        if args.database in ("postgresql", "both"):
            with postgresql_database(args.keep) as uri:
                began = time.perf_counter()
                month = build_large(uri, folder)
                print(f"PostgreSQL: large dataset built in {time.perf_counter() - began:.0f} s",
                      flush=True)
                results["PostgreSQL"] = measure("PostgreSQL", uri, month, folder, args.duration,
                                                    args.mixed_duration, args.pages)
    finally:
        if args.keep:
            print(f"data kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if report(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
