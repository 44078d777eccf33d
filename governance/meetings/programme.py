"""The day's programme: sessions with a time, a room and a capacity."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from governance import audit
from governance.errors import Conflict, NotFound, ValidationFailed
from governance.extensions import db
from governance.meetings.fields import (
    ROOM_MAX,
    TEXT_MAX,
    add_error,
    clean_text,
    format_time,
    parse_time,
    raise_if,
)
from governance.meetings.models import ItemKind, Meeting, MeetingDocument, MeetingItem, PlaceStatus, RegistrationItem
from governance.meetings.registrations import count_places, promote_waiting

CAPACITY_MAX = 100_000


@dataclass
class ItemInput:
    """A programme item as typed in a form or sent to the API; times as HH:MM text."""

    start: Any = None
    end: Any = None
    kind: Any = None
    title: Any = None
    room: Any = ""
    capacity: Any = None
    description: Any = ""
    speakers: Any = ""


def get_item(meeting: Meeting, item_id: int) -> MeetingItem:
    item = db.session.get(MeetingItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(_("There is no programme item with number %(id)s.", id=item_id))
    return item


def _validate_item(meeting: Meeting, data: ItemInput, exclude_id: int | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "title": clean_text(errors, "title", data.title),
        "room": clean_text(errors, "room", data.room, required=False, max_length=ROOM_MAX),
        "description": clean_text(errors, "description", data.description, required=False, max_length=TEXT_MAX),
        "speakers": clean_text(errors, "speakers", data.speakers, required=False, max_length=TEXT_MAX),
    }
    start, end = parse_time(data.start), parse_time(data.end)
    for name, raw, parsed in (("start", data.start, start), ("end", data.end, end)):
        if raw is None or raw == "":
            add_error(errors, name, _("This field is required."))
        elif parsed is None:
            add_error(errors, name, _("Enter a time as HH:MM, for example 09:30."))
    if start and end and end <= start:
        add_error(
            errors,
            "end",
            _(
                "The end (%(end)s) must come after the start (%(start)s).",
                end=format_time(end),
                start=format_time(start),
            ),
        )
    try:
        values["kind"] = ItemKind(data.kind)
    except ValueError:
        add_error(errors, "kind", _("Choose one of: %(kinds)s.", kinds=", ".join(k.value for k in ItemKind)))
    capacity = data.capacity
    if capacity in ("", None):
        capacity = None
    elif isinstance(capacity, str) and capacity.strip().isdigit():
        capacity = int(capacity.strip())
    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int)):
        add_error(errors, "capacity", _("Must be a whole number."))
    elif capacity is not None and not 1 <= capacity <= CAPACITY_MAX:
        add_error(
            errors,
            "capacity",
            _("The capacity must be between 1 and %(max)s, or empty for no limit.", max=CAPACITY_MAX),
        )
    values.update(starts_at=start, ends_at=end, capacity=capacity)
    if not errors and values["room"]:
        for other in meeting.items:
            if other.id == exclude_id or other.room.casefold() != values["room"].casefold():
                continue
            if start < other.ends_at and other.starts_at < end:
                add_error(
                    errors,
                    "start",
                    _(
                        "%(room)s is already in use from %(start)s to %(end)s for %(title)s.",
                        room=other.room,
                        start=format_time(other.starts_at),
                        end=format_time(other.ends_at),
                        title=other.title,
                    ),
                )
                break
    raise_if(errors)
    return values


def add_item(actor, meeting: Meeting, data: ItemInput) -> MeetingItem:
    """Put a session on the programme; refused when its end is not after its start or its room is taken."""
    values = _validate_item(meeting, data)
    item = MeetingItem(meeting_id=meeting.id, **values)
    db.session.add(item)
    db.session.flush()
    db.session.refresh(meeting)
    audit.record(
        "meeting.item_added",
        item,
        actor,
        meeting_id=meeting.id,
        title=item.title,
        kind=item.kind,
        start=format_time(item.starts_at),
        end=format_time(item.ends_at),
        room=item.room,
        capacity=item.capacity,
    )
    return item


def update_item(actor, item: MeetingItem, data: ItemInput) -> MeetingItem:
    """Change a session; a larger capacity moves people up from its waiting list."""
    values = _validate_item(item.meeting, data, exclude_id=item.id)
    if values["capacity"] is not None and values["capacity"] < count_places(item, PlaceStatus.REGISTERED):
        raise ValidationFailed.on(
            "capacity",
            _(
                "%(n)d people already have a place; the capacity cannot be lower.",
                n=count_places(item, PlaceStatus.REGISTERED),
            ),
        )
    changes = {}
    for name, value in values.items():
        if getattr(item, name) != value:
            old = getattr(item, name)
            changes[name] = [
                format_time(old) if isinstance(old, dt.time) else old,
                format_time(value) if isinstance(value, dt.time) else value,
            ]
            setattr(item, name, value)
    if changes:
        db.session.flush()
        audit.record("meeting.item_updated", item, actor, changes=changes)
        promote_waiting(actor, item)
    return item


def delete_item(actor, item: MeetingItem) -> None:
    """Take a session off the programme, unless people registered for it or documents hang on it."""
    places = db.session.scalar(sa.select(sa.func.count()).where(RegistrationItem.item_id == item.id))
    documents = db.session.scalar(sa.select(sa.func.count()).where(MeetingDocument.item_id == item.id))
    if places or documents:
        raise Conflict(_("%(title)s has registrations or documents and cannot be removed.", title=item.title))
    meeting = item.meeting
    audit.record("meeting.item_removed", item, actor, meeting_id=item.meeting_id, title=item.title)
    db.session.delete(item)
    db.session.flush()
    db.session.refresh(meeting)
