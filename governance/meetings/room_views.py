"""Pages of the meeting room: presence at one tap per city, proxies, hands raised in the room, a re-vote."""

from dataclasses import dataclass
from typing import Optional

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from governance import clock, labels
from governance.accounts.auth import allowed
from governance.accounts.models import User
from governance.errors import DomainError
from governance.extensions import db
from governance.meetings import revote, room
from governance.meetings.models import Meeting
from governance.members.models import City
from governance.voting import services as voting
from governance.voting.forms import MotionForm
from governance.voting.models import Poll, PollVoter

bp = Blueprint("room", __name__)


def meeting_choices() -> list[tuple[int, str]]:
    """The meetings a poll can belong to: today's and later ones, nearest first, after "no meeting"."""
    return [(0, _("No meeting (an online vote)"))] + [
        (m.id, f"{m.title}, {format_date(m.date, 'long')}") for m in room.upcoming_meetings()
    ]


def motion_form():
    """The empty motion form, with today's meeting chosen when there is one."""
    form = MotionForm(formdata=None)
    form.meeting_id.choices = meeting_choices()
    today = [m for m in room.upcoming_meetings() if m.date == clock.today()]
    form.meeting_id.data = today[0].id if today else 0
    return form


@bp.app_context_processor
def room_helpers():
    return {"room_meeting_choices": meeting_choices}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _int_field(name: str):
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isdigit() else (raw or None)


# -- presence ------------------------------------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/presence")
@allowed(Meeting.can_read)
def presence_page(meeting_id):
    meeting = room.get_meeting(meeting_id)
    state = room.presence(meeting)
    return render_template(
        "meetings/presence.html",
        meeting=meeting,
        state=state,
        polls=room.polls_of(meeting),
        may_manage_proxies=Meeting.can_manage_proxies(current_user),
        may_manage_presence=Meeting.can_manage_presence(current_user),
    )


@bp.route("/meetings/<int:meeting_id>/presence/<int:city_id>", methods=["POST"])
@allowed(Meeting.can_manage_presence)
def presence_toggle(meeting_id, city_id):
    """One tap: the form says what the city becomes; with JavaScript the answer is JSON, without it the page."""
    meeting = room.get_meeting(meeting_id)
    present = request.form.get("present") == "1"
    try:
        row = room.set_presence(current_user, meeting, city_id, present)
    except DomainError as error:
        db.session.rollback()
        if _wants_json():
            return jsonify({"error": {"code": error.code, "message": error.message}}), error.status
        flash(error.message, "error")
        return redirect(url_for("room.presence_page", meeting_id=meeting.id), 303)
    db.session.commit()
    if _wants_json():
        state = room.presence(meeting)
        return jsonify(
            {
                **room.city_presence_json(row),
                "count_text": state.sentence(),
                "quorum_present": state.quorum_present,
                "status_text": _("present") if row.present else _("absent"),
            }
        )
    return redirect(url_for("room.presence_page", meeting_id=meeting.id, _anchor=f"city-{city_id}"), 303)


# -- proxies ------------------------------------------------------------------------------------------------


def _proxies_page(meeting, status=200, errors=None, chosen=None):
    return render_template(
        "meetings/proxies.html",
        meeting=meeting,
        proxies=room.proxies(meeting),
        state=room.presence(meeting),
        errors=errors or {},
        chosen=chosen or {},
        may_manage=Meeting.can_manage_proxies(current_user),
    ), status


@bp.route("/meetings/<int:meeting_id>/proxies")
@allowed(Meeting.can_read)
def proxies_page(meeting_id):
    return _proxies_page(room.get_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/proxies", methods=["POST"])
@allowed(Meeting.can_manage_proxies)
def proxies_record(meeting_id):
    meeting = room.get_meeting(meeting_id)
    upload = request.files.get("mandate")
    mandate = upload.read() if upload is not None and upload.filename else None
    chosen = {"from_city_id": _int_field("from_city_id"), "to_city_id": _int_field("to_city_id")}
    try:
        proxy = room.record_proxy(current_user, meeting, chosen["from_city_id"], chosen["to_city_id"], mandate)
    except DomainError as error:
        db.session.rollback()
        status = 409 if error.status == 409 else 422
        return _proxies_page(meeting, status, error.fields or {"": [error.message]}, chosen)
    db.session.commit()
    flash(
        _(
            "Recorded: %(holder)s casts the vote of %(city)s at this meeting.",
            holder=proxy.to_city.name,
            city=proxy.from_city.name,
        ),
        "success",
    )
    return redirect(url_for("room.proxies_page", meeting_id=meeting.id), 303)


@bp.route("/meetings/<int:meeting_id>/proxies/<int:proxy_id>/revoke", methods=["POST"])
@allowed(Meeting.can_manage_proxies)
def proxies_revoke(meeting_id, proxy_id):
    meeting = room.get_meeting(meeting_id)
    try:
        proxy = room.revoke_proxy(current_user, room.get_proxy(meeting, proxy_id))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The proxy of %(city)s has been revoked.", city=proxy.from_city.name), "success")
    return redirect(url_for("room.proxies_page", meeting_id=meeting.id), 303)


@bp.route("/meetings/<int:meeting_id>/proxies/<int:proxy_id>/mandate.pdf")
@allowed(Meeting.can_read_mandates)
def proxies_mandate(meeting_id, proxy_id):
    proxy = room.get_proxy(room.get_meeting(meeting_id), proxy_id)
    return send_file(room.mandate_path(proxy), mimetype="application/pdf", download_name=f"volmacht-{proxy.id}.pdf")


# -- the poll in the room -------------------------------------------------------------------------------------


@bp.route("/polls/<int:poll_id>/hand", methods=["POST"])
@allowed(Poll.can_record_hand)
def poll_hand(poll_id):
    """Record a city's vote given by hand in the room (named polls), entered by the chair or the secretariat."""
    poll = voting.get_poll(poll_id)
    choice = request.form.get("choice", "")
    city_id = _int_field("city_id")
    try:
        voting.cast_vote(current_user, poll.id, choice, city_id=city_id, in_room=True)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            _(
                "Recorded: %(city)s votes %(choice)s (hand in the room).",
                city=room.city_name(city_id),
                choice=labels.choice(choice),
            ),
            "success",
        )
    return redirect(url_for("voting.poll_detail", poll_id=poll.id, _anchor="hands"), 303)


@bp.route("/polls/<int:poll_id>/revote", methods=["POST"])
@allowed(Poll.can_prepare_revote)
def poll_revote(poll_id):
    """A new poll on the same question after a failed quorum or a tie, linked to the first."""
    poll = voting.get_poll(poll_id)
    if not revote.may_revote(poll):
        abort(409)
    try:
        new = revote.prepare_revote(current_user, poll)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("voting.poll_detail", poll_id=poll.id), 303)
    db.session.commit()
    flash(_("The re-vote has been prepared; the chair opens it at the meeting."), "success")
    return redirect(url_for("voting.poll_detail", poll_id=new.id), 303)


# -- what the poll page shows of the room ------------------------------------------------------------------------


@dataclass
class BallotCard:
    """One ballot on a board member's page: its own city's, or one whose proxy its city holds."""

    city: City
    held: bool
    voter: Optional[PollVoter]
    voter_name: Optional[str]
    choice: Optional[str]
    receipt: Optional[str]


def receipt_key(poll_id: int, city_id: int) -> str:
    return f"receipt-{poll_id}-{city_id}"


def ballot_context(poll: Poll) -> dict:
    """The ballots, the hands still to record and the room's part of the result, for the poll page."""
    ballots = room.ballots_for(current_user, poll)
    eligible = poll.can_vote(current_user)
    own = [(ballots.own, False)] if ballots.own is not None and eligible else []
    cards = []
    for city, held in own + [(c, True) for c in ballots.held]:
        voter = voting.vote_of_city(poll, city.id)
        choice = receipt = None
        if voter is not None:
            ballot = room.named_ballot(poll, city.id)
            # A secret ballot has no city: only this browser's session still knows its receipt.
            choice, receipt = (ballot.choice.value, ballot.receipt) if ballot else (None, None)
            receipt = receipt or session.get(receipt_key(poll.id, city.id))
            if voter.user_id != current_user.id:
                receipt = None  # the receipt is the voter's alone
        who = db.session.get(User, voter.user_id) if voter is not None else None
        cards.append(BallotCard(city, held, voter, who.name if who else None, choice, receipt))
    result = poll.result
    return {
        "ballot_cards": cards,
        "delegated_to": ballots.delegated_to if eligible else None,
        "announce_city_id": session.pop(f"just-voted-{poll.id}", None),
        "hands": room.hands_to_record(poll) if Poll.can_record_hand(current_user) else [],
        "may_revote": revote.may_revote(poll) and Poll.can_prepare_revote(current_user),
        "effects_sentences": room.effects_sentences(result.get("effects")) if result else [],
        "not_voted_cities": [db.session.get(City, i) for i in (result or {}).get("not_voted", [])],
        "meeting": db.session.get(room.Meeting, poll.meeting_id) if poll.meeting_id else None,
    }


def remember_receipt(poll_id: int, city_id: int, receipt: str) -> None:
    """Keep the receipt for reloads, and mark it to be announced once."""
    session[receipt_key(poll_id, city_id)] = receipt
    session[f"just-voted-{poll_id}"] = city_id
