"""Who comes to the day and to each session, the exports of the registrations and the badges."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import get_locale
from flask_babel import gettext as _

from governance import exports
from governance.extensions import db
from governance.meetings.models import Meeting, MeetingItem, PlaceStatus, Registration, RegistrationItem
from governance.members.models import City
from governance.members.services import members_on, sort_key


@dataclass
class ItemAttendance:
    item: MeetingItem
    registered: int
    waitlisted: int

    @property
    def capacity(self) -> int | None:
        return self.item.capacity

    @property
    def places_left(self) -> int | None:
        return None if self.item.capacity is None else max(self.item.capacity - self.registered, 0)


@dataclass
class Attendance:
    total: int
    declined: int
    items: list[ItemAttendance]
    unanswered: list[City]
    registrations: list[Registration]


def registrations(meeting: Meeting) -> list[Registration]:
    """Every registration of the meeting, by city, then name."""
    rows = db.session.scalars(
        sa.select(Registration)
        .where(Registration.meeting_id == meeting.id)
        .options(so.selectinload(Registration.places), so.selectinload(Registration.city))
    ).all()
    return sorted(rows, key=lambda r: (r.city is None, sort_key(r.city) if r.city else "", r.name.casefold()))


def attendance(meeting: Meeting) -> Attendance:
    """How many come to the day and to each session, and which member cities have not answered."""
    counts = {
        (item_id, status): n
        for item_id, status, n in db.session.execute(
            sa.select(RegistrationItem.item_id, RegistrationItem.status, sa.func.count())
            .join(Registration, Registration.id == RegistrationItem.registration_id)
            .where(Registration.meeting_id == meeting.id)
            .group_by(RegistrationItem.item_id, RegistrationItem.status)
        )
    }
    rows = registrations(meeting)
    answered = {r.city_id for r in rows if r.city_id is not None}
    return Attendance(
        total=sum(1 for r in rows if r.attending),
        declined=sum(1 for r in rows if not r.attending),
        items=[
            ItemAttendance(
                item, counts.get((item.id, PlaceStatus.REGISTERED), 0), counts.get((item.id, PlaceStatus.WAITLISTED), 0)
            )
            for item in meeting.items
        ],
        unanswered=[city for city in members_on(meeting.date) if city.id not in answered],
        registrations=rows,
    )


def export_rows(meeting: Meeting) -> list[list[Any]]:
    """The registrations as a table with a header row, for CSV and XLSX."""
    header = [
        _("Name"),
        _("Function"),
        _("City"),
        _("Email"),
        _("Attending"),
        _("Sessions"),
        _("Waiting list"),
        _("Registered by the secretariat"),
    ]
    table = [header]
    for r in registrations(meeting):
        table.append(
            [
                r.name,
                r.function,
                r.city.name if r.city else "",
                r.email,
                _("yes") if r.attending else _("no"),
                "; ".join(p.item.title for p in r.places if p.status == PlaceStatus.REGISTERED),
                "; ".join(p.item.title for p in r.places if p.status == PlaceStatus.WAITLISTED),
                _("yes") if r.registered_by_id else _("no"),
            ]
        )
    return table


def export_csv(meeting: Meeting) -> bytes:
    """The registrations for Excel, as every download from the pages is (governance.exports)."""
    table = export_rows(meeting)
    return exports.page_csv(table[0], table[1:], str(get_locale() or "nl"))


def export_xlsx(meeting: Meeting) -> bytes:
    table = export_rows(meeting)
    return exports.xlsx(_("Registrations"), table[0], table[1:], widths=(28, 28, 20, 32, 10, 50, 30, 12))


def badge_rows(meeting: Meeting) -> list[Registration]:
    """The attendees who get a badge: everyone attending, sorted by city, then name."""
    return [r for r in registrations(meeting) if r.attending]
