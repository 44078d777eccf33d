"""Registrations for the day and its sessions, with waiting lists that move up in the order people joined."""

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from governance import audit, clock
from governance.database import lock_for_update
from governance.errors import Conflict, NotFound
from governance.extensions import db
from governance.meetings.fields import NAME_MAX, add_error, clean_text, raise_if
from governance.meetings.models import Invitation, Meeting, MeetingItem, PlaceStatus, Registration, RegistrationItem
from governance.members.models import City

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MOVED_UP_KEY = "meetings.moved_up"


@dataclass
class RegistrationInput:
    """A registration's answer: attending, the sessions, the badge's name and function."""

    name: Any = None
    function: Any = ""
    email: Any = None
    city_id: Any = None
    attending: bool = True
    item_ids: list[int] = field(default_factory=list)


def count_places(item: MeetingItem, status: PlaceStatus) -> int:
    """How many places of a session have the status (registered or on the waiting list)."""
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
        "name": clean_text(errors, "name", data.name, max_length=NAME_MAX),
        "function": clean_text(errors, "function", data.function, required=False, max_length=NAME_MAX),
    }
    email = clean_text(errors, "email", data.email, max_length=254)
    if email and not _EMAIL.match(email):
        add_error(errors, "email", _("Enter a valid email address."))
    values["email"] = email.lower()
    city = None
    if data.city_id not in (None, ""):
        if isinstance(data.city_id, bool) or not isinstance(data.city_id, int):
            add_error(errors, "city_id", _("Must be a whole number."))
        else:
            city = db.session.get(City, data.city_id)
            if city is None:
                add_error(errors, "city_id", _("There is no city with number %(id)s.", id=data.city_id))
    values["city_id"] = city.id if city else None
    values["attending"] = bool(data.attending)
    items: list[MeetingItem] = []
    by_id = {item.id: item for item in meeting.items}
    for item_id in dict.fromkeys(data.item_ids or []):
        item = by_id.get(item_id)
        if item is None:
            add_error(errors, "items", _("Programme item %(id)s is not part of this meeting.", id=item_id))
        else:
            items.append(item)
    if not values["attending"]:
        items = []
    items.sort(key=lambda i: (i.starts_at, i.id))
    clash = next(((a, b) for i, a in enumerate(items) for b in items[i + 1 :] if a.overlaps(b)), None)
    if clash is not None:
        add_error(
            errors,
            "items",
            _("%(a)s and %(b)s take place at the same time; choose one.", a=clash[0].title, b=clash[1].title),
        )
    raise_if(errors)
    return values, items


def _take_place(registration: Registration, item: MeetingItem) -> RegistrationItem:
    # Lock the session (PostgreSQL) so two registrations never both take its last place.
    db.session.execute(lock_for_update(sa.select(MeetingItem.id).where(MeetingItem.id == item.id)))
    full = item.capacity is not None and count_places(item, PlaceStatus.REGISTERED) >= item.capacity
    waiting = count_places(item, PlaceStatus.WAITLISTED) > 0
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
        if item.capacity is not None and count_places(item, PlaceStatus.REGISTERED) >= item.capacity:
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
