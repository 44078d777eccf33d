"""The meeting room in the JSON API: a meeting's decision list."""

from flask import jsonify

from governance.api import bp
from governance.api.common import requires
from governance.meetings import decisions, services


@bp.get("/meetings/<int:meeting_id>/decisions")
@requires()
def meeting_decisions(user, meeting_id):
    return jsonify(decisions.decisions_json(services.get_meeting(meeting_id)))
