"""The JSON API answers as its OpenAPI document says."""

import jsonschema
import pytest
from referencing import Registry, Resource


@pytest.fixture
def document(client):
    # Generated from the routes' schemas (governance/api/__init__.py), as served.
    return client.get("/api/v1/openapi.json").get_json()


def validator_for(document, name):
    resource = Resource.from_contents(
        {"components": document["components"]},
        default_specification=__import__("referencing.jsonschema").jsonschema.DRAFT202012,
    )
    registry = Registry().with_resource("urn:openapi", resource)
    schema = {"$ref": f"urn:openapi#/components/schemas/{name}"}
    return jsonschema.Draft202012Validator(schema, registry=registry)


def test_document_is_served_and_names_every_contract_path(client, document):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served["openapi"].startswith("3.1")
    for path in (
        "/auth/token",
        "/users",
        "/network",
        "/cities",
        "/cities/{id}",
        "/applications",
        "/applications/{id}",
        "/polls",
        "/polls/{id}",
        "/polls/{id}/open",
        "/polls/{id}/votes",
        "/polls/{id}/close",
        "/meetings",
        "/meetings/{id}/items",
        "/meetings/{id}/registrations",
        "/meetings/{id}/registrations/{rid}",
        "/meetings/{id}/attendance",
        "/meetings/{id}/badges.pdf",
        "/meetings/{id}/calendar.ics",
        "/charts/membership",
        "/charts/population",
        "/charts/provinces",
        "/charts/population-history",
        "/charts/polls/{id}",
    ):
        assert path in served["paths"], path


def test_responses_match_their_schemas(api, people, document):
    member = people.city(name="Noordstad", code="GM9101")
    outsider = people.city(name="Weststad", code="GM9102", member_since=None)
    sec = people.token(people.user("secretariat")[1])
    chair = people.token(people.user("chair")[1])
    board = people.token(people.user("board", city_id=member)[1])
    check = {
        name: validator_for(document, name) for name in ("Network", "City", "Application", "Poll", "Error", "User")
    }
    check["Network"].validate(api("GET", "/network", token=sec).get_json())
    for city in api("GET", "/cities?status=all", token=sec).get_json()["items"]:
        check["City"].validate(city)
    application = api("POST", "/applications", {"city_id": outsider, "received_on": "2017-09-01"}, sec).get_json()
    check["Application"].validate(application)
    poll = api("POST", "/polls", {"application_id": application["id"]}, chair).get_json()
    check["Poll"].validate(poll)
    check["Poll"].validate(api("POST", f"/polls/{poll['id']}/open", token=chair).get_json())
    api("POST", f"/polls/{poll['id']}/votes", {"choice": "yes"}, board)
    closed = api("POST", f"/polls/{poll['id']}/close", token=chair).get_json()
    check["Poll"].validate(closed)
    assert closed["result"]["votes"][0]["choice"] == "yes"
    check["Error"].validate(api("GET", "/polls/424242", token=sec).get_json())
    check["User"].validate(api("GET", "/users/me", token=sec).get_json())
