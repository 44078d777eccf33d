"""The close up close: closing a poll of N ballots, named and secret, in one process, timed and profiled.

run.py times the close through gunicorn once per phase; this closes several polls of N ballots each
through the Flask test client (the API's POST /polls/{id}/close, with its JSON answer), so the figures
are steadier on a busy machine: wall and CPU time per close, and with --profile a cProfile of one close
of each kind. The votes are cast through the voting service (not timed), each in its own commit.

    python bench/load/close_path.py                      # SQLite, 2,000 ballots, 3 named + 3 secret
    python bench/load/close_path.py --db postgres --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from vote_path import SEC_EMAIL, TAG, bench_app, drop_database, fresh_database  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description="Time closing polls of N ballots, named and secret.")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cities", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="polls of each kind")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--statements", action="store_true", help="list the last close's statements, timed")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-close-path-")
    name = "bench_close_path" + TAG
    url = fresh_database(args.db, name, tmp)
    try:
        run(args, url, tmp)
    finally:
        drop_database(args.db, name)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


class StatementTimes:
    """Every statement of one close with the wall time it took (the database's share of the close)."""

    def __init__(self, app):
        import sqlalchemy as sa

        from governance.extensions import db

        self.on, self.seen = False, []
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._before)
            sa.event.listen(db.engine, "after_cursor_execute", self._after)
            sa.event.listen(db.engine, "commit", self._commit)

    def start(self):
        self.on, self.seen = True, []

    def _before(self, _conn, _cursor, _statement, _params, context, _many):
        context._bench_started = time.perf_counter()

    def _after(self, _conn, _cursor, statement, _params, context, many):
        if self.on:
            took = 1000 * (time.perf_counter() - context._bench_started)
            self.seen.append((took, ("many: " if many else "") + " ".join(statement.split())[:110]))

    def _commit(self, _conn):
        if self.on:
            self.seen.append((0.0, "(commit)"))

    def report(self, title: str) -> None:
        self.on = False
        total = sum(t for t, _ in self.seen)
        print(f"\n{title}: {len(self.seen)} statements, {total:.1f} ms in the database driver")
        for took, text in self.seen:
            print(f"  {took:7.1f} ms  {text}")


def run(args, url: str, tmp: str) -> None:
    from seed_app import seed

    from governance.accounts.models import User
    from governance.extensions import db
    from governance.voting import services as voting

    app, sec_token, chair_token = bench_app(url, tmp)
    client = app.test_client()

    def api(method, path, token, body=None, want=200):
        r = client.open(f"/api/v1{path}", method=method, json=body, headers={"Authorization": f"Bearer {token}"})
        if r.status_code != want:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.get_data(as_text=True)[:300]}")
        return r.get_json()

    api("PATCH", "/network", sec_token, {"cap": args.cities + 10, "decision": "Benchmark: close path"})
    with app.app_context():
        voter_ids = [v["user_id"] for v in seed(args.cities, SEC_EMAIL)]
    print(f"{args.db}: {args.cities} cities seeded", flush=True)
    timed = StatementTimes(app) if args.statements else None
    for secret in (False, True):
        kind = "secret" if secret else "named"
        walls, cpus = [], []
        for i in range(args.repeat):
            poll = api("POST", "/polls", chair_token, {"title": f"Close path {kind} {i}", "secret": secret}, 201)
            api("POST", f"/polls/{poll['id']}/open", chair_token)
            with app.app_context():
                for n, user_id in enumerate(voter_ids):
                    voting.cast_vote(db.session.get(User, user_id), poll["id"], ("yes", "no", "abstain")[n % 3])
                    db.session.commit()
                    db.session.expunge_all()
            profiler = cProfile.Profile(time.process_time) if args.profile and i == args.repeat - 1 else None
            if timed:
                timed.start()
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            closed = api("POST", f"/polls/{poll['id']}/close", chair_token)
            if profiler:
                profiler.disable()
            else:
                walls.append(1000 * (time.perf_counter() - wall))
                cpus.append(1000 * (time.process_time() - cpu))
            if timed:
                timed.report(f"{kind} close {i + 1}")
            if (closed.get("result") or {}).get("cast") != args.cities:
                raise RuntimeError(f"closed {kind} poll counted {(closed.get('result') or {}).get('cast')}")
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
                print(f"\ncProfile of closing a {kind} poll of {args.cities} ballots (CPU time):\n{out.getvalue()}")
        if walls:
            print(f"{args.db}: close a {kind} poll of {args.cities} ballots: "
                  f"{' / '.join(f'{w:.0f}' for w in walls)} ms wall (median {statistics.median(walls):.0f}), "
                  f"{' / '.join(f'{c:.0f}' for c in cpus)} ms CPU of this process", flush=True)
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
