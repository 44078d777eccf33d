"""The way in: invitations to choose one's own password, password reset, a new city's board members, search."""

import re

import pytest
import sqlalchemy as sa

from governance.extensions import db
from tests.conftest import PASSWORD
from tests.test_meetings import Inbox, free_port

DEMO_AFTERNOON = "2017-11-30T15:00:00+01:00"
NEW_PASSWORD = "paars konijn op de dijk"
LINK = re.compile(r"https?://[^/\s]+(/(?:welcome|password/reset)/[^\s\"<]+)")


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def app_config(request):
    config = {"CLOCK_NOW": DEMO_AFTERNOON}
    if "smtp" in request.fixturenames:
        config["MAIL_PORT"] = request.getfixturevalue("smtp")[0]
    return config


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def link_in(message) -> str:
    """The path of the one link in a mail, the same in its text and its HTML body."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    paths = {m.group(1) for m in LINK.finditer(text)} | {m.group(1) for m in LINK.finditer(html)}
    assert len(paths) == 1, paths
    return paths.pop()


def city_id(app, name: str) -> int:
    from governance.members.models import City

    with app.app_context():
        return db.session.scalars(sa.select(City.id).where(City.name == name)).one()


def admit(app, client, people, city: str) -> None:
    """The chair opens the city's prepared admission vote, every member votes for, and the chair closes it."""
    from governance.accounts.models import Role, User, UserRole
    from governance.voting.models import Poll
    from governance.voting.services import cast_vote

    with app.app_context():
        poll_id = db.session.scalars(sa.select(Poll.id).where(Poll.title.contains(city))).one()
    chair = app.test_client()
    people.login(chair, "voorzitter@g32.example")
    chair.post(f"/polls/{poll_id}/open")
    with app.app_context():
        for user in db.session.scalars(sa.select(User).join(UserRole).where(UserRole.role == Role.BOARD)):
            cast_vote(user, poll_id, "yes")
        db.session.commit()
    chair.post(f"/polls/{poll_id}/close", data={"confirmed": "1"})
    with app.app_context():
        assert db.session.get(Poll, poll_id).result["outcome"] == "adopted"


@pytest.fixture
def demo_day(app):
    from governance.demo import load_demo

    with app.app_context():
        load_demo(password_for=lambda email: PASSWORD)
        db.session.commit()


def test_an_invited_board_member_of_a_new_city_sets_a_password_and_votes(app, client, people, api, demo_day, smtp):
    _port, inbox = smtp
    admit(app, client, people, "Assen")
    assen = city_id(app, "Assen")
    people.login(client, "secretariaat@g32.example")
    page = client.get(f"/cities/{assen}").get_data(as_text=True)
    assert "Assen has no board member yet." in page and f"/cities/{assen}/board-members/new" in page

    answer = client.post(
        f"/cities/{assen}/board-members/new",
        data={"name": "Sietske Bosma", "function": "burgemeester", "email": "s.bosma@assen.example"},
        follow_redirects=True,
    )
    assert "the invitation has been sent to s.bosma@assen.example" in answer.get_data(as_text=True)
    assert "has no board member yet" not in answer.get_data(as_text=True)
    (mail,) = inbox.messages
    assert mail["To"] == "Sietske Bosma <s.bosma@assen.example>"
    assert "Secretariaat G32" in mail["From"]
    assert "Beste Sietske Bosma," in mail.get_body(("plain",)).get_content()  # mail goes in the network's Dutch
    assert "7 dagen" in mail.get_body(("plain",)).get_content()
    path = link_in(mail)

    newcomer = app.test_client()
    newcomer.set_cookie("lang", "en")
    assert "Choose your password" in newcomer.get(path).get_data(as_text=True)
    done = newcomer.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    # Logged in at once, and the link is spent.
    assert newcomer.get("/polls").status_code == 200
    assert "al gebruikt" in app.test_client().get(path).get_data(as_text=True)

    # The next poll, after the new year: Assen is a member and its new board member casts its vote.
    app.config["CLOCK_NOW"] = "2018-01-11T15:00:00+01:00"
    chair = people.token("voorzitter@g32.example")
    poll = api("POST", "/polls", {"title": "Werkplan 2018"}, token=chair).get_json()
    assert api("POST", f"/polls/{poll['id']}/open", token=chair).get_json()["eligible_count"] == 39
    newcomer.post(f"/polls/{poll['id']}/vote", data={"choice": "yes", "confirmed": "1"})
    result = api("POST", f"/polls/{poll['id']}/close", token=chair).get_json()["result"]
    assert [v["choice"] for v in result["votes"] if v["city_id"] == assen] == ["yes"]
    # A password login works too, from now on.
    again = app.test_client()
    assert people.login(again, "s.bosma@assen.example", NEW_PASSWORD).status_code == 302


def test_a_new_account_without_a_password_gets_an_invitation(app, client, people, smtp):
    _port, inbox = smtp
    people.user("secretariat", email="sec@example.test")
    people.login(client, "sec@example.test")
    answer = client.post(
        "/accounts",
        data={"name": "Jan Wit", "email": "jan@example.test", "roles": ["daily_board"], "invite": "y"},
        follow_redirects=True,
    )
    text = answer.get_data(as_text=True)
    assert "Account created for Jan Wit." in text and "The invitation has been sent to jan@example.test." in text
    assert "no password yet" in text
    (mail,) = inbox.messages
    # Without a password nobody can log in until the link is used.
    assert people.login(app.test_client(), "jan@example.test", "x" * 12).status_code == 422
    path = link_in(mail)
    assert app.test_client().post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


def test_a_mail_server_that_fails_keeps_the_account_and_says_so(app, client, people):
    people.user("secretariat", email="sec@example.test")
    people.login(client, "sec@example.test")  # MAIL_PORT 1: nobody listens
    answer = client.post(
        "/accounts",
        data={"name": "Jan Wit", "email": "jan@example.test", "roles": ["daily_board"], "invite": "y"},
        follow_redirects=True,
    )
    text = answer.get_data(as_text=True)
    assert "Account created for Jan Wit." in text
    assert "The change is saved, but the mail server (127.0.0.1:1) could not send the e-mail" in text
    from governance.accounts.services import find_user

    with app.app_context():
        assert find_user("jan@example.test") is not None


def test_password_reset_never_says_whether_the_address_exists(app, client, people, smtp):
    _port, inbox = smtp
    people.user("board", city_id=people.city(name="Lelystad"), email="ab@lelystad.test")
    answers = []
    for email in ("ab@lelystad.test", "nobody@lelystad.test"):
        with client.post("/password/forgot", data={"email": email}) as response:  # closing it sends the mail
            answers.append(response.get_data(as_text=True))
    known, unknown = answers

    def same(page, email):
        return re.sub(r'name="csrf_token" value="[^"]+"', "", page.replace(email, "X"))

    assert same(known, "ab@lelystad.test") == same(unknown, "nobody@lelystad.test")
    assert "valid for an hour" in known
    (mail,) = inbox.messages
    assert mail["To"].addresses[0].addr_spec == "ab@lelystad.test"
    path = link_in(mail)
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert people.login(app.test_client(), "ab@lelystad.test", NEW_PASSWORD).status_code == 302
    assert people.login(app.test_client(), "ab@lelystad.test", PASSWORD).status_code == 422  # the old one is gone


def test_the_login_page_offers_a_new_password(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def _reset_path(app, email: str) -> str:
    from governance.accounts.invitations import RESET, link_token
    from governance.accounts.services import find_user

    with app.app_context():
        return f"/password/reset/{link_token(find_user(email), RESET)}"


def _invitation_path(app, email: str) -> str:
    from governance.accounts.invitations import INVITATION, link_token
    from governance.accounts.services import find_user

    with app.app_context():
        return f"/welcome/{link_token(find_user(email), INVITATION)}"


def _spend(app, path):
    app.test_client().post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def _later(app, clock_now):
    app.config["CLOCK_NOW"] = clock_now


@pytest.mark.parametrize(
    "make_path, then, sentence",
    [
        (_reset_path, lambda app, path: _later(app, "2017-11-30T16:01:00+01:00"), "has expired"),
        (_reset_path, lambda app, path: None, None),
        (_invitation_path, lambda app, path: _later(app, "2017-12-07T15:01:00+01:00"), "has expired"),
        (_invitation_path, lambda app, path: _later(app, "2017-12-07T14:59:00+01:00"), None),
        (_reset_path, _spend, "already been used"),
        (_invitation_path, _spend, "already been used"),
        (lambda app, email: "/welcome/" + _invitation_path(app, email).split("/")[-1][:-2] + "xx", None, "not valid"),
        (lambda app, email: "/welcome/not-a-token", None, "not valid"),
        # A reset link is not an invitation: signed for one purpose, refused for the other.
        (lambda app, email: "/welcome/" + _reset_path(app, email).split("/")[-1], None, "not valid"),
    ],
)
def test_bad_links_get_a_plain_page_that_says_so(app, client, people, make_path, then, sentence):
    people.user("daily_board", email="db@example.test")
    path = make_path(app, "db@example.test")
    if then:
        then(app, path)
    before = _password_hash(app, "db@example.test")
    page = client.get(path)
    if sentence is None:
        assert page.status_code == 200 and "<form" in page.get_data(as_text=True)
        return
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert sentence in text and "This link does not work" in text and 'name="password"' not in text
    # Posting a password through it changes nothing.
    assert client.post(path, data={"password": NEW_PASSWORD + "?", "confirm": NEW_PASSWORD + "?"}).status_code == 400
    assert _password_hash(app, "db@example.test") == before


def _password_hash(app, email: str) -> str:
    from governance.accounts.services import find_user

    with app.app_context():
        return find_user(email).password_hash


@pytest.mark.parametrize(
    "password, confirm, sentence",
    [
        ("kort", "kort", "A password needs at least 10 characters."),
        ("Wachtwoord123", "Wachtwoord123", "too easy to guess"),
        ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "repeats too few different characters"),
        ("12345678901", "12345678901", "one of the most common passwords"),
        ("fiets-molen-tulp-2017", "fiets-molen-tulp-2017", None),
        ("karel-2017-fiets", "karel-2017-fiets", "must not contain your name or e-mail address"),
        ("KarelDeBoer-paars", "KarelDeBoer-paars", "must not contain your name or e-mail address"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords differ."),
        ("", "", "Enter a password."),
    ],
)
def test_weak_passwords_are_refused_with_a_sentence(app, client, people, password, confirm, sentence):
    people.user("daily_board", email="karel@example.test", name="Karel de Boer")
    path = _invitation_path(app, "karel@example.test")
    answer = client.post(path, data={"password": password, "confirm": confirm})
    if sentence is None:
        assert answer.status_code == 302
        return
    assert answer.status_code == 422 and sentence in answer.get_data(as_text=True)
    assert people.login(app.test_client(), "karel@example.test", PASSWORD).status_code == 302  # unchanged


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"Sec Retaris", "Anna Smit", "Bram Bos"}),
        ("smit", {"Anna Smit"}),
        ("bram@", {"Bram Bos"}),
        ("lelystad", {"Anna Smit"}),
        ("ASSEN", {"Bram Bos"}),
        ("100%", set()),
    ],
)
def test_the_account_list_searches_name_email_and_city(app, client, people, query, expected):
    people.user("secretariat", email="sec@example.test", name="Sec Retaris")
    people.user("board", email="anna@example.test", name="Anna Smit", city_id=people.city(name="Lelystad"))
    people.user("board", email="bram@example.test", name="Bram Bos", city_id=people.city(name="Assen"))
    people.login(client, "sec@example.test")
    page = client.get("/accounts", query_string={"q": query}).get_data(as_text=True)
    table = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    shown = {name for name in ("Sec Retaris", "Anna Smit", "Bram Bos") if f"<td>{name}</td>" in table}
    assert shown == expected
    if not expected:
        assert "No account matches" in page


@pytest.mark.parametrize(
    "query, expected",
    [("", {"Lelystad", "Assen", "Súdwest-Fryslân"}), ("lely", {"Lelystad"}), ("sudwest", {"Súdwest-Fryslân"}),
     ("drenthe", {"Assen"}), ("GM0106", {"Assen"}), ("nergens", set())],
)  # fmt: skip
def test_the_member_list_searches_name_code_and_province(app, client, people, query, expected):
    people.city(name="Lelystad", province="Flevoland")
    people.city(name="Assen", province="Drenthe", code="GM0106")
    people.city(name="Súdwest-Fryslân", province="Friesland")
    people.user("secretariat", email="sec@example.test")
    people.login(client, "sec@example.test")
    page = client.get("/cities", query_string={"q": query}).get_data(as_text=True)
    shown = {name for name in ("Lelystad", "Assen", "Súdwest-Fryslân") if f">{name}</a>" in page}
    assert shown == expected


def test_the_dashboard_asks_for_the_board_members_of_an_admitted_city(app, client, people, demo_day):
    people.login(client, "secretariaat@g32.example")
    assert "New cities without a board member" not in client.get("/charts/dashboard").get_data(as_text=True)
    admit(app, client, people, "Assen")
    page = client.get("/charts/dashboard").get_data(as_text=True)
    assert "Add a board member for Assen" in page and f"/cities/{city_id(app, 'Assen')}/board-members/new" in page
    assert "for Hilversum" not in page
