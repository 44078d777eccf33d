"""The vote path up close: SQL statements per vote, CPU per vote, and a cProfile, in one process.

Where run.py measures the vote through gunicorn under load, this looks at one vote at a
time through the Flask test client, so its figures hardly move when the machine is busy:

  * every SQL statement one vote sends (SQLAlchemy's before_cursor_execute), listed;
  * CPU time per vote over N votes (process time, so other processes don't count);
  * the same for the floor's endpoint (floor_app.py), for the ratio;
  * with --profile, cProfile's top functions over those N votes.

    python bench/load/vote_path.py                     # SQLite, 2,000 cities
    python bench/load/vote_path.py --db postgres --profile
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

SEC_EMAIL, CHAIR_EMAIL = "secretariaat@bench.test", "voorzitter@bench.test"
PASSWORD = "Bench-Vote-Path-2017"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
# Appended to the databases made here, so that two people benchmarking on one server do not drop each other's.
TAG = os.environ.get("BENCH_DB_TAG", "")


def fresh_database(kind: str, name: str, tmp: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{os.path.join(tmp, name + '.sqlite')}"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(kind: str, name: str) -> None:
    if kind == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class StatementLog:
    """Counts (and keeps the text of) every statement sent on an engine."""

    def __init__(self, engine):
        import sqlalchemy as sa

        self.statements: list[str] = []
        self.on = False
        sa.event.listen(engine, "before_cursor_execute", self._seen)
        sa.event.listen(engine, "begin", self._begin)
        sa.event.listen(engine, "commit", self._commit)

    def _seen(self, _conn, _cursor, statement, _params, _context, _executemany):
        if self.on:
            self.statements.append(" ".join(statement.split())[:160])

    def _begin(self, _conn):
        if self.on:
            self.statements.append("(begin)")

    def _commit(self, _conn):
        if self.on:
            self.statements.append("(commit)")


def measure(client, jobs, log: StatementLog, profile: bool) -> dict:
    """Send each (path, token, body) once; CPU per vote, statements per vote, and a profile."""
    first = jobs[0]
    log.on, log.statements = True, []
    response = client.post(first[0], json=first[2], headers={"Authorization": f"Bearer {first[1]}"})
    log.on = False
    if response.status_code != 201:
        raise RuntimeError(f"vote: {response.status_code} {response.get_data(as_text=True)[:300]}")
    one_vote = list(log.statements)
    # CPU per vote without a profiler on the first half; the profiler watches the second half.
    half = 1 + (len(jobs) - 1) // 2 if profile else len(jobs)
    cpu, wall = time.process_time(), time.perf_counter()
    bad = 0
    for path, token, body in jobs[1:half]:
        if client.post(path, json=body, headers={"Authorization": f"Bearer {token}"}).status_code != 201:
            bad += 1
    n = half - 1
    result = {"votes": n, "errors": bad, "cpu_ms_per_vote": 1000 * (time.process_time() - cpu) / n,
              "wall_ms_per_vote": 1000 * (time.perf_counter() - wall) / n, "statements": one_vote}
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU time: steadier on a busy machine
    if profiler:
        profiler.enable()
        for path, token, body in jobs[half:]:
            if client.post(path, json=body, headers={"Authorization": f"Bearer {token}"}).status_code != 201:
                result["errors"] += 1
        profiler.disable()
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"governance|sqlalchemy/orm/session|flask/app", 40)
        stats.sort_stats("tottime").print_stats(25)
        result["profile"] = out.getvalue()
    return result


def bench_app(url: str, tmp: str):
    """The app on a fresh database, with a secretariat and a chair account and their tokens (shared with close_path)."""
    from governance import create_app
    from governance.accounts import services as accounts
    from governance.extensions import db

    app = create_app({"TESTING": False, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                      "DOCUMENTS_DIR": os.path.join(tmp, "documents")})
    with app.app_context():
        done = app.test_cli_runner().invoke(args=["init-db"])
        if done.exit_code != 0:
            raise RuntimeError(f"init-db: {done.output[-400:]} {done.exception!r}")
        sec = accounts.create_user(None, SEC_EMAIL, "Secretariaat", ["secretariat"], PASSWORD)
        chair = accounts.create_user(None, CHAIR_EMAIL, "Voorzitter", ["chair"], PASSWORD)
        db.session.commit()
        sec_token, chair_token = accounts.issue_token(None, sec), accounts.issue_token(None, chair)
        db.session.commit()
    return app, sec_token, chair_token


def app_side(kind: str, count: int, tmp: str, profile: bool) -> dict:
    from seed_app import seed

    from governance.extensions import db

    url = fresh_database(kind, "bench_vote_path_app" + TAG, tmp)
    try:
        app, sec_token, chair_token = bench_app(url, tmp)
        client = app.test_client()

        def api(method, path, token, body=None, want=200):
            r = client.open(f"/api/v1{path}", method=method, json=body, headers={"Authorization": f"Bearer {token}"})
            if r.status_code != want:
                raise RuntimeError(f"{method} {path}: {r.status_code} {r.get_data(as_text=True)[:300]}")
            return r.get_json()

        api("PATCH", "/network", sec_token, {"cap": count + 10, "decision": "Benchmark: vote path"})
        with app.app_context():
            voters = seed(count, SEC_EMAIL)
        poll = api("POST", "/polls", chair_token, {"title": "Vote path"}, 201)
        api("POST", f"/polls/{poll['id']}/open", chair_token)
        with app.app_context():
            log = StatementLog(db.engine)
        jobs = [(f"/api/v1/polls/{poll['id']}/votes", v["token"], {"choice": ("yes", "no", "abstain")[i % 3]})
                for i, v in enumerate(voters)]
        result = measure(client, jobs, log, profile)
        close_profiler = cProfile.Profile(time.process_time) if profile else None
        t, cpu = time.perf_counter(), time.process_time()
        if close_profiler:
            close_profiler.enable()
        closed = api("POST", f"/polls/{poll['id']}/close", chair_token)
        if close_profiler:
            close_profiler.disable()
            out = io.StringIO()
            pstats.Stats(close_profiler, stream=out).sort_stats("cumulative").print_stats(30)
            result["close_profile"] = out.getvalue()
        result["close_ms"] = 1000 * (time.perf_counter() - t)
        result["close_cpu_ms"] = 1000 * (time.process_time() - cpu)
        result["cast"] = (closed.get("result") or {}).get("cast")
        with app.app_context():
            db.engine.dispose()
        return result
    finally:
        drop_database(kind, "bench_vote_path_app" + TAG)


def floor_side(kind: str, count: int, tmp: str) -> dict:
    import floor_app

    url = fresh_database(kind, "bench_vote_path_floor" + TAG, tmp)
    try:
        tokens = ["gov_" + secrets.token_urlsafe(32) for _ in range(count)]
        floor_app.init_db(url, tokens)
        os.environ["FLOOR_DATABASE_URL"] = url
        app = floor_app.create_app()
        import sqlalchemy as sa

        log = StatementLog(sa.engine.Engine)  # all engines: the floor's is the only one in use here
        jobs = [("/polls/1/votes", t, {"choice": ("yes", "no", "abstain")[i % 3]}) for i, t in enumerate(tokens)]
        return measure(app.test_client(), jobs, log, profile=False)
    finally:
        drop_database(kind, "bench_vote_path_floor" + TAG)


def main() -> int:
    parser = argparse.ArgumentParser(description="SQL statements, CPU and profile of one vote.")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cities", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-vote-path-")
    try:
        floor = floor_side(args.db, args.cities, tmp)
        app = app_side(args.db, args.cities, tmp, args.profile)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for name, side in (("floor", floor), ("app", app)):
        kinds = collections.Counter(s.split()[0].strip("(").upper() for s in side["statements"])
        print(f"\n{name}: {len(side['statements'])} statements per vote ({dict(kinds)}); "
              f"{side['cpu_ms_per_vote']:.2f} ms CPU and {side['wall_ms_per_vote']:.2f} ms wall per vote "
              f"in one process over {side['votes']} votes, {side['errors']} errors")
        for statement in side["statements"]:
            print(f"    {statement}")
    print(f"\napp / floor CPU per vote: {app['cpu_ms_per_vote'] / floor['cpu_ms_per_vote']:.1f}×; "
          f"close: {app['close_ms']:.0f} ms ({app['close_cpu_ms']:.0f} ms CPU) for {app['cast']} ballots "
          "(test client, with the JSON answer)")
    if app.get("profile"):
        print("\ncProfile of the app's votes, by cumulative time:\n")
        print(app["profile"])
        print("\ncProfile of closing the poll (CPU time):\n")
        print(app["close_profile"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
