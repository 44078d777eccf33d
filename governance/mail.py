"""All outgoing mail, through Flask-Mailman: bodies from Jinja templates (templates/mail/), sent by SMTP.

A message is built from mail/<template>.txt (the plain text every mail has) and mail/<template>.html (its HTML
alternative), in the network's language (Dutch by default) whatever the sender's screen is in. A service either
queues it on the session, and the view commits and then calls `send_queued()`, so a mail goes only for a change
that was saved and a mail server that fails never undoes the change; or, where the mail is the change (the
network day's invitations), calls `deliver()` before it records that they went, so a failure saves nothing.
Either way a failure is logged and said in a sentence (`MailFailed`).

Settings: `MAIL_SERVER`, `MAIL_PORT`, `MAIL_USE_TLS`, `MAIL_USE_SSL`, `MAIL_USERNAME`, `MAIL_PASSWORD`,
`MAIL_TIMEOUT` are Flask-Mailman's own; `MAIL_SENDER` is given to it as `MAIL_DEFAULT_SENDER`; `MAIL_BACKEND`
is this module's `EmailBackend` (SMTP, also under TESTING, where Flask-Mailman would keep mail in memory).
"""

import smtplib
import ssl
from email.utils import format_datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, render_template
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from flask_mailman import EmailMultiAlternatives, Mail
from flask_mailman.backends import smtp as mailman_smtp
from flask_mailman.message import make_msgid, sanitize_address

from governance import clock
from governance.errors import DomainError
from governance.extensions import db
from governance.network.rules import get_network, name_on

QUEUE_KEY = "governance.mail.queue"
mailman = Mail()

# What a failure says, by what was being sent; %(host)s, %(port)s, %(to)s and %(error)s are filled in.
SAVED_BUT_NOT_SENT = lazy_gettext(
    "The change is saved, but the mail server (%(host)s:%(port)s) could not send the e-mail to %(to)s: %(error)s"
)
NOT_SENT = lazy_gettext("The mail server (%(host)s:%(port)s) could not send the e-mail to %(to)s: %(error)s")


class MailFailed(DomainError):
    """The mail server could not be reached or refused a message; the message says so in a sentence."""

    status = 502
    code = "mail_failed"


class _VerifyingSMTP(smtplib.SMTP):
    """SMTP whose STARTTLS checks the server's certificate (smtplib's default context does not)."""

    def starttls(self, *args, context=None, **kwargs):
        return super().starttls(*args, context=context or ssl.create_default_context(), **kwargs)


class EmailBackend(mailman_smtp.EmailBackend):
    """Flask-Mailman's SMTP backend with a certificate-checked STARTTLS (MAIL_BACKEND = "governance.mail")."""

    @property
    def connection_class(self):
        return smtplib.SMTP_SSL if self.use_ssl else _VerifyingSMTP


def init_app(app: Flask) -> None:
    """Give the MAIL_* settings to Flask-Mailman (MAIL_SENDER is its MAIL_DEFAULT_SENDER)."""
    if app.config.get("MAIL_USE_TLS") and app.config.get("MAIL_USE_SSL"):
        raise RuntimeError("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL (TLS from the start) exclude each other: set one.")
    app.config.setdefault("MAIL_DEFAULT_SENDER", app.config["MAIL_SENDER"])
    app.config["MAIL_PORT"] = int(app.config["MAIL_PORT"])
    mailman.init_app(app)


def one_line(text: str) -> str:
    """A header value on one line: a title or name with CR or LF never starts a header of its own."""
    return " ".join((text or "").split())


def sender_name() -> str:
    """The secretariat as the From line names it, with the network's name of today."""
    return secretariat(name_on(get_network(), clock.today()))


def secretariat(network: str) -> str:
    """The secretariat of the network so named, as it signs a mail."""
    return _("Secretariat %(network)s", network=network).strip()


def network_language():
    """Mail goes out in the network's language (BABEL_DEFAULT_LOCALE), whatever the sender's screen is in."""
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def build(template: str, to_name: str, to_email: str, subject: str, **context) -> EmailMultiAlternatives:
    """A message in the network's language: text from mail/<template>.txt, HTML from mail/<template>.html."""
    config = current_app.config
    sender_address = config["MAIL_DEFAULT_SENDER"]
    with network_language():
        context.setdefault("sender", sender_name())
        subject = str(subject)
        text = render_template(f"mail/{template}.txt", **context).strip() + "\n"
        html = render_template(f"mail/{template}.html", **context)
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=text,
        from_email=sanitize_address((one_line(context["sender"]), sender_address), "utf-8"),
        to=[sanitize_address((one_line(to_name), to_email), "utf-8")],
        headers={
            "Message-ID": make_msgid(domain=sender_address.rpartition("@")[2] or None),
            "Date": format_datetime(clock.aware_now()),  # the one clock, not the machine's
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def deliver(messages: list[EmailMultiAlternatives], failed=NOT_SENT) -> None:
    """Send the messages over one SMTP connection; the first failure stops the batch with MailFailed(failed)."""
    if not messages:
        return
    config = current_app.config
    try:
        with mailman.get_connection() as connection:
            connection.send_messages(messages)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("sending %d message(s) failed: %s", len(messages), error)
        raise MailFailed(
            str(failed)
            % {
                "host": config["MAIL_SERVER"],
                "port": config["MAIL_PORT"],
                "to": ", ".join(address for m in messages for address in m.to)[:300],
                "error": str(error)[:200],
            }
        ) from None


def queue(message: EmailMultiAlternatives) -> None:
    """Send the message once the current transaction commits (see send_queued)."""
    db.session.info.setdefault(QUEUE_KEY, []).append(message)


def send_queued() -> str | None:
    """After the commit: send what the services queued; return the failure's sentence, or None when all went."""
    messages = db.session.info.pop(QUEUE_KEY, [])
    try:
        deliver(messages, failed=SAVED_BUT_NOT_SENT)
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
                deliver(messages, failed=SAVED_BUT_NOT_SENT)
            except MailFailed as error:
                app.logger.warning("mail sent after the response failed: %s", error.message)

    response.call_on_close(send_later)
    return response


@sa.event.listens_for(so.Session, "after_rollback")
def _forget_queued(session: so.Session) -> None:
    """A rolled-back change sends nothing."""
    session.info.pop(QUEUE_KEY, None)
