"""Two app servers, one database: two gunicorn servers on one PostgreSQL and one Redis act as one.

Votes go through both; then there is one tally, one audit chain, one login limit and one chart ETag.
PostgreSQL only (GOVERNANCE_TEST_DATABASE_URI): two servers on one SQLite file is not a deployment.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, database_uri

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parent.parent
REDIS_URI = "redis://127.0.0.1:6379/12"


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=2)
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, token=None, headers=None):
    """(status, json or None, headers) of one request to a server."""
    request = urllib.request.Request(base + path, method=method)
    request.add_header("Accept-Language", "en")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, data, timeout=30) as response:
            raw = response.read()
            status, response_headers = response.status, response.headers
    except urllib.error.HTTPError as error:
        raw, status, response_headers = error.read(), error.code, error.headers
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return status, parsed, response_headers


@pytest.fixture
def servers(app, tmp_path):
    """Two gunicorn servers (two workers each) on the test database and one Redis."""
    if not database_uri().startswith("postgresql"):
        pytest.skip("two servers share one PostgreSQL: set GOVERNANCE_TEST_DATABASE_URI to run this test")
    _redis_or_skip()
    instance = tmp_path / "instance"  # one instance folder: both servers hold the same keys
    instance.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GOVERNANCE_"))},
        "GOVERNANCE_INSTANCE_PATH": str(instance),
        "FLASK_SECRET_KEY": "two-servers-secret",
        "FLASK_SQLALCHEMY_DATABASE_URI": database_uri(),
        "FLASK_RATELIMIT_STORAGE_URI": REDIS_URI,
        # The keys the test's own app made: both servers seal and sign with them, and verify reads them back.
        "FLASK_SIGNING_KEY_FILE": app.config["SIGNING_KEY_FILE"],
        "FLASK_MAC_KEY_FILE": app.config["MAC_KEY_FILE"],
    }
    processes, bases = [], []
    for _ in range(2):
        port = _free_port()
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "governance:create_app()"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for process, base in zip(processes, bases, strict=True):
            _wait_until_up(base, process)
        yield {"bases": bases, "env": env}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        _redis_or_skip().flushdb()


def _wait_until_up(base, process):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"a server stopped: {process.stderr.read().decode()[-3000:]}")
        try:
            if call(base, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{base} did not come up")


def test_two_servers_act_as_one(app, people, servers):
    first, second = servers["bases"]
    cities = [people.city(f"Stad {n}") for n in range(8)]
    board = [people.user("board", city_id=city)[1] for city in cities]
    _, chair = people.user("chair", "secretariat")
    chair_token = people.token(chair)
    board_tokens = [people.token(email) for email in board]

    status, poll, _ = call(first, "POST", "/api/v1/polls", {"title": "Goedkeuring begroting 2018"}, chair_token)
    assert status == 201
    assert call(second, "POST", f"/api/v1/polls/{poll['id']}/open", token=chair_token)[0] == 200

    choices = ["yes", "yes", "no", "yes", "abstain", "no", "yes", "yes"]

    def vote(n):
        base = (first, second)[n % 2]
        return call(base, "POST", f"/api/v1/polls/{poll['id']}/votes", {"choice": choices[n]}, board_tokens[n])[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(vote, range(8))) == [201] * 8
    # A second vote for a city through the other server is refused: one ballot box.
    again = call(second, "POST", f"/api/v1/polls/{poll['id']}/votes", {"choice": "no"}, board_tokens[0])
    assert again[0] == 409 and again[1]["error"]["code"] == "already_voted"

    status, closed, _ = call(first, "POST", f"/api/v1/polls/{poll['id']}/close", token=chair_token)
    assert status == 200
    seen_from_second = call(second, "GET", f"/api/v1/polls/{poll['id']}", token=chair_token)[1]
    for result in (closed["result"], seen_from_second["result"]):
        assert (result["yes"], result["no"], result["abstain"], result["cast"]) == (5, 2, 1, 8)
        assert result["outcome"] == "adopted"

    # One audit chain, intact, over everything both servers wrote.
    verified = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "governance", "audit", "verify"],
        cwd=ROOT,
        env=servers["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # One chart, one ETag: the version comes from the database, not from a server's memory.
    chart_path = f"/api/v1/charts/polls/{poll['id']}"
    status_a, _, headers_a = call(first, "GET", chart_path, token=chair_token)
    status_b, _, headers_b = call(second, "GET", chart_path, token=chair_token)
    assert status_a == status_b == 200 and headers_a["ETag"] and headers_a["ETag"] == headers_b["ETag"]
    assert call(second, "GET", chart_path, token=chair_token, headers={"If-None-Match": headers_a["ETag"]})[0] == 304

    # One login limit: failures through either server (and any of their workers) count together.
    codes = [
        call((first, second)[n % 2], "POST", "/api/v1/auth/token", {"email": board[1], "password": "wrong"})[0]
        for n in range(11)
    ]
    assert codes == [401] * 10 + [429]
    for base in (first, second):
        status, body, headers = call(base, "POST", "/api/v1/auth/token", {"email": board[1], "password": PASSWORD})
        assert status == 429 and int(headers["Retry-After"]) > 0
    # ...and only for that account.
    assert call(second, "POST", "/api/v1/auth/token", {"email": board[2], "password": PASSWORD})[0] == 200
