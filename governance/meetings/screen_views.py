"""Pages of the meeting room: the big screen (for the chair, or by its signed link) and the decision list."""

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from governance.accounts.auth import allowed
from governance.errors import DomainError
from governance.extensions import db
from governance.meetings import decisions, record_section, screen  # noqa: F401 - record_section adds a section
from governance.meetings.models import Meeting
from governance.meetings.views import bp
from governance.voting.texts import reason_sentence


def _meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


@bp.app_context_processor
def meeting_room_helpers():
    return {"meeting_of_poll": decisions.meeting_of_poll}


# -- the big screen -------------------------------------------------------------------------------------


def _turnout_text(state: screen.ScreenState) -> str:
    return ngettext(
        "%(num)d of %(eligible)d cities has voted",
        "%(num)d of %(eligible)d cities have voted",
        state.cast,
        eligible=state.eligible,
    )


def _quorum_text(state: screen.ScreenState) -> str:
    return _(
        "Quorum: %(needed)d of %(eligible)d cities must vote — %(state)s.",
        needed=state.quorum_needed,
        eligible=state.eligible,
        state=_("reached") if state.quorum_reached else _("not reached yet"),
    )


def _presence_text(state: screen.ScreenState) -> str:
    if not state.presence or not state.presence.get("members"):
        return ""
    return _(
        "Present or represented: %(present)d of %(members)d cities.",
        present=state.presence["present"] + state.presence["represented"],
        members=state.presence["members"],
    )


def _outcome_text(state: screen.ScreenState) -> str:
    if state.result is None:
        return ""

    return " ".join([state.poll.title + ":", reason_sentence(state.result), *state.effects])


def _announcement(state: screen.ScreenState) -> str:
    """What the polite live region says: that a vote is open, and the turnout."""
    if state.poll is None or state.result is not None or state.poll.state.value != "open":
        return ""
    return _("Vote open: %(title)s.", title=state.poll.title) + " " + _turnout_text(state) + "."


def _stage(state: screen.ScreenState) -> str:
    return render_template(
        "meetings/_screen_stage.html",
        state=state,
        turnout_text=_turnout_text(state),
        quorum_text=_quorum_text(state),
        presence_text=_presence_text(state),
    )


def _screen_page(meeting: Meeting, state_url: str):
    state = screen.screen_state(meeting)
    return render_template(
        "meetings/screen.html",
        meeting=meeting,
        state=state,
        state_url=state_url,
        stage=_stage(state),
        announcement=_announcement(state),
        outcome_text=_outcome_text(state),
    )


def _screen_json(meeting: Meeting):
    state = screen.screen_state(meeting)
    data = {
        "key": state.key,
        "state": state.poll.state.value if state.poll else None,
        "poll_id": state.poll.id if state.poll else None,
        "cast": state.cast,
        "eligible": state.eligible,
        "voted": state.voted_ids if state.poll is not None and not state.poll.secret else [],
        "turnout_text": _turnout_text(state),
        "quorum_text": _quorum_text(state),
        "quorum_reached": state.quorum_reached,
        "presence_text": _presence_text(state),
        "announcement": _announcement(state),
        "outcome_text": _outcome_text(state),
    }
    if request.args.get("key") != state.key:
        data["stage"] = _stage(state)
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:meeting_id>/screen")
@allowed(Meeting.can_show_screen)
def screen_show(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    return _screen_page(meeting, url_for("meetings.screen_state", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/screen/state.json")
@allowed(Meeting.can_show_screen)
def screen_state(meeting_id):
    return _screen_json(_meeting_or_404(meeting_id))


def _refused(message: str, status: int):
    db.session.rollback()
    return render_template("meetings/screen_refused.html", message=message), status


@bp.route("/<int:meeting_id>/screen/s/<token>")
def screen_by_link(meeting_id, token):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return _refused(_("There is no such meeting: this screen link leads nowhere."), 404)
    try:
        screen.meeting_for_token(meeting, token)
    except screen.ScreenLinkRefused as error:
        return _refused(error.message, error.status)
    return _screen_page(meeting, url_for("meetings.screen_state_by_link", meeting_id=meeting.id, token=token))


@bp.route("/<int:meeting_id>/screen/s/<token>/state.json")
def screen_state_by_link(meeting_id, token):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return jsonify({"error": {"code": "not_found", "message": _("There is no such meeting.")}}), 404
    try:
        screen.meeting_for_token(meeting, token)
    except screen.ScreenLinkRefused as error:
        db.session.rollback()
        return jsonify({"error": {"code": error.code, "message": error.message}}), error.status
    return _screen_json(meeting)


@bp.route("/<int:meeting_id>/screen/link")
@allowed(Meeting.can_show_screen)
def screen_link(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    token = screen.screen_token(meeting)
    return render_template(
        "meetings/screen_link.html",
        meeting=meeting,
        link=url_for("meetings.screen_by_link", meeting_id=meeting.id, token=token, _external=True),
        expires_text=format_datetime(screen.link_expires(token), "d MMMM y, HH:mm"),
        poll=screen.current_poll(meeting),
    )


@bp.route("/<int:meeting_id>/screen/revoke", methods=["POST"])
@allowed(Meeting.can_show_screen)
def screen_revoke(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    screen.revoke_screen_links(current_user, meeting)
    db.session.commit()
    flash(_("Every screen link of this meeting handed out so far has stopped working. Here is a new one."), "success")
    return redirect(url_for("meetings.screen_link", meeting_id=meeting.id), 303)


# -- the decision list ------------------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/decisions")
@allowed(Meeting.can_read)
def decision_list(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    proposal = decisions.decision_list_of(meeting)
    return render_template(
        "meetings/decisions.html",
        meeting=meeting,
        items=decisions.items_of(meeting),
        proposal=proposal,
        adoption=decisions.adoption_of(proposal),
        may_propose=Meeting.can_manage(current_user),
        next_meetings=decisions.next_meetings(meeting),
    )


@bp.route("/<int:meeting_id>/decisions.pdf")
@allowed(Meeting.can_read)
def decision_list_pdf(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    proposal = decisions.decision_list_of(meeting)
    pdf = decisions.decisions_pdf(meeting, decisions.items_of(meeting), proposal)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="besluitenlijst-{meeting.date.isoformat()}.pdf"'},
    )


@bp.route("/<int:meeting_id>/decisions/propose", methods=["POST"])
@allowed(Meeting.can_manage)
def decision_list_propose(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    target = db.session.get(Meeting, request.form.get("adopting_meeting_id", type=int) or 0)
    try:
        proposal = decisions.propose_for_adoption(current_user, meeting, target)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("meetings.decision_list", meeting_id=meeting.id), 303)
    db.session.commit()
    flash(
        _("The decision list is on the agenda of %(meeting)s, with a motion to adopt it.", meeting=target.title),
        "success",
    )
    return redirect(url_for("voting.poll_detail", poll_id=proposal.poll_id), 303)
