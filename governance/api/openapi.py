"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json."""

from governance.api import bp

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
INT = {"type": "integer"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def error_responses(*statuses: int) -> dict:
    text = {
        400: "Body is not valid JSON or not an object",
        401: "No token, unknown or revoked token",
        403: "Authenticated but not allowed",
        404: "No such object",
        409: "Conflicts with the current state",
        413: "Body over 1 MiB",
        422: "A field is missing or invalid",
        429: "Too many failed logins for this account or address; Retry-After says when to try again",
    }
    return {
        str(s): {"description": text[s], "content": {"application/json": {"schema": ref("Error")}}} for s in statuses
    }


def ok(status: int, schema: dict, description: str = "OK") -> dict:
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


def body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def op(
    summary: str, responses: dict, *, request: dict | None = None, params: list | None = None, public: bool = False
) -> dict:
    operation = {"summary": summary, "responses": responses}
    if request:
        operation["requestBody"] = request
    if params:
        operation["parameters"] = params
    if public:
        operation["security"] = []
    return operation


def path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": INT}


ON = {"name": "on", "in": "query", "required": False, "schema": DATE, "description": "As on this date (default today)"}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "fields"],
                "properties": {
                    "code": {
                        "type": "string",
                        "enum": [
                            "bad_request",
                            "unauthorized",
                            "forbidden",
                            "not_eligible",
                            "not_found",
                            "duplicate",
                            "already_voted",
                            "poll_not_open",
                            "cap_reached",
                            "quorum_not_present",
                            "proxy_conflict",
                            "invalid_state",
                            "too_large",
                            "invalid",
                            "too_many_requests",
                            "server_error",
                        ],
                    },
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
            }
        },
    },
    "User": {
        "type": "object",
        "required": ["id", "email", "name", "roles", "city_id"],
        "properties": {
            "id": INT,
            "email": {"type": "string"},
            "name": {"type": "string"},
            "function": {"type": "string"},
            "roles": {
                "type": "array",
                "items": {"type": "string", "enum": ["secretariat", "chair", "board", "daily_board"]},
            },
            "city_id": {"type": ["integer", "null"]},
            "active": {"type": "boolean"},
        },
        "not": {"anyOf": [{"required": ["password"]}, {"required": ["password_hash"]}]},
    },
    "Network": {
        "type": "object",
        "required": ["name", "member_count", "total_population", "cap", "seats_left", "names"],
        "properties": {
            "name": {"type": "string"},
            "on": DATE,
            "member_count": INT,
            "total_population": INT,
            "cap": INT,
            "seats_left": INT,
            "min_population": INT,
            "names": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "valid_from", "reason"],
                    "properties": {
                        "name": {"type": "string"},
                        "valid_from": NULLABLE_DATE,
                        "reason": {"type": "string"},
                        "poll_id": {"type": ["integer", "null"]},
                    },
                },
            },
        },
    },
    "City": {
        "type": "object",
        "required": [
            "id",
            "name",
            "cbs_code",
            "province",
            "population",
            "population_date",
            "status",
            "joined_on",
            "left_on",
        ],
        "properties": {
            "id": INT,
            "name": {"type": "string"},
            "cbs_code": {"type": "string", "pattern": "^GM[0-9]{4}$"},
            "province": {"type": "string"},
            "population": {"type": ["integer", "null"]},
            "population_date": NULLABLE_DATE,
            "status": {"type": "string", "enum": ["member", "applicant", "former", "none"]},
            "joined_on": NULLABLE_DATE,
            "left_on": NULLABLE_DATE,
        },
    },
    "CityInput": {
        "type": "object",
        "required": ["name", "cbs_code", "province", "population", "population_date"],
        "properties": {
            "name": {"type": "string", "maxLength": 120},
            "cbs_code": {"type": "string", "pattern": "^GM[0-9]{4}$"},
            "province": {"type": "string"},
            "population": {"type": "integer", "minimum": 1, "maximum": 10_000_000},
            "population_date": DATE,
            "population_source": {"type": "string"},
            "joined_on": DATE,
        },
    },
    "Application": {
        "type": "object",
        "required": ["id", "city_id", "status", "received_on", "effective_on", "motivation", "assessment", "poll_id"],
        "properties": {
            "id": INT,
            "city_id": INT,
            "status": {"type": "string", "enum": ["received", "voting", "admitted", "rejected", "withdrawn"]},
            "received_on": DATE,
            "effective_on": NULLABLE_DATE,
            "motivation": {"type": "string"},
            "assessment": {
                "type": "object",
                "required": ["eligible", "criteria"],
                "description": "Eligible when no criterion failed. Until the decision: as the application stands "
                "now; once decided: as it stood when its poll opened, on assessed_on.",
                "properties": {
                    "eligible": {"type": "boolean"},
                    "assessed_on": DATE,
                    "criteria": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["code", "passed", "detail"],
                            "properties": {
                                "code": {"type": "string"},
                                "passed": {
                                    "type": ["boolean", "null"],
                                    "description": "null while the criterion is still to be assessed (pending)",
                                },
                                "detail": {"type": "string"},
                            },
                        },
                    },
                },
            },
            "poll_id": {"type": ["integer", "null"]},
        },
    },
    "Result": {
        "type": ["object", "null"],
        "required": ["yes", "no", "abstain", "cast", "eligible", "quorum_met", "outcome", "reason", "votes"],
        "properties": {
            "yes": INT,
            "no": INT,
            "abstain": INT,
            "cast": INT,
            "eligible": INT,
            "quorum_met": {"type": "boolean"},
            "outcome": {"type": "string", "enum": ["adopted", "rejected"]},
            "reason": {"type": "string", "enum": ["quorum_not_met", "tie", "majority", "no_majority"]},
            "votes": {
                "type": ["array", "null"],
                "items": {
                    "type": "object",
                    "required": ["city_id", "choice", "receipt"],
                    "properties": {
                        "city_id": INT,
                        "choice": {"type": "string", "enum": ["yes", "no", "abstain"]},
                        "receipt": {"type": "string"},
                        "cast": {"type": "string", "enum": ["online", "proxy", "in_room"]},
                        "entered_by": {"type": "integer", "description": "Who entered a hand raised in the room"},
                    },
                },
            },
            "not_voted": {"type": "array", "items": INT, "description": "Eligible cities that did not vote"},
            "effects": ref("Effects"),
        },
    },
    "Effects": {
        "type": "object",
        "required": ["admitted", "renamed"],
        "properties": {
            "admitted": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["city_id", "from"],
                    "properties": {"city_id": INT, "from": DATE},
                },
            },
            "renamed": {
                "type": ["object", "null"],
                "required": ["from", "to", "valid_from"],
                "properties": {"from": {"type": "string"}, "to": {"type": "string"}, "valid_from": DATE},
            },
        },
    },
    "CityPresence": {
        "type": "object",
        "required": ["city_id", "present", "represented_by"],
        "properties": {
            "city_id": INT,
            "name": {"type": "string"},
            "present": {"type": "boolean"},
            "represented_by": {"type": ["integer", "null"], "description": "The city holding its proxy"},
            "holds": {"type": "array", "items": INT, "description": "The cities whose proxy it holds"},
        },
    },
    "Presence": {
        "type": "object",
        "required": ["members", "present", "represented", "quorum_present", "cities"],
        "properties": {
            "members": INT,
            "present": INT,
            "represented": {"type": "integer", "description": "Absent cities whose proxy a present city holds"},
            "needed": {"type": "integer", "description": "Present or represented needed for a quorum"},
            "quorum_present": {"type": "boolean"},
            "cities": {"type": "array", "items": ref("CityPresence")},
        },
    },
    "Proxy": {
        "type": "object",
        "required": ["id", "from_city_id", "to_city_id", "revoked"],
        "properties": {
            "id": INT,
            "meeting_id": INT,
            "from_city_id": INT,
            "to_city_id": INT,
            "revoked": {"type": "boolean"},
            "mandate_sha256": {"type": ["string", "null"]},
            "created_at": {"type": "string"},
            "revoked_at": {"type": ["string", "null"]},
        },
    },
    "SignedRecord": {
        "type": "object",
        "required": ["record", "signature", "key_id"],
        "properties": {
            "record": {
                "type": "object",
                "description": "The record; signature is Ed25519 over its canonical JSON (keys sorted, no spaces, "
                "UTF-8)",
                "required": ["network", "poll", "eligible", "votes", "tally", "outcome", "reason", "audit_head"],
                "properties": {
                    "network": {"type": "object", "properties": {"name": {"type": "string"}}},
                    "poll": {"type": "object"},
                    "eligible": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"city_id": INT, "name": {"type": "string"}},
                        },
                    },
                    "votes": {"type": ["array", "null"], "items": {"type": "object"}},
                    "receipts": {"type": "array", "items": {"type": "string"}},
                    "tally": {"type": "object"},
                    "majority": {"type": "string", "enum": ["simple", "absolute", "two_thirds"]},
                    "quorum": {"type": "object"},
                    "outcome": {"type": "string", "enum": ["adopted", "rejected"]},
                    "reason": {"type": "string"},
                    "effects": {"type": "object"},
                    "audit_head": {
                        "type": "object",
                        "required": ["seq", "hash"],
                        "properties": {"seq": INT, "hash": {"type": "string"}},
                    },
                },
            },
            "signature": {"type": "string", "description": "Ed25519, base64"},
            "key_id": {"type": "string", "description": "First 16 hex digits of SHA-256 over the raw public key"},
        },
    },
    "PublicKeys": {
        "type": "object",
        "required": ["keys"],
        "properties": {
            "keys": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key_id", "algorithm", "public_key"],
                    "properties": {
                        "key_id": {"type": "string"},
                        "algorithm": {"type": "string", "enum": ["Ed25519"]},
                        "public_key": {"type": "string", "description": "The raw 32-byte key, base64"},
                    },
                },
            }
        },
    },
    "Poll": {
        "type": "object",
        "required": [
            "id",
            "kind",
            "title",
            "state",
            "secret",
            "majority",
            "application_id",
            "eligible_count",
            "cast_count",
            "result",
        ],
        "properties": {
            "id": INT,
            "kind": {"type": "string", "enum": ["admission", "motion"]},
            "title": {"type": "string"},
            "state": {"type": "string", "enum": ["draft", "open", "closed"]},
            "secret": {"type": "boolean"},
            "majority": {"type": "string", "enum": ["simple", "absolute", "two_thirds"]},
            "application_id": {"type": ["integer", "null"]},
            "meeting_id": {"type": ["integer", "null"]},
            "previous_poll_id": {"type": ["integer", "null"]},
            "eligible_count": INT,
            "cast_count": INT,
            "result": ref("Result"),
        },
    },
    "Item": {
        "type": "object",
        "required": ["id", "start", "end", "kind", "title", "room", "capacity"],
        "properties": {
            "id": INT,
            "start": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            "end": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            "kind": {
                "type": "string",
                "enum": ["theme_session", "theme_group", "pillar", "general_board", "drinks", "other"],
            },
            "title": {"type": "string"},
            "room": {"type": ["string", "null"]},
            "capacity": {"type": ["integer", "null"]},
            "description": {"type": "string"},
            "speakers": {"type": "string"},
        },
    },
    "Meeting": {
        "type": "object",
        "required": ["id", "title", "date", "place", "items"],
        "properties": {
            "id": INT,
            "title": {"type": "string"},
            "date": DATE,
            "place": {"type": "string"},
            "items": {"type": "array", "items": ref("Item")},
        },
    },
}

CHART_PARAMS = [
    ON,
    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["svg", "png", "csv"], "default": "svg"}},
    {"name": "dpi", "in": "query", "schema": {"type": "integer", "minimum": 50, "maximum": 600, "default": 100}},
]
CHART_RESPONSES = {
    "200": {
        "description": "The chart, or the data it is drawn from",
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": {"image/svg+xml": {}, "image/png": {}, "text/csv": {}},
    },
    "304": {"description": "Not modified (If-None-Match matched the ETag)"},
    **error_responses(401, 403, 404, 422),
}
POLL_CHART_RESPONSES = {**CHART_RESPONSES, **error_responses(409)}


def build_document() -> dict:
    paths = {
        "/auth/token": {
            "post": op(
                "Exchange email and password for an API token",
                {
                    **ok(
                        200,
                        {
                            "type": "object",
                            "required": ["token"],
                            "properties": {
                                "token": {"type": "string"},
                                "expires_at": {"type": "string", "format": "date-time"},
                            },
                        },
                    ),
                    **error_responses(400, 401, 413, 429),
                },
                request=body(
                    {
                        "type": "object",
                        "required": ["email", "password"],
                        "properties": {"email": {"type": "string"}, "password": {"type": "string"}},
                    }
                ),
                public=True,
            )
        },
        "/users": {
            "post": op(
                "Create an account (secretariat)",
                {**ok(201, ref("User"), "Created"), **error_responses(400, 401, 403, 409, 413, 422)},
                request=body(
                    {
                        "type": "object",
                        "required": ["email", "name", "roles", "password"],
                        "properties": {
                            "email": {"type": "string"},
                            "name": {"type": "string"},
                            "roles": {"type": "array", "items": {"type": "string"}},
                            "city_id": {"type": "integer"},
                            "password": {"type": "string"},
                        },
                    }
                ),
            )
        },
        "/users/me": {"get": op("The account behind the token", {**ok(200, ref("User")), **error_responses(401)})},
        "/network": {
            "get": op(
                "The network as on a date", {**ok(200, ref("Network")), **error_responses(401, 422)}, params=[ON]
            ),
            "patch": op(
                "Change the cap, naming the board decision (secretariat)",
                {**ok(200, ref("Network")), **error_responses(400, 401, 403, 413, 422)},
                request=body(
                    {
                        "type": "object",
                        "required": ["cap", "decision"],
                        "properties": {"cap": INT, "decision": {"type": "string"}},
                    }
                ),
            ),
        },
        "/cities": {
            "get": op(
                "Cities with their status as on a date",
                {
                    **ok(
                        200,
                        {
                            "type": "object",
                            "required": ["items"],
                            "properties": {"items": {"type": "array", "items": ref("City")}},
                        },
                    ),
                    **error_responses(401, 422),
                },
                params=[
                    ON,
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["member", "applicant", "former", "none", "all"]},
                    },
                ],
            ),
            "post": op(
                "Add a city (secretariat)",
                {**ok(201, ref("City"), "Created"), **error_responses(400, 401, 403, 409, 413, 422)},
                request=body(ref("CityInput")),
            ),
        },
        "/cities/{id}": {
            "get": op(
                "One city as on a date",
                {**ok(200, ref("City")), **error_responses(401, 404, 422)},
                params=[path_id("id"), ON],
            ),
            "patch": op(
                "Change a city; a population figure is added to its history (secretariat)",
                {**ok(200, ref("City")), **error_responses(400, 401, 403, 404, 409, 413, 422)},
                params=[path_id("id")],
                request=body({"type": "object"}),
            ),
        },
        "/applications": {
            "get": op(
                "Applications",
                {
                    **ok(
                        200, {"type": "object", "properties": {"items": {"type": "array", "items": ref("Application")}}}
                    ),
                    **error_responses(401, 422),
                },
                params=[{"name": "status", "in": "query", "schema": {"type": "string"}}],
            ),
            "post": op(
                "Register an application (secretariat)",
                {**ok(201, ref("Application"), "Created"), **error_responses(400, 401, 403, 409, 413, 422)},
                request=body(
                    {
                        "type": "object",
                        "required": ["city_id", "received_on"],
                        "properties": {
                            "city_id": INT,
                            "received_on": DATE,
                            "effective_on": DATE,
                            "motivation": {"type": "string"},
                        },
                    }
                ),
            ),
        },
        "/applications/{id}": {
            "get": op(
                "One application with its assessment now",
                {**ok(200, ref("Application")), **error_responses(401, 404)},
                params=[path_id("id")],
            )
        },
        "/applications/{id}/advice": {
            "post": op(
                "The daily board's advice",
                {**ok(200, ref("Application")), **error_responses(400, 401, 403, 404, 409, 422)},
                params=[path_id("id")],
                request=body(
                    {
                        "type": "object",
                        "required": ["advice", "text"],
                        "properties": {
                            "advice": {"type": "string", "enum": ["positive", "negative"]},
                            "text": {"type": "string"},
                        },
                    }
                ),
            )
        },
        "/applications/{id}/withdraw": {
            "post": op(
                "Withdraw before the vote opens (secretariat)",
                {**ok(200, ref("Application")), **error_responses(401, 403, 404, 409)},
                params=[path_id("id")],
            )
        },
        "/polls": {
            "get": op(
                "Polls",
                {
                    **ok(200, {"type": "object", "properties": {"items": {"type": "array", "items": ref("Poll")}}}),
                    **error_responses(401, 422),
                },
            ),
            "post": op(
                "Prepare a poll: an admission or a motion (secretariat or chair)",
                {**ok(201, ref("Poll"), "Created in draft"), **error_responses(400, 401, 403, 409, 413, 422)},
                request=body(
                    {
                        "type": "object",
                        "properties": {
                            "application_id": INT,
                            "title": {"type": "string"},
                            "description": {"type": "string"},
                            "secret": {"type": "boolean"},
                            "majority": {"type": "string", "enum": ["simple", "absolute", "two_thirds"]},
                            "meeting_id": {"type": "integer", "description": "The meeting the poll belongs to"},
                            "previous_poll_id": {"type": "integer", "description": "The poll this re-vote follows"},
                        },
                    }
                ),
            ),
        },
        "/polls/{id}": {
            "get": op(
                "One poll; while open the count but no choices",
                {**ok(200, ref("Poll")), **error_responses(401, 404)},
                params=[path_id("id")],
            )
        },
        "/polls/{id}/open": {
            "post": op(
                "Open the poll, freezing the eligible cities and, for a meeting, presence and proxies (chair); "
                "409 quorum_not_present",
                {**ok(200, ref("Poll")), **error_responses(401, 403, 404, 409)},
                params=[path_id("id")],
            )
        },
        "/polls/{id}/votes": {
            "post": op(
                "Cast the vote of your city, of a city whose proxy you hold (on_behalf_of), "
                "or record a hand in the room (in_room, chair or secretariat)",
                {
                    **ok(
                        201,
                        {"type": "object", "required": ["receipt"], "properties": {"receipt": {"type": "string"}}},
                        "Recorded",
                    ),
                    **error_responses(400, 401, 403, 404, 409, 413, 422),
                },
                params=[path_id("id")],
                request=body(
                    {
                        "type": "object",
                        "required": ["choice"],
                        "properties": {
                            "choice": {"type": "string", "enum": ["yes", "no", "abstain"]},
                            "on_behalf_of": {"type": "integer", "description": "The city whose proxy you hold"},
                            "city_id": {"type": "integer", "description": "With in_room: the city whose hand it is"},
                            "in_room": {"type": "boolean"},
                        },
                    }
                ),
            )
        },
        "/polls/{id}/close": {
            "post": op(
                "Close the poll, freezing tally and outcome, applying its effects (chair)",
                {**ok(200, ref("Poll")), **error_responses(401, 403, 404, 409)},
                params=[path_id("id")],
            )
        },
        "/polls/{id}/turnout": {
            "get": op(
                "Which eligible cities have voted, never how (chair, secretariat)",
                {**ok(200, {"type": "object"}), **error_responses(401, 403, 404)},
                params=[path_id("id")],
            )
        },
        "/polls/{id}/record": {
            "get": op(
                "The signed record (proces-verbaal) of a closed poll; 409 invalid_state before the close",
                {**ok(200, ref("SignedRecord")), **error_responses(401, 404, 409)},
                params=[path_id("id")],
            )
        },
        "/keys": {
            "get": op(
                "The public keys that check signed records (no token needed)",
                {**ok(200, ref("PublicKeys"))},
                public=True,
            )
        },
        "/meetings": {
            "get": op(
                "Meetings",
                {
                    **ok(200, {"type": "object", "properties": {"items": {"type": "array", "items": ref("Meeting")}}}),
                    **error_responses(401),
                },
            ),
            "post": op(
                "Create a meeting (secretariat)",
                {**ok(201, ref("Meeting"), "Created"), **error_responses(400, 401, 403, 413, 422)},
                request=body(
                    {
                        "type": "object",
                        "required": ["title", "date", "place"],
                        "properties": {
                            "title": {"type": "string"},
                            "date": DATE,
                            "place": {"type": "string"},
                            "description": {"type": "string"},
                        },
                    }
                ),
            ),
        },
        "/meetings/{id}": {
            "get": op(
                "One meeting with its programme",
                {**ok(200, ref("Meeting")), **error_responses(401, 404)},
                params=[path_id("id")],
            )
        },
        "/meetings/{id}/items": {
            "post": op(
                "Add a programme item (secretariat)",
                {**ok(201, ref("Item"), "Created"), **error_responses(400, 401, 403, 404, 413, 422)},
                params=[path_id("id")],
                request=body({"type": "object"}),
            )
        },
        "/meetings/{id}/registrations": {
            "get": op(
                "Registrations for the meeting (secretariat)",
                {**ok(200, {"type": "object"}), **error_responses(401, 403, 404)},
                params=[path_id("id")],
            ),
            "post": op(
                "Register someone (secretariat)",
                {
                    **ok(
                        201,
                        {
                            "type": "object",
                            "required": ["id", "items"],
                            "properties": {
                                "id": INT,
                                "items": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["id", "status"],
                                        "properties": {
                                            "id": INT,
                                            "status": {"type": "string", "enum": ["registered", "waitlisted"]},
                                        },
                                    },
                                },
                            },
                        },
                        "Created",
                    ),
                    **error_responses(400, 401, 403, 404, 413, 422),
                },
                params=[path_id("id")],
                request=body({"type": "object"}),
            ),
        },
        "/meetings/{id}/registrations/{rid}": {
            "delete": op(
                "Cancel a registration; waiting lists move up",
                {"204": {"description": "Cancelled"}, **error_responses(401, 403, 404)},
                params=[path_id("id"), path_id("rid")],
            )
        },
        "/meetings/{id}/attendance": {
            "get": op(
                "Numbers registered and waitlisted per item; who declined and which cities have not answered",
                {
                    **ok(
                        200,
                        {
                            "type": "object",
                            "required": ["total", "items"],
                            "properties": {
                                "total": INT,
                                "declined": INT,
                                "unanswered_cities": {"type": "array"},
                                "items": {"type": "array"},
                            },
                        },
                    ),
                    **error_responses(401, 403, 404),
                },
                params=[path_id("id")],
            )
        },
        "/meetings/{id}/badges.pdf": {
            "get": op(
                "Name badges, one per registered attendee",
                {"200": {"description": "PDF", "content": {"application/pdf": {}}}, **error_responses(401, 403, 404)},
                params=[path_id("id")],
            )
        },
        "/meetings/{id}/calendar.ics": {
            "get": op(
                "The day and its items as iCalendar",
                {"200": {"description": "iCalendar", "content": {"text/calendar": {}}}, **error_responses(401, 404)},
                params=[path_id("id")],
            )
        },
        "/meetings/{id}/presence": {
            "get": op(
                "Who is present or represented, and whether that makes a quorum",
                {**ok(200, ref("Presence")), **error_responses(401, 404)},
                params=[path_id("id")],
            )
        },
        "/meetings/{id}/presence/{city_id}": {
            "get": op(
                "One member city's presence",
                {**ok(200, ref("CityPresence")), **error_responses(401, 404, 422)},
                params=[path_id("id"), path_id("city_id")],
            ),
            "put": op(
                "Mark a member city present or absent (chair or secretariat)",
                {**ok(200, ref("CityPresence")), **error_responses(400, 401, 403, 404, 413, 422)},
                params=[path_id("id"), path_id("city_id")],
                request=body(
                    {"type": "object", "required": ["present"], "properties": {"present": {"type": "boolean"}}}
                ),
            ),
        },
        "/meetings/{id}/proxies": {
            "get": op(
                "The meeting's proxies (volmachten), revoked ones included",
                {
                    **ok(200, {"type": "object", "properties": {"items": {"type": "array", "items": ref("Proxy")}}}),
                    **error_responses(401, 404),
                },
                params=[path_id("id")],
            ),
            "post": op(
                "Record a proxy: to_city_id's board member casts from_city_id's vote (secretariat); 409 proxy_conflict",
                {**ok(201, ref("Proxy"), "Recorded"), **error_responses(400, 401, 403, 404, 409, 413, 422)},
                params=[path_id("id")],
                request={
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["from_city_id", "to_city_id"],
                                "properties": {"from_city_id": INT, "to_city_id": INT},
                            }
                        },
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["from_city_id", "to_city_id"],
                                "properties": {
                                    "from_city_id": INT,
                                    "to_city_id": INT,
                                    "mandate": {"type": "string", "format": "binary", "description": "Signed PDF"},
                                },
                            }
                        },
                    },
                },
            ),
        },
        "/meetings/{id}/proxies/{pid}": {
            "delete": op(
                "Revoke a proxy; kept in the history, and an open poll keeps what it froze (secretariat)",
                {"204": {"description": "Revoked"}, **error_responses(401, 403, 404, 409)},
                params=[path_id("id"), path_id("pid")],
            )
        },
        "/meetings/{id}/proxies/{pid}/mandate.pdf": {
            "get": op(
                "The signed mandate of a proxy (secretariat, chair)",
                {"200": {"description": "PDF", "content": {"application/pdf": {}}}, **error_responses(401, 403, 404)},
                params=[path_id("id"), path_id("pid")],
            )
        },
        "/charts/membership": {
            "get": op("Members over time, the cap and each rename", CHART_RESPONSES, params=CHART_PARAMS)
        },
        "/charts/population": {"get": op("Population per member city", CHART_RESPONSES, params=CHART_PARAMS)},
        "/charts/provinces": {"get": op("Population by province", CHART_RESPONSES, params=CHART_PARAMS)},
        "/charts/population-history": {
            "get": op("The network's total population over time", CHART_RESPONSES, params=CHART_PARAMS)
        },
        "/charts/polls/{id}": {
            "get": op("A closed poll's result", POLL_CHART_RESPONSES, params=[path_id("id"), *CHART_PARAMS])
        },
        "/openapi.json": {"get": op("This document", {"200": {"description": "OpenAPI 3.1"}}, public=True)},
    }
    # deferred import: decisions describes its routes with this module's helpers; both go with the schemas (#12).
    from governance.api.decisions import openapi_paths as meeting_room_paths

    paths.update(meeting_room_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "governance API",
            "version": "1.0.0",
            "description": "The board tool of a network of cities: members, admissions, votes, the network day.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.get("/openapi.json")
def openapi_document():
    return build_document()
