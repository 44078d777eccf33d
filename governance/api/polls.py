"""API: polls — create, open, vote, close, read."""

from flask import request
from flask_babel import gettext as _

from governance.api import bp
from governance.api.common import json_body, requires
from governance.errors import ValidationFailed
from governance.extensions import db
from governance.voting import services as voting
from governance.voting.models import Poll, PollState


@bp.post("/polls")
@requires(Poll.can_create)
def create_poll(actor):
    data = json_body()
    poll = voting.create_poll(
        actor,
        application_id=data.get("application_id"),
        title=data.get("title"),
        description=data.get("description") or "",
        secret=data.get("secret"),
        majority=data.get("majority"),
        previous_poll_id=data.get("previous_poll_id"),
        meeting_id=data.get("meeting_id"),
    )
    db.session.commit()
    return voting.poll_json(poll), 201


@bp.get("/polls")
@requires(Poll.can_read)
def list_polls(user):
    state = request.args.get("state") or None
    if state and state not in {s.value for s in PollState}:
        raise ValidationFailed.on("state", _("Choose draft, open or closed."))
    return {"items": [voting.poll_json(p) for p in voting.list_polls(state)]}


@bp.get("/polls/<int:poll_id>")
@requires(Poll.can_read)
def get_poll(user, poll_id):
    return voting.poll_json(voting.get_poll(poll_id))


@bp.post("/polls/<int:poll_id>/open")
@requires(Poll.can_open)
def open_poll(actor, poll_id):
    poll = voting.open_poll(actor, voting.get_poll(poll_id))
    db.session.commit()
    return voting.poll_json(poll)


@bp.post("/polls/<int:poll_id>/votes")
@requires()
def cast_vote(user, poll_id):
    data = json_body()
    receipt = voting.cast_vote(
        user,
        poll_id,
        data.get("choice"),
        on_behalf_of=data.get("on_behalf_of"),
        city_id=data.get("city_id"),
        in_room=data.get("in_room", False),
    )
    db.session.commit()
    return {"receipt": receipt, "poll_id": poll_id}, 201


@bp.post("/polls/<int:poll_id>/close")
@requires(Poll.can_close)
def close_poll(actor, poll_id):
    poll = voting.close_poll(actor, poll_id)
    db.session.commit()
    return voting.poll_json(poll)


@bp.get("/polls/<int:poll_id>/turnout")
@requires(Poll.can_see_turnout)
def poll_turnout(user, poll_id):
    poll = voting.get_poll(poll_id)
    turnout = voting.turnout(poll)
    voted_ids = set(turnout.voted)
    return {
        "poll_id": poll.id,
        "state": poll.state.value,
        "eligible_count": len(turnout.eligible),
        "cast_count": turnout.cast_count,
        "cities": [{"city_id": c.id, "name": c.name, "voted": c.id in voted_ids} for c in turnout.eligible],
    }
