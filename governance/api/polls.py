"""API: polls — create, open, vote, close, read."""

from governance.api import bp
from governance.api.common import body, query, refusals, requires
from governance.extensions import db
from governance.voting import services as voting
from governance.voting.models import Poll
from governance.voting.schemas import (
    PollCreateSchema,
    PollListSchema,
    PollQuerySchema,
    PollSchema,
    ReceiptSchema,
    TurnoutSchema,
    VoteSchema,
    turnout_answer,
)


@bp.post("/polls")
@requires(Poll.can_create)
@bp.doc(summary="Prepare a poll in draft: an admission (application_id) or a motion (title)")
@body(PollCreateSchema)
@bp.response(201, PollSchema)
@refusals(401, 403, 409)
def create_poll(actor, data):
    poll = voting.create_poll(actor, **{**data, "description": data["description"] or ""})
    db.session.commit()
    return poll


@bp.get("/polls")
@requires(Poll.can_read)
@bp.doc(summary="Polls, optionally by state")
@query(PollQuerySchema)
@bp.response(200, PollListSchema)
@refusals(401)
def list_polls(user, args):
    return {"items": voting.list_polls(args["state"])}


@bp.get("/polls/<int:id>")
@requires(Poll.can_read)
@bp.doc(summary="One poll; while open the count but no choices")
@bp.response(200, PollSchema)
@refusals(401, 404)
def get_poll(user, id):  # noqa: A002 - the contract's path parameter
    return voting.get_poll(id)


@bp.post("/polls/<int:id>/open")
@requires(Poll.can_open)
@bp.doc(summary="Open the poll: eligible cities (and for a meeting presence and proxies) frozen (chair)")
@bp.response(200, PollSchema)
@refusals(401, 403, 404, 409)
def open_poll(actor, id):  # noqa: A002 - the contract's path parameter
    poll = voting.open_poll(actor, voting.get_poll(id))
    db.session.commit()
    return poll


@bp.post("/polls/<int:id>/votes")
@requires()
@bp.doc(summary="Cast your city's vote, one whose proxy you hold (on_behalf_of), or a hand in the room (in_room)")
@body(VoteSchema)
@bp.response(201, ReceiptSchema)
@refusals(401, 403, 404, 409)
def cast_vote(user, data, id):  # noqa: A002 - the contract's path parameter
    receipt = voting.cast_vote(
        user, id, data["choice"], on_behalf_of=data["on_behalf_of"], city_id=data["city_id"], in_room=data["in_room"]
    )
    db.session.commit()
    return {"receipt": receipt, "poll_id": id}


@bp.post("/polls/<int:id>/close")
@requires(Poll.can_close)
@bp.doc(summary="Close the poll: tally and outcome frozen, effects applied (chair)")
@bp.response(200, PollSchema)
@refusals(401, 403, 404, 409)
def close_poll(actor, id):  # noqa: A002 - the contract's path parameter
    poll = voting.close_poll(actor, id)
    db.session.commit()
    return poll


@bp.get("/polls/<int:id>/turnout")
@requires(Poll.can_see_turnout)
@bp.doc(summary="Which eligible cities have voted, never how (chair, secretariat)")
@bp.response(200, TurnoutSchema)
@refusals(401, 403, 404)
def poll_turnout(user, id):  # noqa: A002 - the contract's path parameter
    poll = voting.get_poll(id)
    return turnout_answer(poll, voting.turnout(poll))
