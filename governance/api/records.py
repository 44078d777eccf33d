"""API: the signed record of a closed poll, and the public key that checks it."""

from governance import keys
from governance.api import bp
from governance.api.common import requires
from governance.voting import services as voting
from governance.voting.models import Poll
from governance.voting.record import signed_record


@bp.get("/polls/<int:poll_id>/record")
@requires(Poll.can_read)
def poll_record(user, poll_id):
    # Whoever may read the poll's result may read its record (409 invalid_state until the close).
    return signed_record(voting.get_poll(poll_id))


@bp.get("/keys")
def public_keys():
    return {"keys": keys.public_keys()}
