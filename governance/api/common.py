"""What every API view shares: authentication, the error shape, JSON bodies and field parsing."""

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any, Optional

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from governance import clock, input_guard
from governance.accounts.auth import api_user
from governance.accounts.models import User
from governance.api import bp
from governance.errors import DomainError, ValidationFailed


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
    """The request's JSON object; 400 for anything else, 413 when too large."""
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
    input_guard.check_json(data)  # broken Unicode, NUL, ids past the columns: 422 naming the field
    return data


class Fields:
    """Reads fields of a JSON body, collecting every problem before raising one 422."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        return field in self.data and self.data[field] is not None

    def text(self, field: str, *, required: bool = True, max_length: int = 200) -> Optional[str]:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, _("This field is required."))
            return None
        if not isinstance(value, str):
            self.fail(field, _("Must be text."))
            return None
        value = value.strip()
        if required and not value:
            self.fail(field, _("This field is required."))
            return None
        if len(value) > max_length:
            self.fail(field, _("At most %(n)d characters.", n=max_length))
            return None
        return value

    def integer(self, field: str, *, required: bool = True) -> Optional[int]:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, _("This field is required."))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, _("Must be a whole number."))
            return None
        return value

    def date(self, field: str, *, required: bool = True) -> Optional[dt.date]:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, _("This field is required."))
            return None
        parsed = parse_iso_date(value)
        if parsed is None:
            self.fail(field, _("Must be a date as YYYY-MM-DD."))
        elif input_guard.date_problem(parsed):
            self.fail(field, input_guard.date_problem(parsed))
            return None
        return parsed

    def boolean(self, field: str, *, default: bool = False) -> bool:
        value = self.data.get(field, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(field, _("Must be true or false."))
            return default
        return value

    def check(self) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise ValidationFailed(
                first if len(self.errors) == 1 else _("Some fields are missing or invalid."), fields=self.errors
            )


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(value: Any) -> Optional[dt.date]:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def date_arg(name: str = "on") -> dt.date:
    """A date from the query string (default today); 422 when it is not a real date."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return clock.today()
    parsed = parse_iso_date(raw)
    if parsed is None:
        raise ValidationFailed.on(name, _("'%(value)s' is not a date as YYYY-MM-DD.", value=raw[:40]))
    if input_guard.date_problem(parsed):
        raise ValidationFailed.on(name, input_guard.date_problem(parsed))
    return parsed


def id_list(value: Any, field: str, fields: Fields) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        fields.fail(field, _("Must be a list of ids."))
        return []
    return value
