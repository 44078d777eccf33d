"""The way in, in Chromium: a city's page asks for its board member, the invitation mail, choosing a password."""

import time

import pytest
from playwright.sync_api import expect

from tests.test_invitations import LINK, link_in
from tests.test_meetings import Inbox, free_port

NEW_PASSWORD = "paars konijn op de dijk"


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
    return {"WTF_CSRF_ENABLED": True, "MAIL_PORT": smtp[0]}


def test_a_new_board_member_is_invited_and_chooses_a_password(
    app, people, smtp, new_context, user_page, axe, browser_errors, screenshot
):
    _port, inbox = smtp
    assen = people.city(name="Assen", province="Drenthe")
    people.user("secretariat", email="sec@g32.test", name="Marloes Verbeek")
    secretariat = user_page("sec@g32.test", axe=True)

    secretariat.goto(f"/cities/{assen}")
    expect(secretariat.locator("#board-members + .notice")).to_contain_text("Assen heeft nog geen AB-lid.")
    axe(secretariat, "a city's page asking for its board members")
    with secretariat.expect_navigation():
        secretariat.click("a[href$='/board-members/new']")
    secretariat.fill("#name", "Sietske Bosma")
    secretariat.fill("#function", "burgemeester")
    secretariat.fill("#email", "s.bosma@assen.test")
    axe(secretariat, "the board-member form")
    with secretariat.expect_navigation():
        secretariat.click("main form button[type=submit]")
    expect(secretariat.locator(".flash-success")).to_contain_text("de uitnodiging is verzonden aan s.bosma@assen.test")
    expect(secretariat.locator("#board-members ~ ul")).to_contain_text("Sietske Bosma, burgemeester")

    secretariat.goto("/accounts?q=assen")
    expect(secretariat.locator("table.data tbody tr")).to_have_count(1)
    expect(secretariat.locator("table.data tbody")).to_contain_text("nog geen wachtwoord")
    axe(secretariat, "the account list, searched")

    (mail,) = inbox.messages
    path = link_in(mail)
    newcomer = new_context(axe=True).new_page()
    newcomer.goto(path)
    expect(newcomer.locator("h1")).to_have_text("Kies uw wachtwoord")
    axe(newcomer, "choosing a password through the invitation")
    newcomer.fill("#password", "kort")
    newcomer.fill("#confirm", "kort")
    with newcomer.expect_navigation():
        newcomer.click("main form button[type=submit]")
    expect(newcomer.locator("#password-error")).to_have_text("Een wachtwoord moet ten minste 10 tekens hebben.")
    axe(newcomer, "a password refused")
    newcomer.fill("#password", NEW_PASSWORD)
    newcomer.fill("#confirm", NEW_PASSWORD)
    with newcomer.expect_navigation():
        newcomer.click("main form button[type=submit]")
    expect(newcomer.locator(".flash-success")).to_contain_text("Welkom, Sietske Bosma")
    expect(newcomer.locator("header")).to_contain_text("Sietske Bosma")

    # The same link a second time: a plain page that says so.
    again = new_context(axe=True).new_page()
    again.goto(path)
    expect(again.locator("h1")).to_have_text("Deze link werkt niet")
    expect(again.locator("main")).to_contain_text("al gebruikt")
    axe(again, "a used link")
    again.goto("/password/forgot")
    axe(again, "forgot your password")
    again.fill("#email", "s.bosma@assen.test")
    with again.expect_navigation():
        again.click("main form button[type=submit]")
    expect(again.locator("h1")).to_have_text("Kijk in uw e-mail")
    # The reset mail leaves after the answer has gone out (a real server closes the response).
    deadline = time.monotonic() + 5
    while len(inbox.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "/password/reset/" in link_in(inbox.messages[1])
    assert LINK.search(mail.get_body(("plain",)).get_content())
    assert browser_errors.csp_violations() == []
    # The refused password (422) and the used link (400) are answered with their status; nothing else went wrong.
    assert [e for e in browser_errors if "status of 422" not in e and "status of 400" not in e] == []
