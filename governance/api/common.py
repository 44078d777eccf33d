"""What every API view shares: authentication, the error shape, JSON bodies and field parsing."""

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any, Optional

import marshmallow as ma
from flask import current_app, jsonify, request
from flask_babel import gettext as _
from webargs.flaskparser import FlaskParser

from governance import input_guard
from governance.accounts.auth import api_user
from governance.accounts.models import User
from governance.api import bp, openapi_document
from governance.errors import DomainError, ValidationFailed
from governance.schema_fields import Choice, Schema, flatten_messages

ERROR_CODES = (
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
)


class ErrorDetailSchema(Schema):
    code = Choice(ERROR_CODES, required=True)
    message = ma.fields.String(required=True)
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        required=True,
        metadata={"description": "Each field that is missing or invalid, with its messages"},
    )


class ErrorSchema(Schema):
    """The one error envelope of the API."""

    error = ma.fields.Nested(ErrorDetailSchema, required=True)


def error_response(status: int, code: str, message: str, fields: Optional[dict] = None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="governance"'
    return response


class ApiError(DomainError):
    """An API-only refusal such as a missing token or an unreadable body."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message, code=code)
        self.status = status


@bp.before_request
def limit_json_size():
    # Uploads have their own, larger limit; JSON bodies stop at API_MAX_JSON_BYTES.
    if request.mimetype == "multipart/form-data":
        request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"] + 64 * 1024
    else:
        request.max_content_length = current_app.config["API_MAX_JSON_BYTES"]


def current_user_or_401() -> User:
    user = api_user()
    if user is None:
        raise ApiError(401, "unauthorized", _("A valid API token is required (Authorization: Bearer <token>)."))
    return user


def requires(rule: Optional[Callable[[object], bool]] = None) -> Callable:
    """Route decorator: a valid token (401), and, when a rule is named, allowed by it (403).

    The rule is a can_* permission method of a model, e.g. `@requires(Poll.can_open)`: the same method the page
    decorator `allowed` calls, so the page and the API answer alike. Without a rule, any valid token will do.
    """
    if rule is not None and not callable(rule):
        raise TypeError("requires() takes a can_* permission method, not a list of roles")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user_or_401()
            if rule is not None and not rule(user):
                raise ApiError(403, "forbidden", _("Your account may not do this."))
            return view(user, *args, **kwargs)

        wrapped.permission = rule
        return wrapped

    return decorator


def json_body() -> dict[str, Any]:
    """The request's JSON object; 400 for anything else, 413 when too large; broken text refused by the guard."""
    if request.content_length is not None and request.content_length > request.max_content_length:
        raise ApiError(413, "too_large", _("The request body is larger than 1 MiB."))
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = request.get_json(force=True, silent=False)
    except Exception:  # werkzeug raises BadRequest with an HTML body; we want our shape
        raise ApiError(400, "bad_request", _("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("The request body must be a JSON object."))
    # Broken Unicode, NUL and control characters: 422 naming the field. Numbers are bounded by their schema
    # fields (an id by the id columns), so a number where text belongs is "must be text", not out of range.
    input_guard.check_json(data, integers=False)
    return data


class ApiParser(FlaskParser):
    """webargs as the API wants it: any body read as JSON (400/413 in our shape), one 422 naming every field."""

    # Each schema says what it does with a field it does not know: bodies ignore one, query strings refuse one.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "json": None}

    def _raw_load_json(self, req):
        if req.mimetype == "multipart/form-data":
            # A proxy with its signed mandate: the form's fields, numbers as numbers, go through the same schema.
            return {name: int(v) if v.strip().isdigit() else (v or None) for name, v in req.form.items()}
        return json_body()

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        fields: dict[str, list[str]] = {}
        for messages in error.messages.values():  # one level per location (json, query)
            for field, texts in flatten_messages(messages).items():
                fields.setdefault(field, []).extend(texts)
        first = next(iter(fields.values()))[0] if fields else _("Some fields are missing or invalid.")
        raise ValidationFailed(first if len(fields) == 1 else _("Some fields are missing or invalid."), fields=fields)


bp.ARGUMENTS_PARSER = ApiParser()


def body(schema) -> Callable:
    """Route decorator: the JSON body loaded by `schema`, documented with its 400, 413 and 422 answers."""

    def decorator(view: Callable) -> Callable:
        view = refusals(400, 413)(view)
        return bp.arguments(_instance(schema), location="json")(view)

    return decorator


def _instance(schema):
    # webargs makes a new instance of a schema class for every request (fields deep-copied each time); one
    # instance, made here once, does for all of them: loading keeps no state in it. It keeps the vote fast.
    return schema() if isinstance(schema, type) else schema


def query(schema) -> Callable:
    """Route decorator: the query string loaded by `schema` (422 naming each bad parameter)."""
    return bp.arguments(_instance(schema), location="query")


_REFUSALS = {
    400: "The body is not valid JSON or not an object",
    401: "No token, an unknown or a revoked token",
    403: "Authenticated but not allowed",
    404: "No such object",
    409: "Conflicts with the current state",
    413: "The body is over 1 MiB",
    422: "A field is missing or invalid",
    429: "Too many failed logins; Retry-After says when to try again",
}


def refusals(*statuses: int) -> Callable:
    """Route decorator: document these error answers, each in the error envelope."""

    def decorator(view: Callable) -> Callable:
        for status in statuses:
            view = bp.alt_response(status, schema=ErrorSchema, description=_REFUSALS[status])(view)
        return view

    return decorator


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(value: Any) -> Optional[dt.date]:
    """A YYYY-MM-DD date, or None (the members' pages read their `on` this way too)."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@bp.get("/openapi.json")
@bp.doc(security=[], summary="This document")
@bp.response(200, description="The OpenAPI 3.1 document of /api/v1, generated from the routes' schemas")
def openapi_json():
    return openapi_document()
