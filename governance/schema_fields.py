"""What every API schema shares: strict JSON types with Dutch messages, bounded ids, ISO dates, computed answers.

The areas' `schemas.py` build on these. Marshmallow's own English messages never reach a user: every message
a field can give is one of ours, translated through Flask-Babel when the request is answered.
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from governance import input_guard
from governance.input_guard import INT_MAX, INT_MIN

# Marshmallow's default message keys, in our words (lazy: the language is the request's).
_MESSAGES = {
    "required": _l("This field is required."),
    "null": _l("This field is required."),
    "validator_failed": _l("This value is not valid."),
    "type": _l("Must be a JSON object."),
}
_INVALID_BY_KIND = {
    ma.fields.Integer: _l("Must be a whole number."),
    ma.fields.Boolean: _l("Must be true or false."),
    ma.fields.Date: _l("Must be a date as YYYY-MM-DD."),
    ma.fields.List: _l("Must be a list."),
    ma.fields.Dict: _l("Must be a JSON object."),
    ma.fields.String: _l("Must be text."),
}


class Schema(ma.Schema):
    """The base of every API schema: unknown fields are ignored (as they always were), every message is ours."""

    class Meta:
        unknown = ma.EXCLUDE

    error_messages = {"type": _MESSAGES["type"], "unknown": _l("This field is not known.")}

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        messages = {key: _MESSAGES[key] for key in ("required", "null", "validator_failed")}
        for kind, message in _INVALID_BY_KIND.items():
            if isinstance(field_obj, kind):
                messages["invalid"] = message
                break
        # Marshmallow's defaults are plain English str; a message a schema gave a field itself is lazy: kept.
        current = field_obj.error_messages
        field_obj.error_messages = {
            **current,
            **{key: text for key, text in messages.items() if isinstance(current.get(key, ""), str)},
        }


class QuerySchema(Schema):
    """The base of a query string's schema: a parameter it does not know is refused (a typo is not ignored)."""

    class Meta:
        unknown = ma.RAISE


class Text(ma.fields.String):
    """Text, stripped; at most `max_length` characters (the guard has already refused NUL and broken Unicode)."""

    default_error_messages = {**_MESSAGES, "invalid": _INVALID_BY_KIND[ma.fields.String]}

    def __init__(self, *, max_length: int = 200, strip: bool = True, **kwargs):
        metadata = {"maxLength": max_length, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.max_length = max_length
        self.strip = strip

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        text = value.strip() if self.strip else value
        if self.required and not text.strip():
            raise self.make_error("required")
        if len(text) > self.max_length:
            raise ma.ValidationError(_("At most %(n)d characters.", n=self.max_length))
        return text


class WithinRange(ma.validate.Range):
    """A Range whose sentence is ours, in the request's language (apispec still documents min and max)."""

    def __init__(self, min=None, max=None, message: str = ""):  # noqa: A002 - marshmallow's names
        super().__init__(min=min, max=max)
        self.message = message

    def _format_error(self, value, message):
        if self.message:
            return _(self.message, low=self.min, high=self.max)
        return _("Must be a whole number from %(low)s to %(high)s.", low=self.min, high=self.max)


class Int(ma.fields.Integer):
    """A JSON integer (never true/false, never 1.5 or "5") within the columns' range unless told a narrower one."""

    default_error_messages = {**_MESSAGES, "invalid": _INVALID_BY_KIND[ma.fields.Integer]}

    def __init__(self, *, minimum: int = INT_MIN, maximum: int = INT_MAX, message: str = "", **kwargs):
        validators = [WithinRange(minimum, maximum, message), *_as_list(kwargs.pop("validate", None))]
        super().__init__(strict=True, validate=validators, **kwargs)


class Id(Int):
    """The number of an object: from 1 to the largest the id columns hold (past that: 422 naming the field)."""

    def __init__(self, **kwargs):
        super().__init__(minimum=1, **kwargs)


def CityId(**kwargs) -> Id:  # noqa: N802 - reads as a field type
    """The number of a city."""
    return Id(error_messages={"invalid": _l("Must be the number of a city.")}, **kwargs)


class QueryInt(ma.fields.Integer):
    """A whole number written in a query string."""

    default_error_messages = {**_MESSAGES, "invalid": _INVALID_BY_KIND[ma.fields.Integer]}

    _DIGITS = re.compile(r"-?\d{1,10}")

    def __init__(self, *, minimum: int = INT_MIN, maximum: int = INT_MAX, message: str = "", **kwargs):
        super().__init__(validate=[WithinRange(minimum, maximum, message)], **kwargs)
        self.range_message = message

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self._DIGITS.fullmatch(value.strip()):
            raise ma.ValidationError(_(self.range_message) if self.range_message else _("Must be a whole number."))
        return int(value)


class Bool(ma.fields.Boolean):
    """JSON true or false, nothing else ("yes", 1 and "true" are refused)."""

    default_error_messages = {**_MESSAGES, "invalid": _INVALID_BY_KIND[ma.fields.Boolean]}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class IsoDate(ma.fields.Date):
    """A date as YYYY-MM-DD, between the first and the last day the app reckons with."""

    default_error_messages = {**_MESSAGES, "invalid": _INVALID_BY_KIND[ma.fields.Date]}

    _ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self._ISO.match(value):
            raise self.make_error("invalid")
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None
        problem = input_guard.date_problem(day)
        if problem:
            raise ma.ValidationError(problem)
        return day


class Timestamp(ma.fields.String):
    """A moment as stored (UTC, to the second): YYYY-MM-DDTHH:MM:SS."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat(timespec="seconds") if value is not None else None


class Choice(ma.fields.String):
    """One of a fixed set of words (documented as an enum); the sentence names the choices."""

    def __init__(self, choices, *, message: str = "", **kwargs):
        self.choices = [getattr(c, "value", c) for c in choices]
        enum = [*self.choices, None] if kwargs.get("allow_none") else self.choices
        metadata = {"enum": enum, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.message = message

    def _serialize(self, value, attr, obj, **kwargs):
        return getattr(value, "value", value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or value not in self.choices:
            raise ma.ValidationError(
                _(self.message) if self.message else _("Choose one of: %(choices)s.", choices=", ".join(self.choices))
            )
        return value


def computed(field: ma.fields.Field, compute: Callable[[Any], Any]) -> ma.fields.Field:
    """Make `field` (dump only) take its value from `compute(obj)` rather than an attribute."""
    field.dump_only = True
    field.get_value = lambda obj, attr, accessor=None, default=ma.missing: compute(obj)  # type: ignore[method-assign]
    return field


class AsStored(ma.fields.Nested):
    """A frozen object (a poll's result, a signed record) answered exactly as stored; documented by its schema.

    What was frozen at the close (and signed) is never reshaped on the way out.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        return value


def _as_list(validate) -> list:
    if validate is None:
        return []
    return list(validate) if isinstance(validate, (list, tuple)) else [validate]


def flatten_messages(messages: Any, path: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as `{"field": [...], "items[0]": [...], "result.city_id": [...]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                name = path or "body"
            elif isinstance(key, int):
                name = f"{path}[{key}]"
            else:
                name = f"{path}.{key}" if path else str(key)
            for field, texts in flatten_messages(value, name).items():
                flat.setdefault(field, []).extend(texts)
    elif isinstance(messages, (list, tuple)):
        texts = [str(m) for m in messages if not isinstance(m, (dict, list))]
        if texts:
            flat[path or "body"] = texts
        for m in messages:
            if isinstance(m, (dict, list)):
                for field, more in flatten_messages(m, path).items():
                    flat.setdefault(field, []).extend(more)
    else:
        flat[path or "body"] = [str(messages)]
    return flat
