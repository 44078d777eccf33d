"""Hardening at the door: HSTS over https only, the real client address only behind a trusted proxy, /healthz."""

import pytest

from tests.conftest import make_app


@pytest.mark.parametrize(
    ("proxy_fix", "base_url", "headers", "hsts"),
    [
        (0, "http://localhost", {}, False),
        (0, "https://localhost", {}, True),
        (0, "http://localhost", {"X-Forwarded-Proto": "https"}, False),  # no trusted proxy: the header is ignored
        (1, "http://localhost", {"X-Forwarded-Proto": "https"}, True),  # behind the TLS proxy
        (1, "http://localhost", {}, False),
    ],
)
def test_hsts_only_over_https(proxy_fix, base_url, headers, hsts):
    app = make_app(PROXY_FIX_X_PROTO=proxy_fix, PROXY_FIX_X_FOR=proxy_fix)
    response = app.test_client().get("/login", base_url=base_url, headers=headers)
    assert response.status_code == 200
    if hsts:
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    else:
        assert "Strict-Transport-Security" not in response.headers


def test_healthz_checks_the_database_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_says_when_the_database_is_gone(tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/nowhere.sqlite", PROPAGATE_UNEXPECTED=False)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "unavailable"
