"""Pages at size: the member list, a poll's page and the dashboard with 400 member cities.

Builds a test app (create_app with a temporary SQLite file), runs init-db, seeds 400
member cities each with a board member (seed_app.seed), puts a motion to the vote
through the JSON API (300 of 400 cities vote; a second, identical poll is closed), logs
in as the secretariat through the login form, and times each page through the Flask
test client: 3 warm-up requests, then the median of 25. A page the app does not have
yet is skipped with a line saying so.

    python bench/load/pages.py            # a table
    python bench/load/pages.py --json     # the figures as one JSON line (used by run.py)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

CITIES = 400
VOTERS = 300
WARMUP, REQUESTS = 3, 25
SEC_EMAIL, CHAIR_EMAIL = "secretariaat@bench.test", "voorzitter@bench.test"
PASSWORD = "Bench-Pages-Wachtwoord-2017"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(tmp: str):
    """The test app with 400 member cities, an open poll and a closed one; returns (app, poll ids)."""
    from seed_app import seed

    from governance import create_app
    from governance.accounts import services as accounts
    from governance.extensions import db

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "bench-pages",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(tmp, 'pages.sqlite')}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "DOCUMENTS_DIR": os.path.join(tmp, "documents"),
    })
    with app.app_context():  # as `flask --app governance init-db` runs it
        done = app.test_cli_runner().invoke(args=["init-db"])
        if done.exit_code != 0:
            raise RuntimeError(f"init-db failed: {done.output[-500:]} {done.exception!r}")
        sec = accounts.create_user(None, SEC_EMAIL, "Secretariaat", ["secretariat"], PASSWORD)
        chair = accounts.create_user(None, CHAIR_EMAIL, "Voorzitter", ["chair"], PASSWORD)
        db.session.commit()
        sec_token, chair_token = accounts.issue_token(None, sec), accounts.issue_token(None, chair)
        db.session.commit()
    client = app.test_client()
    status = client.patch("/api/v1/network", json={"cap": CITIES + 10, "decision": "Benchmark: pages at size"},
                          headers={"Authorization": f"Bearer {sec_token}"}).status_code
    if status != 200:
        raise RuntimeError(f"PATCH /api/v1/network: {status}")
    with app.app_context():
        voters = seed(CITIES, SEC_EMAIL)

    def api(method, path, token, body=None, want=200):
        response = client.open(f"/api/v1{path}", method=method, json=body,
                               headers={"Authorization": f"Bearer {token}"})
        if response.status_code != want:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return response.get_json()

    polls = {}
    for name in ("open", "closed"):
        poll = api("POST", "/polls", chair_token, {"title": f"Motie {name}", "description": "Pages at size"}, 201)
        api("POST", f"/polls/{poll['id']}/open", chair_token)
        for i, voter in enumerate(voters[:VOTERS]):
            api("POST", f"/polls/{poll['id']}/votes", voter["token"], {"choice": ("yes", "no", "abstain")[i % 3]},
                201)
        polls[name] = poll["id"]
    api("POST", f"/polls/{polls['closed']}/close", chair_token)
    return app, polls


def find_path(app, endpoint_candidates: list[str], **values) -> str | None:
    """The URL of the first endpoint the app has, or None."""
    from flask import url_for
    from werkzeug.routing import BuildError

    with app.test_request_context():
        for endpoint in endpoint_candidates:
            try:
                return url_for(endpoint, **values)
            except BuildError:
                continue
    return None


def time_page(client, path: str) -> dict:
    for _ in range(WARMUP):
        response = client.get(path)
        if response.status_code != 200:
            return {"skipped": f"GET {path} answered {response.status_code}"}
    times = []
    for _ in range(REQUESTS):
        t = time.perf_counter()
        response = client.get(path)
        response.get_data()
        times.append(1000 * (time.perf_counter() - t))
        if response.status_code != 200:
            return {"skipped": f"GET {path} answered {response.status_code}"}
    return {"median_ms": round(statistics.median(times), 2), "p90_ms": round(sorted(times)[int(0.9 * len(times))], 2),
            "requests": REQUESTS, "bytes": len(response.get_data())}


def profile_page(client, path: str) -> str:
    """cProfile (CPU time) over REQUESTS requests of one page: the top functions by cumulative time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(REQUESTS):
        client.get(path).get_data()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description="Pages at size: 400 cities through the test client.")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile (CPU time) of each page's timed requests")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-pages-")
    report: dict = {"cities": CITIES, "pages": []}
    try:
        t = time.perf_counter()
        app, polls = build(tmp)
        say(f"built {CITIES} cities, 2 polls of {VOTERS} votes in {time.perf_counter() - t:.1f} s")
        client = app.test_client()
        login = client.post("/login", data={"email": SEC_EMAIL, "password": PASSWORD})
        if login.status_code not in (302, 303):
            raise RuntimeError(f"login as secretariat failed: {login.status_code}")
        pages = [
            ("member list", ["members.city_list", "members.cities", "members.index"], {}),
            ("poll page, open (300 of 400 voted)", ["voting.poll_detail", "voting.poll", "voting.show_poll"],
             {"poll_id": polls["open"]}),
            ("poll page, closed (400 named votes)", ["voting.poll_detail", "voting.poll", "voting.show_poll"],
             {"poll_id": polls["closed"]}),
            ("dashboard", ["charts.dashboard", "main.dashboard"], {}),
        ]
        for name, endpoints, values in pages:
            path = find_path(app, endpoints, **values)
            if path is None:
                entry = {"name": name, "path": None, "skipped": f"no page yet (none of {', '.join(endpoints)})"}
            else:
                entry = {"name": name, "path": path, **time_page(client, path)}
                if args.profile and "median_ms" in entry:
                    entry["profile"] = profile_page(client, path)
            report["pages"].append(entry)
            say(f"{name}: " + (f"{entry['median_ms']:.1f} ms median ({path})" if "median_ms" in entry
                               else f"skipped: {entry['skipped']}"))
            if entry.get("profile"):
                say(entry.pop("profile"))
    except Exception as e:  # noqa: BLE001 -- the load figures still print; this says why pages did not
        report["error"] = f"{type(e).__name__}: {e}"[:500]
        say(f"pages at size not measured: {report['error']}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(report))
    else:
        for page in report["pages"]:
            print(f"{page['name']:40} {page.get('median_ms', '–')!s:>8} ms  {page.get('skipped', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
