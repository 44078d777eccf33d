"""API: the signed record of a closed poll, and the public key that checks it."""

from governance import keys
from governance.api import bp
from governance.api.common import refusals, requires
from governance.voting import services as voting
from governance.voting.models import Poll
from governance.voting.record import signed_record
from governance.voting.record_views import record_pdf_response
from governance.voting.schemas import PublicKeysSchema, SignedRecordSchema


@bp.get("/polls/<int:id>/record")
@requires(Poll.can_read)
@bp.doc(summary="The signed record (proces-verbaal) of a closed poll; 409 invalid_state before the close")
@bp.response(200, SignedRecordSchema)
@refusals(401, 404, 409)
def poll_record(user, id):  # noqa: A002 - the contract's path parameter
    # Whoever may read the poll's result may read its record (409 invalid_state until the close).
    return signed_record(voting.get_poll(id))


@bp.get("/polls/<int:id>/record.pdf")
@requires(Poll.can_read)
@bp.doc(summary="The signed record as a PDF for the minutes")
@bp.response(200, content_type="application/pdf", description="PDF")
@refusals(401, 404, 409)
def poll_record_pdf(user, id):  # noqa: A002 - the contract's path parameter
    return record_pdf_response(voting.get_poll(id))


@bp.get("/keys")
@bp.doc(security=[], summary="The public keys that check signed records (no token needed)")
@bp.response(200, PublicKeysSchema)
def public_keys():
    return {"keys": keys.public_keys()}
