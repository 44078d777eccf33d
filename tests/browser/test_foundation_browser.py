"""In a real browser: the secretariat keeps the member registry; a board member is kept out of it."""

import datetime as dt
import re

import pytest
from babel.numbers import format_decimal
from playwright.sync_api import expect

from governance.extensions import db

pytestmark = pytest.mark.browser

NEW_CITY = "Súdwest-Fryslân"
NEW_CODE = "GM1900"
FIRST_FIGURE = 89_583
NEW_FIGURE = 89_999


def network_total_today(app) -> int:
    from governance.members.services import total_population_on

    with app.app_context():
        total = total_population_on(dt.date.today())
        db.session.rollback()
    return total


def test_secretariat_adds_a_city_and_a_population_figure(app, people, page, log_in):
    people.city("'s-Gravenhage", population=524_882, code="GM0518", province="Zuid-Holland")
    people.city("Zwolle", population=125_548, code="GM0193", province="Overijssel")
    _id, email = people.user("secretariat")
    log_in(page, email)

    page.goto("/cities/new")
    page.fill("#name", NEW_CITY)
    page.fill("#cbs_code", NEW_CODE)
    page.select_option("#province", "Friesland")
    page.fill("#population", str(FIRST_FIGURE))
    page.fill("#population_date", "2017-01-01")
    page.fill("#population_source", "CBS")
    page.fill("#joined_on", "2017-06-01")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert re.search(r"/cities/\d+$", page.url), f"expected the new city's page, got {page.url}"
    expect(page.locator("h1")).to_have_text(NEW_CITY)
    expect(page.locator(".flash-success")).to_contain_text(NEW_CITY)
    city_url = page.url

    page.fill("#population", str(NEW_FIGURE))
    page.fill("#population_date", "2018-01-01")
    page.fill("#population_source", "CBS, 1 januari 2018")
    with page.expect_navigation():
        page.click("form[action$='/population'] button[type=submit]")
    assert page.url == city_url
    expect(page.locator(".flash-success")).to_contain_text(NEW_CITY)
    figures = page.locator("main table.data").nth(1).locator("tbody td.num")
    expect(figures).to_have_text([format_decimal(NEW_FIGURE, locale="nl"), format_decimal(FIRST_FIGURE, locale="nl")])

    page.goto("/cities")
    row = page.locator("#city-table tbody tr", has=page.get_by_role("link", name=NEW_CITY, exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("td.num")).to_have_text(format_decimal(NEW_FIGURE, locale="nl"))
    expect(row.locator("td").first).to_have_text(NEW_CODE)
    expect(page.get_by_role("link", name="'s-Gravenhage", exact=True)).to_be_visible()

    total = network_total_today(app)
    assert total == 524_882 + 125_548 + NEW_FIGURE
    expect(page.locator("#total-population")).to_have_text(format_decimal(total, locale="nl"))
    expect(page.locator("#total-population")).to_have_text("740.429")


def test_markup_typed_by_a_user_is_refused_or_shown_as_text(app, people, page, log_in):
    """Markup in a name is refused next to the field; markup in a source is stored and shown as plain text."""
    _id, email = people.user("secretariat")
    log_in(page, email)
    page.goto("/cities/new")
    hostile = "<b id='injected'>Bad</b>'s-Stad"
    page.fill("#name", hostile)
    page.fill("#cbs_code", "GM1901")
    page.select_option("#province", "Utrecht")
    page.fill("#population", "60000")
    page.fill("#population_date", "2017-01-01")
    page.fill("#joined_on", "2017-06-01")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.click("main form button[type=submit]")
    assert refused.value.status == 422
    expect(page.locator("#name-error")).to_be_visible()
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name")).to_have_value(hostile)
    expect(page.locator("#injected")).to_have_count(0)

    page.fill("#name", "'s-Hertogenbosch")
    page.fill("#population_source", "<b id='injected'>CBS</b> & co")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("'s-Hertogenbosch")
    source_cell = page.locator("main table.data").nth(1).locator("tbody td").nth(2)
    expect(source_cell).to_have_text("<b id='injected'>CBS</b> & co")
    expect(page.locator("#injected")).to_have_count(0)
    page.goto("/cities")
    expect(page.get_by_role("link", name="'s-Hertogenbosch", exact=True)).to_be_visible()


# /cities, each city's page and /applications are open to every role (read-only, as the API answers them):
# see tests/test_permissions.py for every route.
@pytest.mark.parametrize("path", ["/cities/new", "/accounts"])
def test_a_board_member_is_refused_the_secretariat_pages(app, people, page, log_in, path):
    city_id = people.city("Leeuwarden", population=108_249, code="GM0080", province="Friesland")
    _id, email = people.user("board", city_id=city_id)
    log_in(page, email)

    response = page.goto(path)
    assert response.status == 403, f"{path} answered {response.status} for a board member"
    expect(page.locator("#city-table")).to_have_count(0)
    expect(page.locator("main form input#email")).to_have_count(0)
    # The refusal is a page of the app, still logged in: the menu and the logout button are there.
    expect(page.locator("form[action$='/logout']")).to_have_count(1)

    response = page.goto(f"/cities/{city_id}/edit")
    assert response.status == 403
    # The city's own page reads, without the secretariat's tools.
    response = page.goto(f"/cities/{city_id}")
    assert response.status == 200
    expect(page.locator("form[action$='/population']")).to_have_count(0)
