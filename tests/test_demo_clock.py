"""The demo replays the afternoon of 30 November 2017: the meeting is today, the votes are ready, G40 from 2018."""

import re

import pytest
import sqlalchemy as sa

from governance.extensions import db
from tests.conftest import PASSWORD

DEMO_AFTERNOON = "2017-11-30T15:00:00+01:00"


@pytest.fixture
def app_config():
    return {"CLOCK_NOW": DEMO_AFTERNOON}


@pytest.fixture
def demo_day(app):
    """The whole demo, network day included, as `make run` loads it."""
    from governance.demo import load_demo

    with app.app_context():
        load_demo(password_for=lambda email: PASSWORD)
        db.session.commit()


def _poll_id(app, title_part: str) -> int:
    from governance.voting.models import Poll

    with app.app_context():
        return db.session.scalars(sa.select(Poll.id).where(Poll.title.contains(title_part))).one()


def _everyone_votes_yes(app, poll_id: int) -> None:
    from governance.accounts.models import Role, User, UserRole
    from governance.voting.services import cast_vote

    with app.app_context():
        board = db.session.scalars(
            sa.select(User).join(UserRole).where(UserRole.role == Role.BOARD).order_by(User.id)
        ).all()
        for user in board:
            if user.city_id is not None:
                cast_vote(user, poll_id, "yes")
        db.session.commit()


def test_the_meeting_is_today_on_the_dashboard(app, client, people, demo_day):
    people.login(client, "secretariaat@g32.example")
    page = client.get("/charts/dashboard").get_data(as_text=True)
    assert "Bestuurlijke netwerkdag" in page
    assert "vandaag, donderdag 30 november 2017" in page
    # Both admission votes and the budget motion stand prepared.
    assert page.count("in voorbereiding") == 3


def test_the_demo_votes_open_for_the_38_members_and_rename_the_network_from_2018(app, client, people, api, demo_day):
    assert people.login(client, "voorzitter@g32.example").status_code == 302
    assen = _poll_id(app, "Assen")
    hilversum = _poll_id(app, "Hilversum")
    budget = _poll_id(app, "begroting")
    for poll_id in (assen, hilversum, budget):
        client.post(f"/polls/{poll_id}/open")
    chair = people.token("voorzitter@g32.example")
    opened = api("GET", f"/polls/{assen}", token=chair).get_json()
    assert (opened["state"], opened["eligible_count"]) == ("open", 38)
    # The budget motion counts only the 38 members of today, not the two candidates.
    assert api("GET", f"/polls/{budget}", token=chair).get_json()["eligible_count"] == 38
    network = api("GET", "/network", token=chair).get_json()
    assert (network["name"], network["member_count"], network["seats_left"]) == ("G32", 38, 0)

    for poll_id in (assen, hilversum):
        _everyone_votes_yes(app, poll_id)
        client.post(f"/polls/{poll_id}/close", data={"confirmed": "1"})
        assert api("GET", f"/polls/{poll_id}", token=chair).get_json()["result"]["outcome"] == "adopted"

    on = {day: api("GET", f"/network?on={day}", token=chair).get_json() for day in ("2017-12-31", "2018-01-01")}
    assert (on["2017-12-31"]["name"], on["2017-12-31"]["member_count"]) == ("G32", 38)
    assert (on["2018-01-01"]["name"], on["2018-01-01"]["member_count"]) == ("G40", 40)
    # Today is still 30 November 2017: the app shows G32 until the new year.
    assert api("GET", "/network", token=chair).get_json()["name"] == "G32"


def test_the_demo_on_new_years_day_shows_g40(app, client, people, demo_day):
    assen, hilversum = _poll_id(app, "Assen"), _poll_id(app, "Hilversum")
    people.login(client, "voorzitter@g32.example")
    for poll_id in (assen, hilversum):
        client.post(f"/polls/{poll_id}/open")
        _everyone_votes_yes(app, poll_id)
        client.post(f"/polls/{poll_id}/close", data={"confirmed": "1"})
    app.config["CLOCK_NOW"] = "2018-01-01T09:00:00+01:00"
    brand = re.search(r'class="brand"[^>]*>([^<]+)<', client.get("/polls").get_data(as_text=True)).group(1)
    assert brand.strip() == "G40"


def test_signed_links_age_by_the_app_clock_not_the_machine(app):
    from itsdangerous import SignatureExpired

    from governance import links

    with app.app_context():
        token = links.serializer("test").dumps({"i": 1})
        assert links.serializer("test").loads(token, max_age=3600) == {"i": 1}
        # An hour and a minute later on the demo's clock, though hardly a second passed on the machine's.
        app.config["CLOCK_NOW"] = "2017-11-30T16:01:00+01:00"
        with pytest.raises(SignatureExpired):
            links.serializer("test").loads(token, max_age=3600)
