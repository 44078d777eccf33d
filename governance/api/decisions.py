"""The meeting room in the JSON API: a meeting's decision list."""

from governance.api import bp
from governance.api.common import refusals, requires
from governance.meetings import decisions
from governance.meetings.meeting import get_meeting
from governance.meetings.models import Meeting
from governance.meetings.schemas import DecisionListSchema


@bp.get("/meetings/<int:id>/decisions")
@requires(Meeting.can_read)
@bp.doc(summary="The decision list of a meeting: every closed poll with its tally and the document it approved")
@bp.response(200, DecisionListSchema)
@refusals(401, 404)
def meeting_decisions(user, id):  # noqa: A002 - the contract's path parameter
    return decisions.decisions_json(get_meeting(id))
