"""Outgoing mail from Jinja templates (text and HTML under templates/mail/), sent by SMTP after the commit.

A service queues a message on the session; the view commits and then calls `send_queued()`, so a mail is sent
only for a change that was saved, and a mail server that fails never undoes the change: the failure is logged
and its sentence returned for the page to show the secretariat. The SMTP settings are the `MAIL_*` ones that the
network day's invitations use (governance/meetings/mail.py).
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, render_template
from flask_babel import gettext as _

from governance import clock
from governance.extensions import db
from governance.network.rules import get_network, name_on

QUEUE_KEY = "governance.mail.queue"


class MailFailed(Exception):
    """The mail server could not be reached or refused a message; `message` says so in a sentence."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sender_name() -> str:
    """The secretariat as the From line names it, with the network's name of today."""
    return _("Secretariat %(network)s", network=name_on(get_network(), clock.today())).strip()


def build(template: str, to_name: str, to_email: str, subject: str, **context) -> EmailMessage:
    """A message with a text body from mail/<template>.txt and an HTML body from mail/<template>.html."""
    config = current_app.config
    context.setdefault("sender", sender_name())
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((context["sender"], config["MAIL_SENDER"]))
    message["To"] = formataddr((to_name, to_email))
    message["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    message.set_content(render_template(f"mail/{template}.txt", **context).strip() + "\n")
    message.add_alternative(render_template(f"mail/{template}.html", **context), subtype="html")
    return message


def deliver(messages: list[EmailMessage]) -> None:
    """Send the messages over one SMTP connection; raise MailFailed with a sentence when that fails."""
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
        current_app.logger.warning("sending %d message(s) failed: %s", len(messages), error)
        raise MailFailed(
            _(
                "The change is saved, but the mail server (%(host)s:%(port)s) could not send the e-mail to "
                "%(to)s: %(error)s",
                host=config["MAIL_SERVER"],
                port=config["MAIL_PORT"],
                to=", ".join(str(m["To"]) for m in messages)[:300],
                error=str(error)[:200],
            )
        ) from None


def queue(message: EmailMessage) -> None:
    """Send the message once the current transaction commits (see send_queued)."""
    db.session.info.setdefault(QUEUE_KEY, []).append(message)


def send_queued() -> str | None:
    """After the commit: send what the services queued; return the failure's sentence, or None when all went."""
    messages = db.session.info.pop(QUEUE_KEY, [])
    try:
        deliver(messages)
    except MailFailed as error:
        return error.message
    return None


def send_queued_after(response):
    """Send what was queued once the response has gone out, so its timing tells nothing; failures are logged."""
    messages = db.session.info.pop(QUEUE_KEY, [])
    if not messages:
        return response
    app = current_app._get_current_object()

    def send_later() -> None:
        with app.app_context():
            try:
                deliver(messages)
            except MailFailed as error:
                app.logger.warning("mail sent after the response failed: %s", error.message)

    response.call_on_close(send_later)
    return response


@sa.event.listens_for(so.Session, "after_rollback")
def _forget_queued(session: so.Session) -> None:
    """A rolled-back change sends nothing."""
    session.info.pop(QUEUE_KEY, None)
