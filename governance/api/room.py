"""The meeting room in the JSON API: presence, proxies (volmachten) and their signed mandates."""

from flask import Response, request, send_file

from governance.api import bp
from governance.api.common import json_body, requires
from governance.extensions import db
from governance.meetings import room
from governance.meetings.models import Meeting


@bp.get("/meetings/<int:meeting_id>/presence")
@requires(Meeting.can_read)
def presence_index(user, meeting_id):
    return room.presence_json(room.get_meeting(meeting_id))


@bp.get("/meetings/<int:meeting_id>/presence/<int:city_id>")
@requires(Meeting.can_read)
def presence_show(user, meeting_id, city_id):
    meeting = room.get_meeting(meeting_id)
    row = next((r for r in room.presence(meeting).rows if r.city.id == city_id), None)
    if row is None:
        room._member_city(meeting, city_id, "city_id")  # raises the sentence that says why
    return room.city_presence_json(row)


@bp.put("/meetings/<int:meeting_id>/presence/<int:city_id>")
@requires(Meeting.can_manage_presence)
def presence_set(user, meeting_id, city_id):
    meeting = room.get_meeting(meeting_id)
    row = room.set_presence(user, meeting, city_id, json_body().get("present"))
    db.session.commit()
    return room.city_presence_json(row)


def _mandate_upload() -> tuple[dict, bytes | None]:
    """Form fields and the mandate PDF of a multipart request, or the JSON body and no file."""
    if request.mimetype != "multipart/form-data":
        return json_body(), None
    data = {}
    for name in ("from_city_id", "to_city_id"):
        raw = request.form.get(name, "")
        data[name] = int(raw) if raw.strip().isdigit() else (raw or None)
    upload = request.files.get("mandate")
    return data, (upload.read() if upload is not None and upload.filename else None)


@bp.post("/meetings/<int:meeting_id>/proxies")
@requires(Meeting.can_manage_proxies)
def proxies_create(user, meeting_id):
    meeting = room.get_meeting(meeting_id)
    data, mandate = _mandate_upload()
    proxy = room.record_proxy(user, meeting, data.get("from_city_id"), data.get("to_city_id"), mandate)
    db.session.commit()
    return room.proxy_json(proxy), 201


@bp.get("/meetings/<int:meeting_id>/proxies")
@requires(Meeting.can_read)
def proxies_index(user, meeting_id):
    meeting = room.get_meeting(meeting_id)
    return {"items": [room.proxy_json(p) for p in room.proxies(meeting)]}


@bp.delete("/meetings/<int:meeting_id>/proxies/<int:proxy_id>")
@requires(Meeting.can_manage_proxies)
def proxies_revoke(user, meeting_id, proxy_id):
    meeting = room.get_meeting(meeting_id)
    room.revoke_proxy(user, room.get_proxy(meeting, proxy_id))
    db.session.commit()
    return Response(status=204)


@bp.get("/meetings/<int:meeting_id>/proxies/<int:proxy_id>/mandate.pdf")
@requires(Meeting.can_read_mandates)
def proxies_mandate(user, meeting_id, proxy_id):
    proxy = room.get_proxy(room.get_meeting(meeting_id), proxy_id)
    path = room.mandate_path(proxy)
    return send_file(path, mimetype="application/pdf", download_name=f"volmacht-{proxy.id}.pdf")
