"""In a real browser: Lelystad, 30 November 2017, online. The chair opens the Assen and Hilversum votes, board
members vote from their own browsers, the chair watches turnout rise without reloading, closes, and the network
is the G40 with forty members from 1 January 2018. The voting pages pass axe-core at WCAG 2.1 AA."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from governance.demo import demo_people, slug
from governance.extensions import db

pytestmark = pytest.mark.browser

CHAIR = "voorzitter@g32.example"
SECRETARIAT = "secretariaat@g32.example"
RECEIPT = re.compile(r"^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$")
TURNOUT_WITHIN_MS = 2_000

# Board members who vote in the browser, each in a context of their own: (city, vote on Assen, vote on Hilversum).
BROWSER_VOTERS = [
    ("'s-Hertogenbosch", "yes", "yes"),
    ("Lelystad", "yes", "abstain"),
    ("Alphen aan den Rijn", "no", "yes"),
    ("Zwolle", "abstain", "no"),
    ("Emmen", "yes", "yes"),
]
# Further member cities whose board members vote "yes" through the service (to reach quorum and a majority
# without forty logins); the remaining cities do not vote, so the chair's screen shows both states.
SERVICE_VOTERS = 25
ELIGIBLE = 38
CHOICE_LABELS = {"yes": ("Voor", "For"), "no": ("Tegen", "Against"), "abstain": ("Onthouding", "Abstain")}


def board_email(city: str) -> str:
    return f"bestuur.{slug(city)}@g32.example"


def demo_board_member(city: str) -> str:
    """The fictional name of the city's demo board member, as the ballot names who voted."""
    return demo_people()[board_email(city)][0]


def turnout_text(cast: int) -> re.Pattern:
    """ "3 of 38 cities have voted" in any language: the two numbers in that order."""
    return re.compile(rf"^\D*\b{cast}\b\D+\b{ELIGIBLE}\b\D*$")


def ids(app) -> dict:
    from governance.admissions.models import Application
    from governance.members.models import City

    with app.app_context():
        cities = {c.name: c.id for c in db.session.scalars(sa.select(City))}
        applications = {a.city.name: a.id for a in db.session.scalars(sa.select(Application))}
        db.session.rollback()
    return {"city": cities, "application": applications}


def vote_through_service(app, poll_id: int, cities: list[str], choice: str = "yes") -> None:
    from governance.accounts.services import find_user
    from governance.voting.services import cast_vote

    with app.app_context():
        for city in cities:
            cast_vote(find_user(board_email(city)), poll_id, choice)
            db.session.commit()


def prepare_and_open(chair, application_id: int) -> int:
    """The chair prepares the admission vote from the application's page and opens it; returns the poll id."""
    chair.goto(f"/applications/{application_id}")
    with chair.expect_navigation():
        chair.click("form[action$='/polls/new'] button[type=submit]")
    match = re.search(r"/polls/(\d+)$", chair.url)
    assert match, f"preparing the vote should lead to the poll page, not {chair.url}"
    poll_id = int(match.group(1))
    expect(chair.locator("#turnout-text")).to_have_count(0)  # a draft: nothing to count yet
    with chair.expect_navigation():
        chair.click("form[action$='/open'] button[type=submit]")
    expect(chair.locator("#turnout-text")).to_have_text(turnout_text(0))
    expect(chair.locator("#turnout-cities li")).to_have_count(ELIGIBLE)
    expect(chair.locator("#turnout-cities li.has-voted")).to_have_count(0)
    return poll_id


def vote_in_browser(voter, poll_id: int, city: str, choice: str, *, axe=None, screenshot=None) -> str:
    """Ballot, confirmation, "your city has voted" with the receipt; returns the receipt."""
    voter.goto(f"/polls/{poll_id}")
    buttons = voter.locator("form.choices button[name=choice]")
    expect(buttons).to_have_count(3)
    assert [buttons.nth(i).get_attribute("value") for i in range(3)] == ["yes", "no", "abstain"]
    if axe:
        axe(voter, "the ballot page")
        screenshot(voter, "voting-ballot")
    with voter.expect_navigation():
        voter.click(f"form.choices button[name=choice][value={choice}]")
    confirm = voter.locator("form.confirm-form")
    expect(confirm.locator("input[name=choice]")).to_have_value(choice)
    expect(voter.locator("main .big")).to_contain_text(city)
    if axe:
        axe(voter, "the confirmation page")
        screenshot(voter, "voting-confirm")
    with voter.expect_navigation():
        confirm.locator("button[type=submit]").click()
    assert voter.url.endswith(f"/polls/{poll_id}")
    expect(voter.locator(".ballot .voted")).to_be_visible()
    expect(voter.locator("form.choices")).to_have_count(0)
    receipt = voter.locator(".voted .receipt").inner_text().strip()
    assert RECEIPT.match(receipt), f"unexpected receipt {receipt!r}"
    if axe:
        axe(voter, "the page after voting")
        screenshot(voter, "voting-voted")
    return receipt


def close_and_read_result(chair, poll_id: int, *, axe=None, screenshot=None):
    if not chair.url.endswith(f"/polls/{poll_id}"):
        chair.goto(f"/polls/{poll_id}")
    with chair.expect_navigation():
        chair.click(f"a[href$='/polls/{poll_id}/close']")
    assert chair.url.endswith(f"/polls/{poll_id}/close")
    if axe:
        axe(chair, "the close confirmation")
        screenshot(chair, "voting-close")
    with chair.expect_navigation():
        chair.click("form[action$='/close'] button[type=submit]")
    assert chair.url.endswith(f"/polls/{poll_id}")
    result = chair.locator("section.result")
    expect(result).to_be_visible()  # at once: the page after the close shows the result
    expect(chair.locator("#turnout-text")).to_have_count(0)
    if axe:
        axe(chair, "the result")
        screenshot(chair, "voting-result")
    counts = result.locator("table.data").first
    return {
        "outcome": result.locator(".outcome"),
        "counts": [int(t) for t in counts.locator("tbody td.num:nth-child(2)").all_inner_texts()],
        "cast": int(counts.locator("tfoot td.num").first.inner_text()),
        "votes": {
            row.locator("th").inner_text(): (row.locator("td").nth(0).inner_text(), row.locator("td code").inner_text())
            for row in result.locator("table.data").nth(1).locator("tbody tr").all()
        },
    }


def test_the_board_admits_assen_and_hilversum_online(
    app, demo, people, new_context, user_page, axe, screenshot, browser_errors
):
    known = ids(app)
    assert set(known["application"]) == {"Assen", "Hilversum"}

    chair = user_page(CHAIR, axe=True)
    assen = prepare_and_open(chair, known["application"]["Assen"])
    hilversum = prepare_and_open(chair, known["application"]["Hilversum"])
    expect(chair.locator("#turnout-cities li", has_text="Hilversum")).to_have_count(0)  # never on its own admission

    # The chair watches the Assen vote; from here on the chair's page must not reload or navigate.
    chair.goto(f"/polls/{assen}")
    expect(chair.locator("#turnout-text")).to_have_text(turnout_text(0))
    chair.evaluate("() => { window.__stillTheSamePage = true; }")
    navigations = []
    chair.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == chair.main_frame else None)

    receipts = {}
    voters = {}
    for number, (city, on_assen, _on_hilversum) in enumerate(BROWSER_VOTERS, start=1):
        first = number == 1
        voter = voters[city] = user_page(board_email(city), axe=first)
        receipts[city] = vote_in_browser(
            voter, assen, city, on_assen, axe=axe if first else None, screenshot=screenshot if first else None
        )
        # The vote has landed (the voter sees the receipt): the chair's count follows by itself within 2 s.
        expect(chair.locator("#turnout-text")).to_have_text(turnout_text(number), timeout=TURNOUT_WITHIN_MS)
        city_tile = chair.locator(f"#turnout-cities li[data-city-id='{known['city'][city]}']")
        expect(city_tile).to_have_class("has-voted", timeout=TURNOUT_WITHIN_MS)
        for secret_word in ("For", "Against", "Abstain", "Voor", "Tegen", "Onthouding"):
            expect(city_tile).not_to_contain_text(secret_word)  # that a city voted, never how
    expect(chair.locator("#turnout-bar")).to_have_attribute("value", str(len(BROWSER_VOTERS)))

    # A second look at the ballot: the city has voted, by whom, and there is nothing left to click.
    first_city = BROWSER_VOTERS[0][0]
    voters[first_city].reload()
    expect(voters[first_city].locator(".ballot .voted")).to_contain_text(demo_board_member(first_city))
    expect(voters[first_city].locator("form.choices")).to_have_count(0)

    others = [
        name
        for name in sorted(known["city"])
        if name not in {c for c, *_ in BROWSER_VOTERS} and name not in ("Assen", "Hilversum")
    ][:SERVICE_VOTERS]
    vote_through_service(app, assen, others)
    cast = len(BROWSER_VOTERS) + SERVICE_VOTERS
    expect(chair.locator("#turnout-text")).to_have_text(turnout_text(cast), timeout=TURNOUT_WITHIN_MS)
    expect(chair.locator("#turnout-cities li.has-voted")).to_have_count(cast, timeout=TURNOUT_WITHIN_MS)
    expect(chair.locator("#turnout-cities li.not-voted")).to_have_count(ELIGIBLE - cast)

    assert chair.evaluate("() => window.__stillTheSamePage === true"), "the chair's page was reloaded"
    assert navigations == [], f"the chair's page navigated: {navigations}"
    axe(chair, "the chair's meeting screen")
    screenshot(chair, "voting-chair")

    result = close_and_read_result(chair, assen, axe=axe, screenshot=screenshot)
    expect(result["outcome"]).to_have_class(re.compile(r"\badopted\b"))
    assert result["counts"] == [SERVICE_VOTERS + 3, 1, 1]
    assert result["cast"] == cast
    for city, choice, _on_hilversum in BROWSER_VOTERS:
        shown_choice, shown_receipt = result["votes"][city]
        assert shown_receipt == receipts[city], f"{city}'s receipt is not in the published result"
        assert shown_choice in CHOICE_LABELS[choice], f"{city} voted {choice}, the result says {shown_choice}"
    assert len(result["votes"]) == cast

    # Hilversum: the same board members vote again, then the chair closes.
    for city, _on_assen, on_hilversum in BROWSER_VOTERS:
        receipts[city] = vote_in_browser(voters[city], hilversum, city, on_hilversum)
    vote_through_service(app, hilversum, others)
    chair.goto(f"/polls/{hilversum}")
    expect(chair.locator("#turnout-text")).to_have_text(turnout_text(cast))
    result = close_and_read_result(chair, hilversum)
    expect(result["outcome"]).to_have_class(re.compile(r"\badopted\b"))
    assert result["counts"] == [SERVICE_VOTERS + 3, 1, 1]

    # A board member who comes back to a closed vote finds the result, and no ballot.
    voters["Zwolle"].goto(f"/polls/{assen}")
    expect(voters["Zwolle"].locator("section.result")).to_be_visible()
    expect(voters["Zwolle"].locator("form.choices")).to_have_count(0)

    # The network as on a date, through the API with a bearer token, over HTTP.
    token = people.token(SECRETARIAT)
    api = chair.context.request
    answers = {}
    for day in ("2017-12-31", "2018-01-01"):
        response = api.get(f"/api/v1/network?on={day}", headers={"Authorization": f"Bearer {token}"})
        assert response.status == 200, response.text()
        answers[day] = response.json()
    assert (answers["2017-12-31"]["name"], answers["2017-12-31"]["member_count"]) == ("G32", 38)
    assert (answers["2018-01-01"]["name"], answers["2018-01-01"]["member_count"]) == ("G40", 40)
    g40 = [n for n in answers["2018-01-01"]["names"] if n["name"] == "G40"]
    assert len(g40) == 1 and g40[0]["valid_from"] == "2018-01-01"
    assert g40[0]["poll_id"] == hilversum, "the fortieth member came in through the Hilversum vote"

    # And on the secretariat's member list.
    secretariat = user_page(SECRETARIAT)
    secretariat.goto("/cities?on=2018-01-01")
    expect(secretariat.locator("#city-table caption")).to_contain_text("G40")
    expect(secretariat.locator("#city-table tbody tr")).to_have_count(40)
    secretariat.goto("/cities?on=2017-12-31")
    expect(secretariat.locator("#city-table caption")).to_contain_text("G32")
    expect(secretariat.locator("#city-table tbody tr")).to_have_count(38)

    assert browser_errors.csp_violations() == []
    assert browser_errors == [], f"the browser reported errors: {browser_errors}"


def test_the_accessibility_and_csp_checks_can_fail(app, demo, user_page, axe_findings, browser_errors):
    """The checks above are not vacuous: axe-core reports a missing label, the CSP stops an inline script."""
    voter = user_page(board_email("Zwolle"), axe=True)
    voter.goto("/polls")
    assert axe_findings(voter) == []
    voter.evaluate("""() => {
        const input = document.createElement('input');
        input.type = 'text';
        document.querySelector('main').appendChild(input);
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true;';
        document.body.appendChild(script);
    }""")
    assert "label" in {v["id"] for v in axe_findings(voter)}
    assert voter.evaluate("() => window.__inlineRan === undefined"), "the CSP let an inline script run"
    voter.wait_for_timeout(200)
    assert browser_errors.csp_violations(), "the refused inline script was not reported"


def open_admission_poll(app, city: str) -> int:
    """Prepare and open the admission vote on `city`'s application through the services (setup, not under test)."""
    from governance.accounts.services import find_user
    from governance.admissions.models import Application
    from governance.members.models import City
    from governance.voting.services import create_poll, open_poll

    with app.app_context():
        application = db.session.scalars(sa.select(Application).join(City).where(City.name == city)).one()
        chair = find_user(CHAIR)
        poll = create_poll(chair, application_id=application.id)
        open_poll(chair, poll)
        db.session.commit()
        return poll.id


def slow_confirmations(app, seconds: float) -> list:
    """Delay every vote confirmation reaching the app by `seconds`; return the list they are counted in."""
    import io
    import time

    seen = []
    inner = app.wsgi_app

    def delayed(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/vote"):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            if b"confirmed=1" in body:
                seen.append(body)
                time.sleep(seconds)
        return inner(environ, start_response)

    app.wsgi_app = delayed
    return seen


def vote_count(app, poll_id: int, city: str) -> tuple[int, int]:
    """(voters recorded for the city, ballots in the poll)."""
    from governance.voting.models import Ballot, PollVoter

    city_id = ids(app)["city"][city]
    with app.app_context():
        voters = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PollVoter)
            .where(PollVoter.poll_id == poll_id, PollVoter.city_id == city_id)
        )
        ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id))
        db.session.rollback()
    return voters, ballots


def test_a_second_click_while_the_vote_is_on_its_way_sends_nothing_more(app, demo, user_page):
    poll_id = open_admission_poll(app, "Assen")
    voter = user_page(board_email("Zwolle"))
    voter.goto(f"/polls/{poll_id}")
    with voter.expect_navigation():
        voter.click("form.choices button[value=yes]")

    # The server takes its time over each confirmation, as on a busy evening; the voter clicks again meanwhile.
    # (Both clicks happen in the page: Playwright's own click would wait for the first navigation to end.)
    confirmations = slow_confirmations(app, seconds=0.6)
    voter.evaluate("""() => {
        const button = document.querySelector('form.confirm-form button[type=submit]');
        button.click();
        window.setTimeout(() => button.click(), 150);
    }""")
    expect(voter).to_have_url(re.compile(rf"/polls/{poll_id}$"))
    expect(voter.locator(".ballot .voted")).to_be_visible()
    assert vote_count(app, poll_id, "Zwolle") == (1, 1)  # the server keeps it to one vote in any case
    assert len(confirmations) == 1, f"the confirmation reached the server {len(confirmations)} times"
    expect(voter.locator(".flash-error")).to_have_count(0)
    expect(voter.locator(".ballot .voted .receipt")).to_have_text(RECEIPT)


def test_a_colleague_of_the_same_city_sees_who_voted(app, demo, people, user_page, axe, browser_errors):
    poll_id = open_admission_poll(app, "Assen")
    voter = user_page(board_email("Zwolle"))
    receipt = vote_in_browser(voter, poll_id, "Zwolle", "no")
    assert vote_count(app, poll_id, "Zwolle") == (1, 1)

    # An alderman of the same city finds the vote already cast, by whom, and no ballot to fill in; in English too.
    _id, alderman = people.user("board", city_id=ids(app)["city"]["Zwolle"], name="Wethouder Zwolle")
    colleague = user_page(alderman, axe=True)
    colleague.goto(f"/polls/{poll_id}")
    expect(colleague.locator(".ballot .voted")).to_contain_text(demo_board_member("Zwolle"))
    expect(colleague.locator(".ballot .voted .receipt")).to_have_count(0)  # the receipt is the voter's alone
    expect(colleague.locator("form.choices")).to_have_count(0)
    with colleague.expect_navigation():
        colleague.click("button[name=lang][value=en]")
    expect(colleague.locator("html")).to_have_attribute("lang", "en")
    expect(colleague.locator(".ballot .voted")).to_contain_text("Your city has voted.")
    axe(colleague, "the ballot of a city that has voted (English)")

    # Sending a confirmation anyway: without the form's CSRF token it is refused (400) before anything happens;
    # with it, the answer says the city has voted and by whom. Nothing more is stored either way.
    forged = colleague.request.post(f"/polls/{poll_id}/vote", form={"choice": "yes", "confirmed": "1"}, max_redirects=0)
    assert forged.status == 400
    token = colleague.locator("input[name=csrf_token]").first.get_attribute("value")
    colleague.goto(f"/polls/{poll_id}")
    with colleague.expect_navigation():
        colleague.evaluate(
            """(token) => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = location.pathname + '/vote';
            for (const [name, value] of [['csrf_token', token], ['choice', 'yes'], ['confirmed', '1']]) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""",
            token,
        )
    expect(colleague.locator(".flash-error")).to_contain_text("Zwolle")
    expect(colleague.locator(".flash-error")).to_contain_text(demo_board_member("Zwolle"))
    assert vote_count(app, poll_id, "Zwolle") == (1, 1)
    assert RECEIPT.match(receipt)
    assert browser_errors == [], f"the browser reported errors: {browser_errors}"
