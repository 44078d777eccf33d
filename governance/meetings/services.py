"""The network day's operations: programme, invitations, registrations, attendance, documents, agenda."""

import datetime as dt
import hashlib
import io
import os
import re
import secrets
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from governance import audit, clock, exports, links
from governance.accounts.models import Role, User, UserRole
from governance.database import lock_for_update
from governance.errors import Conflict, DomainError, NotFound, ValidationFailed
from governance.extensions import db
from governance.meetings.models import (
    AgendaItem,
    DocumentVersion,
    Invitation,
    ItemKind,
    Meeting,
    MeetingDocument,
    MeetingItem,
    PlaceStatus,
    Registration,
    RegistrationItem,
)
from governance.members.models import City

TITLE_MAX = 200
PLACE_MAX = 200
ROOM_MAX = 120
NAME_MAX = 120
TEXT_MAX = 5000
CAPACITY_MAX = 100_000
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LINK_SALT = "meeting-registration"
MOVED_UP_KEY = "meetings.moved_up"
DEFAULT_LINK_DAYS = 60


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields=errors)


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _text(errors, name, value, *, required=True, max_length=TITLE_MAX) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            _add(errors, name, _("This field is required."))
        return ""
    if not isinstance(value, str):
        _add(errors, name, _("Must be text."))
        return ""
    value = value.strip()
    if len(value) > max_length:
        _add(errors, name, _("At most %(n)d characters.", n=max_length))
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
    return value.strftime("%H:%M")


# -- meetings ----------------------------------------------------------------------------


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
        "title": _text(errors, "title", title),
        "place": _text(errors, "place", place, max_length=PLACE_MAX),
        "description": _text(errors, "description", description, required=False, max_length=TEXT_MAX),
    }
    if date is None:
        _add(errors, "date", _("This field is required."))
    elif not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        _add(errors, "date", _("Must be a date as YYYY-MM-DD."))
    values["date"] = date
    return values, errors


def create_meeting(actor, title, date, place, description="") -> Meeting:
    """Add a meeting day at a place; its programme follows item by item."""
    values, errors = _validate_meeting(title, date, place, description)
    _raise_if(errors)
    meeting = Meeting(created_by_id=getattr(actor, "id", None), **values)
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.created", meeting, actor, title=meeting.title, date=meeting.date, place=meeting.place)
    return meeting


def update_meeting(actor, meeting: Meeting, title, date, place, description="") -> Meeting:
    values, errors = _validate_meeting(title, date, place, description)
    _raise_if(errors)
    changes = {}
    for name, value in values.items():
        if getattr(meeting, name) != value:
            changes[name] = [getattr(meeting, name), value]
            setattr(meeting, name, value)
    if changes:
        db.session.flush()
        audit.record("meeting.updated", meeting, actor, changes=changes)
    return meeting


# -- the programme ---------------------------------------------------------------------------


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
        "title": _text(errors, "title", data.title),
        "room": _text(errors, "room", data.room, required=False, max_length=ROOM_MAX),
        "description": _text(errors, "description", data.description, required=False, max_length=TEXT_MAX),
        "speakers": _text(errors, "speakers", data.speakers, required=False, max_length=TEXT_MAX),
    }
    start, end = parse_time(data.start), parse_time(data.end)
    for name, raw, parsed in (("start", data.start, start), ("end", data.end, end)):
        if raw is None or raw == "":
            _add(errors, name, _("This field is required."))
        elif parsed is None:
            _add(errors, name, _("Enter a time as HH:MM, for example 09:30."))
    if start and end and end <= start:
        _add(
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
        _add(errors, "kind", _("Choose one of: %(kinds)s.", kinds=", ".join(k.value for k in ItemKind)))
    capacity = data.capacity
    if capacity in ("", None):
        capacity = None
    elif isinstance(capacity, str) and capacity.strip().isdigit():
        capacity = int(capacity.strip())
    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int)):
        _add(errors, "capacity", _("Must be a whole number."))
    elif capacity is not None and not 1 <= capacity <= CAPACITY_MAX:
        _add(
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
                _add(
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
    _raise_if(errors)
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
    if values["capacity"] is not None and values["capacity"] < _count(item, PlaceStatus.REGISTERED):
        raise ValidationFailed.on(
            "capacity",
            _(
                "%(n)d people already have a place; the capacity cannot be lower.",
                n=_count(item, PlaceStatus.REGISTERED),
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


# -- registrations -------------------------------------------------------------------------


@dataclass
class RegistrationInput:
    """A registration's answer: attending, the sessions, the badge's name and function."""

    name: Any = None
    function: Any = ""
    email: Any = None
    city_id: Any = None
    attending: bool = True
    item_ids: list[int] = field(default_factory=list)


def _count(item: MeetingItem, status: PlaceStatus) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RegistrationItem)
            .join(Registration, Registration.id == RegistrationItem.registration_id)
            .where(RegistrationItem.item_id == item.id, RegistrationItem.status == status)
        )
        or 0
    )


def _validate_registration(meeting: Meeting, data: RegistrationInput) -> tuple[dict, list[MeetingItem]]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "name": _text(errors, "name", data.name, max_length=NAME_MAX),
        "function": _text(errors, "function", data.function, required=False, max_length=NAME_MAX),
    }
    email = _text(errors, "email", data.email, max_length=254)
    if email and not _EMAIL.match(email):
        _add(errors, "email", _("Enter a valid email address."))
    values["email"] = email.lower()
    city = None
    if data.city_id not in (None, ""):
        if isinstance(data.city_id, bool) or not isinstance(data.city_id, int):
            _add(errors, "city_id", _("Must be a whole number."))
        else:
            city = db.session.get(City, data.city_id)
            if city is None:
                _add(errors, "city_id", _("There is no city with number %(id)s.", id=data.city_id))
    values["city_id"] = city.id if city else None
    values["attending"] = bool(data.attending)
    items: list[MeetingItem] = []
    by_id = {item.id: item for item in meeting.items}
    for item_id in dict.fromkeys(data.item_ids or []):
        item = by_id.get(item_id)
        if item is None:
            _add(errors, "items", _("Programme item %(id)s is not part of this meeting.", id=item_id))
        else:
            items.append(item)
    if not values["attending"]:
        items = []
    items.sort(key=lambda i: (i.starts_at, i.id))
    clash = next(((a, b) for i, a in enumerate(items) for b in items[i + 1 :] if a.overlaps(b)), None)
    if clash is not None:
        _add(
            errors,
            "items",
            _("%(a)s and %(b)s take place at the same time; choose one.", a=clash[0].title, b=clash[1].title),
        )
    _raise_if(errors)
    return values, items


def _take_place(registration: Registration, item: MeetingItem) -> RegistrationItem:
    # Lock the session (PostgreSQL) so two registrations never both take its last place.
    db.session.execute(lock_for_update(sa.select(MeetingItem.id).where(MeetingItem.id == item.id)))
    full = item.capacity is not None and _count(item, PlaceStatus.REGISTERED) >= item.capacity
    waiting = _count(item, PlaceStatus.WAITLISTED) > 0
    status = PlaceStatus.WAITLISTED if (full or (waiting and item.capacity is not None)) else PlaceStatus.REGISTERED
    place = RegistrationItem(registration=registration, item_id=item.id, status=status, queued_at=clock.now())
    db.session.add(place)
    db.session.flush()
    return place


def promote_waiting(actor, item: MeetingItem) -> list[RegistrationItem]:
    """Give freed places of a session to the first on its waiting list, in the order they joined it."""
    db.session.execute(lock_for_update(sa.select(MeetingItem.id).where(MeetingItem.id == item.id)))
    promoted = []
    while True:
        if item.capacity is not None and _count(item, PlaceStatus.REGISTERED) >= item.capacity:
            break
        first = db.session.scalars(
            sa.select(RegistrationItem)
            .where(RegistrationItem.item_id == item.id, RegistrationItem.status == PlaceStatus.WAITLISTED)
            .order_by(RegistrationItem.queued_at, RegistrationItem.id)
            .limit(1)
        ).first()
        if first is None:
            break
        first.status = PlaceStatus.REGISTERED
        db.session.flush()
        audit.record("meeting.place_moved_up", first.registration, actor, item_id=item.id)
        promoted.append(first)
        # The view tells these people after it commits (see mail.send_moved_up_notices).
        db.session.info.setdefault(MOVED_UP_KEY, []).append(first.id)
    return promoted


def _apply_places(actor, registration: Registration, items: list[MeetingItem]) -> list[RegistrationItem]:
    wanted = {item.id: item for item in items}
    freed = []
    for place in list(registration.places):
        if place.item_id not in wanted:
            if place.status == PlaceStatus.REGISTERED:
                freed.append(place.item)
            registration.places.remove(place)
    db.session.flush()
    have = {place.item_id for place in registration.places}
    for item in items:
        if item.id not in have:
            _take_place(registration, item)
    for item in freed:
        promote_waiting(actor, item)
    db.session.refresh(registration)
    return registration.places


def get_registration(meeting: Meeting, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.meeting_id != meeting.id:
        raise NotFound(_("There is no registration with number %(id)s.", id=registration_id))
    return registration


def find_registration(meeting: Meeting, email: str) -> Registration | None:
    return db.session.scalars(
        sa.select(Registration).where(
            Registration.meeting_id == meeting.id, Registration.email == (email or "").strip().lower()
        )
    ).first()


def register(
    actor, meeting: Meeting, data: RegistrationInput, invitation: Invitation | None = None, on_behalf: bool = False
) -> Registration:
    """Register a person for the day and the chosen sessions; a full session puts them on its waiting list."""
    values, items = _validate_registration(meeting, data)
    # One registration per address: serialise registrations for the meeting (PostgreSQL) before looking.
    db.session.execute(lock_for_update(sa.select(Meeting.id).where(Meeting.id == meeting.id)))
    if find_registration(meeting, values["email"]) is not None:
        message = _("%(email)s is already registered for this meeting.", email=values["email"])
        raise Conflict(message, code="duplicate", fields={"email": [message]})
    registration = Registration(
        meeting_id=meeting.id,
        invitation_id=getattr(invitation, "id", None),
        registered_by_id=getattr(actor, "id", None) if on_behalf else None,
        **values,
    )
    db.session.add(registration)
    db.session.flush()
    places = _apply_places(actor, registration, items)
    audit.record(
        "meeting.registered",
        registration,
        actor,
        meeting_id=meeting.id,
        email=registration.email,
        attending=registration.attending,
        on_behalf=on_behalf,
        places={str(p.item_id): p.status.value for p in places},
    )
    return registration


def update_registration(actor, registration: Registration, data: RegistrationInput) -> Registration:
    """Change an answer: sessions given up free their place for the waiting list."""
    values, items = _validate_registration(registration.meeting, data)
    other = find_registration(registration.meeting, values["email"])
    if other is not None and other.id != registration.id:
        message = _("%(email)s is already registered for this meeting.", email=values["email"])
        raise Conflict(message, code="duplicate", fields={"email": [message]})
    for name, value in values.items():
        setattr(registration, name, value)
    registration.updated_at = clock.now()
    places = _apply_places(actor, registration, items)
    audit.record(
        "meeting.registration_changed",
        registration,
        actor,
        attending=registration.attending,
        places={str(p.item_id): p.status.value for p in places},
    )
    return registration


def cancel_registration(actor, registration: Registration) -> None:
    """Remove a registration; the first on each freed session's waiting list moves up."""
    freed = [p.item for p in registration.places if p.status == PlaceStatus.REGISTERED]
    audit.record(
        "meeting.registration_cancelled",
        registration,
        actor,
        meeting_id=registration.meeting_id,
        email=registration.email,
    )
    db.session.delete(registration)
    db.session.flush()
    for item in freed:
        promote_waiting(actor, item)


# -- invitations and the signed link ----------------------------------------------------------


class LinkRefused(DomainError):
    """A registration link that is tampered with, unknown or expired."""

    status = 400
    code = "invalid_link"


def _serializer() -> URLSafeTimedSerializer:
    return links.serializer(LINK_SALT)


def link_max_age() -> int:
    """How long a registration link stays valid, in seconds."""
    return int(current_app.config.get("REGISTRATION_LINK_DAYS", DEFAULT_LINK_DAYS)) * 24 * 3600


def token_for(invitation: Invitation) -> str:
    """The signed, dated token of an invitation's personal link."""
    return _serializer().dumps({"i": invitation.id, "e": invitation.email})


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link belongs to; refused with a sentence when tampered with or expired."""
    try:
        payload = _serializer().loads(token, max_age=link_max_age())
    except SignatureExpired:
        raise LinkRefused(
            _("This registration link has expired. Ask the secretariat for a new invitation."), code="link_expired"
        ) from None
    except BadSignature:
        raise LinkRefused(
            _(
                "This registration link is not valid. Use the link from your invitation exactly "
                "as it was sent, or ask the secretariat for a new one."
            )
        ) from None
    invitation = db.session.get(Invitation, payload.get("i")) if isinstance(payload, dict) else None
    if invitation is None or invitation.email != payload.get("e"):
        raise LinkRefused(
            _(
                "This registration link is not valid. Use the link from your invitation exactly "
                "as it was sent, or ask the secretariat for a new one."
            )
        )
    refuse_ended_link(invitation)
    return invitation


def refuse_ended_link(invitation: Invitation) -> None:
    """A link ends at the end of the meeting's day (in the network's zone) and with its person's account."""
    if clock.today() > invitation.meeting.date:
        raise LinkRefused(
            _("The meeting of this registration link is over; the link no longer works."), code="link_expired"
        )
    if invitation.user_id is not None:
        person = db.session.get(User, invitation.user_id)
        if person is None or not person.active:
            raise LinkRefused(
                _("This registration link no longer works: the account it was sent to has been deactivated."),
                code="link_expired",
            )


def invitees(meeting: Meeting) -> list[User]:
    """The board members to invite: every active account with the board or chair role."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.active.is_(True),
                User.id.in_(sa.select(UserRole.user_id).where(UserRole.role.in_([Role.BOARD, Role.CHAIR]))),
            )
            .order_by(User.name)
        )
    )


def invitation_for_person(meeting: Meeting, user: User) -> Invitation:
    """The person's invitation to the meeting; a new one is not saved until it is sent or answered."""
    invitation = db.session.scalars(
        sa.select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.email == user.email.lower())
    ).first()
    if invitation is None:
        invitation = Invitation(
            meeting=meeting,
            user_id=user.id,
            email=user.email.lower(),
            name=user.name,
            function=user.function or "",
            city_id=user.city_id,
            sent_count=0,
        )
    return invitation


def _invitation_for(meeting: Meeting, user: User) -> Invitation:
    invitation = invitation_for_person(meeting, user)
    if invitation.id is None:
        db.session.add(invitation)
        db.session.flush()
    return invitation


def send_invitations(
    actor, meeting: Meeting, link_for: Callable[[str], str], only_unanswered: bool = False
) -> list[Invitation]:
    """Email each board member a personal registration link (by SMTP); returns the invitations sent."""
    from governance import mail
    from governance.meetings.mail import INVITATIONS_NOT_SENT, invitation_message  # it imports this module

    if not meeting.items:
        raise Conflict(_("Add the programme before sending the invitation."))
    people = invitees(meeting)
    if not people:
        raise Conflict(_("There are no board members to invite."))
    invitations = []
    for user in people:
        invitation = _invitation_for(meeting, user)
        if only_unanswered and find_registration(meeting, invitation.email) is not None:
            continue
        invitations.append(invitation)
    # The invitation goes out in the network's language, whatever language the sender's screen is in.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        messages = [invitation_message(meeting, inv, link_for(token_for(inv))) for inv in invitations]
    mail.deliver(messages, failed=INVITATIONS_NOT_SENT)
    now = clock.now()
    for invitation in invitations:
        invitation.sent_at = now
        invitation.sent_count += 1
    db.session.flush()
    audit.record(
        "meeting.invitations_sent", meeting, actor, count=len(invitations), emails=[i.email for i in invitations]
    )
    return invitations


def answer_invitation(invitation: Invitation, data: RegistrationInput) -> Registration:
    """The invited person's own answer through their link: a first answer or a change of it."""
    if invitation.id is None:
        db.session.add(invitation)
        db.session.flush()
    data.email = invitation.email
    data.city_id = invitation.city_id
    registration = find_registration(invitation.meeting, invitation.email)
    actor = db.session.get(User, invitation.user_id) if invitation.user_id else None
    if registration is None:
        return register(actor, invitation.meeting, data, invitation=invitation)
    return update_registration(actor, registration, data)


# -- attendance ------------------------------------------------------------------------------


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
    from governance.members.services import sort_key

    rows = db.session.scalars(
        sa.select(Registration)
        .where(Registration.meeting_id == meeting.id)
        .options(so.selectinload(Registration.places), so.selectinload(Registration.city))
    ).all()
    return sorted(rows, key=lambda r: (r.city is None, sort_key(r.city) if r.city else "", r.name.casefold()))


def attendance(meeting: Meeting) -> Attendance:
    """How many come to the day and to each session, and which member cities have not answered."""
    from governance.members.services import members_on

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
    from flask_babel import get_locale

    table = export_rows(meeting)
    return exports.page_csv(table[0], table[1:], str(get_locale() or "nl"))


def export_xlsx(meeting: Meeting) -> bytes:
    table = export_rows(meeting)
    return exports.xlsx(_("Registrations"), table[0], table[1:], widths=(28, 28, 20, 32, 10, 50, 30, 12))


def badge_rows(meeting: Meeting) -> list[Registration]:
    """The attendees who get a badge: everyone attending, sorted by city, then name."""
    return [r for r in registrations(meeting) if r.attending]


def network_name_on(day: dt.date) -> str:
    from governance.members.services import get_network, name_on

    try:
        return name_on(get_network(), day)
    except NotFound:
        return ""


# -- documents ---------------------------------------------------------------------------------


def documents_dir() -> str:
    path = current_app.config["DOCUMENTS_DIR"]
    os.makedirs(path, exist_ok=True)
    return path


def _check_pdf(data: bytes) -> None:
    """Accept only a readable PDF within the size limit; the content decides, not the file's name."""
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])
    if not data:
        raise ValidationFailed.on("file", _("Choose a PDF file to upload."))
    if len(data) > limit:
        raise ValidationFailed.on("file", _("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024)))
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise ValidationFailed.on("file", _("Only PDF files can be uploaded; this file is not a PDF."))
    from pypdf import PdfReader

    from governance.meetings.pdfs import active_content

    problem = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            pages = len(reader.pages)
            problem = active_content(data, reader) if pages else None
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of error for a damaged file; all mean "unreadable"
        pages = 0
    if pages < 1:
        raise ValidationFailed.on("file", _("This PDF cannot be read; upload a complete, undamaged PDF."))
    if problem:
        raise ValidationFailed.on("file", problem)


def _store(data: bytes) -> tuple[str, str]:
    """Write the bytes under a generated name; returns that name and the SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    name = secrets.token_hex(16) + ".pdf"
    directory = documents_dir()
    tmp = os.path.join(directory, "." + name + ".part")
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, os.path.join(directory, name))
    return name, digest


def document_path(version: DocumentVersion) -> str:
    return os.path.join(documents_dir(), version.stored_name)


def get_document(document_id: int) -> MeetingDocument:
    document = db.session.get(MeetingDocument, document_id)
    if document is None:
        raise NotFound(_("There is no document with number %(id)s.", id=document_id))
    return document


def _validate_document(meeting: Meeting, title, publish_on, item_id) -> dict:
    errors: dict[str, list[str]] = {}
    values = {"title": _text(errors, "title", title)}
    if publish_on is None:
        _add(errors, "publish_on", _("This field is required."))
    elif not isinstance(publish_on, dt.date):
        _add(errors, "publish_on", _("Must be a date as YYYY-MM-DD."))
    values["publish_on"] = publish_on
    values["item_id"] = None
    if item_id not in (None, "", 0):
        if not any(item.id == item_id for item in meeting.items):
            _add(errors, "item_id", _("Programme item %(id)s is not part of this meeting.", id=item_id))
        else:
            values["item_id"] = item_id
    _raise_if(errors)
    return values


def add_document(actor, meeting: Meeting, title, publish_on, data: bytes, item_id=None) -> MeetingDocument:
    """Upload a PDF as a new document (version 1), visible to board members from its publication date."""
    values = _validate_document(meeting, title, publish_on, item_id)
    _check_pdf(data)
    document = MeetingDocument(meeting_id=meeting.id, **values)
    db.session.add(document)
    db.session.flush()
    _add_version(actor, document, data)
    audit.record(
        "meeting.document_added",
        document,
        actor,
        meeting_id=meeting.id,
        title=document.title,
        publish_on=document.publish_on,
    )
    return document


def open_polls_on(document: MeetingDocument) -> list:
    """The open polls that approve a version of this document."""
    from governance.voting.models import Poll, PollState

    return list(
        db.session.scalars(
            sa.select(Poll)
            .join(AgendaItem, AgendaItem.poll_id == Poll.id)
            .join(DocumentVersion, DocumentVersion.id == AgendaItem.document_version_id)
            .where(DocumentVersion.document_id == document.id, Poll.state == PollState.OPEN)
        )
    )


def lock_documents(document_ids) -> None:
    """Lock documents' rows until commit, so that opening a vote on one and uploading a version take turns."""
    if not document_ids:
        return
    stmt = sa.select(MeetingDocument).where(MeetingDocument.id.in_(document_ids))
    for document in db.session.scalars(lock_for_update(stmt).execution_options(populate_existing=True)):
        db.session.expire(document, ["versions"])  # read the versions anew, now that no upload can slip in


def add_version(actor, document: MeetingDocument, data: bytes) -> DocumentVersion:
    """Upload a new version; the earlier ones stay. Refused while the board votes on this document."""
    lock_documents({document.id})
    polls = open_polls_on(document)
    if polls:
        raise Conflict(
            _(
                "The board is voting on version %(v)d of this document (%(poll)s); a new version can "
                "only be added after that vote closes.",
                v=document.latest.version,
                poll=polls[0].title,
            )
        )
    _check_pdf(data)
    return _add_version(actor, document, data)


def _add_version(actor, document: MeetingDocument, data: bytes) -> DocumentVersion:
    number = (
        db.session.scalar(
            sa.select(sa.func.max(DocumentVersion.version)).where(DocumentVersion.document_id == document.id)
        )
        or 0
    ) + 1
    stored, digest = _store(data)
    version = DocumentVersion(
        document_id=document.id,
        version=number,
        stored_name=stored,
        size=len(data),
        sha256=digest,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    db.session.refresh(document)
    audit.record(
        "meeting.document_version_added",
        version,
        actor,
        document_id=document.id,
        version=number,
        sha256=digest,
        size=len(data),
    )
    return version


def may_see_unpublished(user) -> bool:
    return Meeting.can_see_unpublished(user)


def visible_documents(meeting: Meeting, user, today: dt.date) -> list[MeetingDocument]:
    """The meeting's documents the user may see today: the secretariat all, others from their publication date."""
    query = sa.select(MeetingDocument).where(MeetingDocument.meeting_id == meeting.id)
    if not may_see_unpublished(user):
        query = query.where(MeetingDocument.publish_on <= today)
    return list(db.session.scalars(query.order_by(MeetingDocument.publish_on, MeetingDocument.id)))


def version_for_download(document: MeetingDocument, number: int, user, today: dt.date) -> DocumentVersion:
    """A version the user may download; an unpublished document does not exist for board members."""
    if not may_see_unpublished(user) and not document.is_published(today):
        raise NotFound(_("There is no document with number %(id)s.", id=document.id))
    version = next((v for v in document.versions if v.version == number), None)
    if version is None:
        raise NotFound(_("This document has no version %(n)s.", n=number))
    return version


# -- the general board's agenda ----------------------------------------------------------------------


def agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            sa.select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _poll(poll_id):
    from governance.voting.models import Poll

    if poll_id in (None, "", 0):
        return None
    poll = db.session.get(Poll, poll_id) if isinstance(poll_id, int) else None
    if poll is None:
        raise ValidationFailed.on("poll_id", _("There is no poll with number %(id)s.", id=poll_id))
    return poll


def _version(meeting: Meeting, version_id) -> DocumentVersion | None:
    if version_id in (None, "", 0):
        return None
    version = db.session.get(DocumentVersion, version_id) if isinstance(version_id, int) else None
    if version is None or version.document.meeting_id != meeting.id:
        raise ValidationFailed.on(
            "document_version_id", _("Document version %(id)s does not belong to this meeting.", id=version_id)
        )
    return version


def _application(application_id):
    from governance.admissions.models import Application

    if application_id in (None, "", 0):
        return None
    application = db.session.get(Application, application_id) if isinstance(application_id, int) else None
    if application is None:
        raise ValidationFailed.on("application_id", _("There is no application with number %(id)s.", id=application_id))
    return application


def add_agenda_item(
    actor, meeting: Meeting, title, description="", poll_id=None, document_version_id=None, application_id=None
) -> AgendaItem:
    """Put a point on the general board's agenda, linked to its poll and the document version it approves."""
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title)
    description = _text(errors, "description", description, required=False, max_length=TEXT_MAX)
    _raise_if(errors)
    poll = _poll(poll_id)
    version = _version(meeting, document_version_id)
    application = _application(application_id)
    if version is not None and poll is not None and poll.state.value != "draft":
        raise Conflict(_("Tie the document to the motion before its vote opens."))
    position = (
        db.session.scalar(sa.select(sa.func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0
    ) + 1
    item = AgendaItem(
        meeting_id=meeting.id,
        position=position,
        title=title,
        description=description,
        poll_id=poll.id if poll else None,
        application_id=application.id if application else None,
        document_version_id=version.id if version else None,
    )
    db.session.add(item)
    db.session.flush()
    audit.record(
        "meeting.agenda_item_added",
        item,
        actor,
        meeting_id=meeting.id,
        title=title,
        poll_id=item.poll_id,
        application_id=item.application_id,
        document_version_id=item.document_version_id,
        sha256=version.sha256 if version else None,
    )
    return item


def tie_to_latest_version(actor, item: AgendaItem) -> AgendaItem:
    """Tie a motion to the newest version of its document, as long as its vote has not opened."""
    if item.document_version is None:
        raise Conflict(_("This agenda item approves no document."))
    if item.poll is not None and item.poll.state.value != "draft":
        raise Conflict(_("The vote has opened; the document version it approves can no longer change."))
    latest = item.document_version.document.latest
    item.document_version_id = latest.id
    db.session.flush()
    db.session.refresh(item)
    audit.record("meeting.agenda_item_retied", item, actor, document_version_id=latest.id, sha256=latest.sha256)
    return item


def remove_agenda_item(actor, item: AgendaItem) -> None:
    audit.record("meeting.agenda_item_removed", item, actor, meeting_id=item.meeting_id, title=item.title)
    db.session.delete(item)
    db.session.flush()


def documents_for_poll(poll) -> list[AgendaItem]:
    """The agenda items that tie a poll to a document version (for the poll's page: "approves version N")."""
    return list(
        db.session.scalars(
            sa.select(AgendaItem).where(AgendaItem.poll_id == poll.id, AgendaItem.document_version_id.is_not(None))
        )
    )


def polls_to_link() -> list:
    """Polls the secretariat can put on an agenda, the newest first."""
    from governance.voting.models import Poll

    return list(db.session.scalars(sa.select(Poll).order_by(Poll.id.desc()).limit(200)))


def all_items_of(meetings: Iterable[Meeting]) -> list[MeetingItem]:
    return [item for meeting in meetings for item in meeting.items]
