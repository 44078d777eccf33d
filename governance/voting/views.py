"""Pages: the board member's ballot, the chair's meeting screen, results."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from governance.accounts.auth import allowed
from governance.accounts.models import User
from governance.errors import DomainError
from governance.extensions import db
from governance.meetings import room_views
from governance.meetings.agenda import documents_for_poll
from governance.members.models import City
from governance.voting import services as voting
from governance.voting.forms import MotionForm
from governance.voting.models import Choice, Poll, PollState
from governance.voting.schemas import TurnoutSchema, turnout_answer
from governance.voting.texts import reason_sentence, turnout_sentence

bp = Blueprint("voting", __name__)


def percentages(result: dict) -> dict[str, str]:
    cast = result["cast"] or 1
    # One decimal, so that the shares of a small board visibly add up to 100.
    return {key: format_percent(result[key] / cast, "#,##0.0%") for key in ("yes", "no", "abstain")}


@bp.app_context_processor
def voting_helpers():
    return {
        "reason_sentence": reason_sentence,
        "result_percentages": percentages,
        "turnout_sentence": turnout_sentence,
    }


@bp.route("/polls")
@allowed(Poll.can_read)
def poll_list():
    my_polls = voting.open_polls_for(current_user)
    voted = {p.id: voting.vote_of_city(p, current_user.city_id) for p in my_polls}
    sees_all = Poll.can_create(current_user)  # who prepares polls sees every one, drafts included
    return render_template(
        "voting/list.html",
        my_polls=my_polls,
        voted=voted,
        polls=voting.list_polls() if sees_all else [],
        closed=[p for p in voting.list_polls("closed")],
        form=room_views.motion_form() if sees_all else None,
    )


@bp.route("/polls/new", methods=["POST"])
@allowed(Poll.can_create)
def poll_create():
    application_id = request.form.get("application_id", type=int)
    meeting_id = request.form.get("meeting_id", type=int) or None
    if application_id:
        try:
            poll = voting.create_poll(current_user, application_id=application_id, meeting_id=meeting_id)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("admissions.application_detail", application_id=application_id))
        db.session.commit()
        flash(_("The vote has been prepared; the chair opens it at the meeting."), "success")
        return redirect(url_for("voting.poll_detail", poll_id=poll.id))
    form = MotionForm()
    form.meeting_id.choices = room_views.meeting_choices()
    if form.validate_on_submit():
        try:
            poll = voting.create_poll(
                current_user,
                title=form.title.data,
                description=form.description.data or "",
                secret=form.secret.data,
                majority=form.majority.data,
                meeting_id=meeting_id,
            )
        except DomainError as error:
            db.session.rollback()
            form.title.errors = list(form.title.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("The vote has been prepared; the chair opens it at the meeting."), "success")
            return redirect(url_for("voting.poll_detail", poll_id=poll.id))
    return render_template(
        "voting/list.html",
        my_polls=[],
        voted={},
        polls=voting.list_polls(),
        closed=voting.list_polls("closed"),
        form=form,
    ), 422


@bp.route("/polls/<int:poll_id>")
@allowed(Poll.can_read)
def poll_detail(poll_id):
    poll = voting.get_poll(poll_id)
    is_voter = poll.can_vote(current_user)
    own_vote = voting.vote_of_city(poll, current_user.city_id) if is_voter else None
    receipt = session.get(f"receipt-{poll.id}-{current_user.city_id}")
    turnout = voting.turnout(poll) if Poll.can_see_turnout(current_user) else None

    approves = documents_for_poll(poll)
    return render_template(
        "voting/detail.html",
        poll=poll,
        is_voter=is_voter,
        own_vote=own_vote,
        receipt=receipt,
        turnout=turnout,
        result=poll.result,
        choices=list(Choice),
        voter_name=_voter_name(own_vote),
        approves=approves,
        **room_views.ballot_context(poll),
    )


def _voter_name(own_vote):
    if own_vote is None:
        return None

    user = db.session.get(User, own_vote.user_id)
    return user.name if user else None


@bp.route("/polls/<int:poll_id>/vote", methods=["POST"])
@allowed(Poll.can_cast)
def poll_vote(poll_id):
    poll = voting.get_poll(poll_id)
    choice = request.form.get("choice", "")
    if choice not in {c.value for c in Choice}:
        flash(_("Choose for, against or abstain."), "error")
        return redirect(url_for("voting.poll_detail", poll_id=poll.id))
    on_behalf_of = request.form.get("on_behalf_of", type=int)
    city = db.session.get(City, on_behalf_of) if on_behalf_of else current_user.city
    if request.form.get("confirmed") != "1":
        return render_template("voting/confirm.html", poll=poll, choice=choice, city=city, on_behalf_of=on_behalf_of)
    try:
        receipt = voting.cast_vote(current_user, poll.id, choice, on_behalf_of=on_behalf_of)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("voting.poll_detail", poll_id=poll.id), 303)
    db.session.commit()
    room_views.remember_receipt(poll.id, city.id if city else current_user.city_id, receipt)
    return redirect(url_for("voting.poll_detail", poll_id=poll.id), 303)


@bp.route("/polls/<int:poll_id>/open", methods=["POST"])
@allowed(Poll.can_open)
def poll_open(poll_id):
    poll = voting.get_poll(poll_id)
    try:
        voting.open_poll(current_user, poll)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The vote is open."), "success")
    return redirect(url_for("voting.poll_detail", poll_id=poll_id), 303)


@bp.route("/polls/<int:poll_id>/close", methods=["GET", "POST"])
@allowed(Poll.can_close)
def poll_close(poll_id):
    poll = voting.get_poll(poll_id)
    if request.method == "GET" or request.form.get("confirmed") != "1":
        if poll.state != PollState.OPEN:
            return redirect(url_for("voting.poll_detail", poll_id=poll.id))
        return render_template("voting/close_confirm.html", poll=poll, cast=voting.cast_count(poll))
    try:
        voting.close_poll(current_user, poll.id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The vote is closed."), "success")
    return redirect(url_for("voting.poll_detail", poll_id=poll_id), 303)


@bp.route("/polls/<int:poll_id>/turnout.json")
@allowed(Poll.can_see_turnout)
def poll_turnout(poll_id):
    poll = voting.get_poll(poll_id)
    # The same shape as GET /api/v1/polls/{id}/turnout: one schema for both.
    return jsonify(TurnoutSchema().dump(turnout_answer(poll, voting.turnout(poll))))
