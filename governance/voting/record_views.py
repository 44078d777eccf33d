"""The signed record as a PDF for the minutes, on the closed poll's page (session login) and in the API (token)."""

from flask import Response, abort

from governance.accounts.auth import allowed
from governance.voting import services as voting
from governance.voting.models import Poll
from governance.voting.record import signed_record
from governance.voting.record_pdf import record_pdf
from governance.voting.views import bp


def record_pdf_response(poll) -> Response:
    """The PDF of the poll's signed record; 409 invalid_state (a domain error) before the close."""
    pdf = record_pdf(signed_record(poll))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="proces-verbaal-stemming-{poll.id}.pdf"'},
    )


def record_available() -> bool:
    try:
        # deferred import: a probe whether the record can be built here, not a use of it.
        from governance.voting import record  # noqa: F401
    except ImportError:
        return False
    return True


@bp.app_context_processor
def record_helpers():
    return {"record_available": record_available}


@bp.route("/polls/<int:poll_id>/record.pdf")
@allowed(Poll.can_read)
def poll_record_pdf(poll_id):
    poll = voting.get_poll(poll_id)
    if poll.state.value != "closed":
        abort(409)
    return record_pdf_response(poll)
