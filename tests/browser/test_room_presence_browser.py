"""In a real browser, the meeting room: the chair taps presence city by city, the secretariat records a proxy,
the vote opens with a quorum present, the holder casts two named ballots on a phone, the delegating city sees who
holds its vote, the chair records a hand raised in the room. Every page passes axe-core at WCAG 2.1 AA."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from governance.demo import slug
from governance.extensions import db

pytestmark = pytest.mark.browser

CHAIR = "voorzitter@g32.example"
SECRETARIAT = "secretariaat@g32.example"
PHONE = {"width": 390, "height": 844}
RECEIPT = re.compile(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}")


def board_email(city: str) -> str:
    return f"bestuur.{slug(city)}@g32.example"


def setup_meeting(app) -> tuple[int, dict]:
    """A board meeting today in Lelystad (setup through the services, not under test)."""
    from governance import clock
    from governance.accounts.services import find_user
    from governance.meetings.meeting import create_meeting
    from governance.members.models import City

    with app.app_context():
        meeting = create_meeting(find_user(SECRETARIAT), "Algemeen bestuur", clock.today(), "Stadhuis Lelystad")
        db.session.commit()
        cities = {c.name: c.id for c in db.session.scalars(sa.select(City))}
        return meeting.id, cities


def mark_present_through_service(app, meeting_id: int, city_ids: list[int]) -> None:
    from governance.accounts.services import find_user
    from governance.meetings import room

    with app.app_context():
        chair = find_user(CHAIR)
        meeting = room.get_meeting(meeting_id)
        for city_id in city_ids:
            room.set_presence(chair, meeting, city_id, True)
        db.session.commit()


def test_the_meeting_room_walk(app, demo, user_page, axe, screenshot, browser_errors):
    meeting, cities = setup_meeting(app)

    # The chair marks presence, one tap per city; the count follows without a reload.
    chair = user_page(CHAIR, axe=True)
    chair.goto(f"/meetings/{meeting}/presence")
    count = chair.locator("#presence-count")
    expect(count).to_have_text("0 van 38 aanwezig of vertegenwoordigd; nodig: 20")
    buttons = chair.locator("form.presence-toggle button")
    expect(buttons).to_have_count(38)
    lelystad = chair.locator(f"#city-{cities['Lelystad']} button")
    lelystad.click()
    expect(lelystad).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text("1 van 38 aanwezig of vertegenwoordigd; nodig: 20")
    url_before = chair.url
    lelystad.click()
    expect(lelystad).to_have_attribute("aria-pressed", "false")
    lelystad.click()
    expect(lelystad).to_have_attribute("aria-pressed", "true")
    assert chair.url == url_before  # no reload: the page was updated in place
    # Eighteen more cities through the service, so the page below starts at 19 present.
    others = [c for c in sorted(cities) if c not in ("Lelystad", "Zwolle", "Assen", "Hilversum", "Emmen")][:18]
    mark_present_through_service(app, meeting, [cities[c] for c in others])
    chair.reload()
    expect(count).to_have_text("19 van 38 aanwezig of vertegenwoordigd; nodig: 20")
    axe(chair, "the presence page")
    screenshot(chair, "room-presence")

    # The secretariat records Zwolle's proxy to Lelystad; a conflicting one is refused with a sentence.
    sec = user_page(SECRETARIAT, axe=True)
    sec.goto(f"/meetings/{meeting}/proxies")
    sec.select_option("#from_city_id", str(cities["Zwolle"]))
    sec.select_option("#to_city_id", str(cities["Lelystad"]))
    with sec.expect_navigation():
        sec.click("main form[enctype] button[type=submit]")
    expect(sec.locator(".flash-success")).to_contain_text("Lelystad brengt bij deze vergadering de stem uit van Zwolle")
    sec.select_option("#from_city_id", str(cities["Emmen"]))
    sec.select_option("#to_city_id", str(cities["Lelystad"]))
    with sec.expect_navigation():
        sec.click("main form[enctype] button[type=submit]")
    expect(sec.locator(".error-summary")).to_contain_text("Lelystad heeft al 1 volmacht")
    # The refusal comes back as 409 with the form; the browser logs that status, which is expected here.
    browser_errors[:] = [e for e in browser_errors if "409" not in e or "/proxies" not in e]
    axe(sec, "the proxies page")
    chair.reload()
    expect(count).to_have_text("20 van 38 aanwezig of vertegenwoordigd; nodig: 20")

    # The chair prepares the motion for today's meeting and opens it.
    chair.goto("/polls")
    chair.fill("#title", "Motie: begroting 2018")
    expect(chair.locator("#meeting_id")).to_have_value(str(meeting))
    with chair.expect_navigation():
        chair.click("form[action$='/polls/new'] button[type=submit]")
    poll = int(re.search(r"/polls/(\d+)", chair.url).group(1))
    with chair.expect_navigation():
        chair.click("form[action$='/open'] button[type=submit]")
    expect(chair.locator(".flash-success")).to_be_visible()

    # Lelystad's board member, on a phone, sees two ballots, each named, and casts Zwolle's vote.
    holder = user_page(board_email("Lelystad"), axe=True, viewport=PHONE)
    holder.goto(f"/polls/{poll}")
    ballots = holder.locator("section.ballot")
    expect(ballots).to_have_count(2)
    expect(ballots.nth(0).locator("h2")).to_have_text("De stem van Lelystad")
    expect(ballots.nth(1).locator("h2")).to_have_text("De stem van Zwolle")
    group = ballots.nth(1).get_by_role("group", name="De stem van Zwolle")
    against_zwolle = re.compile(r"^Tegen\s*: Motie: begroting 2018 \(Zwolle\)$")
    expect(group.get_by_role("button", name=against_zwolle)).to_be_visible()
    axe(holder, "the holder's two ballots on a phone")
    screenshot(holder, "room-proxy-ballot-phone")
    with holder.expect_navigation():
        group.get_by_role("button", name=re.compile("^Tegen")).click()
    expect(holder.locator("main .big")).to_contain_text("Zwolle stemt: Tegen")
    with holder.expect_navigation():
        holder.click("form.confirm-form button[type=submit]")
    zwolle = holder.locator(f"section.ballot[data-city-id='{cities['Zwolle']}']")
    expect(zwolle.locator(".voted")).to_contain_text("Zwolle heeft gestemd.")
    expect(zwolle.locator(".voted")).to_contain_text("Gestemd: Tegen.")
    expect(zwolle.locator(".receipt")).to_have_text(RECEIPT)
    expect(holder.locator("#receipt-announcement")).to_contain_text("De stem van Zwolle is vastgelegd.")
    axe(holder, "the ballots after voting by proxy")
    holder.reload()
    expect(zwolle.locator(".receipt")).to_have_text(RECEIPT)
    expect(holder.locator("#receipt-announcement")).to_have_count(0)

    # Zwolle's own board member sees that Lelystad holds its vote, and nothing to click.
    delegator = user_page(board_email("Zwolle"), axe=True, viewport=PHONE)
    delegator.goto(f"/polls/{poll}")
    expect(delegator.locator("section.ballot")).to_contain_text("Zwolle heeft voor deze vergadering een volmacht")
    expect(delegator.locator("form.choices")).to_have_count(0)
    axe(delegator, "the ballot page of a city that gave its proxy")

    # The chair records Emmen's hand in the room; Emmen then no longer appears there.
    chair.goto(f"/polls/{poll}")
    hands = chair.locator("#hands")
    emmen = hands.get_by_role("form", name="Handopsteking van Emmen")
    axe(chair, "the chair's poll page with hands to record")
    with chair.expect_navigation():
        emmen.get_by_role("button", name="Voor (Emmen)").click()
    expect(chair.locator(".flash-success")).to_contain_text("Vastgelegd: Emmen stemt Voor (handopsteking in de zaal).")
    expect(hands.get_by_role("form", name="Handopsteking van Emmen")).to_have_count(0)
    screenshot(chair, "room-chair-hands")
    assert browser_errors == [], f"the browser reported errors: {browser_errors}"
