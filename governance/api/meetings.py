"""Meetings (the network day) in the JSON API: programme, registrations, attendance, badges, calendar."""

from flask import Response

from governance.api import bp
from governance.api.common import body, refusals, requires
from governance.extensions import db
from governance.meetings import mail
from governance.meetings.attendance import attendance, badge_rows, registrations
from governance.meetings.badges import badges_pdf
from governance.meetings.calendar import meeting_calendar
from governance.meetings.meeting import create_meeting, get_meeting, list_meetings
from governance.meetings.models import Meeting
from governance.meetings.programme import ItemInput, add_item
from governance.meetings.registrations import RegistrationInput, cancel_registration, get_registration, register
from governance.meetings.schemas import (
    AttendanceSchema,
    ItemCreateSchema,
    ItemSchema,
    MeetingCreateSchema,
    MeetingListSchema,
    MeetingSchema,
    RegistrationCreateSchema,
    RegistrationListSchema,
    RegistrationSchema,
)
from governance.network.rules import network_name_on


@bp.get("/meetings")
@requires(Meeting.can_read)
@bp.doc(summary="Meetings")
@bp.response(200, MeetingListSchema)
@refusals(401)
def meetings_index(user):
    return {"items": list_meetings()}


@bp.post("/meetings")
@requires(Meeting.can_create)
@bp.doc(summary="Create a meeting (secretariat)")
@body(MeetingCreateSchema)
@bp.response(201, MeetingSchema)
@refusals(401, 403)
def meetings_create(user, data):
    meeting = create_meeting(user, data["title"], data["date"], data["place"], data["description"] or "")
    db.session.commit()
    return meeting


@bp.get("/meetings/<int:id>")
@requires(Meeting.can_read)
@bp.doc(summary="One meeting with its programme")
@bp.response(200, MeetingSchema)
@refusals(401, 404)
def meetings_show(user, id):  # noqa: A002 - the contract's path parameter
    return get_meeting(id)


@bp.post("/meetings/<int:id>/items")
@requires(Meeting.can_manage)
@bp.doc(summary="Add a programme item (secretariat); 422 when the end is not after the start or the room is taken")
@body(ItemCreateSchema)
@bp.response(201, ItemSchema)
@refusals(401, 403, 404)
def meetings_add_item(user, data, id):  # noqa: A002 - the contract's path parameter
    meeting = get_meeting(id)
    text = {key: data[key] or "" for key in ("room", "description", "speakers")}
    item = add_item(user, meeting, ItemInput(**{**data, **text}))
    db.session.commit()
    return item


@bp.get("/meetings/<int:id>/registrations")
@requires(Meeting.can_see_attendance)
@bp.doc(summary="Registrations for the meeting (secretariat)")
@bp.response(200, RegistrationListSchema)
@refusals(401, 403, 404)
def meetings_registrations(user, id):  # noqa: A002 - the contract's path parameter
    return {"items": registrations(get_meeting(id))}


@bp.post("/meetings/<int:id>/registrations")
@requires(Meeting.can_manage)
@bp.doc(summary="Register someone (secretariat); a full item puts them on its waiting list")
@body(RegistrationCreateSchema)
@bp.response(201, RegistrationSchema)
@refusals(401, 403, 404, 409)
def meetings_register(user, data, id):  # noqa: A002 - the contract's path parameter
    meeting = get_meeting(id)
    registration = register(
        user,
        meeting,
        RegistrationInput(
            name=data["name"],
            function=data["function"] or "",
            email=data["email"],
            city_id=data["city_id"],
            attending=data["attending"],
            item_ids=data["items"],
        ),
        on_behalf=True,
    )
    db.session.commit()
    return registration


@bp.delete("/meetings/<int:id>/registrations/<int:rid>")
@requires(Meeting.can_manage)
@bp.doc(summary="Cancel a registration; the first on each freed item's waiting list moves up")
@bp.response(204, description="Cancelled")
@refusals(401, 403, 404)
def meetings_cancel_registration(user, id, rid):  # noqa: A002 - the contract's path parameter
    meeting = get_meeting(id)
    cancel_registration(user, get_registration(meeting, rid))
    db.session.commit()
    mail.send_moved_up_notices()
    return Response(status=204)


@bp.get("/meetings/<int:id>/attendance")
@requires(Meeting.can_see_attendance)
@bp.doc(summary="Registered and waitlisted per item; who declined; which cities have not answered")
@bp.response(200, AttendanceSchema)
@refusals(401, 403, 404)
def meetings_attendance(user, id):  # noqa: A002 - the contract's path parameter
    return attendance(get_meeting(id))


@bp.get("/meetings/<int:id>/badges.pdf")
@requires(Meeting.can_manage)
@bp.doc(summary="Name badges, one per registered attendee")
@bp.response(200, content_type="application/pdf", description="PDF")
@refusals(401, 403, 404)
def meetings_badges(user, id):  # noqa: A002 - the contract's path parameter
    meeting = get_meeting(id)
    pdf = badges_pdf(meeting, badge_rows(meeting), network_name_on(meeting.date))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="badges-{meeting.date.isoformat()}.pdf"'},
    )


@bp.get("/meetings/<int:id>/calendar.ics")
@requires(Meeting.can_read)
@bp.doc(summary="The day and its items as iCalendar")
@bp.response(200, content_type="text/calendar", description="iCalendar")
@refusals(401, 404)
def meetings_calendar(user, id):  # noqa: A002 - the contract's path parameter
    meeting = get_meeting(id)
    return Response(
        meeting_calendar(meeting),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.date.isoformat()}.ics"'},
    )
