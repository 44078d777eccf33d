"""All mail goes through governance.mail (Flask-Mailman) to a real local SMTP server (aiosmtpd).

What a mail says is tested where it is sent (test_invitations.py, test_meetings.py); here: the settings reach
the SMTP connection, every way the server can fail gets a sentence (never a 500) and saves nothing half, and
the message itself is well formed (plain text with an HTML alternative, Dutch, one-line headers, the app's clock).
"""

import datetime as dt
import logging
import socket
import ssl
from email.header import decode_header, make_header
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa

from governance.extensions import db
from tests.test_meetings import free_port

SECRETARIAT = "sec@example.test"
NOW = "2017-11-20T10:00:00+01:00"


class Picky:
    """An aiosmtpd handler that refuses addresses starting with "refused" and messages to "reject-me"."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        if any(to.startswith("reject-me") for to in envelope.rcpt_tos):
            return "554 5.7.1 message rejected"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="module")
def server():
    from aiosmtpd.controller import Controller

    controller = Controller(Picky(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture(scope="module")
def silent_port():
    """A port that takes the connection and never says a word: only MAIL_TIMEOUT ends the wait."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


# Each way the mail can fail: the settings, the address mailed, and what the server's part of the sentence says.
FAILURES = {
    "server down": ({"MAIL_PORT": 1}, "jan@example.test", "Connection refused"),
    "server silent": ({"MAIL_PORT": "silent", "MAIL_TIMEOUT": 0.5}, "jan@example.test", "timed out"),
    "address refused": ({}, "refused@example.test", "mailbox unavailable"),
    "message rejected": ({}, "reject-me@example.test", "message rejected"),
    "no STARTTLS": ({"MAIL_USE_TLS": True}, "jan@example.test", "STARTTLS"),
    "no TLS from the start": ({"MAIL_USE_SSL": True}, "jan@example.test", "SSL"),
    "no login": ({"MAIL_USERNAME": "sec", "MAIL_PASSWORD": "secret"}, "jan@example.test", "AUTH"),
}


@pytest.fixture
def app_config(request):
    config = {"CLOCK_NOW": NOW}
    settings = FAILURES[request.getfixturevalue("failure")][0] if "failure" in request.fixturenames else {}
    config["MAIL_PORT"] = request.getfixturevalue("server").port
    config.update(settings)
    if config["MAIL_PORT"] == "silent":
        config["MAIL_PORT"] = request.getfixturevalue("silent_port")
    return config


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.mark.parametrize("failure", list(FAILURES))
def test_an_account_is_kept_and_the_failure_said_when_its_invitation_fails(app, client, people, failure):
    _settings, email, reason = FAILURES[failure]
    people.user("secretariat", email=SECRETARIAT)
    people.login(client, SECRETARIAT)
    answer = client.post(
        "/accounts",
        data={"name": "Jan Wit", "email": email, "roles": ["daily_board"], "invite": "y"},
        follow_redirects=True,
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    port = app.config["MAIL_PORT"]
    assert f"The change is saved, but the mail server (127.0.0.1:{port}) could not send the e-mail to Jan Wit" in text
    assert reason in text
    from governance.accounts.services import find_user

    with app.app_context():
        assert find_user(email) is not None


def _meeting_with_a_board_member(app, people, email: str) -> int:
    from governance.meetings.meeting import create_meeting
    from governance.meetings.programme import ItemInput, add_item

    city = people.city("Lelystad")
    people.user("board", city_id=city, name="Ina Adema", email=email)
    people.user("secretariat", email=SECRETARIAT)
    with app.app_context():
        meeting = create_meeting(None, "Netwerkdag", dt.date(2017, 11, 30), "Stadhuisplein 2, Lelystad")
        add_item(None, meeting, ItemInput("10:00", "11:00", "theme_session", "Jeugd", room="Zaal 2"))
        db.session.commit()
        return meeting.id


@pytest.mark.parametrize("failure", list(FAILURES))
def test_invitations_that_fail_record_nothing_and_say_why(app, client, people, failure):
    from governance.meetings.models import Invitation

    _settings, email, reason = FAILURES[failure]
    meeting_id = _meeting_with_a_board_member(app, people, email)
    people.login(client, SECRETARIAT)
    answer = client.post(f"/meetings/{meeting_id}/invitations", data={}, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert f"The mail server (127.0.0.1:{app.config['MAIL_PORT']}) could not send the invitations" in text
    assert reason in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


@pytest.mark.parametrize("failure", ["server down", "address refused"])
def test_a_reset_mail_that_fails_is_logged_and_the_answer_stays_the_same(app, client, people, failure, caplog):
    _settings, email, _reason = FAILURES[failure]
    people.user("board", city_id=people.city("Lelystad"), email=email)
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        with client.post("/password/forgot", data={"email": email}) as response:
            assert response.status_code == 200
    assert any("mail sent after the response failed" in r.getMessage() for r in caplog.records)


def test_the_network_day_invitation_is_dutch_text_with_html_on_the_apps_clock(app, client, people, server):
    inbox = server.handler.messages
    inbox.clear()
    meeting_id = _meeting_with_a_board_member(app, people, "ina@lelystad.test")
    people.login(client, SECRETARIAT)  # the secretariat's screen is in English; the mail is not
    assert client.post(f"/meetings/{meeting_id}/invitations", data={}).status_code == 302
    (message,) = inbox
    assert message["Subject"] == "Uitnodiging: Netwerkdag op 30 november 2017"
    assert str(message["From"]) == "Secretariaat G32 <secretariaat@g32.invalid>"
    assert message["To"].addresses[0].addr_spec == "ina@lelystad.test"
    assert parsedate_to_datetime(message["Date"]) == dt.datetime.fromisoformat(NOW)
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    assert text.startswith("Beste Ina Adema,\n\nU bent uitgenodigd voor de Netwerkdag op donderdag 30 november 2017")
    assert "  10:00-11:00  Jeugd (Zaal 2)\n" in text
    link = text.split("\n")[text.split("\n").index("  10:00-11:00  Jeugd (Zaal 2)") + 3]
    assert link.startswith("http://localhost/meetings/register/") and f'href="{link}"' in html


@pytest.mark.parametrize(
    "name, subject, to_header, subject_header",
    [
        ("Jan\r\nBcc: x@evil.test", "Reset\nnow", '"Jan Bcc: x@evil.test" <jan@example.test>', "Reset now"),
        ("Frédérique Ås", "Wachtwoord  één", "Frédérique Ås <jan@example.test>", "Wachtwoord één"),
    ],
)
def test_names_and_subjects_stay_on_one_header_line(app, name, subject, to_header, subject_header):
    from governance import mail

    user = type("Someone", (), {"name": name})()
    with app.test_request_context():
        message = mail.build(
            "password_reset", name, "jan@example.test", subject, user=user, network="G32", link="http://x", minutes=60
        ).message()
    assert str(make_header(decode_header(message["To"]))) == to_header
    assert str(make_header(decode_header(message["Subject"]))) == subject_header
    assert "Bcc" not in message


def test_starttls_checks_the_servers_certificate(monkeypatch):
    import smtplib

    from governance.mail import _VerifyingSMTP

    seen = {}
    monkeypatch.setattr(smtplib.SMTP, "starttls", lambda self, *a, context=None, **k: seen.setdefault("c", context))
    _VerifyingSMTP.starttls(object.__new__(_VerifyingSMTP))
    assert seen["c"].verify_mode == ssl.CERT_REQUIRED and seen["c"].check_hostname


def test_starttls_and_tls_from_the_start_are_refused_together_at_start():
    from tests.conftest import make_app

    with pytest.raises(RuntimeError, match="exclude each other"):
        make_app(MAIL_USE_TLS=True, MAIL_USE_SSL=True)
