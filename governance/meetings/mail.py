"""Outgoing mail for invitations, by plain SMTP (host, port, TLS and login are settings)."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from governance.errors import DomainError
from governance.extensions import db
from governance.meetings.fields import format_time
from governance.meetings.models import Invitation, Meeting, PlaceStatus, RegistrationItem
from governance.meetings.registrations import MOVED_UP_KEY
from governance.network.rules import network_name_on


def one_line(text: str) -> str:
    """A header value on one line: a title or name with CR or LF never starts a header of its own."""
    return " ".join((text or "").split())


class MailFailed(DomainError):
    """The mail server could not be reached or refused the message."""

    status = 502
    code = "mail_failed"


def invitation_message(meeting: Meeting, invitation: Invitation, link: str) -> EmailMessage:
    """The invitation email with the programme and the person's own registration link."""
    network = network_name_on(meeting.date)
    message = EmailMessage()
    message["Subject"] = one_line(
        _("Invitation: %(title)s on %(date)s", title=meeting.title, date=format_date(meeting.date, "long"))
    )
    message["From"] = formataddr(
        (one_line(_("Secretariat %(network)s", network=network)), current_app.config["MAIL_SENDER"])
    )
    message["To"] = formataddr((one_line(invitation.name), invitation.email))
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_SENDER"].rpartition("@")[2] or None)
    programme = "\n".join(
        f"  {format_time(item.starts_at)}-{format_time(item.ends_at)}  {item.title}"
        + (f" ({item.room})" if item.room else "")
        for item in meeting.items
    )
    body = "\n\n".join(
        [
            _("Dear %(name)s,", name=invitation.name),
            _(
                "You are invited to %(title)s on %(date)s at %(place)s.",
                title=meeting.title,
                date=format_date(meeting.date, "full"),
                place=meeting.place,
            ),
            _("Programme:") + "\n" + programme,
            _(
                "Please let us know whether you will come, which sessions you will attend, and how your name badge "
                "should read, through your personal link:"
            )
            + "\n"
            + link,
            _("The link is personal; do not forward it."),
            _("Kind regards,") + "\n" + _("Secretariat %(network)s", network=network).strip(),
        ]
    )
    message.set_content(body + "\n")
    return message


def send(messages: list[EmailMessage]) -> None:
    """Deliver the messages over one SMTP connection; any failure stops the batch with a sentence."""
    if not messages:
        return
    config = current_app.config
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            for message in messages:
                smtp.send_message(message, from_addr=config["MAIL_SENDER"])
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("sending invitations failed: %s", error)
        raise MailFailed(
            _(
                "The mail server (%(host)s:%(port)s) could not send the invitations: %(error)s",
                host=config["MAIL_SERVER"],
                port=config["MAIL_PORT"],
                error=str(error)[:200],
            )
        ) from None


def moved_up_message(place: RegistrationItem) -> EmailMessage:
    """Tell someone on a waiting list that a place in the session has become theirs."""
    registration, item = place.registration, place.item
    meeting = registration.meeting
    network = network_name_on(meeting.date)
    message = EmailMessage()
    message["Subject"] = one_line(_("You have a place: %(title)s", title=item.title))
    message["From"] = formataddr(
        (one_line(_("Secretariat %(network)s", network=network)), current_app.config["MAIL_SENDER"])
    )
    message["To"] = formataddr((one_line(registration.name), registration.email))
    body = "\n\n".join(
        [
            _("Dear %(name)s,", name=registration.name),
            _(
                "A place has become free in %(title)s (%(start)s-%(end)s) on %(date)s, and it is yours: you were "
                "first on the waiting list.",
                title=item.title,
                start=format_time(item.starts_at),
                end=format_time(item.ends_at),
                date=format_date(meeting.date, "full"),
            ),
            _("Kind regards,") + "\n" + _("Secretariat %(network)s", network=network).strip(),
        ]
    )
    message.set_content(body + "\n")
    return message


def send_moved_up_notices() -> int:
    """After a commit: email everyone who moved up from a waiting list; a mail failure is logged, not raised."""
    ids = db.session.info.pop(MOVED_UP_KEY, [])
    if not ids:
        return 0
    places = [db.session.get(RegistrationItem, place_id) for place_id in ids]
    places = [p for p in places if p is not None and p.status == PlaceStatus.REGISTERED]
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        messages = [moved_up_message(place) for place in places]
    try:
        send(messages)
    except MailFailed as error:
        current_app.logger.warning("could not tell %d people they moved up: %s", len(messages), error.message)
        return 0
    return len(messages)


@sa.event.listens_for(so.Session, "after_rollback")
def forget_moved_up(session: so.Session) -> None:
    """After a rollback the places did not change, so nobody is to be told."""
    session.info.pop(MOVED_UP_KEY, None)
