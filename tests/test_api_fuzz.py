"""schemathesis against the app's own OpenAPI document: no server error, and every answer as the document says.

Every check schemathesis has runs on every response, except positive_data_acceptance (see ALL_CHECKS).

Through the WSGI app (no server), on the run's test database (SQLite, or PostgreSQL when
GOVERNANCE_TEST_DATABASE_URI says so), with a secretariat's and a board member's token, a fixed
seed and a bounded number of examples per operation, so that it takes about a minute.
"""

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup

SEC = "secretariaat@g32.example"
EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 6}
load_all_checks()
# All of schemathesis's checks but one. positive_data_acceptance expects every schema-valid body to be
# accepted (2xx), but the contract answers 422 `invalid` for domain rules no schema can state: an item that
# overlaps another in its room, a city that is not a member on the meeting's date, a population date in the
# future, a cap below the seats already taken. The schemas check types and shapes; the services keep these.
NOT_APPLICABLE = {"positive_data_acceptance"}
ALL_CHECKS = [check for check in CHECKS.get_all() if check.__name__ not in NOT_APPLICABLE]


@pytest.fixture
def app_config():
    # An unexpected error is answered as a 500 (as in production) so that it is counted, not raised.
    return {"PROPAGATE_UNEXPECTED": False}


@pytest.fixture
def world(app, api, demo, people):
    """The demo network, a meeting with a session and a registration, an open motion and a closed one."""
    sec = people.token(SEC)
    board_email = next(email for email, roles in demo.items() if roles.startswith("board ("))
    board = people.token(board_email)
    meeting = api("POST", "/meetings", {"title": "Netwerkdag", "date": "2017-11-30", "place": "Lelystad"}, token=sec)
    meeting_id = meeting.get_json()["id"]
    api("POST", f"/meetings/{meeting_id}/items", {"start": "10:00", "end": "11:00", "title": "Jeugd"}, token=sec)
    registration = api(
        "POST",
        f"/meetings/{meeting_id}/registrations",
        {"name": "Jan Jansen", "email": "jan@example.test", "attending": True, "items": []},
        token=sec,
    )
    polls = []
    for title in ("Begroting 2018", "Jaarverslag"):
        polls.append(api("POST", "/polls", {"title": title}, token=sec).get_json()["id"])
        api("POST", f"/polls/{polls[-1]}/open", token=sec)
    api("POST", f"/polls/{polls[-1]}/close", token=sec)
    applications = api("GET", "/applications", token=sec).get_json()["items"]
    cities = api("GET", "/cities", token=sec).get_json()["items"]
    known = {  # path prefix -> ids of objects that exist, so that the examples also reach past the lookups
        "/meetings/{id}": {"id": meeting_id, "rid": registration.get_json().get("id", 1)},
        "/polls/{id}": {"id": polls[0]},
        "/charts/polls/{id}": {"id": polls[-1]},
        "/applications/{id}": {"id": applications[0]["id"]},
        "/cities/{id}": {"id": cities[0]["id"]},
    }
    return {"secretariat": sec, "board": board, "known": known}


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", ["secretariat", "board"])
def test_no_input_gets_a_server_error(app, world, role):
    headers = {"Authorization": f"Bearer {world[role]}", "Accept-Language": "en"}
    server_errors: list[str] = []
    broken: list[str] = []  # answers that break the document (status, content type, headers, schema, ...)
    operations = _operations(app)
    assert len(operations) > 20  # the whole document, not an empty one
    for operation in operations:
        known = next((ids for prefix, ids in world["known"].items() if operation.path.startswith(prefix)), None)
        # Generated ids (mostly no such object), then the ids of objects that exist.
        id_choices = (
            [None] if known is None else [None, {k: v for k, v in known.items() if f"{{{k}}}" in operation.path}]
        )
        for (mode, examples), path_parameters in itertools.product(EXAMPLES.items(), id_choices):

            @seed(2017)
            @settings(
                max_examples=examples,
                database=None,
                deadline=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None))
            def run(case):
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    server_errors.append(
                        f"{case.method} {case.formatted_path} {case.body!r:.200} -> {response.status_code}"
                    )
                try:
                    case.validate_response(response, checks=ALL_CHECKS, headers=headers)
                except (AssertionError, FailureGroup) as failure:
                    broken.append(
                        f"{case.method} {case.formatted_path} {case.body!r:.99} {case.query!r:.99}: "
                        f"{str(failure)[-600:]}"
                    )

            try:
                run()
            except Unsatisfiable:
                # An operation that takes no input at all has nothing invalid to generate.
                if mode is not GenerationMode.NEGATIVE:
                    raise
    assert server_errors == []
    assert broken == [], "\n\n".join(broken)
