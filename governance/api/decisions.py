"""The meeting room in the JSON API: a meeting's decision list."""

from flask import jsonify

from governance.api import bp
from governance.api.common import requires
from governance.api.openapi import error_responses, ok, op, path_id
from governance.meetings import decisions
from governance.meetings.meeting import get_meeting
from governance.meetings.models import Meeting
from governance.voting import services as voting
from governance.voting.models import Poll
from governance.voting.record_views import record_pdf_response


@bp.get("/meetings/<int:meeting_id>/decisions")
@requires(Meeting.can_read)
def meeting_decisions(user, meeting_id):
    return jsonify(decisions.decisions_json(get_meeting(meeting_id)))


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document (governance/api/openapi.py adds it)."""
    nullable_int = {"type": ["integer", "null"]}
    item = {
        "type": "object",
        "required": ["poll_id", "title", "outcome", "yes", "no", "abstain", "document_sha256"],
        "properties": {
            "poll_id": {"type": "integer"},
            "title": {"type": "string"},
            "outcome": {"type": "string", "enum": ["adopted", "rejected"]},
            "reason": {"type": "string", "enum": ["quorum_not_met", "tie", "majority", "no_majority"]},
            "yes": {"type": "integer"},
            "no": {"type": "integer"},
            "abstain": {"type": "integer"},
            "closed_at": {"type": ["string", "null"]},
            "document_sha256": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
        },
    }
    decision_list = {
        "type": "object",
        "required": ["items"],
        "properties": {
            "meeting_id": {"type": "integer"},
            "items": {"type": "array", "items": item},
            "locked": {"type": "boolean", "description": "Adopted by a later meeting: the items no longer change"},
            "proposed": {
                "type": ["object", "null"],
                "properties": {
                    "meeting_id": {"type": "integer"},
                    "poll_id": {"type": "integer"},
                    "sha256": {"type": "string"},
                    "document_sha256": {"type": "string"},
                },
            },
            "adopted": {
                "type": ["object", "null"],
                "properties": {
                    "poll_id": {"type": "integer"},
                    "meeting_id": {"type": "integer"},
                    "meeting_title": {"type": "string"},
                    "meeting_date": {"type": "string", "format": "date"},
                    "adopted_at": {"type": ["string", "null"]},
                    "closed_by": {"type": ["string", "null"]},
                    "yes": nullable_int,
                    "no": nullable_int,
                    "abstain": nullable_int,
                },
            },
        },
    }
    return {
        "/meetings/{id}/decisions": {
            "get": op(
                "The decision list of a meeting: every closed poll with its tally and the document version it approved",
                {**ok(200, decision_list), **error_responses(401, 404)},
                params=[path_id("id")],
            )
        },
    }


@bp.get("/polls/<int:poll_id>/record.pdf")
@requires(Poll.can_read)
def poll_record_pdf(user, poll_id):
    return record_pdf_response(voting.get_poll(poll_id))
