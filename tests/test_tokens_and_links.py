"""API tokens expire, are listed and revoked on the account page, end with the password; links end with their day."""

import datetime as dt

import pytest
import sqlalchemy as sa

from governance.accounts.models import ApiToken, User
from governance.extensions import db
from governance.meetings.invitations import _invitation_for, token_for
from governance.meetings.meeting import create_meeting
from governance.meetings.programme import ItemInput, add_item
from tests.conftest import PASSWORD

NOW = "2017-11-20T10:00:00+01:00"


@pytest.fixture
def app_config():
    return {"CLOCK_NOW": NOW, "API_TOKEN_USE_SECONDS": 0}


def me(client, token):
    """GET /users/me, closed as a WSGI server closes it once sent (the token's use is written then)."""
    response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    response.close()
    return response


def english(client):
    client.set_cookie("lang", "en")
    return client


# -- tokens ---------------------------------------------------------------------------------------


def test_a_token_works_until_it_expires(app, client, people):
    _, email = people.user("chair")
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200
    token, expires_at = response.get_json()["token"], response.get_json()["expires_at"]
    assert expires_at == "2017-12-20T09:00:00Z"  # 30 days (API_TOKEN_DAYS) after 20 November, 10:00 in Amsterdam
    assert me(client, token).status_code == 200
    app.config["CLOCK_NOW"] = "2017-12-20T09:59:59+01:00"
    assert me(client, token).status_code == 200
    app.config["CLOCK_NOW"] = "2017-12-20T10:00:00+01:00"
    refused = me(client, token)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"


def test_the_lifetime_is_a_setting(people, app):
    app.config["API_TOKEN_DAYS"] = 2
    _, email = people.user("chair")
    token = people.token(email)
    with app.app_context():
        row = db.session.scalars(sa.select(ApiToken)).one()
        assert row.expires_at - row.created_at == dt.timedelta(days=2)
    app.config["CLOCK_NOW"] = "2017-11-22T10:00:01+01:00"
    assert me(app.test_client(), token).status_code == 401


def test_the_token_lookup_is_one_statement(app, people):
    """The vote's hot path: expiry and last use come with the user in a single query."""
    _, email = people.user("board", city_id=people.city())
    token = people.token(email)
    client = app.test_client()
    assert me(client, token).status_code == 200  # the first use is noted (and written) now
    app.config["API_TOKEN_USE_SECONDS"] = 3600
    statements = []
    with app.app_context():
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert me(client, token).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
    token_statements = [s for s in statements if "api_token" in s]
    assert len(token_statements) == 1 and token_statements[0].lstrip().upper().startswith("SELECT")
    assert "expires_at" in token_statements[0]


def test_the_account_page_lists_tokens_with_their_dates(app, people):
    _, email = people.user("board", city_id=people.city())
    token = people.token(email)
    app.config["CLOCK_NOW"] = "2017-11-21T14:05:00+01:00"
    assert me(app.test_client(), token).status_code == 200
    client = english(app.test_client())
    people.login(client, email)
    page = client.get("/account")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Nov 20, 2017, 10:00:00" in text  # created, in the network's zone
    assert "Nov 21, 2017, 2:05:00" in text  # last used
    assert "Dec 20, 2017, 10:00:00" in text  # expires
    assert "Revoke" in text


def test_revoking_a_token_on_the_account_page(app, people):
    _, email = people.user("board", city_id=people.city())
    _, other_email = people.user("chair")
    token, others = people.token(email), people.token(other_email)
    with app.app_context():
        mine = db.session.scalars(sa.select(ApiToken).join(ApiToken.user).where(ApiToken.user.has(email=email))).one()
        theirs = db.session.scalars(sa.select(ApiToken).where(ApiToken.user.has(email=other_email))).one()
        mine_id, theirs_id = mine.id, theirs.id
    client = english(app.test_client())
    people.login(client, email)
    assert client.post(f"/account/tokens/{theirs_id}/revoke").status_code == 404
    assert me(app.test_client(), others).status_code == 200
    response = client.post(f"/account/tokens/{mine_id}/revoke", follow_redirects=True)
    assert response.status_code == 200 and "is revoked" in response.get_data(as_text=True)
    assert "revoked on" in response.get_data(as_text=True)
    assert me(app.test_client(), token).status_code == 401


def test_a_password_change_ends_tokens_and_other_sessions(app, people):
    _, email = people.user("board", city_id=people.city())
    token = people.token(email)
    elsewhere = app.test_client()
    people.login(elsewhere, email)
    here = english(app.test_client())
    people.login(here, email)
    new = "Another-Horse-2018"
    response = here.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "repeat_password": new},
        follow_redirects=True,
    )
    assert response.status_code == 200 and "Your password has been changed" in response.get_data(as_text=True)
    assert here.get("/account").status_code == 200  # this session goes on
    assert elsewhere.get("/account").status_code == 302  # the other one has ended
    assert me(app.test_client(), token).status_code == 401
    assert people.login(app.test_client(), email, new).status_code == 302
    assert people.login(app.test_client(), email, PASSWORD).status_code == 422


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        ("wrong-password", "Another-Horse-2018", "Another-Horse-2018", "Your current password is not right."),
        (PASSWORD, "short", "short", "A password needs at least 10 characters."),
        (PASSWORD, "password12", "password12", "one of the most common passwords"),
        (PASSWORD, "zzzzzzzzzzzzz", "zzzzzzzzzzzzz", "too few different characters"),
        (PASSWORD, "Another-Horse-2018", "Another-Horse-2019", "The two new passwords differ."),
        (PASSWORD, PASSWORD, PASSWORD, "differs from the current one"),
        (PASSWORD, "", "", "Enter a new password."),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(app, people, current, new, repeat, message):
    _, email = people.user("chair")
    token = people.token(email)
    client = english(app.test_client())
    people.login(client, email)
    response = client.post(
        "/account/password", data={"current_password": current, "new_password": new, "repeat_password": repeat}
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert me(app.test_client(), token).status_code == 200
    assert people.login(app.test_client(), email).status_code == 302


def test_deactivation_ends_tokens(app, people):
    _, secretariat = people.user("secretariat")
    board_id, email = people.user("board", city_id=people.city())
    token = people.token(email)
    client = app.test_client()
    people.login(client, secretariat)
    client.post(f"/accounts/{board_id}/active", data={"active": "0"})
    assert me(app.test_client(), token).status_code == 401


# -- passwords ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password12", "one of the most common passwords"),
        ("PASSWORD12", "one of the most common passwords"),
        ("1234567890", "one of the most common passwords"),
        ("wachtwoord", "one of the most common passwords"),
        ("qwertyuiop", "one of the most common passwords"),
        ("aaaaaaaaaa", "one of the most common passwords"),
        ("zzzzzzzzzzzzz", "too few different characters"),
        ("abababababab", "too few different characters"),
        ("nieuwlid2017", "mostly your email address"),
        ("kort", "at least 10 characters"),
        (None, "at least 10 characters"),
        (123456789, "at least 10 characters"),  # a number, not a text
        ("x" * 1001, "At most 1000 characters"),
    ],
)
def test_weak_passwords_are_refused_with_a_sentence(app, api, people, password, message):
    _, secretariat = people.user("secretariat")
    token = people.token(secretariat)
    body = {"email": "nieuwlid2017@example.test", "name": "Nieuw Lid", "roles": ["chair"], "password": password}
    response = api("POST", "/users", body, token=token)
    assert response.status_code == 422
    assert any(message in m for m in response.get_json()["error"]["fields"]["password"]), response.get_json()
    with app.app_context():
        from governance.accounts.models import User

        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_the_common_list_ships_ten_thousand_passwords():
    from governance.accounts.passwords import common_passwords

    assert len(common_passwords()) >= 9_900 and "password" in common_passwords()


# -- registration links ---------------------------------------------------------------------------


@pytest.fixture
def invitation_link(app, people):

    lelystad = people.city("Lelystad")
    user_id, email = people.user("board", city_id=lelystad, name="Ina Adema")
    with app.app_context():
        meeting = create_meeting(None, "Netwerkdag", dt.date(2017, 11, 30), "Stadhuisplein 2, Lelystad")
        add_item(None, meeting, ItemInput("15:30", "16:00", "general_board", "AB", room="Raadzaal"))
        user = db.session.get(User, user_id)
        invitation = _invitation_for(meeting, user)
        db.session.commit()
        return {"path": f"/meetings/register/{token_for(invitation)}", "user_id": user_id}


def registrations(app) -> int:
    from governance.meetings.models import Registration

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Registration.id)))


@pytest.mark.parametrize(
    ("now", "works"),
    [
        ("2017-11-20T10:00:00+01:00", True),
        ("2017-11-30T23:59:00+01:00", True),  # the last minute of the meeting's day in the Netherlands
        ("2017-11-30T23:30:00+00:00", False),  # already 1 December, 00:30, in the Netherlands
        ("2017-12-01T09:00:00+01:00", False),
        ("2018-06-01T09:00:00+02:00", False),
    ],
)
def test_a_link_ends_with_the_meetings_day(app, invitation_link, now, works):
    app.config["CLOCK_NOW"] = now
    client = english(app.test_client())
    page = client.get(invitation_link["path"])
    posted = client.post(invitation_link["path"], data={"attending": "yes", "name": "Ina Adema"})
    if works:
        assert page.status_code == 200 and posted.status_code == 302 and registrations(app) == 1
    else:
        assert page.status_code == posted.status_code == 400
        # Long after the day the link has also aged past REGISTRATION_LINK_DAYS: either sentence refuses it.
        text = posted.get_data(as_text=True)
        assert "The meeting of this registration link is over" in text or "This registration link has expired" in text
        assert registrations(app) == 0


def test_a_link_ends_with_its_persons_account(app, people, invitation_link):
    _, secretariat = people.user("secretariat")
    client = app.test_client()
    people.login(client, secretariat)
    client.post(f"/accounts/{invitation_link['user_id']}/active", data={"active": "0"})
    visitor = english(app.test_client())
    for response in (
        visitor.get(invitation_link["path"]),
        visitor.post(invitation_link["path"], data={"attending": "yes", "name": "Ina Adema"}),
        visitor.get(invitation_link["path"] + "/calendar.ics"),
    ):
        assert response.status_code == 400
        assert "the account it was sent to has been deactivated" in response.get_data(as_text=True)
    assert registrations(app) == 0


def test_a_tokens_use_is_written_after_the_answer_is_sent(app, people):
    """The request that comes due does not wait for the notes: they are written once the server closes it."""
    _, email = people.user("board", city_id=people.city())
    token = people.token(email)

    def last_used():
        with app.app_context():
            return db.session.scalar(sa.select(ApiToken.last_used_at).where(ApiToken.user_id == _user_id(email)))

    response = app.test_client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert last_used() is None
    response.close()
    assert last_used() is not None


def _user_id(email):
    return db.session.scalar(sa.select(User.id).where(User.email == email))
