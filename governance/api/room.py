"""The meeting room in the JSON API: presence, proxies (volmachten) and their signed mandates."""

from flask import Response, request, send_file

from governance.api import bp
from governance.api.common import body, refusals, requires
from governance.extensions import db
from governance.meetings import room
from governance.meetings.models import Meeting
from governance.meetings.schemas import (
    CityPresenceSchema,
    PresenceChangeSchema,
    PresenceSchema,
    ProxyCreateSchema,
    ProxyListSchema,
    ProxySchema,
)


@bp.get("/meetings/<int:id>/presence")
@requires(Meeting.can_read)
@bp.doc(summary="Who is present or represented, and whether that makes a quorum")
@bp.response(200, PresenceSchema)
@refusals(401, 404)
def presence_index(user, id):  # noqa: A002 - the contract's path parameter
    meeting = room.get_meeting(id)
    state = room.presence(meeting)
    state.meeting_id = meeting.id
    return state


@bp.get("/meetings/<int:id>/presence/<int:city_id>")
@requires(Meeting.can_read)
@bp.doc(summary="One member city's presence")
@bp.response(200, CityPresenceSchema)
@refusals(401, 404, 422)
def presence_show(user, id, city_id):  # noqa: A002 - the contract's path parameter
    meeting = room.get_meeting(id)
    row = next((r for r in room.presence(meeting).rows if r.city.id == city_id), None)
    if row is None:
        room._member_city(meeting, city_id, "city_id")  # raises the sentence that says why
    return row


@bp.put("/meetings/<int:id>/presence/<int:city_id>")
@requires(Meeting.can_manage_presence)
@bp.doc(summary="Mark a member city present or absent (chair or secretariat)")
@body(PresenceChangeSchema)
@bp.response(200, CityPresenceSchema)
@refusals(401, 403, 404)
def presence_set(user, data, id, city_id):  # noqa: A002 - the contract's path parameter
    meeting = room.get_meeting(id)
    row = room.set_presence(user, meeting, city_id, data["present"])
    db.session.commit()
    return row


MANDATE_FORM = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["from_city_id", "to_city_id"],
                    "properties": {
                        "from_city_id": {"type": "integer"},
                        "to_city_id": {"type": "integer"},
                        "mandate": {"type": "string", "format": "binary", "description": "The signed PDF"},
                    },
                }
            }
        }
    }
}


@bp.post("/meetings/<int:id>/proxies")
@requires(Meeting.can_manage_proxies)
@bp.doc(summary="Record a proxy: to_city_id's board member casts from_city_id's vote (secretariat)", **MANDATE_FORM)
@body(ProxyCreateSchema)
@bp.response(201, ProxySchema)
@refusals(401, 403, 404, 409)
def proxies_create(user, data, id):  # noqa: A002 - the contract's path parameter
    meeting = room.get_meeting(id)
    upload = request.files.get("mandate")
    mandate = upload.read() if upload is not None and upload.filename else None
    proxy = room.record_proxy(user, meeting, data["from_city_id"], data["to_city_id"], mandate)
    db.session.commit()
    return proxy


@bp.get("/meetings/<int:id>/proxies")
@requires(Meeting.can_read)
@bp.doc(summary="The meeting's proxies, revoked ones included")
@bp.response(200, ProxyListSchema)
@refusals(401, 404)
def proxies_index(user, id):  # noqa: A002 - the contract's path parameter
    return {"items": room.proxies(room.get_meeting(id))}


@bp.delete("/meetings/<int:id>/proxies/<int:pid>")
@requires(Meeting.can_manage_proxies)
@bp.doc(summary="Revoke a proxy; kept in the history, and an open poll keeps what it froze (secretariat)")
@bp.response(204, description="Revoked")
@refusals(401, 403, 404, 409)
def proxies_revoke(user, id, pid):  # noqa: A002 - the contract's path parameter
    meeting = room.get_meeting(id)
    room.revoke_proxy(user, room.get_proxy(meeting, pid))
    db.session.commit()
    return Response(status=204)


@bp.get("/meetings/<int:id>/proxies/<int:pid>/mandate.pdf")
@requires(Meeting.can_read_mandates)
@bp.doc(summary="The signed mandate of a proxy (secretariat, chair)")
@bp.response(200, content_type="application/pdf", description="PDF")
@refusals(401, 403, 404)
def proxies_mandate(user, id, pid):  # noqa: A002 - the contract's path parameter
    proxy = room.get_proxy(room.get_meeting(id), pid)
    path = room.mandate_path(proxy)
    return send_file(path, mimetype="application/pdf", download_name=f"volmacht-{proxy.id}.pdf")
