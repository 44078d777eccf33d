"""The HTML side: who may open which page, form validation next to the field, escaping, sessions."""

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def site(app, people):
    city = people.city(name="Noordstad", code="GM9101")
    outsider = people.city(name="Weststad", code="GM9102", member_since=None)
    emails = {
        "secretariat": people.user("secretariat")[1],
        "chair": people.user("chair")[1],
        "board": people.user("board", city_id=city)[1],
        "daily_board": people.user("daily_board")[1],
    }
    return {"city": city, "outsider": outsider, "emails": emails}


def logged_in(app, site, role, language="en"):
    client = app.test_client()
    client.set_cookie("lang", language)
    if role:
        response = client.post("/login", data={"email": site["emails"][role], "password": PASSWORD})
        assert response.status_code == 302
    return client


ROUTES = ["/cities", "/cities/new", "/cities/{city}", "/cities/{city}/edit", "/accounts", "/applications", "/polls"]
ALLOWED = {
    "secretariat": {
        "/cities",
        "/cities/new",
        "/cities/{city}",
        "/cities/{city}/edit",
        "/accounts",
        "/applications",
        "/polls",
    },
    # Every role reads the member list, each city, the applications and the polls (as the API answers them);
    # only the secretariat manages cities and accounts. The whole table is tests/test_permissions.py.
    "chair": {"/cities", "/cities/{city}", "/applications", "/polls"},
    "board": {"/cities", "/cities/{city}", "/applications", "/polls"},
    "daily_board": {"/cities", "/cities/{city}", "/applications", "/polls"},
}


@pytest.mark.parametrize("role", [None, "secretariat", "chair", "board", "daily_board"])
@pytest.mark.parametrize("route", ROUTES)
def test_role_by_route(app, site, role, route):
    client = logged_in(app, site, role)
    response = client.get(route.format(city=site["city"]))
    if role is None:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif route in ALLOWED[role]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "may not open this page" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the city's name."),
        ("cbs_code", "12345", "A CBS municipality code is GM followed by four digits"),
        ("province", "", "Choose the province."),
        ("population", "", "Enter the number of inhabitants."),
        ("population", "-5", "between 1 and 10,000,000"),
        ("population", "veel", "Enter a whole number, such as 89,870 or 89870."),
        ("population", "89,87", "Enter a whole number, such as 89,870 or 89870."),
        ("population_date", "", "Enter the reference date of the population figure."),
        ("population_date", "2999-01-01", "cannot lie in the future"),
        ("name", "Noordstad", "There is already a city named Noordstad."),
        ("cbs_code", "GM9101", "belongs to Noordstad already"),
    ],
)
def test_city_form_messages(app, site, field, value, message):
    client = logged_in(app, site, "secretariat")
    data = {
        "name": "Nieuwstad",
        "cbs_code": "GM9150",
        "province": "Utrecht",
        "population": "80000",
        "population_date": "2017-01-01",
        "population_source": "CBS",
        "joined_on": "",
    }
    data[field] = value
    response = client.post("/cities/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert "Nieuwstad</a>" not in client.get("/cities?status=all").get_data(as_text=True)


def test_typed_text_is_escaped(app, site, api, people):
    client = logged_in(app, site, "secretariat")
    token = people.token(site["emails"]["secretariat"])
    api("PATCH", f"/cities/{site['outsider']}", {"name": "Weststad & 'Oost'"}, token)
    page = client.get("/cities?status=all").get_data(as_text=True)
    assert "Weststad &amp; &#39;Oost&#39;" in page


def test_adding_a_city_and_a_population_shows_in_the_list(app, site):
    client = logged_in(app, site, "secretariat", language="nl")
    response = client.post(
        "/cities/new",
        data={
            "name": "'s-Hertogenbosch",
            "cbs_code": "GM0796",
            "province": "Noord-Brabant",
            "population": "152000",
            "population_date": "2017-01-01",
            "population_source": "CBS",
            "joined_on": "2000-01-01",
        },
    )
    assert response.status_code == 302
    city_url = response.headers["Location"]
    response = client.post(
        city_url + "/population",
        data={"population": "153500", "population_date": "2018-01-01", "population_source": "CBS"},
    )
    assert response.status_code == 302
    page = client.get("/cities").get_data(as_text=True)
    assert "&#39;s-Hertogenbosch" in page and "153.500" in page
    # Noordstad 100.000 + 's-Hertogenbosch 153.500
    assert 'id="total-population">253.500<' in page


def test_logout_ends_every_session(app, site):
    first = logged_in(app, site, "secretariat")
    second = logged_in(app, site, "secretariat")
    assert second.get("/cities").status_code == 200
    first.post("/logout")
    assert second.get("/cities").status_code == 302


def test_deactivation_ends_sessions_and_tokens(app, site, api, people):
    board = logged_in(app, site, "board")
    token = people.token(site["emails"]["board"])
    sec = logged_in(app, site, "secretariat")
    from governance.accounts.services import find_user

    with app.app_context():
        user_id = find_user(site["emails"]["board"]).id
    assert sec.post(f"/accounts/{user_id}/active", data={"active": "0"}).status_code == 302
    assert board.get("/polls").status_code == 302
    assert api("GET", "/network", token=token).status_code == 401
    assert (
        app.test_client().post("/login", data={"email": site["emails"]["board"], "password": PASSWORD}).status_code
        == 422
    )


@pytest.mark.parametrize(
    ("email", "password"),
    [("", PASSWORD), ("someone@example.test", ""), ("nobody@example.test", PASSWORD)],
)
def test_login_refusals(client, site, email, password):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 422


def test_csrf_is_required_on_forms(site):
    from tests.conftest import make_app

    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": site["emails"]["secretariat"], "password": PASSWORD})
    assert response.status_code == 400


def test_login_is_throttled_per_account(site):
    from tests.conftest import make_app

    app = make_app(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    client = app.test_client()
    client.set_cookie("lang", "en")
    codes = [
        client.post("/login", data={"email": site["emails"]["chair"], "password": "wrong"}).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [422, 422, 422] and codes[3:] == [429, 429]
    assert "Too many failed logins for this account" in client.post(
        "/login", data={"email": site["emails"]["chair"], "password": "x"}
    ).get_data(as_text=True)


def test_cookies_are_secure_outside_debug(site):
    from tests.conftest import make_app

    app = make_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.post("/login", data={"email": site["emails"]["chair"], "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)


def test_language_is_dutch_by_default_and_english_is_remembered(app, site):
    client = app.test_client()
    client.post("/login", data={"email": site["emails"]["secretariat"], "password": PASSWORD})
    page = client.get("/cities").get_data(as_text=True)
    assert 'lang="nl"' in page and "Inwoners" in page
    client.post("/language", data={"lang": "en", "next": "/cities"})
    page = client.get("/cities").get_data(as_text=True)
    assert 'lang="en"' in page and "Population" in page
    assert client.post("/language", data={"lang": "en", "next": "https://evil.example/"}).headers["Location"] == "/"


def test_one_round_trip_shows_every_problem(app, site):
    client = logged_in(app, site, "secretariat")
    response = client.post(
        "/cities/new",
        data={
            "name": "Noordstad",
            "cbs_code": "",
            "province": "",
            "population": "-3",
            "population_date": "",
            "joined_on": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in (
        "Enter the CBS municipality code.",
        "Choose the province.",
        "between 1 and 10,000,000",
        "Enter the reference date of the population figure.",
    ):
        assert message in page
