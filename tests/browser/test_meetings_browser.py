"""The network day in a real browser: invitation by email, registration by link, badges, documents, the budget motion.

Drives Debian's Chromium through Playwright against the app served on a local port, with a local SMTP server
(aiosmtpd) that receives the invitations.
"""

import datetime as dt
import io
import re
import socket

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from governance.clock import today as local_today
from governance.extensions import db

pytestmark = pytest.mark.browser

SHOTS = __import__("os").environ.get("MEETINGS_SHOTS")  # a directory to keep screenshots of each step


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def app_config(smtp):
    # CSRF on, as in production (and as tests/browser/conftest.py does); mail to the local SMTP server.
    return {"MAIL_PORT": smtp[0], "WTF_CSRF_ENABLED": True}


def english_page(new_context, live_server, *, axe=False):
    context = new_context(axe=axe, locale="en-GB")
    context.set_default_timeout(30_000)  # this walk is long; a busy CI machine should not fail it
    # Assertions read the English texts; Dutch is the default language.
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    return context.new_page()


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def pdf(text: str) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def add_item(page, base, meeting_url, start, end, kind, title, room, capacity=""):
    page.goto(meeting_url)
    page.click("text=Add a programme item")
    page.fill("input[name=start]", start)
    page.fill("input[name=end]", end)
    page.select_option("select[name=kind]", kind)
    page.fill("input[name=title]", title)
    page.fill("input[name=room]", room)
    page.fill("input[name=capacity]", capacity)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_network_day_from_invitation_to_badges_documents_and_budget_vote(
    app, people, smtp, live_server, new_context, log_in, axe, browser_errors
):
    _, inbox = smtp
    base = live_server.url
    lelystad = people.city("Lelystad")
    almere = people.city("Almere")
    people.user("secretariat", email="secretariaat@g32.test", name="Gerard Hendriksma")
    people.user("chair", email="voorzitter@g32.test", name="Ferd Crone")
    people.user("board", city_id=lelystad, email="ina.adema@lelystad.test", name="Ina Adema")
    people.user("board", city_id=almere, email="ab@almere.test", name="Franc Weerwind")

    # The secretariat plans the day and its programme.
    sec = english_page(new_context, live_server, axe=True)
    log_in(sec, "secretariaat@g32.test")
    sec.goto(base + "/meetings/")
    sec.click("text=New meeting")
    sec.fill("input[name=title]", "Bestuurlijke netwerkdag")
    sec.fill("input[name=date]", (local_today() + dt.timedelta(days=14)).isoformat())
    sec.fill("input[name=place]", "Stadhuis Lelystad, Stadhuisplein 2")
    with sec.expect_navigation():
        sec.click("main button[type=submit]")
    meeting_url = sec.url.split("#")[0]
    add_item(sec, base, meeting_url, "10:00", "11:00", "theme_session", "Mensen tussen wal en schip", "Zaal 1", "30")
    add_item(sec, base, meeting_url, "10:00", "11:00", "theme_session", "Jeugd en onderwijs", "Zaal 2")
    add_item(sec, base, meeting_url, "15:30", "16:00", "general_board", "Algemeen Bestuur", "Raadzaal")
    # An overlap in one room is refused with a message.
    add_item(sec, base, meeting_url, "10:30", "11:30", "theme_group", "Botsing", "Zaal 1")
    assert "already in use" in sec.inner_text("main")
    sec.goto(meeting_url)
    assert sec.locator(".session").count() == 3
    shot(sec, "1-programme")
    axe(sec, "the meeting page")

    # Invitations go out by SMTP, each with a personal link.
    sec.click("text=Invitations")
    with sec.expect_navigation():
        sec.click("main form button[type=submit]")
    assert "3 invitations have been sent" in sec.inner_text("main")  # two board members and the chair
    assert len(inbox.messages) == 3
    to_ina = next(m for m in inbox.messages if "ina.adema@lelystad.test" in m["To"])
    link = re.search(r"http://\S+/meetings/register/\S+", to_ina.get_body(("plain",)).get_content()).group(0)

    # Ina registers through the link without logging in, and chooses her sessions.
    guest = english_page(new_context, live_server, axe=True)
    guest.goto(link)
    assert "Ina Adema" in guest.inner_text("main")
    axe(guest, "the registration page")
    # Not attending greys out the sessions (static/meetings.js); attending brings them back.
    guest.check("input[name=attending][value=no]")
    assert guest.locator("#items input[type=checkbox]").first.is_disabled()
    guest.check("input[name=attending][value=yes]")
    assert guest.locator("#items input[type=checkbox]").first.is_enabled()
    guest.check("label:has-text('Mensen tussen wal en schip') >> xpath=preceding-sibling::input")
    guest.check("label:has-text('Jeugd en onderwijs') >> xpath=preceding-sibling::input")
    guest.fill("input[name=function]", "burgemeester")
    with guest.expect_navigation():
        guest.click("#registration-form button[type=submit]")
    assert "same time" in guest.inner_text("main")  # two parallel sessions: choose one
    guest.uncheck("label:has-text('Jeugd en onderwijs') >> xpath=preceding-sibling::input")
    guest.check("label:has-text('Algemeen Bestuur') >> xpath=preceding-sibling::input")
    with guest.expect_navigation():
        guest.click("#registration-form button[type=submit]")
    status = guest.inner_text("#registration-status")
    assert "You are registered" in status and "Mensen tussen wal en schip" in status and "Algemeen Bestuur" in status
    shot(guest, "2-registered")
    # A tampered link changes nothing and says why.
    guest.goto(link[:-3] + ("xyz" if not link.endswith("xyz") else "abc"))
    assert "not valid" in guest.inner_text("#link-refused")

    # The secretariat sees the numbers and downloads the badges.
    sec.goto(meeting_url + "/attendance")
    assert "1 person attends the day" in sec.inner_text("#attendance-total")
    assert "Almere" in sec.inner_text("#unanswered")
    shot(sec, "3-attendance")
    axe(sec, "the attendance page")
    response = sec.request.get(meeting_url + "/badges.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)
    assert "Ina Adema" in text and "Lelystad" in text and "burgemeester" in text and "G32" in text

    # Documents: the budget is published today, the minutes only tomorrow.
    for title, publish_on in (("Begroting 2018", local_today()), ("Notulen", local_today() + dt.timedelta(days=1))):
        sec.goto(meeting_url)
        sec.click("text=Upload a document")
        sec.fill("input[name=title]", title)
        sec.fill("input[name=publish_on]", publish_on.isoformat())
        sec.set_input_files(
            "input[name=file]", {"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": pdf(title)}
        )
        with sec.expect_navigation():
            sec.click("main button[type=submit]")
        assert "has been uploaded" in sec.inner_text("main")
    board = english_page(new_context, live_server, axe=True)
    log_in(board, "ina.adema@lelystad.test")
    board.goto(meeting_url)
    documents = board.inner_text("#documents")
    assert "Begroting 2018" in documents and "Notulen" not in documents
    shot(board, "4-board-member-view")

    # The budget motion on the agenda, tied to version 1 of the budget.
    sec.goto(meeting_url)
    sec.click("text=Add to the agenda")
    sec.fill("input[name=title]", "Goedkeuring begroting 2018")
    sec.check("input[name=new_motion]")
    option = sec.locator("select[name=document_version_id] option", has_text="Begroting 2018").get_attribute("value")
    sec.select_option("select[name=document_version_id]", option)
    with sec.expect_navigation():
        sec.click("main button[type=submit]")
    agenda = sec.inner_text("#agenda")
    assert "Goedkeuring begroting 2018" in agenda and "version 1" in agenda
    with app.app_context():
        from governance.voting.models import Poll

        poll_id = db.session.scalar(sa.select(Poll.id).where(Poll.title == "Goedkeuring begroting 2018"))
    tokens = {
        email: people.token(email) for email in ("voorzitter@g32.test", "ina.adema@lelystad.test", "ab@almere.test")
    }

    def call(path, email, body=None):
        return sec.request.post(
            f"{base}/api/v1{path}", data=body or {}, headers={"Authorization": f"Bearer {tokens[email]}"}
        )

    assert call(f"/polls/{poll_id}/open", "voorzitter@g32.test").status == 200
    # While the board votes, the budget cannot get a new version.
    sec.goto(meeting_url)
    sec.set_input_files(
        "#documents tr:has-text('Begroting 2018') input[type=file]",
        {"name": "v2.pdf", "mimeType": "application/pdf", "buffer": pdf("Begroting 2018 v2")},
    )
    with sec.expect_navigation():
        sec.click("#documents tr:has-text('Begroting 2018') button[type=submit]")
    assert "voting on version 1" in sec.inner_text("main")
    assert call(f"/polls/{poll_id}/votes", "ina.adema@lelystad.test", {"choice": "yes"}).status == 201
    assert call(f"/polls/{poll_id}/votes", "ab@almere.test", {"choice": "yes"}).status == 201
    closed = call(f"/polls/{poll_id}/close", "voorzitter@g32.test")
    assert closed.status == 200 and closed.json()["result"]["outcome"] == "adopted"
    sec.goto(meeting_url)
    assert "adopted" in sec.inner_text("#agenda")
    shot(sec, "5-agenda-adopted")
    assert browser_errors.csp_violations() == []


@pytest.mark.parametrize(
    "path, who",
    [
        ("/meetings/", "secretariaat@g32.example"),
        ("/meetings/{id}", "secretariaat@g32.example"),
        ("/meetings/{id}/edit", "secretariaat@g32.example"),
        ("/meetings/{id}/items/new", "secretariaat@g32.example"),
        ("/meetings/{id}/invitations", "secretariaat@g32.example"),
        ("/meetings/{id}/attendance", "secretariaat@g32.example"),
        ("/meetings/{id}/registrations/new", "secretariaat@g32.example"),
        ("/meetings/{id}/documents/new", "secretariaat@g32.example"),
        ("/meetings/{id}/agenda/new", "secretariaat@g32.example"),
        ("/meetings/{id}", "bestuur.lelystad@g32.example"),
        ("/meetings/{id}/register", "bestuur.lelystad@g32.example"),
    ],
)
def test_network_day_pages_of_the_demo_are_accessible(
    app, demo, new_context, log_in, axe, browser_errors, screenshot, path, who
):
    from governance.meetings.demo import seed_network_day

    with app.app_context():
        meeting_id = seed_network_day(None).id
        db.session.commit()
    page = new_context(axe=True).new_page()  # Dutch, the default language
    log_in(page, who)
    response = page.goto(path.format(id=meeting_id))
    assert response.status == 200
    assert "Bestuurlijke netwerkdag" in page.content()
    axe(page, path)
    assert browser_errors.csp_violations() == []
    screenshot(page, "meetings" + re.sub(r"\W+", "-", path.format(id="day")).rstrip("-") + "-" + who.split("@")[0])
