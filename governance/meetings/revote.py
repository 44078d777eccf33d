"""A re-vote at the meeting: a closed poll that failed for want of a quorum or on a tie is held again, once.

Above both the room and the vote: it asks the poll's result and prepares the new poll through the voting services.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from governance.errors import Conflict
from governance.extensions import db
from governance.voting import services as voting
from governance.voting.models import Poll, PollState


def may_revote(poll: Poll) -> bool:
    """A re-vote follows a closed poll that failed for want of a quorum or on a tie, once."""
    result = poll.result
    if poll.state != PollState.CLOSED or not result or result.get("reason") not in ("quorum_not_met", "tie"):
        return False
    return db.session.scalar(sa.select(Poll.id).where(Poll.previous_poll_id == poll.id).limit(1)) is None


def prepare_revote(actor, poll: Poll) -> Poll:
    """A draft poll on the same question, linked to the first (and so at the same meeting)."""
    if not may_revote(poll):
        raise Conflict(_("Only a vote that failed for want of a quorum or on a tie can be held again, once."))
    return voting.create_poll(
        actor,
        application_id=poll.application_id,
        title=poll.title if poll.application_id is None else None,
        description=poll.description,
        secret=poll.secret if poll.application_id is None else None,
        majority=poll.majority.value,
        previous_poll_id=poll.id,
    )
