"""iCalendar (RFC 5545) files for a meeting day and its sessions, written by the `icalendar` package."""

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app

from governance import clock
from governance.meetings.models import Meeting, MeetingItem


def _text(value: str | None) -> str:
    # Every line break as LF, which icalendar escapes as \n: a lone CR never reaches the file raw.
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def _utc(day: dt.date, time: dt.time) -> dt.datetime:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Amsterdam")
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)


def _event(uid: str, summary: str, start, end, location: str, description: str, stamp: dt.datetime):
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _text(summary))
    event.add("location", _text(location))
    if description:
        event.add("description", _text(description))
    return event


def meeting_calendar(meeting: Meeting, items: Iterable[MeetingItem] | None = None) -> bytes:
    """The day as one event plus an event per session (all sessions, or the ones given)."""
    domain = current_app.config.get("CALENDAR_UID_DOMAIN", "governance.invalid")
    stamp = clock.now().replace(tzinfo=dt.UTC, microsecond=0)
    chosen = list(meeting.items if items is None else items)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//governance//network day//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if meeting.items:
        first = min(i.starts_at for i in meeting.items)
        last = max(i.ends_at for i in meeting.items)
        start, end = _utc(meeting.date, first), _utc(meeting.date, last)
        description = meeting.description
    else:  # no programme yet: the whole day
        start, end = meeting.date, meeting.date + dt.timedelta(days=1)
        description = ""
    calendar.add_component(
        _event(f"meeting-{meeting.id}@{domain}", meeting.title, start, end, meeting.place, description, stamp)
    )
    for item in sorted(chosen, key=lambda i: (i.starts_at, i.id)):
        location = f"{item.room}, {meeting.place}" if item.room else meeting.place
        description = "\n".join(part for part in (item.speakers, item.description) if part)
        calendar.add_component(
            _event(
                f"meeting-{meeting.id}-item-{item.id}@{domain}",
                item.title,
                _utc(meeting.date, item.starts_at),
                _utc(meeting.date, item.ends_at),
                location,
                description,
                stamp,
            )
        )
    return calendar.to_ical()
