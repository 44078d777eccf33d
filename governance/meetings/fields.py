"""What the meeting sections share: field checks that gather errors per field, and times written as HH:MM."""

import datetime as dt
import re
from typing import Any

from flask_babel import gettext as _

from governance.errors import ValidationFailed

TITLE_MAX = 200
PLACE_MAX = 200
ROOM_MAX = 120
NAME_MAX = 120
TEXT_MAX = 5000
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def raise_if(errors: dict[str, list[str]]) -> None:
    """Refuse with the first sentence when any field has an error, naming every field's errors."""
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields=errors)


def add_error(errors: dict[str, list[str]], name: str, message: str) -> None:
    """Add a sentence to a field's errors."""
    errors.setdefault(name, []).append(message)


def clean_text(errors, name, value, *, required=True, max_length=TITLE_MAX) -> str:
    """The value stripped, with a sentence in errors when it is missing, not text or too long."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            add_error(errors, name, _("This field is required."))
        return ""
    if not isinstance(value, str):
        add_error(errors, name, _("Must be text."))
        return ""
    value = value.strip()
    if len(value) > max_length:
        add_error(errors, name, _("At most %(n)d characters.", n=max_length))
    return value


def parse_time(value: Any) -> dt.time | None:
    """A time written as HH:MM (24-hour clock), or None when it is not one."""
    if isinstance(value, dt.time):
        return value
    if not isinstance(value, str):
        return None
    match = _TIME.match(value.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return dt.time(hours, minutes)


def format_time(value: dt.time) -> str:
    """A time as HH:MM, as the programme shows it."""
    return value.strftime("%H:%M")
