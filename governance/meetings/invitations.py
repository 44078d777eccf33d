"""Invitations to the day and their signed personal links."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from governance import audit, clock, links, mail
from governance.accounts.models import Role, User, UserRole
from governance.errors import Conflict, DomainError
from governance.extensions import db
from governance.meetings.mail import INVITATIONS_NOT_SENT, invitation_message
from governance.meetings.models import Invitation, Meeting, Registration
from governance.meetings.registrations import RegistrationInput, find_registration, register, update_registration

LINK_SALT = "meeting-registration"
DEFAULT_LINK_DAYS = 60


class LinkRefused(DomainError):
    """A registration link that is tampered with, unknown or expired."""

    status = 400
    code = "invalid_link"


def _serializer() -> URLSafeTimedSerializer:
    return links.serializer(LINK_SALT)


def link_max_age() -> int:
    """How long a registration link stays valid, in seconds."""
    return int(current_app.config.get("REGISTRATION_LINK_DAYS", DEFAULT_LINK_DAYS)) * 24 * 3600


def token_for(invitation: Invitation) -> str:
    """The signed, dated token of an invitation's personal link."""
    return _serializer().dumps({"i": invitation.id, "e": invitation.email})


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link belongs to; refused with a sentence when tampered with or expired."""
    try:
        payload = _serializer().loads(token, max_age=link_max_age())
    except SignatureExpired:
        raise LinkRefused(
            _("This registration link has expired. Ask the secretariat for a new invitation."), code="link_expired"
        ) from None
    except BadSignature:
        raise LinkRefused(
            _(
                "This registration link is not valid. Use the link from your invitation exactly "
                "as it was sent, or ask the secretariat for a new one."
            )
        ) from None
    invitation = db.session.get(Invitation, payload.get("i")) if isinstance(payload, dict) else None
    if invitation is None or invitation.email != payload.get("e"):
        raise LinkRefused(
            _(
                "This registration link is not valid. Use the link from your invitation exactly "
                "as it was sent, or ask the secretariat for a new one."
            )
        )
    refuse_ended_link(invitation)
    return invitation


def refuse_ended_link(invitation: Invitation) -> None:
    """A link ends at the end of the meeting's day (in the network's zone) and with its person's account."""
    if clock.today() > invitation.meeting.date:
        raise LinkRefused(
            _("The meeting of this registration link is over; the link no longer works."), code="link_expired"
        )
    if invitation.user_id is not None:
        person = db.session.get(User, invitation.user_id)
        if person is None or not person.active:
            raise LinkRefused(
                _("This registration link no longer works: the account it was sent to has been deactivated."),
                code="link_expired",
            )


def invitees(meeting: Meeting) -> list[User]:
    """The board members to invite: every active account with the board or chair role."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.active.is_(True),
                User.id.in_(sa.select(UserRole.user_id).where(UserRole.role.in_([Role.BOARD, Role.CHAIR]))),
            )
            .order_by(User.name)
        )
    )


def invitation_for_person(meeting: Meeting, user: User) -> Invitation:
    """The person's invitation to the meeting; a new one is not saved until it is sent or answered."""
    invitation = db.session.scalars(
        sa.select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.email == user.email.lower())
    ).first()
    if invitation is None:
        invitation = Invitation(
            meeting=meeting,
            user_id=user.id,
            email=user.email.lower(),
            name=user.name,
            function=user.function or "",
            city_id=user.city_id,
            sent_count=0,
        )
    return invitation


def _invitation_for(meeting: Meeting, user: User) -> Invitation:
    invitation = invitation_for_person(meeting, user)
    if invitation.id is None:
        db.session.add(invitation)
        db.session.flush()
    return invitation


def send_invitations(
    actor, meeting: Meeting, link_for: Callable[[str], str], only_unanswered: bool = False
) -> list[Invitation]:
    """Email each board member a personal registration link (by SMTP); returns the invitations sent."""
    if not meeting.items:
        raise Conflict(_("Add the programme before sending the invitation."))
    people = invitees(meeting)
    if not people:
        raise Conflict(_("There are no board members to invite."))
    invitations = []
    for user in people:
        invitation = _invitation_for(meeting, user)
        if only_unanswered and find_registration(meeting, invitation.email) is not None:
            continue
        invitations.append(invitation)
    # The invitation goes out in the network's language, whatever language the sender's screen is in.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        messages = [invitation_message(meeting, inv, link_for(token_for(inv))) for inv in invitations]
    mail.deliver(messages, failed=INVITATIONS_NOT_SENT)
    now = clock.now()
    for invitation in invitations:
        invitation.sent_at = now
        invitation.sent_count += 1
    db.session.flush()
    audit.record(
        "meeting.invitations_sent", meeting, actor, count=len(invitations), emails=[i.email for i in invitations]
    )
    return invitations


def answer_invitation(invitation: Invitation, data: RegistrationInput) -> Registration:
    """The invited person's own answer through their link: a first answer or a change of it."""
    if invitation.id is None:
        db.session.add(invitation)
        db.session.flush()
    data.email = invitation.email
    data.city_id = invitation.city_id
    registration = find_registration(invitation.meeting, invitation.email)
    actor = db.session.get(User, invitation.user_id) if invitation.user_id else None
    if registration is None:
        return register(actor, invitation.meeting, data, invitation=invitation)
    return update_registration(actor, registration, data)
