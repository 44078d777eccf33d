"""Every error code the accounts, network, cities, applications and polls resources can return."""

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def world(app, people, api):
    member = people.city(name="Noordstad", code="GM9101")
    outsider = people.city(name="Weststad", code="GM9102", member_since=None)
    _, sec = people.user("secretariat")
    _, chair = people.user("chair")
    _, board = people.user("board", city_id=member)
    _, daily = people.user("daily_board")
    tokens = {
        "sec": people.token(sec),
        "chair": people.token(chair),
        "board": people.token(board),
        "daily": people.token(daily),
    }
    application = api(
        "POST", "/applications", {"city_id": outsider, "received_on": "2017-09-01"}, tokens["sec"]
    ).get_json()
    draft = api("POST", "/polls", {"title": "Concept"}, tokens["chair"]).get_json()
    return {
        "member": member,
        "outsider": outsider,
        "application": application,
        "draft": draft,
        "board_email": board,
        **tokens,
    }


def code_of(response):
    return response.get_json()["error"]["code"]


def test_error_shape(api, world):
    body = api("GET", "/cities/999999", token=world["sec"]).get_json()
    assert set(body["error"]) == {"code", "message", "fields"} and body["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "body", "who", "status", "code"),
    [
        ("GET", "/network", None, None, 401, "unauthorized"),
        ("GET", "/network", None, "nonsense-token", 401, "unauthorized"),
        ("GET", "/network?on=2017-13-45", None, "sec", 422, "invalid"),
        ("GET", "/network?on=yesterday", None, "sec", 422, "invalid"),
        ("PATCH", "/network", {"cap": 50, "decision": "x"}, "board", 403, "forbidden"),
        ("PATCH", "/network", {"cap": "veertig", "decision": "x"}, "sec", 422, "invalid"),
        ("PATCH", "/network", {"cap": 0, "decision": "x"}, "sec", 422, "invalid"),
        ("GET", "/cities/999999", None, "sec", 404, "not_found"),
        ("GET", "/cities?status=vip", None, "sec", 422, "invalid"),
        (
            "POST",
            "/cities",
            {
                "name": "Noordstad",
                "cbs_code": "GM9199",
                "province": "Utrecht",
                "population": 5000,
                "population_date": "2017-01-01",
            },
            "sec",
            409,
            "duplicate",
        ),
        (
            "POST",
            "/cities",
            {
                "name": "Elders",
                "cbs_code": "GM9101",
                "province": "Utrecht",
                "population": 5000,
                "population_date": "2017-01-01",
            },
            "sec",
            409,
            "duplicate",
        ),
        (
            "POST",
            "/cities",
            {
                "name": "Elders",
                "cbs_code": "GM9199",
                "province": "Utrecht",
                "population": 5000,
                "population_date": "2017-01-01",
            },
            "board",
            403,
            "forbidden",
        ),
        ("PATCH", "/cities/999999", {"population": 5}, "sec", 404, "not_found"),
        (
            "POST",
            "/users",
            {"email": "x@example.test", "name": "X", "roles": ["chair"], "password": PASSWORD},
            "chair",
            403,
            "forbidden",
        ),
        (
            "POST",
            "/users",
            {"email": "nope", "name": "", "roles": ["king"], "password": "short"},
            "sec",
            422,
            "invalid",
        ),
        (
            "POST",
            "/auth/token",
            {"email": "nobody@example.test", "password": "wrong-password"},
            None,
            401,
            "unauthorized",
        ),
        ("POST", "/applications", {"city_id": "member", "received_on": "2017-09-01"}, "sec", 422, "invalid"),
        ("POST", "/applications", {"received_on": "2017-09-01"}, "sec", 422, "invalid"),
        ("POST", "/applications", {"city_id": 424242, "received_on": "2017-09-01"}, "sec", 422, "invalid"),
        ("POST", "/applications", {"city_id": "$member", "received_on": "2017-09-01"}, "sec", 409, "duplicate"),
        ("POST", "/applications", {"city_id": "$outsider", "received_on": "2017-09-02"}, "sec", 409, "duplicate"),
        ("POST", "/applications", {"city_id": "$outsider", "received_on": "2017-09-01"}, "board", 403, "forbidden"),
        ("GET", "/applications/999999", None, "sec", 404, "not_found"),
        ("GET", "/applications?status=maybe", None, "sec", 422, "invalid"),
        ("POST", "/polls", {}, "chair", 422, "invalid"),
        ("POST", "/polls", {"title": "x", "majority": "most"}, "chair", 422, "invalid"),
        ("POST", "/polls", {"title": "x"}, "board", 403, "forbidden"),
        ("POST", "/polls", {"application_id": 999999}, "chair", 422, "invalid"),
        ("GET", "/polls/999999", None, "sec", 404, "not_found"),
        ("POST", "/polls/999999/open", None, "chair", 404, "not_found"),
        ("POST", "/polls/$draft/open", None, "sec", 403, "forbidden"),
        ("POST", "/polls/$draft/close", None, "chair", 409, "invalid_state"),
        ("POST", "/polls/$draft/votes", {"choice": "yes"}, "board", 409, "poll_not_open"),
        ("POST", "/polls/$draft/votes", {"choice": "yes"}, "sec", 409, "poll_not_open"),
    ],
)
def test_error_codes(api, world, method, path, body, who, status, code):
    path = path.replace("$draft", str(world["draft"]["id"]))
    if isinstance(body, dict):
        body = {k: world[v[1:]] if isinstance(v, str) and v.startswith("$") else v for k, v in body.items()}
    token = world.get(who, who) if who else None
    response = api(method, path, body, token)
    assert response.status_code == status, response.get_json()
    assert code_of(response) == code


def test_voting_errors_on_an_open_poll(api, world, people):
    poll_id = world["draft"]["id"]
    assert api("POST", f"/polls/{poll_id}/open", token=world["chair"]).status_code == 200
    assert code_of(api("POST", f"/polls/{poll_id}/open", token=world["chair"])) == "invalid_state"
    r = api("POST", f"/polls/{poll_id}/votes", {"choice": "perhaps"}, world["board"])
    assert r.status_code == 422 and "choice" in r.get_json()["error"]["fields"]
    r = api("POST", f"/polls/{poll_id}/votes", {"choice": "yes"}, world["sec"])
    assert (r.status_code, code_of(r)) == (403, "not_eligible")
    # A board member of a city that was not a member when the poll opened.
    _, late = people.user("board", city_id=world["outsider"])
    r = api("POST", f"/polls/{poll_id}/votes", {"choice": "yes"}, people.token(late))
    assert (r.status_code, code_of(r)) == (403, "not_eligible")
    assert api("POST", f"/polls/{poll_id}/votes", {"choice": "yes"}, world["board"]).status_code == 201
    r = api("POST", f"/polls/{poll_id}/votes", {"choice": "no"}, world["board"])
    assert (r.status_code, code_of(r)) == (409, "already_voted")
    assert "Noordstad" in r.get_json()["error"]["message"]
    assert api("POST", f"/polls/{poll_id}/close", token=world["chair"]).status_code == 200
    r = api("POST", f"/polls/{poll_id}/close", token=world["chair"])
    assert (r.status_code, code_of(r)) == (409, "invalid_state")
    r = api("POST", f"/polls/{poll_id}/votes", {"choice": "yes"}, world["board"])
    assert (r.status_code, code_of(r)) == (409, "poll_not_open")


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "bad_request"),
        (b"[1, 2, 3]", "application/json", 400, "bad_request"),
        (b'"a string"', "application/json", 400, "bad_request"),
        (b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}', "application/json", 413, "too_large"),
    ],
)
def test_bodies(client, world, data, content_type, status, code):
    response = client.post(
        "/api/v1/cities",
        data=data,
        content_type=content_type,
        headers={"Authorization": f"Bearer {world['sec']}", "Accept-Language": "en"},
    )
    assert response.status_code == status
    assert code_of(response) == code


@pytest.mark.parametrize(
    ("field", "value", "message_part"),
    [
        ("population", -1, "between 1 and 10,000,000"),
        ("population", 0, "between 1 and 10,000,000"),
        ("population", 10_000_001, "between 1 and 10,000,000"),
        ("population", "many", "whole number"),
        ("population", 1.5, "whole number"),
        ("population", True, "whole number"),
        ("cbs_code", "0363", "GM followed by four digits"),
        ("cbs_code", "GM36", "GM followed by four digits"),
        ("province", "Vlaanderen", "not a Dutch province"),
        ("name", "", "required"),
        ("name", "x" * 121, "At most 120"),
        ("name", "<script>", "cannot contain"),
        ("population_date", "01-01-2017", "YYYY-MM-DD"),
        ("population_date", "2999-01-01", "future"),
        ("joined_on", "gisteren", "YYYY-MM-DD"),
    ],
)
def test_city_fields(api, world, field, value, message_part):
    body = {
        "name": "Nieuwstad",
        "cbs_code": "GM9150",
        "province": "Utrecht",
        "population": 80_000,
        "population_date": "2017-01-01",
        field: value,
    }
    response = api("POST", "/cities", body, world["sec"])
    assert response.status_code == 422
    messages = response.get_json()["error"]["fields"][field]
    assert any(message_part in m for m in messages), messages
    # Nothing was half saved.
    cities = api("GET", "/cities?status=all", token=world["sec"]).get_json()["items"]
    assert "Nieuwstad" not in {c["name"] for c in cities}


def test_names_with_apostrophes_and_accents(api, world):
    for name, code in (("'s-Hertogenbosch", "GM0796"), ("Súdwest-Fryslân", "GM1900")):
        r = api(
            "POST",
            "/cities",
            {
                "name": name,
                "cbs_code": code,
                "province": "Friesland",
                "population": 150_000,
                "population_date": "2017-01-01",
                "joined_on": "2010-01-01",
            },
            world["sec"],
        )
        assert r.status_code == 201 and r.get_json()["name"] == name
    names = {c["name"] for c in api("GET", "/cities", token=world["sec"]).get_json()["items"]}
    assert {"'s-Hertogenbosch", "Súdwest-Fryslân"} <= names


def test_population_history_is_kept(api, world):
    city = world["member"]
    r = api("PATCH", f"/cities/{city}", {"population": 121_000, "population_date": "2018-01-01"}, world["sec"])
    assert r.status_code == 200 and r.get_json()["population"] == 121_000
    old = api("GET", f"/cities/{city}?on=2017-06-01", token=world["sec"]).get_json()
    assert old["population"] == 100_000 and len(old["population_history"]) == 2
    r = api("PATCH", f"/cities/{city}", {"population_date": "2018-01-01"}, world["sec"])
    assert r.status_code == 422 and "population" in r.get_json()["error"]["fields"]


def test_revoked_token_is_refused(api, world, app, people):
    from governance.accounts.services import find_user, revoke_tokens
    from governance.extensions import db

    with app.app_context():
        revoke_tokens(None, find_user(world["board_email"]))
        db.session.commit()
    response = api("GET", "/network", token=world["board"])
    assert (response.status_code, code_of(response)) == (401, "unauthorized")


def test_created_user_never_shows_the_password(api, world):
    r = api(
        "POST",
        "/users",
        {
            "email": "Nieuw@Example.test",
            "name": "Nieuw",
            "roles": ["board"],
            "city_id": world["member"],
            "password": PASSWORD,
        },
        world["sec"],
    )
    body = r.get_json()
    assert r.status_code == 201 and body["email"] == "nieuw@example.test"
    assert "password" not in body and "password_hash" not in body
    r = api(
        "POST",
        "/users",
        {"email": "nieuw@example.test", "name": "Nieuw", "roles": ["chair"], "password": PASSWORD},
        world["sec"],
    )
    assert (r.status_code, code_of(r)) == (409, "duplicate")
    token = api("POST", "/auth/token", {"email": "nieuw@example.test", "password": PASSWORD}).get_json()["token"]
    assert api("GET", "/users/me", token=token).get_json()["city_id"] == world["member"]
