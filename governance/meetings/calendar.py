"""iCalendar (RFC 5545) files for a meeting day and its sessions."""

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from flask import current_app

from governance.meetings.models import Meeting, MeetingItem
from governance.models_base import utcnow


def _escape(text: str) -> str:
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(day: dt.date, time: dt.time) -> str:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Amsterdam")
    moment = dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _event(uid: str, summary: str, start: str, end: str, location: str, description: str, stamp: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        *([f"DESCRIPTION:{_escape(description)}"] if description else []),
        "END:VEVENT",
    ]


def meeting_calendar(meeting: Meeting, items: Iterable[MeetingItem] | None = None) -> bytes:
    """The day as one event plus an event per session (all sessions, or the ones given)."""
    domain = current_app.config.get("CALENDAR_UID_DOMAIN", "governance.invalid")
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    chosen = list(meeting.items if items is None else items)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//governance//network day//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if meeting.items:
        first = min(i.starts_at for i in meeting.items)
        last = max(i.ends_at for i in meeting.items)
        lines += _event(
            f"meeting-{meeting.id}@{domain}",
            meeting.title,
            _utc(meeting.date, first),
            _utc(meeting.date, last),
            meeting.place,
            meeting.description,
            stamp,
        )
    else:
        following = meeting.date + dt.timedelta(days=1)
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.id}@{domain}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{meeting.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{following:%Y%m%d}",
            f"SUMMARY:{_escape(meeting.title)}",
            f"LOCATION:{_escape(meeting.place)}",
            "END:VEVENT",
        ]
    for item in sorted(chosen, key=lambda i: (i.starts_at, i.id)):
        location = f"{item.room}, {meeting.place}" if item.room else meeting.place
        description = "\n".join(part for part in (item.speakers, item.description) if part)
        lines += _event(
            f"meeting-{meeting.id}-item-{item.id}@{domain}",
            item.title,
            _utc(meeting.date, item.starts_at),
            _utc(meeting.date, item.ends_at),
            location,
            description,
            stamp,
        )
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
