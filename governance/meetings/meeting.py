"""A meeting day: find, list, create and change one."""

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from governance import audit
from governance.errors import NotFound
from governance.extensions import db
from governance.meetings.fields import PLACE_MAX, TEXT_MAX, add_error, clean_text, raise_if
from governance.meetings.models import Meeting


def get_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no meeting with number %(id)s.", id=meeting_id))
    return meeting


def list_meetings() -> list[Meeting]:
    """Every meeting, the latest first."""
    return list(db.session.scalars(sa.select(Meeting).order_by(Meeting.date.desc(), Meeting.id.desc())))


def _validate_meeting(title, date, place, description) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    values = {
        "title": clean_text(errors, "title", title),
        "place": clean_text(errors, "place", place, max_length=PLACE_MAX),
        "description": clean_text(errors, "description", description, required=False, max_length=TEXT_MAX),
    }
    if date is None:
        add_error(errors, "date", _("This field is required."))
    elif not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        add_error(errors, "date", _("Must be a date as YYYY-MM-DD."))
    values["date"] = date
    return values, errors


def create_meeting(actor, title, date, place, description="") -> Meeting:
    """Add a meeting day at a place; its programme follows item by item."""
    values, errors = _validate_meeting(title, date, place, description)
    raise_if(errors)
    meeting = Meeting(created_by_id=getattr(actor, "id", None), **values)
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.created", meeting, actor, title=meeting.title, date=meeting.date, place=meeting.place)
    return meeting


def update_meeting(actor, meeting: Meeting, title, date, place, description="") -> Meeting:
    values, errors = _validate_meeting(title, date, place, description)
    raise_if(errors)
    changes = {}
    for name, value in values.items():
        if getattr(meeting, name) != value:
            changes[name] = [getattr(meeting, name), value]
            setattr(meeting, name, value)
    if changes:
        db.session.flush()
        audit.record("meeting.updated", meeting, actor, changes=changes)
    return meeting
