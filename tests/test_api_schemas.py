"""The schemas at the door: types and shapes refused with a sentence in the reader's language, naming the field."""

import pytest

from governance.input_guard import INT_MAX
from tests.conftest import PASSWORD


@pytest.fixture
def sec(people):
    return people.token(people.user("secretariat")[1])


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "english", "dutch"),
    [
        ("POST", "/polls", {"title": "x", "secret": 1}, "secret", "Must be true or false.", "Moet true of false zijn."),
        ("POST", "/polls", {"title": "x", "secret": "yes"}, "secret", "Must be true or false.", None),
        ("POST", "/polls", {"application_id": "a"}, "application_id", "Must be the number of an application.", None),
        ("POST", "/polls", {"application_id": INT_MAX + 1}, "application_id", "Must be a whole number from 1", None),
        ("POST", "/polls", {"meeting_id": 0}, "meeting_id", "Must be a whole number from 1", None),
        ("POST", "/polls", {"title": 5}, "title", "Must be text.", "Moet tekst zijn."),
        (
            "POST",
            "/polls",
            {"majority": "most", "title": "x"},
            "majority",
            "Choose simple, absolute or two_thirds.",
            None,
        ),
        (
            "PATCH",
            "/network",
            {"cap": True, "decision": "x"},
            "cap",
            "Must be a whole number.",
            "Moet een geheel getal zijn.",
        ),
        ("PATCH", "/network", {"cap": 1.5, "decision": "x"}, "cap", "Must be a whole number.", None),
        ("PATCH", "/network", {"cap": "41", "decision": "x"}, "cap", "Must be a whole number.", None),
        ("PATCH", "/network", {"cap": 41}, "decision", "This field is required.", "Dit veld is verplicht."),
        ("PATCH", "/network", {"cap": 41, "decision": "   "}, "decision", "This field is required.", None),
        ("POST", "/meetings", {"title": "x", "date": "30-11-2017", "place": "y"}, "date", "YYYY-MM-DD", "JJJJ-MM-DD"),
        ("POST", "/meetings", {"title": "x", "date": "0001-01-01", "place": "y"}, "date", "between 1800-01-01", None),
        ("POST", "/meetings", {"title": ["x"], "date": "2017-11-30", "place": "y"}, "title", "Must be text.", None),
        # A number sent as a password meets the password rules, and is not range-checked as if it were an id.
        (
            "POST",
            "/users",
            {"email": "a@example.test", "name": "A", "roles": ["chair"], "password": 10**40},
            "password",
            "at least 10 characters",
            None,
        ),
        (
            "POST",
            "/users",
            {"email": "a@example.test", "name": "A", "roles": ["king"], "password": PASSWORD},
            "roles[0]",
            "Choose one of: secretariat, chair, board, daily_board.",
            None,
        ),
        (
            "POST",
            "/users",
            {"email": "a@example.test", "name": "A", "roles": "chair", "password": PASSWORD},
            "roles",
            "Must be a list.",
            "Moet een lijst zijn.",
        ),
        ("GET", "/polls?staus=open", None, "staus", "This field is not known.", "Dit veld is onbekend."),
        ("GET", "/cities?on=2017-02-30", None, "on", "YYYY-MM-DD", None),
        ("POST", "/meetings", {"title": "x\x00", "date": "2017-11-30", "place": "y"}, "title", "NUL", None),
    ],
)
def test_bad_input_is_refused_at_the_door(api, sec, method, path, body, field, english, dutch):
    response = api(method, path, body, sec)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and set(error) == {"code", "message", "fields"}
    assert any(english in m for m in error["fields"][field]), error
    dutch_error = api(method, path, body, sec, language="nl").get_json()["error"]
    messages = " ".join(dutch_error["fields"][field])
    if dutch:
        assert dutch in messages, dutch_error
    # Never marshmallow's own English.
    for english_default in ("Not a valid", "Missing data", "Field may not", "Unknown field", "Invalid input"):
        assert english_default not in messages


def test_every_field_is_named_at_once(api, sec):
    response = api("POST", "/polls", {"secret": "ja", "majority": "x", "meeting_id": "m"}, sec)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"secret", "majority", "meeting_id"}
    assert response.get_json()["error"]["message"] == "Some fields are missing or invalid."


def test_an_id_past_the_columns_in_a_path_is_404_whatever_the_method(api, sec):
    # A route of the same path with another method used to make these a 405.
    for method, path in (
        ("GET", f"/cities/{INT_MAX + 1}"),
        ("PATCH", f"/cities/{INT_MAX + 1}"),
        ("GET", f"/meetings/{INT_MAX + 1}/proxies"),
        ("POST", f"/meetings/{INT_MAX + 1}/proxies"),
        ("PUT", f"/meetings/1/presence/{INT_MAX + 1}"),
    ):
        response = api(method, path, {}, sec)
        assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_found"), (method, path)


def test_the_document_types_the_city_and_the_patch_bodies(client):
    document = client.get("/api/v1/openapi.json").get_json()
    city = document["components"]["schemas"]["City"]["properties"]
    assert {"population_source", "population_history"} <= set(city)
    patch = document["paths"]["/cities/{id}"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CityPatch"}
    assert document["components"]["schemas"]["CityPatch"]["properties"]["population"]["type"] == ["integer", "null"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    ref = answer.get("$ref")
                    if ref:
                        answer = document["components"]["responses"][ref.rsplit("/", 1)[-1]]
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)
