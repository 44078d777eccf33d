"""In a real browser: the meeting room in Lelystad, 30 November 2017. The chair hands the projector a screen link;
the big screen at 1920x1080 (no login) follows the Hilversum vote as phones vote, without reloading, announces
turnout politely and the outcome assertively, and shows the named votes and the effect (G40). The decision list
of the meeting follows. Every page of it passes axe-core at WCAG 2.1 AA."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from governance.demo import slug
from governance.extensions import db

pytestmark = pytest.mark.browser

CHAIR = "voorzitter@g32.example"
SECRETARIAT = "secretariaat@g32.example"
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
PHONE_VOTERS = [("Lelystad", "yes"), ("Zwolle", "no")]


@pytest.fixture
def app_config():
    # The afternoon of the meeting, so that the meeting and the clock agree; CSRF on, as in production.
    return {"WTF_CSRF_ENABLED": True, "CLOCK_NOW": "2017-11-30T15:30:00+01:00"}


def board_email(city: str) -> str:
    return f"bestuur.{slug(city)}@g32.example"


@pytest.fixture
def lelystad(app):
    """The demo network with the network day (its general-board agenda holds Assen and Hilversum)."""
    from governance.demo import load_demo
    from governance.meetings.models import Meeting
    from tests.conftest import PASSWORD

    with app.app_context():
        load_demo(password_for=lambda email: PASSWORD, with_network_day=True)
        db.session.commit()
        meeting = db.session.scalars(sa.select(Meeting)).one()
        return meeting.id


def _ids(app):
    from governance.admissions.models import Application
    from governance.members.models import City

    with app.app_context():
        cities = {c.name: c.id for c in db.session.scalars(sa.select(City))}
        applications = {a.city.name: a.id for a in db.session.scalars(sa.select(Application))}
        db.session.rollback()
    return cities, applications


def _draft_poll(app, application_id: int) -> int:
    """The admission vote the demo stands ready as a draft."""
    from governance.voting.models import Poll

    with app.app_context():
        poll_id = db.session.scalar(sa.select(Poll.id).where(Poll.application_id == application_id))
        db.session.rollback()
    return poll_id


def _decide_through_services(app, application_id: int, voters: list[str], choice: str = "yes") -> int:
    """Open, vote and close an admission poll without a browser (the chair's own walk is elsewhere)."""
    from governance.accounts.services import find_user
    from governance.voting.services import cast_vote, close_poll, get_poll, open_poll

    poll_id = _draft_poll(app, application_id)
    with app.app_context():
        chair = find_user(CHAIR)
        open_poll(chair, get_poll(poll_id))
        db.session.commit()
        for city in voters:
            cast_vote(find_user(board_email(city)), poll_id, choice)
            db.session.commit()
        close_poll(chair, poll_id)
        db.session.commit()
        return poll_id


def _members(app, exclude=()) -> list[str]:
    import datetime as dt

    from governance.members.models import City
    from governance.network.rules import member_ids_on

    with app.app_context():
        ids = member_ids_on(dt.date(2017, 11, 30))
        names = sorted(c.name for c in db.session.scalars(sa.select(City).where(City.id.in_(ids))))
        db.session.rollback()
    return [n for n in names if n not in exclude]


def test_the_big_screen_follows_the_vote_and_shows_the_outcome(
    app, lelystad, new_context, user_page, axe, screenshot, browser_errors
):
    cities, applications = _ids(app)
    members = _members(app)
    # Assen is admitted first (from 1 January 2018); Hilversum's vote, on the screen, makes forty from that day.
    _decide_through_services(app, applications["Assen"], members[:25])

    chair = user_page(CHAIR, axe=True, locale="nl-NL")
    chair.goto(f"/meetings/{lelystad}")
    with chair.expect_navigation():
        chair.click(f"a[href$='/meetings/{lelystad}/screen/link']")
    axe(chair, "the screen link page")
    link = chair.locator("#screen-link").input_value()
    assert f"/meetings/{lelystad}/screen/s/" in link

    projector = new_context(axe=True, viewport=PROJECTOR, locale="nl-NL").new_page()
    projector.goto(link)
    # No vote open: the screen shows the last one closed, Assen's.
    expect(projector.locator("#screen-title")).to_have_text("Toelating van Assen als lid")
    expect(projector.locator(".screen-effects")).to_have_text("Assen is lid per 1 januari 2018.")
    expect(projector.locator("nav")).to_have_count(0)  # no menu on the projector
    projector.evaluate("() => { window.__sameDocument = true; }")

    # The chair opens the Hilversum vote, prepared as a draft, from its page.
    poll_id = _draft_poll(app, applications["Hilversum"])
    chair.goto(f"/polls/{poll_id}")
    with chair.expect_navigation():
        chair.click("form[action$='/open'] button[type=submit]")
    expect(chair.locator(f"a[href$='/meetings/{lelystad}/screen']")).to_be_visible()

    expect(projector.locator("#screen-title")).to_have_text("Toelating van Hilversum als lid", timeout=6_000)
    expect(projector.locator(".screen-open .tile")).to_have_count(38)
    expect(projector.locator("#screen-polite")).to_contain_text("Stemming geopend")

    # Phones vote (390 px wide); the screen turns their tiles without a reload.
    for city, choice in PHONE_VOTERS:
        phone = user_page(board_email(city), viewport=PHONE, locale="nl-NL")
        phone.goto(f"/polls/{poll_id}")
        with phone.expect_navigation():
            phone.click(f"form.choices button[name=choice][value={choice}]")
        with phone.expect_navigation():
            phone.click("form.confirm-form button[type=submit]")
        expect(phone.locator(".ballot .voted")).to_be_visible()
        expect(projector.locator(f".tile.voted[data-city-id='{cities[city]}']")).to_be_visible(timeout=6_000)
    expect(projector.locator("#screen-cast")).to_have_text("2")
    expect(projector.locator("#screen-polite")).to_contain_text("2 van 38 steden hebben gestemd")
    # Most of the room votes yes (through the service: forty logins would prove nothing more).
    from governance.accounts.services import find_user
    from governance.voting.services import cast_vote

    with app.app_context():
        for city in _members(app, exclude={c for c, _ in PHONE_VOTERS})[:28]:
            cast_vote(find_user(board_email(city)), poll_id, "yes")
            db.session.commit()
    expect(projector.locator("#screen-cast")).to_have_text("30", timeout=6_000)
    expect(projector.locator("#screen-quorum")).to_contain_text("bereikt")
    expect(projector.locator(".screen-open .tile.voted")).to_have_count(30)
    assert "Voor" not in projector.locator("#screen-stage").inner_text()  # never how, while open
    axe(projector, "the big screen during the vote")
    screenshot(projector, "meeting-screen-open")

    # The chair closes; the screen states the outcome, the named votes and the effects.
    chair.goto(f"/polls/{poll_id}/close")
    with chair.expect_navigation():
        chair.click("form[action$='/close'] button[type=submit]")
    expect(projector.locator("#screen-outcome")).to_contain_text("Aangenomen", timeout=6_000)
    expect(projector.locator(".screen-effects")).to_contain_text(
        "Hilversum is lid per 1 januari 2018; het netwerk heet vanaf die dag G40."
    )
    expect(projector.locator("#screen-assertive")).to_contain_text("Aangenomen")
    expect(projector.locator(".screen-votes .tile")).to_have_count(38)
    expect(projector.locator(".screen-votes .tile.choice-no")).to_contain_text("Zwolle")
    assert projector.evaluate("() => window.__sameDocument === true"), "the screen reloaded"
    axe(projector, "the big screen after the close")
    screenshot(projector, "meeting-screen-closed")
    page_height = projector.evaluate("() => document.documentElement.scrollHeight")
    assert page_height <= PROJECTOR["height"], f"the closed screen needs scrolling ({page_height}px)"

    # The decision list of the meeting: both admissions, as a page that passes axe-core.
    chair.goto(f"/meetings/{lelystad}/decisions")
    expect(chair.locator("table.decisions tbody tr")).to_have_count(2)
    axe(chair, "the decision list")
    assert browser_errors == [], browser_errors


def test_a_forged_screen_link_gets_a_plain_page(app, lelystad, new_context, axe):
    page = new_context(axe=True, viewport=PROJECTOR, locale="nl-NL").new_page()
    response = page.goto(f"/meetings/{lelystad}/screen/s/not-a-token")
    assert response.status == 403
    expect(page.locator("#screen-refused")).to_contain_text("niet geldig")
    axe(page, "the refused screen link")
