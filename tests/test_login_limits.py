"""Login limits: only failures count, per account and per address, in one store for every process."""

import logging
import time

import pytest

from tests.conftest import PASSWORD, make_app


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True}


def page_login(client, email, password, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def token_login(client, email, password, headers=None, **kwargs):
    headers = {"Accept-Language": "en", **(headers or {})}
    return client.post("/api/v1/auth/token", json={"email": email, "password": password}, headers=headers, **kwargs)


def test_a_meeting_room_logs_in_while_one_account_is_locked(app, people):
    """120 correct logins from one address in a minute all succeed; 30 wrong ones limit that account only."""
    city = people.city()
    board = [people.user("board", city_id=city)[1] for _ in range(40)]
    victim = board[0]
    started = time.monotonic()
    wrong, right = [], []
    for round_ in range(3):  # phone, laptop and tablet of forty people, while someone guesses at one account
        for n, email in enumerate(board[1:], start=1):
            client = app.test_client()
            login = page_login if (n + round_) % 2 else token_login
            right.append(login(client, email, PASSWORD).status_code)
            if n % 3 == 0 and len(wrong) < 30:
                wrong.append(app.test_client().post("/login", data={"email": victim, "password": f"guess-{n}"}))
    right += [page_login(app.test_client(), email, PASSWORD).status_code for email in board[1:4]]
    assert time.monotonic() - started < 60
    assert len(right) == 120 and set(right) <= {200, 302} and right.count(302) >= 60
    assert len(wrong) == 30
    assert [r.status_code for r in wrong] == [422] * 10 + [429] * 20
    refused = wrong[-1]
    assert 14 * 60 <= int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Probeer het over 15 minuten opnieuw." in refused.get_data(as_text=True)
    # The right password does not get past the lock either, and is not even checked.
    assert page_login(app.test_client(), victim, PASSWORD).status_code == 429
    assert token_login(app.test_client(), victim, PASSWORD).status_code == 429


def test_the_api_tells_when_to_retry(app, people):
    _, email = people.user("secretariat")
    codes = [token_login(app.test_client(), email, "wrong-password").status_code for _ in range(12)]
    assert codes == [401] * 10 + [429] * 2
    response = token_login(app.test_client(), email, PASSWORD)
    body = response.get_json()
    assert response.status_code == 429 and body["error"]["code"] == "too_many_requests"
    assert body["error"]["message"] == "Too many failed logins for this account. Try again in 15 minutes."
    assert 14 * 60 <= int(response.headers["Retry-After"]) <= 15 * 60


def test_correct_logins_never_count(app, people):
    _, email = people.user("chair")
    for _ in range(30):
        assert token_login(app.test_client(), email, PASSWORD).status_code == 200


@pytest.mark.parametrize("email", ["Nobody@Example.test", "nobody@example.test ", "", None, 12, "\u00e9" * 300])
def test_unknown_or_odd_emails_are_counted_without_error(app, email):
    codes = [token_login(app.test_client(), email, "wrong").status_code for _ in range(11)]
    assert codes[-1] == 429 and set(codes[:10]) <= {401, 422}


def test_the_address_limit_is_a_ceiling_for_guessing_across_accounts():
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ADDRESS="5 per minute")
    from tests.conftest import People

    people = People(app)
    city = people.city()
    emails = [people.user("board", city_id=city)[1] for _ in range(7)]
    room = {"REMOTE_ADDR": "192.0.2.10"}
    codes = [page_login(app.test_client(), e, "wrong", environ_base=room).status_code for e in emails[:6]]
    assert codes == [422] * 5 + [429]
    page = page_login(app.test_client(), emails[6], PASSWORD, environ_base=room)
    assert page.status_code == 429 and "Te veel mislukte inlogpogingen vanaf uw netwerk" in page.get_data(as_text=True)
    elsewhere = page_login(app.test_client(), emails[6], PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert elsewhere.status_code == 302


@pytest.mark.parametrize(("trusted", "separate"), [(0, False), (1, True)])
def test_the_client_address_behind_a_trusted_proxy(people, trusted, separate):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ADDRESS="3 per minute", PROXY_FIX_X_FOR=trusted)
    _, email = people.user("secretariat")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(3):
        response = token_login(
            app.test_client(),
            f"x{n}@example.test",
            "wrong",
            environ_base=proxy,
            headers={"X-Forwarded-For": "203.0.113.5"},
        )
        assert response.status_code == 401
    other = app.test_client().post(
        "/api/v1/auth/token",
        json={"email": email, "password": PASSWORD},
        environ_base=proxy,
        headers={"X-Forwarded-For": "203.0.113.99"},
    )
    assert other.status_code == (200 if separate else 429)


def test_limits_are_counted_in_redis_for_every_process(people):
    redis = pytest.importorskip("redis")
    uri = "redis://127.0.0.1:6379/11"
    try:
        redis.Redis.from_url(uri).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    _, email = people.user("chair")
    first, second = (make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=uri) for _ in range(2))
    codes = [token_login((first, second)[n % 2].test_client(), email, "wrong").status_code for n in range(11)]
    assert codes == [401] * 10 + [429]
    assert token_login(second.test_client(), email, PASSWORD).status_code == 429
    redis.Redis.from_url(uri).flushdb()


def test_memory_counters_outside_debug_are_warned_about(caplog):
    from governance import create_app
    from tests.conftest import base_config

    config = base_config(TESTING=False, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with caplog.at_level(logging.WARNING):
        app = create_app(config)
    assert app.test_client().get("/login").status_code == 200
    assert any("RATELIMIT_STORAGE_URI" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(
            base_config(TESTING=False, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/11")
        )
    assert not any("RATELIMIT_STORAGE_URI" in r.getMessage() for r in caplog.records)
