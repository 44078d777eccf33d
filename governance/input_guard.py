"""Bad input stops at the door with a sentence: ids in range, text without NUL or broken Unicode, sane dates.

One place for the checks the API, the forms and the database share, installed on the app by `init_app`:
the `int` URL converter bounded to the id columns, the JSON body walk, a validator on every form field,
NUL in the query string, and a last check before anything is flushed to the database.
"""

import datetime as dt
import re
from typing import Any, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError
from wtforms.validators import StopValidation

from governance.errors import ValidationFailed

# Every id and count column is INTEGER: 32 bits signed on PostgreSQL (SQLite would take 63).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# The charts' calendar: axes reach a little either side of a date, so dates stay well inside datetime's range.
FIRST_DAY, LAST_DAY = dt.date(1800, 1, 1), dt.date(2999, 12, 31)
# C0 control characters other than tab, line feed and carriage return: no text needs them, and NUL breaks
# PostgreSQL, the rest break XLSX files.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: a number past the id columns' range is no such page (404), not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        # werkzeug would try the next rule, and a rule of the same path with another method makes it a 405;
        # a number no id column holds is simply no such object, whatever the method.
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def text_problem(value: str) -> Optional[str]:
    """Why this text cannot be stored, or None when it can."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Contains a character that is not valid Unicode (a lone surrogate).")
    if _CONTROL.search(value):
        if "\x00" in value:
            return _("Contains a NUL character, which text may not contain.")
        return _("Contains a control character, which text may not contain.")
    return None


def integer_problem(value: int) -> Optional[str]:
    if not INT_MIN <= value <= INT_MAX:
        return _("Must be a whole number from %(low)s to %(high)s.", low=INT_MIN, high=INT_MAX)
    return None


def date_problem(value: dt.date) -> Optional[str]:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        return _(
            "The date must lie between %(first)s and %(last)s.", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()
        )
    return None


def check_json(data: Any, *, integers: bool = True) -> None:
    """Refuse a JSON body holding broken text (or, with `integers`, a number no column can hold): one 422.

    The API passes `integers=False`: its schema fields bound each number by what it is (an id by the id
    columns), so a number sent where text belongs is not range-checked as if it were an id.
    """
    errors: dict[str, list[str]] = {}

    def walk(value: Any, path: str) -> None:
        problem = None
        if isinstance(value, str):
            problem = text_problem(value)
        elif isinstance(value, bool):
            return
        elif isinstance(value, int):
            problem = integer_problem(value) if integers else None
        elif isinstance(value, dict):
            for key, item in value.items():
                key_problem = text_problem(key)
                if key_problem:
                    errors.setdefault(path or "body", []).append(key_problem)
                    continue
                walk(item, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        if problem:
            errors.setdefault(path or "body", []).append(problem)

    walk(data, "")
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first if len(errors) == 1 else _("Some fields are missing or invalid."), fields=errors)


def check_query_string() -> None:
    """NUL or control characters in the query string: a 422 naming the parameter (PostgreSQL would refuse it)."""
    for name, values in request.args.lists():
        for value in (name, *values):
            problem = text_problem(value)
            if problem:
                raise ValidationFailed.on("query" if text_problem(name) else name, problem)


# -- forms ----------------------------------------------------------------------------------------------


def check_form_field(form, field) -> None:
    """The validator every field of a `SafeForm` gets: text without NUL, numbers and dates in range."""
    values = field.data if isinstance(field.data, (list, tuple)) else [field.data]
    for value in values:
        problem = None
        if isinstance(value, str):
            problem = text_problem(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            problem = integer_problem(value)
        elif isinstance(value, dt.date):
            problem = date_problem(value)
        if problem:
            raise StopValidation(problem)


class SafeForm(FlaskForm):
    """The base of every form: each field also runs `check_form_field` after its own validators."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            field.validators = [*field.validators, check_form_field]
            return field


# -- the database --------------------------------------------------------------------------------------


def _check_before_flush(session: so.Session, _context, _instances) -> None:
    """The last door: no object is flushed with broken text, an out-of-range number or an insane date."""
    for instance in (*session.new, *session.dirty):
        state = sa.inspect(instance)
        values = state.dict  # only what is loaded: never a lazy load inside the flush
        for column in state.mapper.column_attrs:
            key = column.key
            if key not in values:
                continue
            value = values[key]
            problem = None
            if isinstance(value, str):
                problem = text_problem(value)
            elif isinstance(value, bool):
                continue
            elif isinstance(value, int):
                problem = integer_problem(value)
            elif isinstance(value, dt.date) and isinstance(column.columns[0].type, sa.Date):
                problem = date_problem(value)
            if problem:
                raise ValidationFailed.on(key, problem)


def init_app(app: Flask) -> None:
    """Install the checks: call before the blueprints are registered (the converter binds at registration)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_query_string)
    if not sa.event.contains(so.Session, "before_flush", _check_before_flush):
        sa.event.listen(so.Session, "before_flush", _check_before_flush)
