"""Meetings (the network day) in the JSON API: programme, registrations, attendance, badges, calendar."""

from flask import Response, jsonify

from governance.api import bp
from governance.api.common import Fields, id_list, json_body, requires
from governance.extensions import db
from governance.meetings import mail
from governance.meetings.attendance import attendance, badge_rows, registrations
from governance.meetings.badges import badges_pdf
from governance.meetings.calendar import meeting_calendar
from governance.meetings.fields import TEXT_MAX, format_time
from governance.meetings.meeting import create_meeting, get_meeting, list_meetings
from governance.meetings.models import Meeting, MeetingItem, Registration
from governance.meetings.programme import ItemInput, add_item
from governance.meetings.registrations import RegistrationInput, cancel_registration, get_registration, register
from governance.network.rules import network_name_on


def item_json(item: MeetingItem) -> dict:
    return {
        "id": item.id,
        "start": format_time(item.starts_at),
        "end": format_time(item.ends_at),
        "kind": item.kind.value,
        "title": item.title,
        "room": item.room,
        "capacity": item.capacity,
        "description": item.description,
        "speakers": item.speakers,
    }


def meeting_json(meeting: Meeting) -> dict:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "date": meeting.date.isoformat(),
        "place": meeting.place,
        "description": meeting.description,
        "items": [item_json(item) for item in meeting.items],
    }


def registration_json(registration: Registration) -> dict:
    return {
        "id": registration.id,
        "name": registration.name,
        "function": registration.function,
        "city_id": registration.city_id,
        "email": registration.email,
        "attending": registration.attending,
        "items": [{"id": p.item_id, "status": p.status.value} for p in registration.places],
    }


@bp.get("/meetings")
@requires(Meeting.can_read)
def meetings_index(user):
    return jsonify({"items": [meeting_json(m) for m in list_meetings()]})


@bp.post("/meetings")
@requires(Meeting.can_create)
def meetings_create(user):
    fields = Fields(json_body())
    title = fields.text("title")
    date = fields.date("date")
    place = fields.text("place")
    description = fields.text("description", required=False, max_length=TEXT_MAX)
    fields.check()
    meeting = create_meeting(user, title, date, place, description or "")
    db.session.commit()
    return jsonify(meeting_json(meeting)), 201


@bp.get("/meetings/<int:meeting_id>")
@requires(Meeting.can_read)
def meetings_show(user, meeting_id):
    return jsonify(meeting_json(get_meeting(meeting_id)))


@bp.post("/meetings/<int:meeting_id>/items")
@requires(Meeting.can_manage)
def meetings_add_item(user, meeting_id):
    meeting = get_meeting(meeting_id)
    data = json_body()
    item = add_item(
        user,
        meeting,
        ItemInput(
            start=data.get("start"),
            end=data.get("end"),
            kind=data.get("kind"),
            title=data.get("title"),
            room=data.get("room") or "",
            capacity=data.get("capacity"),
            description=data.get("description") or "",
            speakers=data.get("speakers") or "",
        ),
    )
    db.session.commit()
    return jsonify(item_json(item)), 201


@bp.get("/meetings/<int:meeting_id>/registrations")
@requires(Meeting.can_see_attendance)
def meetings_registrations(user, meeting_id):
    meeting = get_meeting(meeting_id)
    return jsonify({"items": [registration_json(r) for r in registrations(meeting)]})


@bp.post("/meetings/<int:meeting_id>/registrations")
@requires(Meeting.can_manage)
def meetings_register(user, meeting_id):
    meeting = get_meeting(meeting_id)
    data = json_body()
    fields = Fields(data)
    items = id_list(data.get("items", []), "items", fields)
    attending = fields.boolean("attending", default=True)
    fields.check()
    registration = register(
        user,
        meeting,
        RegistrationInput(
            name=data.get("name"),
            function=data.get("function") or "",
            email=data.get("email"),
            city_id=data.get("city_id"),
            attending=attending,
            item_ids=items,
        ),
        on_behalf=True,
    )
    db.session.commit()
    return jsonify(registration_json(registration)), 201


@bp.delete("/meetings/<int:meeting_id>/registrations/<int:registration_id>")
@requires(Meeting.can_manage)
def meetings_cancel_registration(user, meeting_id, registration_id):
    meeting = get_meeting(meeting_id)
    cancel_registration(user, get_registration(meeting, registration_id))
    db.session.commit()
    mail.send_moved_up_notices()
    return Response(status=204)


@bp.get("/meetings/<int:meeting_id>/attendance")
@requires(Meeting.can_see_attendance)
def meetings_attendance(user, meeting_id):
    meeting = get_meeting(meeting_id)
    numbers = attendance(meeting)
    return jsonify(
        {
            "total": numbers.total,
            "declined": numbers.declined,
            "items": [
                {
                    "id": row.item.id,
                    "title": row.item.title,
                    "registered": row.registered,
                    "waitlisted": row.waitlisted,
                    "capacity": row.capacity,
                }
                for row in numbers.items
            ],
            "unanswered_cities": [{"id": city.id, "name": city.name} for city in numbers.unanswered],
        }
    )


@bp.get("/meetings/<int:meeting_id>/badges.pdf")
@requires(Meeting.can_manage)
def meetings_badges(user, meeting_id):
    meeting = get_meeting(meeting_id)
    pdf = badges_pdf(meeting, badge_rows(meeting), network_name_on(meeting.date))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="badges-{meeting.date.isoformat()}.pdf"'},
    )


@bp.get("/meetings/<int:meeting_id>/calendar.ics")
@requires(Meeting.can_read)
def meetings_calendar(user, meeting_id):
    meeting = get_meeting(meeting_id)
    return Response(
        meeting_calendar(meeting),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.date.isoformat()}.ics"'},
    )
