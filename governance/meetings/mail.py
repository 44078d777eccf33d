"""The network day's mail: invitations with a personal link, and a place that became free (governance.mail sends)."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import format_date, lazy_gettext
from flask_babel import gettext as _

from governance import mail
from governance.extensions import db
from governance.meetings.fields import format_time
from governance.meetings.models import Invitation, Meeting, PlaceStatus, RegistrationItem
from governance.meetings.registrations import MOVED_UP_KEY
from governance.network.rules import network_name_on

INVITATIONS_NOT_SENT = lazy_gettext("The mail server (%(host)s:%(port)s) could not send the invitations: %(error)s")


def invitation_message(meeting: Meeting, invitation: Invitation, link: str):
    """The invitation email with the programme and the person's own registration link."""
    network = network_name_on(meeting.date)
    return mail.build(
        "meeting_invitation",
        invitation.name,
        invitation.email,
        _("Invitation: %(title)s on %(date)s", title=meeting.title, date=format_date(meeting.date, "long")),
        sender=mail.secretariat(network),
        meeting=meeting,
        invitation=invitation,
        link=link,
        format_time=format_time,
    )


def moved_up_message(place: RegistrationItem):
    """Tell someone on a waiting list that a place in the session has become theirs."""
    registration, item = place.registration, place.item
    return mail.build(
        "place_moved_up",
        registration.name,
        registration.email,
        _("You have a place: %(title)s", title=item.title),
        sender=mail.secretariat(network_name_on(registration.meeting.date)),
        registration=registration,
        item=item,
        meeting=registration.meeting,
        format_time=format_time,
    )


def send_moved_up_notices() -> int:
    """After a commit: email everyone who moved up from a waiting list; a mail failure is logged, not raised."""
    ids = db.session.info.pop(MOVED_UP_KEY, [])
    if not ids:
        return 0
    places = [db.session.get(RegistrationItem, place_id) for place_id in ids]
    places = [p for p in places if p is not None and p.status == PlaceStatus.REGISTERED]
    with mail.network_language():
        messages = [moved_up_message(place) for place in places]
    try:
        mail.deliver(messages)
    except mail.MailFailed as error:
        current_app.logger.warning("could not tell %d people they moved up: %s", len(messages), error.message)
        return 0
    return len(messages)


@sa.event.listens_for(so.Session, "after_rollback")
def forget_moved_up(session: so.Session) -> None:
    """After a rollback the places did not change, so nobody is to be told."""
    session.info.pop(MOVED_UP_KEY, None)
