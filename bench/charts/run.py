"""Time each chart cold (nothing cached) and cached, through the whole app, and print a table.

Two networks, each in its own SQLite file under a temporary folder:
  demo  the November 2017 network from seed-demo (38 members, 2 applicants: 40 cities)
  400   a generated network of 400 cities with 20 years of history: yearly population
        figures 2006-2025 for every city (8,000 figures), 150 founding members and 230
        admissions spread over the 20 years, 20 departures, 20 open applications, two
        renames, and a closed poll.

For each chart and format, "cold" empties the app's chart cache before every request, so
the request gathers the data and draws; "cached" repeats the same request (200 with the
body); "304" sends the ETag back. All through Flask's test client: authentication, the
data version query, the cache lookup and the response, without a network socket.

Usage: .venv/bin/python bench/charts/run.py [--repeat N] [--cached N] [--only demo|400]
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

COLD_TARGET_MS = 300.0
CACHED_TARGET_MS = 5.0
CHARTS = ("membership", "population", "provinces", "population-history", "polls/{poll}")
from governance.members.services import PROVINCES  # noqa: E402  (after the sys.path line above)


def make_app(path: Path):
    from flask_migrate import upgrade

    from governance import create_app
    from governance.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "RATELIMIT_ENABLED": False,
            "CHEAP_PASSWORD_HASHES": True,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        from governance.members.services import ensure_network

        ensure_network()
        db.session.commit()
    return app


def secretariat_token(app) -> str:
    from governance.accounts.services import create_user, find_user, issue_token
    from governance.extensions import db

    with app.app_context():
        user = find_user("bench@example.test") or create_user(
            None, "bench@example.test", "Bench", ["secretariat"], "Bench-Password-2017"
        )
        token = issue_token(None, user, "bench")
        db.session.commit()
        return token


def closed_poll(app, eligible: int, yes: int, no: int, abstain: int, day: dt.date) -> int:
    """A closed motion with a frozen result, written directly (the voting flow is tested elsewhere)."""
    from governance.extensions import db
    from governance.voting.models import Poll, PollKind, PollState

    cast = yes + no + abstain
    result = {
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "cast": cast,
        "eligible": eligible,
        "quorum_met": cast * 2 > eligible,
        "outcome": "adopted" if yes > no else "rejected",
        "reason": "majority" if yes > no else "no_majority",
        "votes": None,
    }
    with app.app_context():
        poll = Poll(
            kind=PollKind.MOTION,
            title="Begroting",
            state=PollState.CLOSED,
            eligible_count=eligible,
            closed_at=dt.datetime.combine(day, dt.time(12)),
            result_json=json.dumps(result),
        )
        db.session.add(poll)
        db.session.commit()
        return poll.id


def seed_demo(app) -> int:
    from governance.demo import load_demo
    from governance.extensions import db

    with app.app_context():
        load_demo(with_network_day=False)
        db.session.commit()
    return closed_poll(app, 38, 30, 5, 3, dt.date(2017, 11, 30))


def seed_400(app, seed: int = 2017) -> int:
    """400 cities, 20 years of yearly figures, admissions, departures, renames: bulk inserts."""
    import sqlalchemy as sa

    from governance.admissions.models import Application, ApplicationStatus
    from governance.extensions import db
    from governance.members.models import (
        City,
        Membership,
        Network,
        NetworkName,
        PopulationFigure,
    )

    rng = random.Random(seed)
    first_year, years = 2006, 20
    with app.app_context():
        network = db.session.scalars(sa.select(Network)).first()
        network.cap = 500
        cities, figures, memberships, applications = [], [], [], []
        for index in range(400):
            cities.append(
                {
                    "id": index + 1,
                    "name": f"Gemeente {index + 1:03d}",
                    "cbs_code": f"GM{1000 + index}",
                    "province": PROVINCES[index % len(PROVINCES)],
                }
            )
            population = rng.randint(45_000, 400_000)
            for year in range(first_year, first_year + years):
                population = max(1, int(population * rng.uniform(0.99, 1.02)))
                figures.append(
                    {
                        "city_id": index + 1,
                        "population": population,
                        "reference_date": dt.date(year, 1, 1),
                        "source": "CBS",
                    }
                )
        order = list(range(1, 401))
        rng.shuffle(order)
        founders, joiners, applicants = order[:150], order[150:380], order[380:400]
        for city_id in founders:
            memberships.append({"city_id": city_id, "joined_on": None, "left_on": None})
        for city_id in joiners:
            joined = dt.date(first_year, 1, 1) + dt.timedelta(days=rng.randint(0, years * 365 - 30))
            memberships.append({"city_id": city_id, "joined_on": joined, "left_on": None})
        for period in rng.sample(memberships, 20):
            start = period["joined_on"] or dt.date(first_year, 1, 1)
            period["left_on"] = start + dt.timedelta(days=rng.randint(30, 2000))
        for city_id in applicants:
            applications.append(
                {
                    "city_id": city_id,
                    "status": ApplicationStatus.RECEIVED,
                    "received_on": dt.date(2025, 9, 1),
                    "effective_on": dt.date(2026, 1, 1),
                    "motivation": "",
                }
            )
        db.session.execute(sa.insert(City), cities)
        db.session.execute(sa.insert(PopulationFigure), figures)
        db.session.execute(sa.insert(Membership), memberships)
        db.session.execute(sa.insert(Application), applications)
        db.session.add(NetworkName(network_id=network.id, name="G200", valid_from=dt.date(2012, 3, 1), reason="bench"))
        db.session.add(NetworkName(network_id=network.id, name="G300", valid_from=dt.date(2019, 6, 1), reason="bench"))
        db.session.commit()
    return closed_poll(app, 360, 250, 60, 20, dt.date(2025, 11, 30))


def timed(client, url: str, headers: dict) -> tuple[float, float, object]:
    """Wall-clock and CPU milliseconds of one request (CPU time shows the cost on a busy machine)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    cpu = (time.process_time() - start_cpu) * 1000
    assert response.status_code in (200, 304), (url, response.status_code, response.data[:200])
    return elapsed, cpu, response


def bench_network(label: str, app, poll_id: int, token: str, repeat: int, cached_runs: int) -> list[dict]:
    from governance.charts.cache import chart_cache

    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    rows = []
    for chart in CHARTS:
        path = chart.format(poll=poll_id)
        for fmt in ("svg", "png", "csv"):
            url = f"/api/v1/charts/{path}?format={fmt}"
            cold, cold_cpu = [], []
            for _ in range(repeat):
                chart_cache(app).clear()
                elapsed, cpu, response = timed(client, url, auth)
                cold.append(elapsed)
                cold_cpu.append(cpu)
            etag = response.headers["ETag"]
            cached = [timed(client, url, auth)[:2] for _ in range(cached_runs)]
            not_modified = [timed(client, url, {**auth, "If-None-Match": etag})[0] for _ in range(cached_runs)]
            walls = sorted(c[0] for c in cached)
            rows.append(
                {
                    "network": label,
                    "chart": chart.replace("/{poll}", ""),
                    "format": fmt,
                    "bytes": len(response.data),
                    "cold_ms": statistics.median(cold),
                    "cold_cpu_ms": statistics.median(cold_cpu),
                    "cached_ms": statistics.median(walls),
                    "cached_p95_ms": walls[max(0, int(len(walls) * 0.95) - 1)],
                    "cached_cpu_ms": statistics.median(c[1] for c in cached),
                    "not_modified_ms": statistics.median(not_modified),
                }
            )
    return rows


def print_table(rows: list[dict]) -> None:
    print("| network | chart | format | size | cold: wall (CPU) | cached: wall (CPU) | cached p95 | 304 |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        cold_flag = "" if r["cold_ms"] <= COLD_TARGET_MS else " ✗"
        cached_flag = "" if r["cached_ms"] <= CACHED_TARGET_MS else " ✗"
        print(
            f"| {r['network']} | {r['chart']} | {r['format']} | {r['bytes'] / 1024:.0f} KiB "
            f"| {r['cold_ms']:.0f} ms ({r['cold_cpu_ms']:.0f}){cold_flag} "
            f"| {r['cached_ms']:.1f} ms ({r['cached_cpu_ms']:.1f}){cached_flag} "
            f"| {r['cached_p95_ms']:.1f} ms | {r['not_modified_ms']:.1f} ms |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="cold requests per chart and format (median)")
    parser.add_argument("--cached", type=int, default=50, help="cached requests per chart and format (median)")
    parser.add_argument("--only", choices=("demo", "400"), help="run one network only")
    parser.add_argument("--json", help="also write the rows as JSON to this file")
    args = parser.parse_args()
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="bench-charts-"))
    rows = []
    for label, seed in (("demo", seed_demo), ("400", seed_400)):
        if args.only and args.only != label:
            continue
        app = make_app(folder / f"{label}.sqlite")
        poll_id = seed(app)
        token = secretariat_token(app)
        # One warm-up request: imports, fonts and matplotlib's caches, as a running server has them.
        app.test_client().get("/api/v1/charts/membership?format=png", headers={"Authorization": f"Bearer {token}"})
        rows += bench_network(label, app, poll_id, token, args.repeat, args.cached)
    cpu = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Charts benchmark · Python {sys.version.split()[0]} · {cpu} CPUs · load {load:.1f} · SQLite · "
        f"targets: cold ≤ {COLD_TARGET_MS:.0f} ms, cached ≤ {CACHED_TARGET_MS:.0f} ms median, wall clock "
        f"(✗ = missed); medians, CPU time of this process in brackets"
    )
    print()
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
